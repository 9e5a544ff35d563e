package preview

import (
	"fmt"
	"net"
	"net/http"
	"strings"
	"time"

	"github.com/bcs/publish/generator/internal/receiver"
)

// The preview serves drafts and a live-reload stream to whoever can reach
// it. Listening on loopback keeps other machines out, but not other web
// sites: a page on evil.example can make its name resolve to 127.0.0.1
// (DNS rebinding), and the browser then sends the preview requests that are
// same-origin for that page, so it could read drafts and the event stream.
// Those requests carry the attacker's name in their Host header, so the
// preview answers only requests whose Host names this machine in a way no
// DNS answer can change, or the host it was told to listen on.

// hostGuard decides which Host headers the preview answers.
type hostGuard struct {
	listen string // the host part of the listen address, lower case; "" when none was given
}

// newHostGuard accepts, besides the loopback names, the host of addr (the
// -addr flag), so `-addr 192.168.1.5:1313` can be opened as
// http://192.168.1.5:1313/ from another device. An address without a host
// (":1313") adds nothing: open it as localhost.
func newHostGuard(addr string) hostGuard {
	host, _, err := net.SplitHostPort(addr)
	if err != nil {
		host = addr
	}
	return hostGuard{listen: strings.ToLower(host)}
}

// allows says whether a request with this Host header (port ignored) is
// for the preview: localhost, a loopback IP literal (127.0.0.0/8, ::1) or
// the listen host. An empty Host (HTTP/1.0 without one) is refused.
func (g hostGuard) allows(hostHeader string) bool {
	host := strings.ToLower(hostOnly(hostHeader))
	if host == "" {
		return false
	}
	if receiver.IsLoopback(host) {
		return true
	}
	if g.listen == "" {
		return false
	}
	if ip, listenIP := net.ParseIP(host), net.ParseIP(g.listen); ip != nil && listenIP != nil {
		return ip.Equal(listenIP) // "::" and "0:0::0" are one address
	}
	return host == g.listen
}

// hostOnly is a Host header without its port and IPv6 brackets.
func hostOnly(h string) string {
	if host, _, err := net.SplitHostPort(h); err == nil {
		return host
	}
	return strings.TrimSuffix(strings.TrimPrefix(h, "["), "]")
}

// accepted lists the hosts the guard allows, for the refusal message.
func (g hostGuard) accepted() string {
	list := "localhost, 127.0.0.1 (any 127.x.x.x) and [::1]"
	switch {
	case g.listen == "" || receiver.IsLoopback(g.listen):
		return list
	case strings.Contains(g.listen, ":"):
		return list + " and [" + g.listen + "]"
	}
	return list + " and " + g.listen
}

// refuse answers a request for another host with 421 Misdirected Request:
// the request reached this server, but it does not serve that name.
func (g hostGuard) refuse(w http.ResponseWriter, r *http.Request) {
	w.Header().Set("Content-Type", "text/plain; charset=utf-8")
	w.Header().Set("X-Content-Type-Options", "nosniff")
	w.Header().Set("Cache-Control", "no-store")
	w.WriteHeader(http.StatusMisdirectedRequest)
	fmt.Fprintf(w, "bcs serve: this preview answers requests for %s only, not for Host %q.\n"+
		"Open it at one of those names (a page on another site may be trying to read it through DNS rebinding).\n",
		g.accepted(), r.Host)
}

// newHTTPServer is the preview's http.Server. Reading a request is bounded
// (a client that sends its headers or a form post slowly, or keeps idle
// connections open, cannot hold the server's resources for ever), but
// writing is not: there is no WriteTimeout, because it would cut every
// live-reload event stream, a response that lasts as long as its tab is
// open, after that time. The event stream also lifts the ReadTimeout for its
// own connection (see hub.ServeHTTP).
func newHTTPServer(h http.Handler) *http.Server {
	return &http.Server{
		Handler:           h,
		ReadHeaderTimeout: 10 * time.Second,
		ReadTimeout:       30 * time.Second, // headers and body: a form post is a few kilobytes
		IdleTimeout:       2 * time.Minute,
		MaxHeaderBytes:    64 << 10,
	}
}
