package receiver

import (
	"bufio"
	"bytes"
	"context"
	"database/sql"
	"fmt"
	"net"
	"net/http"
	"net/url"
	"os"
	"path/filepath"
	"strings"
	"syscall"
	"testing"
	"time"
)

// TestForgedForwardedFor: behind the trusted proxy, a client that sends its
// own X-Forwarded-For (a new address each time, as a first header line or
// first entry) is still limited by the address the proxy appended.
func TestForgedForwardedFor(t *testing.T) {
	s := newServer(t, func(c *Config) { c.TrustProxy, c.RatePer, c.RateBurst = true, time.Hour, 5 })
	accepted := 0
	for i := range 20 {
		req, _ := http.NewRequest(http.MethodPost, s.URL+"/api/contact", strings.NewReader(goodPost().Encode()))
		req.Header.Set("Content-Type", "application/x-www-form-urlencoded")
		req.Header.Set("Origin", origin)
		forged := fmt.Sprintf("198.51.100.%d", i)
		if i%2 == 0 {
			req.Header.Add("X-Forwarded-For", forged)        // the client's own line
			req.Header.Add("X-Forwarded-For", "203.0.113.7") // the line the proxy added
		} else {
			req.Header.Set("X-Forwarded-For", forged+", 203.0.113.7")
		}
		res, err := noRedirect.Do(req)
		if err != nil {
			t.Fatal(err)
		}
		res.Body.Close()
		if res.StatusCode == http.StatusSeeOther {
			accepted++
		}
	}
	if accepted != 5 {
		t.Errorf("%d of 20 posts accepted from one client behind the proxy, want 5", accepted)
	}
}

func TestClientAddress(t *testing.T) {
	h := &Handler{}
	for remote, want := range map[string]string{
		"192.0.2.1:5000":              "192.0.2.1",
		"[2001:db8:1:2:3:4:5:6]:5000": "2001:db8:1:2::/64",
		"[2001:db8:1:2:ffff::1]:1":    "2001:db8:1:2::/64",
		"[::ffff:192.0.2.9]:1":        "192.0.2.9",
	} {
		if got := h.client(&http.Request{RemoteAddr: remote, Header: http.Header{}}); got != want {
			t.Errorf("%s: client %q, want %q", remote, got, want)
		}
	}
}

// TestMistakesDoNotUseTheAllowance: a sender who gets the form wrong five
// times can still send it right, twice, with a burst of two.
func TestMistakesDoNotUseTheAllowance(t *testing.T) {
	s := newServer(t, func(c *Config) { c.RatePer, c.RateBurst = time.Hour, 2 })
	bad := goodPost()
	bad.Set("email", "not an address")
	for range 5 {
		if a := post(t, s.URL+"/api/contact", bad.Encode(), nil); a.status != http.StatusUnprocessableEntity {
			t.Fatalf("a post with a mistake: %d", a.status)
		}
	}
	for i := range 2 {
		if a := post(t, s.URL+"/api/contact", goodPost().Encode(), nil); a.status != http.StatusSeeOther {
			t.Errorf("good post %d after five mistakes: %d", i+1, a.status)
		}
	}
	if a := post(t, s.URL+"/api/contact", goodPost().Encode(), nil); a.status != http.StatusTooManyRequests {
		t.Errorf("a third good post: %d", a.status)
	}
}

// TestExpectContinueTooLarge: a client announcing 10 MB and waiting for
// "100 Continue" is told 413, with the page, before it sends a byte.
func TestExpectContinueTooLarge(t *testing.T) {
	s := newServer(t, nil)
	conn, err := net.Dial("tcp", strings.TrimPrefix(s.URL, "http://"))
	if err != nil {
		t.Fatal(err)
	}
	defer conn.Close()
	conn.SetDeadline(time.Now().Add(20 * time.Second))
	fmt.Fprintf(conn, "POST /api/contact HTTP/1.1\r\nHost: x\r\nOrigin: %s\r\nContent-Type: application/x-www-form-urlencoded\r\nContent-Length: %d\r\nExpect: 100-continue\r\n\r\n", origin, 10<<20)
	res, err := http.ReadResponse(bufio.NewReader(conn), nil)
	if err != nil {
		t.Fatal(err)
	}
	defer res.Body.Close()
	var body bytes.Buffer
	body.ReadFrom(res.Body)
	if res.StatusCode != http.StatusRequestEntityTooLarge || !strings.Contains(body.String(), "too large to send") {
		t.Errorf("answer %d %q", res.StatusCode, body.String())
	}
}

// TestErasedAnswersLeaveTheFile: after purge and erase, the answers are in
// neither the database file nor its write-ahead log.
func TestErasedAnswersLeaveTheFile(t *testing.T) {
	for _, how := range []string{"purge", "erase"} {
		t.Run(how, func(t *testing.T) {
			path := filepath.Join(t.TempDir(), "s.db")
			st, err := Open(path)
			if err != nil {
				t.Fatal(err)
			}
			ctx := context.Background()
			const secret = "Zanzibar-marker-8127"
			sub := packSubmission("gone")
			sub.Answers[8][1] = secret
			sub.ReceivedAt = time.Date(2020, 1, 1, 0, 0, 0, 0, time.UTC)
			st.Insert(ctx, sub, Job{Channel: ChannelWebhook, Payload: []byte(`{"text":"` + secret + `"}`)})
			st.Insert(ctx, packSubmission("kept"))
			if !inFiles(t, path, secret) {
				t.Fatal("the marker is not in the files before it is deleted: the test cannot see anything")
			}
			var n int64
			if how == "purge" {
				n, err = st.Purge(ctx, time.Date(2021, 1, 1, 0, 0, 0, 0, time.UTC))
			} else {
				n, err = st.Erase(ctx, "ANN.smith@nhs.net ")
				if n != 2 {
					t.Errorf("erase took %d submissions, want both of that address", n)
				}
			}
			if err != nil || n == 0 {
				t.Fatalf("%s: %d %v", how, n, err)
			}
			if inFiles(t, path, secret) {
				t.Errorf("after %s the answer can still be read in the database files", how)
			}
			st.Close()
		})
	}
}

func inFiles(t testing.TB, path, s string) bool {
	for _, p := range []string{path, path + "-wal"} {
		b, err := os.ReadFile(p)
		if err != nil && !os.IsNotExist(err) {
			t.Fatal(err)
		}
		if bytes.Contains(b, []byte(s)) {
			return true
		}
	}
	return false
}

// TestDatabaseFilesOwnerOnly: under umask 022 the database and its -wal
// and -shm are created 0600, and an existing 0644 file is tightened.
func TestDatabaseFilesOwnerOnly(t *testing.T) {
	old := syscall.Umask(0o022)
	defer syscall.Umask(old)
	dir := t.TempDir()
	existing := filepath.Join(dir, "old.db")
	os.WriteFile(existing, nil, 0o644)
	for _, path := range []string{filepath.Join(dir, "new.db"), existing} {
		st, err := Open(path)
		if err != nil {
			t.Fatal(err)
		}
		st.Insert(context.Background(), packSubmission("p"))
		for _, p := range []string{path, path + "-wal", path + "-shm"} {
			fi, err := os.Stat(p)
			if err != nil {
				t.Fatal(err)
			}
			if fi.Mode().Perm() != 0o600 {
				t.Errorf("%s: mode %v, want -rw-------", filepath.Base(p), fi.Mode().Perm())
			}
		}
		st.Close()
	}
}

// TestMigrateFromVersion1: a database written by the first version keeps
// its submissions, gains the outbox, and can be searched by address.
func TestMigrateFromVersion1(t *testing.T) {
	path := filepath.Join(t.TempDir(), "v1.db")
	db, err := sql.Open("sqlite", "file:"+(&url.URL{Path: path}).EscapedPath())
	if err != nil {
		t.Fatal(err)
	}
	for _, q := range []string{
		`CREATE TABLE submissions (id TEXT PRIMARY KEY, form TEXT NOT NULL, received_at TEXT NOT NULL, answers TEXT NOT NULL) STRICT`,
		`INSERT INTO submissions VALUES ('old', 'contact', '2026-01-02T03:04:05.000Z', '[["name","Bo"],["email","Bo@Example.org"]]')`,
		`PRAGMA user_version = 1`,
	} {
		if _, err := db.Exec(q); err != nil {
			t.Fatal(err)
		}
	}
	db.Close()
	st, err := Open(path)
	if err != nil {
		t.Fatal(err)
	}
	defer st.Close()
	var found []string
	st.ByEmail(context.Background(), "bo@example.org", func(s Submission) error { found = append(found, s.ID); return nil })
	if len(found) != 1 || found[0] != "old" {
		t.Errorf("found %v by address after the migration", found)
	}
	if err := st.Insert(context.Background(), packSubmission("new"), Job{Channel: ChannelEmail, Payload: []byte("x"), Envelope: "{}"}); err != nil {
		t.Errorf("the migrated database takes no jobs: %v", err)
	}
}
