// Package receiver serves the endpoint the site's forms post to. It loads
// the forms the generator exported (public/forms/*.json), checks every post
// with the same form.Form the page was built from, stores accepted posts in
// SQLite before answering, and answers a browser without JavaScript with a
// redirect to the thank-you page or the form page again with its errors,
// and a script with JSON.
package receiver

import (
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
	"net/url"
	"os"
	"path/filepath"
	"slices"
	"strconv"
	"strings"
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
	origin, ok := h.origin(r)
	if !ok {
		return reply{status: http.StatusForbidden, msg: "This form can only be sent from our website. Go to the contact page and try again."}
	}
	if ok, wait := h.limit.allow(h.client(r), h.cfg.Now()); !ok {
		secs := int(math.Ceil(wait.Seconds()))
		return reply{status: http.StatusTooManyRequests, retry: secs, msg: fmt.Sprintf("You have sent this form several times in a short time. Wait %d seconds and try again.", secs)}
	}
	if mt, _, _ := mime.ParseMediaType(r.Header.Get("Content-Type")); mt != "application/x-www-form-urlencoded" {
		return reply{status: http.StatusUnsupportedMediaType, msg: "The form was sent in a format we cannot read."}
	}
	body, err := io.ReadAll(http.MaxBytesReader(nil, r.Body, h.cfg.MaxBody))
	var tooBig *http.MaxBytesError
	switch {
	case errors.As(err, &tooBig):
		return reply{status: http.StatusRequestEntityTooLarge, msg: fmt.Sprintf("The form is too large to send (more than %d KB). Shorten your message and try again.", h.cfg.MaxBody>>10)}
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
	thanks := origin + ep.form.Def.Thanks
	switch {
	case res.Spam:
		// Answer as if all went well, so the sender learns nothing; keep nothing.
		return reply{status: http.StatusSeeOther, to: thanks}
	case !res.OK():
		return reply{status: http.StatusUnprocessableEntity, state: form.State{Values: res.Values, Errors: res.Errors}}
	}
	sub := Submission{ID: NewID(), Form: ep.form.Def.ID, ReceivedAt: h.cfg.Now()}
	for _, fd := range ep.form.Def.Fields {
		if v, ok := res.Values[fd.Name]; ok {
			sub.Answers = append(sub.Answers, [2]string{fd.Name, v})
		}
	}
	if err := h.cfg.Store.Insert(r.Context(), sub); err != nil {
		h.log.Error("storing a submission", "form", sub.Form, "err", err)
		return reply{status: http.StatusServiceUnavailable, state: form.State{Values: res.Values},
			msg: "Sorry, we could not save your request. Try again in a few minutes, or email us."}
	}
	return reply{status: http.StatusSeeOther, id: sub.ID, to: thanks}
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

// client identifies the sender for the rate limit.
func (h *Handler) client(r *http.Request) string {
	if h.cfg.TrustProxy {
		if xff := r.Header.Get("X-Forwarded-For"); xff != "" {
			parts := strings.Split(xff, ",")
			return strings.TrimSpace(parts[len(parts)-1])
		}
	}
	host, _, err := net.SplitHostPort(r.RemoteAddr)
	if err != nil {
		return r.RemoteAddr
	}
	return host
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
