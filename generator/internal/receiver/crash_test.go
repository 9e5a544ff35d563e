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
)

// childEnv makes the test binary run as a receiver process (see TestMain),
// so the crash test can kill a real process with SIGKILL.
const childEnv = "BCS_RECEIVER_CHILD"

// runChild serves the forms in $BCS_CHILD_FORMS into $BCS_CHILD_DB on a
// loopback port it prints, until it is killed.
func runChild() {
	store, err := Open(os.Getenv("BCS_CHILD_DB"))
	if err != nil {
		fmt.Println("ERROR", err)
		os.Exit(1)
	}
	h, err := New(Config{Forms: os.Getenv("BCS_CHILD_FORMS"), Store: store})
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

func startChild(t *testing.T, db string) (*exec.Cmd, string) {
	t.Helper()
	cmd := exec.Command(os.Args[0], "-test.run=^$")
	cmd.Env = append(os.Environ(), childEnv+"=1", "BCS_CHILD_DB="+db, "BCS_CHILD_FORMS="+formsDir(t))
	out, err := cmd.StdoutPipe()
	if err != nil {
		t.Fatal(err)
	}
	cmd.Stderr = os.Stderr
	if err := cmd.Start(); err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() { cmd.Process.Kill(); cmd.Wait() })
	line := make(chan string, 1)
	go func() {
		s, _ := bufio.NewReader(out).ReadString('\n')
		line <- s
	}()
	select {
	case l := <-line:
		addr, ok := strings.CutPrefix(strings.TrimSpace(l), "ADDR ")
		if !ok {
			t.Fatalf("receiver process: %q", l)
		}
		return cmd, "http://" + addr
	case <-time.After(30 * time.Second):
		t.Fatal("receiver process did not start")
	}
	return nil, ""
}

// TestCrashLosesNothingAcknowledged kills the receiver with SIGKILL in the
// middle of a load run, restarts it on the same database, and checks that
// every submission that was answered with success is there.
func TestCrashLosesNothingAcknowledged(t *testing.T) {
	db := filepath.Join(t.TempDir(), "s.db")
	cmd, base := startChild(t, db)
	var mu sync.Mutex
	acked := map[string]bool{}
	client := &http.Client{Timeout: 10 * time.Second}
	send := func(base string) (string, error) {
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
