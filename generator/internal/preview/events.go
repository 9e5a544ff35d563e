package preview

import (
	"encoding/json"
	"fmt"
	"net/http"
	"sync"
	"time"
)

// hub is the Server-Sent Events broker: every open preview tab holds one
// stream; the server sends each build's outcome to all of them, and the
// last outcome to a tab that (re)connects.
type hub struct {
	mu      sync.Mutex
	clients map[chan event]bool
	last    event // replayed to new clients
	closed  bool
	done    chan struct{}
}

// event is one message: its SSE event name and JSON data.
type event struct {
	name string
	data []byte
}

func newHub() *hub {
	return &hub{clients: map[chan event]bool{}, done: make(chan struct{})}
}

// The events the browser script listens for.
const (
	evReady  = "ready"      // the current build, on connect: {"version": n}
	evChange = "change"     // a build changed files: {"version", "pages": ["/a/"], "all", "css"}
	evError  = "builderror" // a build failed: {"version", "errors": ["file:line: msg"]}
)

// newEvent makes an event with v as its JSON data.
func newEvent(name string, v any) event {
	data, _ := json.Marshal(v)
	return event{name, data}
}

// publish sends ev to every client and keeps state as what a client that
// connects later is told first (a failed build stays on screen until a good
// one replaces it).
func (h *hub) publish(ev, state event) {
	h.mu.Lock()
	defer h.mu.Unlock()
	h.last = state
	for c := range h.clients {
		select {
		case c <- ev:
		default: // a client too slow to read: it will reconnect and be told the state
		}
	}
}

func (h *hub) subscribe() (chan event, event, bool) {
	h.mu.Lock()
	defer h.mu.Unlock()
	if h.closed {
		return nil, event{}, false
	}
	c := make(chan event, 16)
	h.clients[c] = true
	return c, h.last, true
}

func (h *hub) unsubscribe(c chan event) {
	h.mu.Lock()
	defer h.mu.Unlock()
	delete(h.clients, c)
}

// close ends every stream (at shutdown: open streams would otherwise keep
// http.Server.Shutdown waiting).
func (h *hub) close() {
	h.mu.Lock()
	defer h.mu.Unlock()
	if !h.closed {
		h.closed = true
		close(h.done)
	}
}

// count is the number of connected clients.
func (h *hub) count() int {
	h.mu.Lock()
	defer h.mu.Unlock()
	return len(h.clients)
}

// ServeHTTP streams events to one client.
func (h *hub) ServeHTTP(w http.ResponseWriter, r *http.Request) {
	flusher, ok := w.(http.Flusher)
	if !ok {
		http.Error(w, "streaming unsupported", http.StatusInternalServerError)
		return
	}
	c, first, ok := h.subscribe()
	if !ok {
		http.Error(w, "shutting down", http.StatusServiceUnavailable)
		return
	}
	defer h.unsubscribe(c)
	w.Header().Set("Content-Type", "text/event-stream")
	w.Header().Set("Cache-Control", "no-store")
	w.Header().Set("X-Accel-Buffering", "no")
	fmt.Fprint(w, "retry: 500\n\n") // reconnect quickly after a restart
	if first.name != "" {
		writeEvent(w, first)
	}
	flusher.Flush()
	keepalive := time.NewTicker(15 * time.Second)
	defer keepalive.Stop()
	for {
		select {
		case <-r.Context().Done():
			return
		case <-h.done:
			return
		case <-keepalive.C:
			fmt.Fprint(w, ": keepalive\n\n")
		case e := <-c:
			writeEvent(w, e)
		}
		flusher.Flush()
	}
}

func writeEvent(w http.ResponseWriter, e event) {
	fmt.Fprintf(w, "event: %s\ndata: %s\n\n", e.name, e.data)
}
