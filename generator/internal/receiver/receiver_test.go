package receiver

import (
	"bytes"
	"context"
	"encoding/json"
	"fmt"
	"io"
	"net/http"
	"net/http/httptest"
	"net/url"
	"os"
	"path/filepath"
	"strings"
	"sync"
	"testing"
	"time"

	"github.com/bcs/publish/generator/internal/site"
)

const origin = "https://www.bcs-pharmacy.co.uk"

var (
	exportOnce sync.Once
	exportDir  string
	exportErr  error
)

// formsDir builds the repository's real site once and writes its form
// exports to a directory, as `bcs build` does: the receiver is tested
// against the contact form the site actually publishes.
func formsDir(t testing.TB) string {
	t.Helper()
	exportOnce.Do(func() {
		var s *site.Site
		s, exportErr = site.Build(context.Background(), os.DirFS("../../.."), site.Options{Now: time.Now()})
		if exportErr != nil {
			return
		}
		exportDir, exportErr = os.MkdirTemp("", "bcs-forms-")
		for name, b := range s.Files {
			if strings.HasPrefix(name, site.FormsDir+"/") && exportErr == nil {
				exportErr = os.WriteFile(filepath.Join(exportDir, strings.TrimPrefix(name, site.FormsDir+"/")), b, 0o644)
			}
		}
	})
	if exportErr != nil {
		t.Fatal(exportErr)
	}
	return exportDir
}

func TestMain(m *testing.M) {
	if os.Getenv(childEnv) != "" {
		runChild()
		return
	}
	code := m.Run()
	if exportDir != "" {
		os.RemoveAll(exportDir)
	}
	os.Exit(code)
}

type server struct {
	*httptest.Server
	store *Store
	h     *Handler
}

func newServer(t testing.TB, change func(*Config)) *server {
	t.Helper()
	store, err := Open(filepath.Join(t.TempDir(), "s.db"))
	if err != nil {
		t.Fatal(err)
	}
	cfg := Config{Forms: formsDir(t), Store: store}
	if change != nil {
		change(&cfg)
	}
	h, err := New(cfg)
	if err != nil {
		t.Fatal(err)
	}
	srv := httptest.NewServer(h)
	t.Cleanup(func() { srv.Close(); store.Close() })
	return &server{Server: srv, store: store, h: h}
}

func goodPost() url.Values {
	return url.Values{"name": {"Ann Smith"}, "role": {"Practice manager"}, "practice": {"Riverside Surgery"},
		"ods_code": {"a81001"}, "icb": {"QE1"}, "email": {"ann.smith@nhs.net"}, "phone": {""},
		"interest": {"discovery-call"}, "message": {"Please call on Tuesday."}, "consent": {"yes"}, "website": {""}}
}

var noRedirect = &http.Client{CheckRedirect: func(*http.Request, []*http.Request) error { return http.ErrUseLastResponse }, Timeout: 30 * time.Second}

type answer struct {
	status int
	header http.Header
	body   string
}

func post(t testing.TB, url, body string, headers map[string]string) answer {
	t.Helper()
	req, _ := http.NewRequest(http.MethodPost, url, strings.NewReader(body))
	req.Header.Set("Content-Type", "application/x-www-form-urlencoded")
	req.Header.Set("Origin", origin)
	for k, v := range headers {
		if v == "" {
			req.Header.Del(k)
		} else {
			req.Header.Set(k, v)
		}
	}
	res, err := noRedirect.Do(req)
	if err != nil {
		t.Fatal(err)
	}
	defer res.Body.Close()
	b, _ := io.ReadAll(res.Body)
	return answer{res.StatusCode, res.Header, string(b)}
}

func count(t testing.TB, s *Store) int {
	t.Helper()
	n, err := s.Count(context.Background())
	if err != nil {
		t.Fatal(err)
	}
	return n
}

func TestGoodPostIsStoredThenRedirected(t *testing.T) {
	s := newServer(t, nil)
	a := post(t, s.URL+"/api/contact", goodPost().Encode(), nil)
	if a.status != http.StatusSeeOther || a.header.Get("Location") != origin+"/contact/thanks/" {
		t.Fatalf("answer %d %v", a.status, a.header)
	}
	var got []Submission
	s.store.All(context.Background(), func(sub Submission) error { got = append(got, sub); return nil })
	if len(got) != 1 || got[0].Form != "contact" {
		t.Fatalf("stored %+v", got)
	}
	want := fmt.Sprint([][2]string{{"name", "Ann Smith"}, {"role", "Practice manager"}, {"practice", "Riverside Surgery"},
		{"ods_code", "A81001"}, {"icb", "QE1"}, {"email", "ann.smith@nhs.net"}, {"phone", ""}, {"interest", "discovery-call"},
		{"message", "Please call on Tuesday."}, {"consent", "yes"}})
	if fmt.Sprint(got[0].Answers) != want {
		t.Errorf("answers %v\nwant    %v", got[0].Answers, want)
	}
	// With JavaScript: JSON, with the id and where to go.
	a = post(t, s.URL+"/api/contact", goodPost().Encode(), map[string]string{"Accept": "application/json"})
	var j jsonReply
	if err := json.Unmarshal([]byte(a.body), &j); err != nil || a.status != 200 || !j.OK || len(j.ID) != 32 || j.Redirect != origin+"/contact/thanks/" {
		t.Errorf("JSON answer %d %s (%v)", a.status, a.body, err)
	}
}

// TestHostilePosts sends what a careless or hostile client might and checks
// each answer, and that nothing is stored that should not be.
func TestHostilePosts(t *testing.T) {
	s := newServer(t, nil)
	with := func(change func(v url.Values)) string {
		v := goodPost()
		change(v)
		return v.Encode()
	}
	big := with(func(v url.Values) { v.Set("message", strings.Repeat("x", 10<<20)) })
	for _, tc := range []struct {
		name    string
		body    string
		headers map[string]string
		status  int
		want    string // in the body
		stored  int    // rows added
	}{
		{"empty", "", nil, 422, "There is a problem", 0},
		{"missing fields", with(func(v url.Values) { v.Del("email"); v.Del("consent") }), nil, 422, `<a href="#contact-email">Enter your email address</a>`, 0},
		{"wrong types", with(func(v url.Values) { v.Set("consent", "true"); v.Set("icb", "42") }), nil, 422, "Select your ICB", 0},
		{"bad ODS code", with(func(v url.Values) { v.Set("ods_code", "QE1") }), nil, 422, "Enter a practice ODS code in the correct format", 0},
		{"script tags are kept as text and escaped", with(func(v url.Values) { v.Set("name", "<script>alert(1)</script>"); v.Del("email") }), nil, 422, "&lt;script&gt;alert(1)&lt;/script&gt;", 0},
		{"script tags in a good post are stored as text", with(func(v url.Values) { v.Set("message", "<script>alert(1)</script>") }), nil, 303, "", 1},
		{"SQL fragments", with(func(v url.Values) { v.Set("name", "Robert'); DROP TABLE submissions;--") }), nil, 303, "", 1},
		{"10 MB body", big, nil, 413, "too large", 0},
		{"invalid UTF-8", "name=%FF%FE&" + with(func(v url.Values) { v.Del("name") }), nil, 422, "not valid text", 0},
		{"NUL byte", with(func(v url.Values) { v.Set("practice", "A\x00B") }), nil, 422, "cannot be used", 0},
		{"oversize field", with(func(v url.Values) { v.Set("message", strings.Repeat("é", 2001)) }), nil, 422, "2000 characters or fewer", 0},
		{"wrong origin", goodPost().Encode(), map[string]string{"Origin": "https://evil.example"}, 403, "only be sent from our website", 0},
		{"no origin", goodPost().Encode(), map[string]string{"Origin": ""}, 403, "only be sent from our website", 0},
		{"referer stands in for origin", goodPost().Encode(), map[string]string{"Origin": "", "Referer": origin + "/contact/"}, 303, "", 1},
		{"spam trap", with(func(v url.Values) { v.Set("website", "http://spam.example") }), nil, 303, "", 0},
		{"unknown field", with(func(v url.Values) { v.Set("is_admin", "1") }), nil, 400, "no field called", 0},
		{"field twice", goodPost().Encode() + "&name=Bob", nil, 400, "sent 2 times", 0},
		{"malformed encoding", "name=%zz", nil, 400, "could not be read", 0},
		{"JSON body", `{"name":"Ann"}`, map[string]string{"Content-Type": "application/json"}, 415, "format we cannot read", 0},
	} {
		t.Run(tc.name, func(t *testing.T) {
			before := count(t, s.store)
			a := post(t, s.URL+"/api/contact", tc.body, tc.headers)
			if a.status != tc.status {
				t.Errorf("status %d, want %d\n%.300s", a.status, tc.status, a.body)
			}
			if !strings.Contains(a.body, tc.want) {
				t.Errorf("answer lacks %q:\n%.2000s", tc.want, a.body)
			}
			if strings.Contains(a.body, "<script>alert") {
				t.Error("a user's script reached the page unescaped")
			}
			if a.status >= 400 && a.status != 405 && !strings.Contains(a.body, "<title>Error: ") {
				t.Error("an error page without Error: in its title")
			}
			if got := count(t, s.store) - before; got != tc.stored {
				t.Errorf("%d rows stored, want %d", got, tc.stored)
			}
		})
	}
	if err := s.store.Check(context.Background()); err != nil {
		t.Error(err)
	}
	for path, status := range map[string]int{"/api/contact": 405, "/elsewhere": 404} {
		res, err := http.Get(s.URL + path)
		if err != nil {
			t.Fatal(err)
		}
		res.Body.Close()
		if res.StatusCode != status {
			t.Errorf("GET %s: %d, want %d", path, res.StatusCode, status)
		}
	}
}

func TestErrorsKeepAnswers(t *testing.T) {
	s := newServer(t, nil)
	v := goodPost()
	v.Set("email", "ann at nhs")
	a := post(t, s.URL+"/api/contact", v.Encode(), nil)
	for _, want := range []string{`value="Ann Smith"`, `<option value="QE1" selected>`, `value="discovery-call" checked`,
		`>Please call on Tuesday.</textarea>`, `value="ann at nhs"`, `value="A81001"`, `value="yes" checked`} {
		if !strings.Contains(a.body, want) {
			t.Errorf("the form shown again lacks %s", want)
		}
	}
}

func TestRateLimit(t *testing.T) {
	now := time.Date(2026, 11, 26, 9, 0, 0, 0, time.UTC)
	var mu sync.Mutex
	s := newServer(t, func(c *Config) {
		c.RatePer, c.RateBurst = time.Minute, 3
		c.Now = func() time.Time { mu.Lock(); defer mu.Unlock(); return now }
	})
	for i := range 3 {
		if a := post(t, s.URL+"/api/contact", goodPost().Encode(), nil); a.status != 303 {
			t.Fatalf("post %d: %d", i, a.status)
		}
	}
	a := post(t, s.URL+"/api/contact", goodPost().Encode(), map[string]string{"Accept": "application/json"})
	if a.status != 429 || a.header.Get("Retry-After") == "" || !strings.Contains(a.body, "Wait 60 seconds") {
		t.Errorf("4th post at once: %d %v %s", a.status, a.header, a.body)
	}
	mu.Lock()
	now = now.Add(time.Minute)
	mu.Unlock()
	if a := post(t, s.URL+"/api/contact", goodPost().Encode(), nil); a.status != 303 {
		t.Errorf("a minute later: %d", a.status)
	}
	if n := count(t, s.store); n != 4 {
		t.Errorf("%d rows, want 4", n)
	}
}

func TestLimiterForgetsIdleClients(t *testing.T) {
	l := newLimiter(time.Second, 2)
	t0 := time.Unix(0, 0)
	for i := range 1000 {
		l.allow(fmt.Sprint(i), t0)
	}
	l.allow("late", t0.Add(time.Minute))
	if len(l.buckets) != 1 {
		t.Errorf("%d buckets kept", len(l.buckets))
	}
}

// TestConcurrentLoad: 50 clients post 2,000 submissions in all; every
// answered submission has exactly its row, and nothing fails.
func TestConcurrentLoad(t *testing.T) {
	s := newServer(t, nil)
	const clients, total = 50, 2000
	var mu sync.Mutex
	acked := map[string]string{} // id -> the name it carried
	var failures []string
	var wg sync.WaitGroup
	client := &http.Client{Timeout: 60 * time.Second, Transport: &http.Transport{MaxIdleConnsPerHost: clients}}
	for c := range clients {
		wg.Go(func() {
			for i := c; i < total; i += clients {
				v := goodPost()
				name := fmt.Sprintf("client %d post %d", c, i)
				v.Set("name", name)
				req, _ := http.NewRequest(http.MethodPost, s.URL+"/api/contact", strings.NewReader(v.Encode()))
				req.Header.Set("Content-Type", "application/x-www-form-urlencoded")
				req.Header.Set("Origin", origin)
				req.Header.Set("Accept", "application/json")
				res, err := client.Do(req)
				if err != nil {
					mu.Lock()
					failures = append(failures, err.Error())
					mu.Unlock()
					continue
				}
				var j jsonReply
				err = json.NewDecoder(res.Body).Decode(&j)
				res.Body.Close()
				mu.Lock()
				if err != nil || res.StatusCode != 200 || !j.OK {
					failures = append(failures, fmt.Sprintf("%s: %d %v", name, res.StatusCode, err))
				} else {
					acked[j.ID] = name
				}
				mu.Unlock()
			}
		})
	}
	wg.Wait()
	if len(failures) > 0 {
		t.Fatalf("%d failures, first: %s", len(failures), failures[0])
	}
	stored := map[string]string{}
	names := map[string]int{}
	s.store.All(context.Background(), func(sub Submission) error {
		stored[sub.ID] = sub.Answers[0][1]
		names[sub.Answers[0][1]]++
		return nil
	})
	if len(acked) != total || len(stored) != total {
		t.Fatalf("%d acknowledged, %d stored, want %d", len(acked), len(stored), total)
	}
	for id, name := range acked {
		if stored[id] != name {
			t.Errorf("acknowledged %s (%s) stored as %q", id, name, stored[id])
		}
	}
	for name, n := range names {
		if n != 1 {
			t.Errorf("%q stored %d times", name, n)
		}
	}
}

func TestExportAndPurge(t *testing.T) {
	st, err := Open(filepath.Join(t.TempDir(), "s.db"))
	if err != nil {
		t.Fatal(err)
	}
	defer st.Close()
	ctx := context.Background()
	old := time.Date(2025, 1, 2, 3, 4, 5, 0, time.UTC)
	recent := time.Date(2026, 11, 1, 0, 0, 0, 0, time.UTC)
	st.Insert(ctx, Submission{ID: "a", Form: "contact", ReceivedAt: old, Answers: [][2]string{{"name", "=HYPERLINK(\"http://x\")"}, {"email", "a@b.c"}}})
	st.Insert(ctx, Submission{ID: "b", Form: "contact", ReceivedAt: recent, Answers: [][2]string{{"name", "Bo, \"the\" pharmacist"}, {"phone", "+44 1"}}})
	if err := st.Insert(ctx, Submission{ID: "b", Form: "contact", ReceivedAt: recent}); err == nil {
		t.Error("a duplicate id was stored")
	}
	var buf bytes.Buffer
	if n, err := st.ExportCSV(ctx, &buf, ""); err != nil || n != 2 {
		t.Fatalf("export: %d %v", n, err)
	}
	want := "id,form,received_at,name,email,phone\n" +
		"a,contact,2025-01-02T03:04:05.000Z,\"'=HYPERLINK(\"\"http://x\"\")\",a@b.c,\n" +
		"b,contact,2026-11-01T00:00:00.000Z,\"Bo, \"\"the\"\" pharmacist\",,'+44 1\n"
	if buf.String() != want {
		t.Errorf("CSV:\n%s\nwant:\n%s", buf.String(), want)
	}
	// The form's fields come first and are columns even when no row has
	// them (message); a stored field the form no longer has still shows.
	buf.Reset()
	if _, err := st.ExportCSV(ctx, &buf, "", "email", "name", "message"); err != nil {
		t.Fatal(err)
	}
	if head, _, _ := strings.Cut(buf.String(), "\n"); head != "id,form,received_at,email,name,message,phone" {
		t.Errorf("columns with the form's fields: %s", head)
	}
	n, err := st.Purge(ctx, time.Date(2026, 1, 1, 0, 0, 0, 0, time.UTC))
	if err != nil || n != 1 || count(t, st) != 1 {
		t.Errorf("purge: %d %v, %d left", n, err, count(t, st))
	}
}

func TestNewErrors(t *testing.T) {
	dir := t.TempDir()
	if _, err := New(Config{Forms: dir}); err == nil || !strings.Contains(err.Error(), "run `make build` first") {
		t.Errorf("empty forms dir: %v", err)
	}
	os.WriteFile(filepath.Join(dir, "x.json"), []byte(`{"format":1,"definition":{"id":"x"}}`), 0o644)
	if _, err := New(Config{Forms: dir}); err == nil || !strings.Contains(err.Error(), "x.json") {
		t.Errorf("bad export: %v", err)
	}
	if _, err := New(Config{Forms: formsDir(t), AllowOrigins: []string{"localhost:1313"}}); err == nil {
		t.Error("an origin without a scheme was accepted")
	}
}
