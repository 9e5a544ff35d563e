package receiver

import (
	"bytes"
	"context"
	"encoding/json"
	"fmt"
	"io"
	"mime"
	"mime/multipart"
	"net/http"
	"net/http/httptest"
	"net/mail"
	"slices"
	"strings"
	"sync"
	"testing"
	"time"
)

// endpointFor is the contact form's endpoint as the real site exports it.
func endpointFor(t testing.TB) *endpoint {
	t.Helper()
	h, err := New(Config{Forms: formsDir(t)})
	if err != nil {
		t.Fatal(err)
	}
	return h.forms["/api/contact"]
}

// packSubmission is a request for the standalone pack of NHS Bristol, North
// Somerset and South Gloucestershire ICB (QUY), as the form stores it.
func packSubmission(id string) Submission {
	return Submission{ID: id, Form: "contact", ReceivedAt: time.Date(2026, 12, 2, 10, 42, 0, 0, time.UTC), Email: "ann.smith@nhs.net",
		Answers: [][2]string{{"name", "Ann Smith"}, {"role", "Practice manager"}, {"practice", "Riverside Surgery"},
			{"ods_code", "A81001"}, {"icb", "QUY"}, {"email", "ann.smith@nhs.net"}, {"phone", ""},
			{"interest", "starter-pack"}, {"message", "Two sites.\n<script>alert(1)</script> & more"}, {"consent", "yes"}}}
}

// parts reads a multipart/alternative email into its header and the
// decoded text of each part, by content type.
func parts(t testing.TB, raw []byte) (*mail.Message, map[string]string) {
	t.Helper()
	m, err := mail.ReadMessage(bytes.NewReader(raw))
	if err != nil {
		t.Fatalf("the email does not parse: %v\n%s", err, raw)
	}
	mt, params, err := mime.ParseMediaType(m.Header.Get("Content-Type"))
	if err != nil || mt != "multipart/alternative" {
		t.Fatalf("Content-Type %q: %v", m.Header.Get("Content-Type"), err)
	}
	out := map[string]string{}
	r := multipart.NewReader(m.Body, params["boundary"])
	for {
		p, err := r.NextPart() // decodes quoted-printable
		if err == io.EOF {
			break
		}
		if err != nil {
			t.Fatal(err)
		}
		b, _ := io.ReadAll(p)
		ct, _, _ := mime.ParseMediaType(p.Header.Get("Content-Type"))
		out[ct] = string(b)
	}
	return m, out
}

func TestEmailOfAPackRequest(t *testing.T) {
	ep := endpointFor(t)
	pack, ok := ep.export.Packs["QUY"]
	if !ok {
		t.Fatal("the export has no pack for QUY")
	}
	raw, env, err := buildEmail(ep, packSubmission("5f3c"))
	if err != nil {
		t.Fatal(err)
	}
	again, _, _ := buildEmail(ep, packSubmission("5f3c"))
	if !bytes.Equal(raw, again) {
		t.Error("the same submission gave two different emails: a retry would not be the same message")
	}
	m, body := parts(t, raw)
	h := m.Header
	subject, _ := new(mime.WordDecoder).DecodeHeader(h.Get("Subject"))
	for name, want := range map[string]string{
		"Message-Id": "<5f3c@www.bcs-pharmacy.co.uk>", "From": `"BCS website" <website@bcs-pharmacy.co.uk>`,
		"To": "<servicedevelopment@bcs-pharmacy.co.uk>", "Reply-To": `"Ann Smith" <ann.smith@nhs.net>`,
		"Date": "Wed, 02 Dec 2026 10:42:00 +0000", "Auto-Submitted": "auto-generated",
	} {
		if got := h.Get(name); got != want {
			t.Errorf("%s: %q, want %q", name, got, want)
		}
	}
	if h.Get("Subject") != subject {
		t.Errorf("the subject is encoded (%q): an ASCII subject needs none", h.Get("Subject"))
	}
	if want := "BCS request: The standalone starter pack (" + pack.Name + ")"; subject != want {
		t.Errorf("the subject %q, want %q: what they want, then their ICB", subject, want)
	}
	link := "https://www.bcs-pharmacy.co.uk" + pack.Page
	for kind, text := range body {
		if !strings.Contains(text, link) {
			t.Errorf("%s body has no link to the pack %s", kind, link)
		}
	}
	if !strings.Contains(body["text/html"], "&lt;script&gt;alert(1)&lt;/script&gt; &amp; more") || strings.Contains(body["text/html"], "<script>") {
		t.Errorf("the HTML body does not escape the answers:\n%s", body["text/html"])
	}
	if !strings.Contains(body["text/plain"], "    <script>alert(1)</script> & more") {
		t.Errorf("the text body does not carry the message as written:\n%s", body["text/plain"])
	}
	var e envelope
	if json.Unmarshal([]byte(env), &e); e.From != "website@bcs-pharmacy.co.uk" || !slices.Equal(e.To, []string{"servicedevelopment@bcs-pharmacy.co.uk"}) {
		t.Errorf("envelope %s", env)
	}
}

// TestNoHeaderInjection builds the email of a submission with CR and LF in
// every answer, which the form's checks would have refused: the header
// cannot be changed all the same, because of how it is written.
func TestNoHeaderInjection(t *testing.T) {
	ep := endpointFor(t)
	sub := packSubmission("abc")
	for i := range sub.Answers {
		sub.Answers[i][1] += "\r\nBcc: victim@example.com\r\n\r\nSubject: injected"
	}
	sub.Answers[5][1] = "ann.smith@nhs.net\r\nBcc: victim@example.com"
	raw, _, err := buildEmail(ep, sub)
	if err != nil {
		t.Fatal(err)
	}
	m, _ := parts(t, raw)
	var names []string
	for k := range m.Header {
		names = append(names, k)
	}
	slices.Sort(names)
	want := []string{"Auto-Submitted", "Content-Type", "Date", "From", "Message-Id", "Mime-Version", "Subject", "To", "X-Bcs-Submission"}
	if !slices.Equal(names, want) {
		t.Errorf("header fields %v, want %v (no Bcc, and no Reply-To from an address that is not one)", names, want)
	}
	if len(m.Header["Subject"]) != 1 {
		t.Errorf("%d subjects", len(m.Header["Subject"]))
	}
	var hw headerWriter
	if hw.set("Subject", "a\r\nBcc: x"); hw.err == nil {
		t.Error("the header writer took a value with a line break")
	}
}

// TestPostWithLineBreaksInEveryField: the receiver refuses line breaks in
// every one-line answer and queues nothing; a line break in the message is
// kept, and its email has only the header fields it should.
func TestPostWithLineBreaksInEveryField(t *testing.T) {
	hook := newHook(t, nil)
	s := newServer(t, func(c *Config) { c.Deliver = hook.deliverer() })
	v := goodPost()
	for k := range v {
		if k != "website" {
			v.Set(k, v.Get(k)+"\r\nBcc: victim@example.com")
		}
	}
	if a := post(t, s.URL+"/api/contact", v.Encode(), nil); a.status != http.StatusUnprocessableEntity {
		t.Errorf("a post with line breaks in every field: %d", a.status)
	}
	if n := count(t, s.store); n != 0 {
		t.Errorf("%d stored", n)
	}
	v = goodPost()
	v.Set("message", "Line one\r\nBcc: victim@example.com\r\n\r\nline three")
	if a := post(t, s.URL+"/api/contact", v.Encode(), nil); a.status != http.StatusSeeOther {
		t.Fatalf("a message on three lines: %d %s", a.status, a.body)
	}
	var jobs []Job
	s.store.Jobs(context.Background(), "", func(j Job) error { jobs = append(jobs, j); return nil })
	if len(jobs) != 1 || jobs[0].Channel != ChannelWebhook {
		t.Fatalf("jobs %+v", jobs)
	}
}

// hook is a webhook endpoint on loopback that answers with the statuses
// given in turn (200 once they run out) and keeps what it was sent.
type hook struct {
	*httptest.Server
	mu       sync.Mutex
	statuses []int
	got      []hookPost
}

type hookPost struct {
	key  string
	body []byte
}

func newHook(t testing.TB, statuses []int) *hook {
	h := &hook{statuses: statuses}
	h.Server = httptest.NewServer(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		b, _ := io.ReadAll(r.Body)
		h.mu.Lock()
		defer h.mu.Unlock()
		status := http.StatusOK
		if len(h.statuses) > 0 {
			status, h.statuses = h.statuses[0], h.statuses[1:]
		}
		if status == http.StatusOK {
			h.got = append(h.got, hookPost{key: r.Header.Get("Idempotency-Key"), body: b})
		}
		w.WriteHeader(status)
		io.WriteString(w, http.StatusText(status))
	}))
	t.Cleanup(h.Close)
	return h
}

func (h *hook) deliverer() *Deliverer {
	return &Deliverer{Senders: map[string]Sender{ChannelWebhook: &Webhook{URL: h.URL}}, Backoff: time.Millisecond, MaxBackoff: 4 * time.Millisecond}
}

func (h *hook) posts() []hookPost {
	h.mu.Lock()
	defer h.mu.Unlock()
	return slices.Clone(h.got)
}

// runDeliverer runs d until the test ends.
func runDeliverer(t testing.TB, d *Deliverer, store *Store) {
	d.Store = store
	ctx, cancel := context.WithCancel(context.Background())
	done := make(chan struct{})
	go func() { d.Run(ctx); close(done) }()
	t.Cleanup(func() { cancel(); <-done })
}

// waitJobs waits until every job is in state, or fails after a deadline.
func waitJobs(t testing.TB, s *Store, n int, state string) []Job {
	t.Helper()
	deadline := time.Now().Add(30 * time.Second)
	for {
		var jobs []Job
		s.Jobs(context.Background(), "", func(j Job) error { jobs = append(jobs, j); return nil })
		done := len(jobs) == n
		for _, j := range jobs {
			done = done && j.State == state
		}
		if done {
			return jobs
		}
		if time.Now().After(deadline) {
			var states []string
			for _, j := range jobs {
				states = append(states, fmt.Sprintf("job %d %s: %s after %d attempts (%s)", j.ID, j.Channel, j.State, j.Attempts, j.LastError))
			}
			t.Fatalf("waiting for %d jobs %s, have:\n%s", n, state, strings.Join(states, "\n"))
		}
		time.Sleep(5 * time.Millisecond)
	}
}

func TestWebhookAnswering500Then200(t *testing.T) {
	h := newHook(t, []int{500, 503})
	d := h.deliverer()
	s := newServer(t, func(c *Config) { c.Deliver = d })
	runDeliverer(t, d, s.store)
	v := goodPost()
	v.Set("interest", "starter-pack")
	if a := post(t, s.URL+"/api/contact", v.Encode(), nil); a.status != http.StatusSeeOther || !strings.HasSuffix(a.header.Get("Location"), "/contact/thanks/#pack-qe1") {
		t.Fatalf("a pack request: %d %s", a.status, a.header.Get("Location"))
	}
	jobs := waitJobs(t, s.store, 1, Sent)
	if jobs[0].Attempts != 3 {
		t.Errorf("%d attempts, want 3 (500, 503, 200)", jobs[0].Attempts)
	}
	atts, _ := s.store.Attempts(context.Background(), jobs[0].ID)
	if len(atts) != 3 || atts[0].OK || atts[1].OK || !atts[2].OK || !strings.Contains(atts[0].Detail, "500") {
		t.Errorf("attempts %+v", atts)
	}
	got := h.posts()
	if len(got) != 1 || got[0].key != jobs[0].Submission {
		t.Fatalf("the webhook got %+v", got)
	}
	var msg struct{ Text string }
	if err := json.Unmarshal(got[0].body, &msg); err != nil || !strings.Contains(msg.Text, "The standalone starter pack") ||
		!strings.Contains(msg.Text, "https://www.bcs-pharmacy.co.uk/packs/qe1/") || strings.Contains(msg.Text, "Please call") {
		t.Errorf("webhook text %q (%v): it should name the request and the pack, and leave the message to the email", msg.Text, err)
	}
}

func TestDeliveriesParkAndRetry(t *testing.T) {
	for _, tc := range []struct {
		name     string
		statuses []int
		attempts int
	}{
		{"refused for good", []int{400}, 1},
		{"failing every time", []int{503, 503, 503}, 3},
	} {
		t.Run(tc.name, func(t *testing.T) {
			h := newHook(t, tc.statuses)
			d := h.deliverer()
			d.MaxAttempts = 3
			s := newServer(t, func(c *Config) { c.Deliver = d })
			runDeliverer(t, d, s.store)
			post(t, s.URL+"/api/contact", goodPost().Encode(), nil)
			jobs := waitJobs(t, s.store, 1, Parked)
			if jobs[0].Attempts != tc.attempts || jobs[0].LastError == "" {
				t.Errorf("parked after %d attempts (%q), want %d", jobs[0].Attempts, jobs[0].LastError, tc.attempts)
			}
			if n, err := s.store.Retry(context.Background(), time.Now()); n != 1 || err != nil {
				t.Fatalf("retry: %d %v", n, err)
			}
			d.Wake()
			waitJobs(t, s.store, 1, Sent)
			if got := h.posts(); len(got) != 1 {
				t.Errorf("%d posts after the retry", len(got))
			}
		})
	}
}

func TestBackoffGrowsWithJitter(t *testing.T) {
	d := &Deliverer{Backoff: time.Second, MaxBackoff: 10 * time.Second}
	d.init()
	for n, full := range map[int]time.Duration{1: time.Second, 2: 2 * time.Second, 3: 4 * time.Second, 4: 8 * time.Second, 5: 10 * time.Second, 40: 10 * time.Second} {
		seen := map[time.Duration]bool{}
		for range 50 {
			w := d.backoff(n)
			if w < full/2 || w > full {
				t.Fatalf("backoff(%d) = %v, want %v to %v", n, w, full/2, full)
			}
			seen[w] = true
		}
		if len(seen) < 2 {
			t.Errorf("backoff(%d) has no jitter", n)
		}
	}
}

// TestJobsAndSubmissionTogether: a submission is stored with its jobs or
// not at all.
func TestJobsAndSubmissionTogether(t *testing.T) {
	s := newServer(t, nil)
	ctx := context.Background()
	sub := packSubmission("x1")
	err := s.store.Insert(ctx, sub, Job{Channel: ChannelWebhook, Payload: []byte("{}")}, Job{Channel: ChannelWebhook, Payload: []byte("{}")})
	if err == nil {
		t.Fatal("two webhook jobs for one submission were stored")
	}
	if n := count(t, s.store); n != 0 {
		t.Errorf("the submission was stored without its jobs (%d rows)", n)
	}
}

func TestHealthIsTruthful(t *testing.T) {
	s := newServer(t, nil)
	ctx := context.Background()
	if _, err := s.h.Healthy(ctx); err != nil {
		t.Fatalf("a fresh receiver is unhealthy: %v", err)
	}
	// Make every write fail, as a full disk or a read-only mount would.
	if _, err := s.store.db.Exec("PRAGMA query_only = ON"); err != nil {
		t.Fatal(err)
	}
	if a := post(t, s.URL+"/api/contact", goodPost().Encode(), nil); a.status != http.StatusServiceUnavailable {
		t.Errorf("a post to a database that takes no writes: %d", a.status)
	}
	if _, err := s.h.Healthy(ctx); err == nil {
		t.Error("healthy while every insert fails")
	}
	s.store.db.Exec("PRAGMA query_only = OFF")
	if a := post(t, s.URL+"/api/contact", goodPost().Encode(), nil); a.status != http.StatusSeeOther {
		t.Errorf("after the database recovers: %d", a.status)
	}
	if _, err := s.h.Healthy(ctx); err != nil {
		t.Errorf("still unhealthy after a post was stored: %v", err)
	}
}
