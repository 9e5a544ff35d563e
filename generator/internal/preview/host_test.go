package preview

import (
	"bufio"
	"io"
	"net/http"
	"net/http/httptest"
	"net/url"
	"path/filepath"
	"strings"
	"testing"
	"time"
)

func TestHostGuard(t *testing.T) {
	for _, tc := range []struct {
		addr, host string
		want       bool
	}{
		{"127.0.0.1:1313", "localhost:1313", true},
		{"127.0.0.1:1313", "LOCALHOST", true},
		{"127.0.0.1:1313", "127.0.0.1:1313", true},
		{"127.0.0.1:1313", "127.1.2.3:80", true},
		{"127.0.0.1:1313", "[::1]:1313", true},
		{"127.0.0.1:1313", "[::1]", true},
		{"127.0.0.1:1313", "evil.example:1313", false},
		{"127.0.0.1:1313", "evil.example", false},
		{"127.0.0.1:1313", "localhost.evil.example", false},
		{"127.0.0.1:1313", "app.localhost", false},
		{"127.0.0.1:1313", "127.0.0.1.evil.example", false},
		{"127.0.0.1:1313", "192.168.1.5:1313", false},
		{"127.0.0.1:1313", "", false},
		{"192.168.1.5:1313", "192.168.1.5:1313", true},
		{"192.168.1.5:1313", "192.168.1.6:1313", false},
		{"0.0.0.0:1313", "0.0.0.0:1313", true},
		{"0.0.0.0:1313", "192.168.1.5:1313", false},
		{"[::]:1313", "[::]:1313", true},
		{"[::]:1313", "[0:0::0]:1313", true},
		{":1313", "localhost:1313", true},
		{":1313", "evil.example:1313", false},
		{"preview.lan:1313", "Preview.LAN:1313", true},
	} {
		if got := newHostGuard(tc.addr).allows(tc.host); got != tc.want {
			t.Errorf("listening on %q, Host %q: allowed %v, want %v", tc.addr, tc.host, got, tc.want)
		}
	}
	if msg := newHostGuard("0.0.0.0:1313").accepted(); !strings.Contains(msg, "localhost") || !strings.HasSuffix(msg, " and 0.0.0.0") {
		t.Errorf("accepted hosts: %s", msg)
	}
}

// getHost requests path from the server at base with the given Host header.
func getHost(t *testing.T, base, host, path string) (int, http.Header, string) {
	t.Helper()
	req, err := http.NewRequest(http.MethodGet, base+path, nil)
	if err != nil {
		t.Fatal(err)
	}
	req.Host = host
	res, err := http.DefaultClient.Do(req)
	if err != nil {
		t.Fatal(err)
	}
	defer res.Body.Close()
	if res.Header.Get("Content-Type") == "text/event-stream" {
		// An open stream: its first lines are enough, and it never ends.
		line, _ := bufio.NewReader(res.Body).ReadString('\n')
		return res.StatusCode, res.Header, line
	}
	b, _ := io.ReadAll(res.Body)
	return res.StatusCode, res.Header, string(b)
}

// TestForeignHostRefused: a page whose name was made to resolve to
// 127.0.0.1 (DNS rebinding) gets no page, draft, script or event from the
// preview; the loopback names get them all.
func TestForeignHostRefused(t *testing.T) {
	root := project(t)
	write(t, filepath.Join(root, "content/guide/secret.md"), "---\ntitle: Secret\ndescription: d\ndraft: true\n---\nDraft words.\n")
	r := start(t, root)
	u, err := url.Parse(r.url)
	if err != nil {
		t.Fatal(err)
	}
	port := u.Port()
	paths := []struct{ path, want string }{
		{"/", "data-version"},
		{"/guide/secret/", "Draft words."},
		{"/_bcs/events", "retry:"},
		{"/_bcs/live.js", "EventSource"},
		{"/nowhere/", "Not found"},
	}
	for _, host := range []string{"evil.example:" + port, "evil.example", "localhost.evil.example:" + port} {
		for _, p := range paths {
			status, h, body := getHost(t, r.url, host, p.path)
			if status != http.StatusMisdirectedRequest || strings.Contains(body, p.want) ||
				h.Get("Content-Type") != "text/plain; charset=utf-8" || !strings.Contains(body, "localhost, 127.0.0.1") {
				t.Errorf("Host %s, GET %s: %d %s\n%.200s", host, p.path, status, h.Get("Content-Type"), body)
			}
		}
	}
	for _, host := range []string{"localhost:" + port, "127.0.0.1:" + port} {
		for _, p := range paths {
			status, _, body := getHost(t, r.url, host, p.path)
			if status == http.StatusMisdirectedRequest || !strings.Contains(body, p.want) {
				t.Errorf("Host %s, GET %s: %d, want %q in\n%.200s", host, p.path, status, p.want, body)
			}
		}
	}
}

func TestHTTPServerLimits(t *testing.T) {
	srv := newHTTPServer(http.NotFoundHandler())
	if srv.ReadHeaderTimeout <= 0 || srv.ReadTimeout <= 0 || srv.IdleTimeout <= 0 || srv.MaxHeaderBytes <= 0 {
		t.Errorf("unbounded reads: header %v, read %v, idle %v, header bytes %d",
			srv.ReadHeaderTimeout, srv.ReadTimeout, srv.IdleTimeout, srv.MaxHeaderBytes)
	}
	if srv.WriteTimeout != 0 {
		t.Errorf("WriteTimeout %v would cut the event streams", srv.WriteTimeout)
	}
}

// TestStreamOutlivesTimeouts: with the preview's server settings, an event
// stream stays open past the read timeouts (shortened here), so a tab is
// not cut off after them.
func TestStreamOutlivesTimeouts(t *testing.T) {
	h := newHub()
	srv := httptest.NewUnstartedServer(h)
	const readTimeout = 20 * time.Millisecond
	srv.Config = newHTTPServer(h)
	srv.Config.ReadHeaderTimeout = readTimeout
	srv.Config.ReadTimeout = readTimeout
	srv.Start()
	t.Cleanup(srv.Close)
	t.Cleanup(h.close)
	h.publish(newEvent(evReady, map[string]int{"version": 1}), newEvent(evReady, map[string]int{"version": 1}))
	s := listen(t, srv.URL)
	s.next(t, evReady)
	// Nothing signals that a deadline did not fire: let it pass several
	// times over, then the stream must still deliver.
	time.Sleep(10 * readTimeout)
	h.publish(newEvent(evChange, map[string]any{"version": 2, "pages": []string{"/a/"}}), newEvent(evReady, map[string]int{"version": 2}))
	s.next(t, evChange)
}
