package receiver

import (
	"bufio"
	"context"
	"encoding/json"
	"fmt"
	"net"
	"net/http"
	"os"
	"os/exec"
	"path/filepath"
	"strings"
	"sync"
	"testing"
	"time"

	"github.com/bcs/publish/generator/internal/smtptest"
)

// childEnv makes the test binary run as a receiver process (see TestMain),
// so the crash test can kill a real process with SIGKILL.
const childEnv = "BCS_RECEIVER_CHILD"

// runChild serves the forms in $BCS_CHILD_FORMS into $BCS_CHILD_DB on a
// loopback port it prints, until it is killed; with $BCS_CHILD_SMTP it also
// delivers each submission by email to that server, as bcs receive does.
func runChild() {
	store, err := Open(os.Getenv("BCS_CHILD_DB"))
	if err != nil {
		fmt.Println("ERROR", err)
		os.Exit(1)
	}
	cfg := Config{Forms: os.Getenv("BCS_CHILD_FORMS"), Store: store}
	if addr := os.Getenv("BCS_CHILD_SMTP"); addr != "" {
		cfg.Deliver = smtpDeliverer(&SMTP{Addr: addr, Security: NoTLS})
		cfg.Deliver.Store = store
		go cfg.Deliver.Run(context.Background())
	}
	h, err := New(cfg)
	if err != nil {
		fmt.Println("ERROR", err)
		os.Exit(1)
	}
	ln, err := net.Listen("tcp", "127.0.0.1:0")
	if err != nil {
		fmt.Println("ERROR", err)
		os.Exit(1)
	}
	fmt.Println("ADDR", ln.Addr())
	http.Serve(ln, h)
}

func startChild(t *testing.T, db string, env ...string) (*exec.Cmd, string) {
	t.Helper()
	cmd := exec.Command(os.Args[0], "-test.run=^$")
	cmd.Env = append(os.Environ(), childEnv+"=1", "BCS_CHILD_DB="+db, "BCS_CHILD_FORMS="+formsDir(t))
	cmd.Env = append(cmd.Env, env...)
	out, err := cmd.StdoutPipe()
	if err != nil {
		t.Fatal(err)
	}
	cmd.Stderr = os.Stderr
	if err := cmd.Start(); err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() { cmd.Process.Kill(); cmd.Wait() })
	// The child's first line, or its end: no deadline of our own (a slow
	// -race run on 2 cores once took over 30 s); a hang is the go test
	// -timeout's, which prints every stack.
	l, err := bufio.NewReader(out).ReadString('\n')
	addr, ok := strings.CutPrefix(strings.TrimSpace(l), "ADDR ")
	if !ok {
		t.Fatalf("the receiver process did not start: %q (%v)", l, err)
	}
	return cmd, "http://" + addr
}

// postGood posts a good submission to the child at base and returns the id
// it was acknowledged with.
func postGood(client *http.Client, base string) (string, error) {
	req, _ := http.NewRequest(http.MethodPost, base+"/api/contact", strings.NewReader(goodPost().Encode()))
	req.Header.Set("Content-Type", "application/x-www-form-urlencoded")
	req.Header.Set("Origin", origin)
	req.Header.Set("Accept", "application/json")
	res, err := client.Do(req)
	if err != nil {
		return "", err
	}
	defer res.Body.Close()
	var j jsonReply
	if err := json.NewDecoder(res.Body).Decode(&j); err != nil || !j.OK {
		return "", fmt.Errorf("answer %d (%v)", res.StatusCode, err)
	}
	return j.ID, nil
}

// TestKilledProcessLosesNothingAcknowledgedWAL kills the receiver with
// SIGKILL in the middle of a load run, restarts it on the same database,
// and checks that every submission that was answered with success is there.
//
// What this proves is WAL recovery after a process dies: the kernel still
// holds every write the process made, so nothing here depends on fsync. A
// power cut is what fsync is for, and only synchronous=FULL (each commit's
// WAL frames synced before the answer) makes a commit survive one; the test
// asserts that setting, since a machine-level crash cannot be staged here.
func TestKilledProcessLosesNothingAcknowledgedWAL(t *testing.T) {
	db := filepath.Join(t.TempDir(), "s.db")
	cmd, base := startChild(t, db)
	var mu sync.Mutex
	acked := map[string]bool{}
	client := &http.Client{Timeout: 10 * time.Second}
	send := func(base string) (string, error) { return postGood(client, base) }
	var wg sync.WaitGroup
	for range 16 {
		wg.Go(func() {
			for {
				id, err := send(base)
				if err != nil {
					return // the process is gone
				}
				mu.Lock()
				acked[id] = true
				mu.Unlock()
			}
		})
	}
	deadline := time.Now().Add(60 * time.Second)
	for {
		mu.Lock()
		n := len(acked)
		mu.Unlock()
		if n >= 300 {
			break
		}
		if time.Now().After(deadline) {
			t.Fatalf("only %d submissions acknowledged in 60 s", n)
		}
		time.Sleep(5 * time.Millisecond)
	}
	if err := cmd.Process.Kill(); err != nil { // SIGKILL: no chance to flush or close
		t.Fatal(err)
	}
	wg.Wait()
	cmd.Wait()

	// Restart on the same file: it opens, recovers the WAL and takes posts.
	_, base = startChild(t, db)
	id, err := send(base)
	if err != nil {
		t.Fatalf("after restart: %v", err)
	}
	acked[id] = true

	st, err := Open(db)
	if err != nil {
		t.Fatal(err)
	}
	defer st.Close()
	if err := st.Check(context.Background()); err != nil {
		t.Fatal(err)
	}
	var journal string
	var synchronous int
	if err := st.db.QueryRow("PRAGMA journal_mode").Scan(&journal); err != nil || journal != "wal" {
		t.Errorf("journal_mode %q (%v), want wal", journal, err)
	}
	if err := st.db.QueryRow("PRAGMA synchronous").Scan(&synchronous); err != nil || synchronous != 2 {
		t.Errorf("synchronous = %d (%v), want 2 (FULL): without it an acknowledged post can be lost in a power cut", synchronous, err)
	}
	stored := map[string]bool{}
	st.All(context.Background(), func(sub Submission) error { stored[sub.ID] = true; return nil })
	missing := 0
	for id := range acked {
		if !stored[id] {
			missing++
		}
	}
	if missing > 0 {
		t.Fatalf("%d of %d acknowledged submissions are missing after the crash", missing, len(acked))
	}
	t.Logf("%d acknowledged before and after the kill, all stored (%d rows: posts in flight at the kill may be stored unacknowledged)", len(acked), len(stored))
}

// TestCrashDuringDelivery kills the receiver with SIGKILL while it is both
// taking posts and sending them by email to a real SMTP server, restarts it
// on the same database, and checks that every acknowledged submission
// arrives, and that a message sent twice (accepted by the server just
// before the kill, so not yet recorded as sent) is the same message both
// times: same Message-ID, same bytes.
func TestCrashDuringDelivery(t *testing.T) {
	mta := smtptest.Start(t, smtptest.Options{})
	db := filepath.Join(t.TempDir(), "s.db")
	smtpEnv := "BCS_CHILD_SMTP=" + mta.Addr()
	cmd, base := startChild(t, db, smtpEnv)
	client := &http.Client{Timeout: 10 * time.Second}
	var mu sync.Mutex
	var acked []string
	var wg sync.WaitGroup
	const posts = 80 // enough that delivery is mid-way at the kill, few enough to send in seconds
	for range 4 {
		wg.Go(func() {
			for {
				mu.Lock()
				enough := len(acked) >= posts
				mu.Unlock()
				if enough {
					return
				}
				id, err := postGood(client, base)
				if err != nil {
					return // the process is gone
				}
				mu.Lock()
				acked = append(acked, id)
				mu.Unlock()
			}
		})
	}
	// Kill once deliveries are under way.
	deadline := time.Now().Add(60 * time.Second)
	for len(mta.Messages()) < 20 {
		if time.Now().After(deadline) {
			t.Fatalf("only %d messages delivered in 60 s", len(mta.Messages()))
		}
		time.Sleep(2 * time.Millisecond)
	}
	if err := cmd.Process.Kill(); err != nil {
		t.Fatal(err)
	}
	wg.Wait()
	cmd.Wait()
	before := len(mta.Messages())

	startChild(t, db, smtpEnv)
	want := map[string]bool{}
	for _, id := range acked {
		want[messageID(id)] = true
	}
	deadline = time.Now().Add(120 * time.Second)
	for {
		got := byMessageID(t, mta.Messages())
		missing := 0
		for id := range want {
			if len(got[id]) == 0 {
				missing++
			}
		}
		if missing == 0 {
			dups := sameMessages(t, got)
			t.Logf("%d acknowledged; %d messages by the kill, %d in all, %d sent again after the restart (identical)", len(acked), before, len(mta.Messages()), dups)
			if dups > 1 {
				t.Errorf("%d resends: one delivery at a time can leave at most one sent-but-unrecorded", dups)
			}
			return
		}
		if time.Now().After(deadline) {
			t.Fatalf("%d of %d acknowledged submissions never arrived after the restart", missing, len(want))
		}
		time.Sleep(10 * time.Millisecond)
	}
}
