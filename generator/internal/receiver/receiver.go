// Package receiver serves the endpoint the site's forms post to. It loads
// the forms the generator exported (public/forms/*.json), checks every post
// with the same form.Form the page was built from, stores accepted posts in
// SQLite before answering, and answers a browser without JavaScript with a
// redirect to the thank-you page or the form page again with its errors,
// and a script with JSON.
package receiver

import (
	"context"
	"encoding/json"
	"errors"
	"fmt"
	"io"
	"log/slog"
	"maps"
	"math"
	"mime"
	"net"
	"net/http"
	"net/netip"
	"net/url"
	"os"
	"path/filepath"
	"slices"
	"strconv"
	"strings"
	"sync/atomic"
	"time"

	"github.com/bcs/publish/generator/internal/form"
)

// Config sets up a Handler.
type Config struct {
	Forms        string            // directory of form exports (public/forms)
	Exports      map[string][]byte // or the exports themselves, by name (the preview server's, from memory)
	Store        *Store            // where accepted submissions go
	AllowOrigins []string          // origins besides each form's site that may post, e.g. http://localhost:1313
	MaxBody      int64             // largest body accepted, in bytes; 0 means 64 KiB
	RatePer      time.Duration     // one post per client per RatePer after the burst; 0 turns the limit off
	RateBurst    int               // posts a client may make at once
	TrustProxy   bool              // take the client address from the last X-Forwarded-For entry
	Deliver      *Deliverer        // queues a job per channel it sends with each submission; nil: store only
	Log          *slog.Logger      // nil: no log
	Now          func() time.Time
}

// DefaultMaxBody is the body limit when Config.MaxBody is 0: ample for the
// contact form (its longest answer is 2,000 characters).
const DefaultMaxBody = 64 << 10

// Handler serves the form endpoints.
type Handler struct {
	cfg     Config
	forms   map[string]*endpoint // by the path of the form's action
	origins map[string]bool
	limit   *limiter
	log     *slog.Logger

	lastInsert atomic.Pointer[error] // the last insert's error (nil: it worked), for the health probe
}

type endpoint struct {
	form   *form.Form
	export *form.Export
}

// New loads every export in cfg.Forms and returns the handler for them.
func New(cfg Config) (*Handler, error) {
	if cfg.MaxBody == 0 {
		cfg.MaxBody = DefaultMaxBody
	}
	if cfg.Now == nil {
		cfg.Now = time.Now
	}
	h := &Handler{cfg: cfg, forms: map[string]*endpoint{}, origins: map[string]bool{}, limit: newLimiter(cfg.RatePer, max(cfg.RateBurst, 1)), log: cfg.Log}
	if h.log == nil {
		h.log = slog.New(slog.DiscardHandler)
	}
	exports := cfg.Exports
	if exports == nil {
		files, err := filepath.Glob(filepath.Join(cfg.Forms, "*.json"))
		if err != nil {
			return nil, err
		}
		if len(files) == 0 {
			return nil, fmt.Errorf("no form exports in %s: run `make build` first (it writes public/forms/<id>.json)", cfg.Forms)
		}
		exports = map[string][]byte{}
		for _, file := range files {
			if exports[file], err = os.ReadFile(file); err != nil {
				return nil, err
			}
		}
	}
	for _, file := range slices.Sorted(maps.Keys(exports)) {
		f, e, err := form.Load(file, exports[file])
		if err != nil {
			return nil, err
		}
		u, err := url.Parse(f.Def.Action)
		if err != nil {
			return nil, fmt.Errorf("%s: action: %v", file, err)
		}
		if prev, dup := h.forms[u.Path]; dup {
			return nil, fmt.Errorf("%s: forms %s and %s both post to %s", file, prev.form.Def.ID, f.Def.ID, u.Path)
		}
		h.forms[u.Path] = &endpoint{form: f, export: e}
		origin, err := originOf(e.BaseURL)
		if err != nil {
			return nil, fmt.Errorf("%s: base_url: %v", file, err)
		}
		h.origins[origin] = true
	}
	for _, o := range cfg.AllowOrigins {
		origin, err := originOf(o)
		if err != nil {
			return nil, fmt.Errorf("allowed origin %q: %v", o, err)
		}
		h.origins[origin] = true
	}
	return h, nil
}

// Paths returns the paths the handler serves.
func (h *Handler) Paths() []string {
	var out []string
	for p := range h.forms {
		out = append(out, p)
	}
	slices.Sort(out)
	return out
}

func originOf(raw string) (string, error) {
	u, err := url.Parse(raw)
	if err != nil {
		return "", err
	}
	if (u.Scheme != "https" && u.Scheme != "http") || u.Host == "" {
		return "", fmt.Errorf("%q is not an http(s) origin", raw)
	}
	return u.Scheme + "://" + strings.ToLower(u.Host), nil
}

// reply is what the handler answers; one function turns it into HTML or JSON.
type reply struct {
	status int
	state  form.State // for HTML: the form again
	msg    string     // a problem with the whole post
	id     string     // the stored submission
	to     string     // where a good post goes next
	retry  int        // seconds until the client may post again (429)
}

func (h *Handler) ServeHTTP(w http.ResponseWriter, r *http.Request) {
	w.Header().Set("Cache-Control", "no-store")
	w.Header().Set("X-Content-Type-Options", "nosniff")
	ep := h.forms[r.URL.Path]
	if ep == nil {
		http.NotFound(w, r)
		return
	}
	if r.Method != http.MethodPost {
		w.Header().Set("Allow", http.MethodPost)
		http.Error(w, "this address only takes form posts", http.StatusMethodNotAllowed)
		return
	}
	rep := h.handle(ep, r)
	h.log.Info("post", "form", ep.form.Def.ID, "status", rep.status, "id", rep.id, "problem", rep.msg, "errors", len(rep.state.Errors))
	if rep.retry > 0 {
		w.Header().Set("Retry-After", strconv.Itoa(rep.retry))
	}
	if wantsJSON(r) {
		h.writeJSON(w, rep)
		return
	}
	h.writeHTML(w, r, ep, rep)
}

func (h *Handler) handle(ep *endpoint, r *http.Request) reply {
	tooBig := reply{status: http.StatusRequestEntityTooLarge, msg: fmt.Sprintf("The form is too large to send (more than %d KB). Shorten your message and try again.", h.cfg.MaxBody>>10)}
	if r.ContentLength > h.cfg.MaxBody {
		// Refused before reading, so a client waiting on "Expect:
		// 100-continue" is told 413 instead of being asked for the body.
		return tooBig
	}
	origin, ok := h.origin(r)
	if !ok {
		return reply{status: http.StatusForbidden, msg: "This form can only be sent from our website. Go to the contact page and try again."}
	}
	if mt, _, _ := mime.ParseMediaType(r.Header.Get("Content-Type")); mt != "application/x-www-form-urlencoded" {
		return reply{status: http.StatusUnsupportedMediaType, msg: "The form was sent in a format we cannot read."}
	}
	body, err := io.ReadAll(http.MaxBytesReader(nil, r.Body, h.cfg.MaxBody))
	var maxErr *http.MaxBytesError
	switch {
	case errors.As(err, &maxErr):
		return tooBig
	case err != nil:
		return reply{status: http.StatusBadRequest, msg: "The form did not arrive complete. Try again."}
	}
	post, err := url.ParseQuery(string(body))
	if err != nil {
		return reply{status: http.StatusBadRequest, msg: "The form data could not be read. Go to the contact page and try again."}
	}
	res, err := ep.form.Validate(post)
	var bad *form.RequestError
	if errors.As(err, &bad) {
		return reply{status: http.StatusBadRequest, msg: "The form data could not be read: " + bad.Msg + "."}
	}
	if !res.OK() && !res.Spam {
		// A post with mistakes uses none of the sender's allowance: they
		// correct it and send again.
		return reply{status: http.StatusUnprocessableEntity, state: form.State{Values: res.Values, Errors: res.Errors}}
	}
	if ok, wait := h.limit.allow(h.client(r), h.cfg.Now()); !ok {
		secs := int(math.Ceil(wait.Seconds()))
		return reply{status: http.StatusTooManyRequests, retry: secs, state: form.State{Values: res.Values},
			msg: fmt.Sprintf("You have sent this form several times in a short time. Wait %d seconds and try again.", secs)}
	}
	thanks := origin + ep.form.Def.Thanks
	if res.Spam {
		// Answer as if all went well, so the sender learns nothing; keep nothing.
		return reply{status: http.StatusSeeOther, to: thanks}
	}
	sub := Submission{ID: NewID(), Form: ep.form.Def.ID, ReceivedAt: h.cfg.Now()}
	for _, fd := range ep.form.Def.Fields {
		// Every field, answered or not, so that every export has every column.
		sub.Answers = append(sub.Answers, [2]string{fd.Name, res.Values[fd.Name]})
		if fd.Type == form.Email && sub.Email == "" {
			sub.Email = res.Values[fd.Name]
		}
	}
	jobs, err := h.jobs(ep, sub)
	if err == nil {
		err = h.cfg.Store.Insert(r.Context(), sub, jobs...)
	}
	h.lastInsert.Store(&err)
	if err != nil {
		h.log.Error("storing a submission", "form", sub.Form, "err", err)
		return reply{status: http.StatusServiceUnavailable, state: form.State{Values: res.Values},
			msg: "Sorry, we could not save your request. Try again in a few minutes, or email us."}
	}
	if h.cfg.Deliver != nil {
		h.cfg.Deliver.Wake()
	}
	if code, ok := ep.form.PackAsked(res.Values); ok {
		if p, ok := ep.export.Packs[code]; ok {
			thanks += "#" + p.Anchor
		}
	}
	return reply{status: http.StatusSeeOther, id: sub.ID, to: thanks}
}

// jobs makes the delivery jobs of a new submission, one per channel the
// Deliverer sends.
func (h *Handler) jobs(ep *endpoint, sub Submission) ([]Job, error) {
	if h.cfg.Deliver == nil {
		return nil, nil
	}
	var jobs []Job
	for _, c := range h.cfg.Deliver.Channels() {
		j := Job{Channel: c}
		var err error
		switch c {
		case ChannelEmail:
			j.Payload, j.Envelope, err = buildEmail(ep, sub)
		case ChannelWebhook:
			j.Payload, err = buildWebhook(ep, sub)
		default:
			err = fmt.Errorf("no such channel %q", c)
		}
		if err != nil {
			return nil, fmt.Errorf("making the %s of submission %s: %w", c, sub.ID, err)
		}
		jobs = append(jobs, j)
	}
	return jobs, nil
}

// CheckDelivery makes sure every form can be delivered by every channel
// the Deliverer sends, before any post arrives: that the settings name the
// team's addresses, for one.
func (h *Handler) CheckDelivery() error {
	probe := Submission{ID: "0", ReceivedAt: time.Unix(0, 0)}
	for _, p := range h.Paths() {
		ep := h.forms[p]
		if _, err := h.jobs(ep, probe); err != nil {
			return fmt.Errorf("form %s: %w (content/site.yaml, submissions; then bcs build)", ep.form.Def.ID, err)
		}
	}
	return nil
}

// Healthy reports whether the receiver can take a post now: the last insert
// worked (or none was tried) and the database takes writes. It is cheap: no
// scan of the file (bcs submissions check does that).
func (h *Handler) Healthy(ctx context.Context) (Health, error) {
	if p := h.lastInsert.Load(); p != nil && *p != nil {
		return Health{}, fmt.Errorf("the last submission could not be stored: %w", *p)
	}
	return h.cfg.Store.Health(ctx)
}

// origin returns the origin the post came from, if it is allowed. Browsers
// send Origin with every POST; Referer stands in for the few that do not.
func (h *Handler) origin(r *http.Request) (string, bool) {
	o := r.Header.Get("Origin")
	if o == "" || o == "null" {
		ref, err := url.Parse(r.Referer())
		if err != nil || ref.Host == "" {
			return "", false
		}
		o = ref.Scheme + "://" + ref.Host
	}
	o, err := originOf(o)
	return o, err == nil && h.origins[o]
}

// client identifies the sender for the rate limit. Behind a trusted proxy
// it is the last X-Forwarded-For entry, the one that proxy added: entries
// before it come from the client and can be anything. An IPv6 client is
// its /64, which one household or host commonly has whole.
func (h *Handler) client(r *http.Request) string {
	addr := r.RemoteAddr
	if host, _, err := net.SplitHostPort(addr); err == nil {
		addr = host
	}
	if h.cfg.TrustProxy {
		// Every X-Forwarded-For line, joined: a client can send its own
		// line first, and the proxy appends to the last.
		entries := strings.Split(strings.Join(r.Header.Values("X-Forwarded-For"), ","), ",")
		if last := strings.TrimSpace(entries[len(entries)-1]); last != "" {
			addr = last
		}
	}
	ip, err := netip.ParseAddr(strings.Trim(addr, "[]"))
	if err != nil {
		return addr
	}
	ip = ip.Unmap()
	if ip.Is6() {
		p, _ := ip.Prefix(64)
		return p.String()
	}
	return ip.String()
}

func wantsJSON(r *http.Request) bool {
	return strings.Contains(r.Header.Get("Accept"), "application/json")
}

type jsonReply struct {
	OK       bool              `json:"ok"`
	ID       string            `json:"id,omitempty"`
	Redirect string            `json:"redirect,omitempty"`
	Message  string            `json:"message,omitempty"`
	Errors   []form.FieldError `json:"errors,omitempty"`
}

func (h *Handler) writeJSON(w http.ResponseWriter, rep reply) {
	status := rep.status
	out := jsonReply{Message: rep.msg, Errors: rep.state.Errors}
	if status == http.StatusSeeOther {
		status, out.OK, out.ID, out.Redirect = http.StatusOK, true, rep.id, rep.to
	}
	w.Header().Set("Content-Type", "application/json")
	w.WriteHeader(status)
	json.NewEncoder(w).Encode(out)
}

func (h *Handler) writeHTML(w http.ResponseWriter, r *http.Request, ep *endpoint, rep reply) {
	if rep.status == http.StatusSeeOther {
		http.Redirect(w, r, rep.to, http.StatusSeeOther)
		return
	}
	state := rep.state
	if rep.msg != "" {
		state.Errors = append([]form.FieldError{{Message: rep.msg}}, state.Errors...)
	}
	page, err := ep.export.RenderPage(ep.form, state)
	if err != nil {
		h.log.Error("rendering the form page", "form", ep.form.Def.ID, "err", err)
		http.Error(w, rep.msg, http.StatusInternalServerError)
		return
	}
	w.Header().Set("Content-Type", "text/html; charset=utf-8")
	w.WriteHeader(rep.status)
	w.Write(page)
}
