package preview

import (
	"bufio"
	"context"
	"encoding/json"
	"fmt"
	"io"
	"net/http"
	"net/http/httptest"
	"os"
	"path/filepath"
	"runtime"
	"slices"
	"strings"
	"testing"
	"testing/synctest"
	"time"

	"github.com/rogpeppe/go-internal/txtar"
)

// TestDebounce runs in a synctest bubble: time is the bubble's fake clock,
// which moves only when every goroutine in it is blocked, so the waits
// below are exact, not wall-clock bounds a busy machine can miss.
func TestDebounce(t *testing.T) {
	synctest.Test(t, func(t *testing.T) {
		ctx, cancel := context.WithCancel(t.Context())
		in := make(chan string)
		const quiet, most = 30 * time.Millisecond, 120 * time.Millisecond
		out := debounce(ctx, in, quiet, most)
		// A burst, with a repeat: one batch, each path once, in order, a
		// quiet period after the last.
		start := time.Now()
		for _, p := range []string{"a", "b", "a", "c"} {
			in <- p
		}
		if got := <-out; !slices.Equal(got, []string{"a", "b", "c"}) {
			t.Errorf("batch %v", got)
		}
		if waited := time.Since(start); waited != quiet {
			t.Errorf("a burst was sent after %v, want the quiet period %v", waited, quiet)
		}
		// A steady trickle (one path every 10 ms, never quiet for 30 ms) is
		// cut at the maximum wait, not postponed for ever.
		start = time.Now()
		trickled := make(chan struct{})
		go func() {
			defer close(trickled)
			for i := range 20 {
				select {
				case in <- fmt.Sprint(i):
				case <-ctx.Done():
					return
				}
				time.Sleep(10 * time.Millisecond)
			}
		}()
		first := <-out
		if waited := time.Since(start); waited != most {
			t.Errorf("the first batch of a trickle came after %v, want the maximum wait %v", waited, most)
		}
		if len(first) != 12 && len(first) != 13 { // sent at 0, 10, ... 110 ms, and 120 ms if it won the race
			t.Errorf("the first batch of a trickle has %d paths: %v", len(first), first)
		}
		cancel()
		for range out { // closes when ctx ends
		}
		<-trickled
	})
}

func TestChangedPages(t *testing.T) {
	pages, css, all := changedPages([]string{"assets/site.css", "guide/index.html", "index.html", "404.html", "sitemap.xml"})
	if !slices.Equal(pages, []string{"/guide/", "/", "/404.html"}) || !css || all {
		t.Errorf("pages %v css %v all %v", pages, css, all)
	}
	var many []string
	for i := range 600 {
		many = append(many, fmt.Sprintf("p%d/index.html", i))
	}
	if pages, _, all := changedPages(many); len(pages) != 0 || !all {
		t.Errorf("600 pages: %d listed, all=%v", len(pages), all)
	}
}

// project writes the site package's test project to a temporary folder.
func project(t testing.TB) string {
	t.Helper()
	ar, err := txtar.ParseFile("../site/testdata/base.txtar")
	if err != nil {
		t.Fatal(err)
	}
	dir := t.TempDir()
	for _, f := range ar.Files {
		write(t, filepath.Join(dir, f.Name), string(f.Data))
	}
	return dir
}

func write(t testing.TB, name, data string) {
	t.Helper()
	if err := os.MkdirAll(filepath.Dir(name), 0o755); err != nil {
		t.Fatal(err)
	}
	if err := os.WriteFile(name, []byte(data), 0o644); err != nil {
		t.Fatal(err)
	}
}

// running is a preview server started by Run on a loopback port.
type running struct {
	url    string
	cancel context.CancelFunc
	done   chan error
	out    *strings.Builder
}

func start(t testing.TB, root string) *running {
	t.Helper()
	return startWith(t, Config{Root: root})
}

// startWith starts Run with cfg on a loopback port.
func startWith(t testing.TB, cfg Config) *running {
	t.Helper()
	ctx, cancel := context.WithCancel(context.Background())
	ready := make(chan string, 1)
	r := &running{cancel: cancel, done: make(chan error, 1), out: &strings.Builder{}}
	go func() {
		cfg.Addr, cfg.Out, cfg.Ready = "127.0.0.1:0", io.Discard, func(u string) { ready <- u }
		r.done <- Run(ctx, cfg)
	}()
	// No deadline of our own: a slow machine (-race on 2 cores) may take long
	// to build; a hang is the go test -timeout's, with every stack printed.
	select {
	case r.url = <-ready:
	case err := <-r.done:
		t.Fatalf("Run returned before it was ready: %v", err)
	}
	t.Cleanup(func() { r.stop(t) })
	return r
}

func (r *running) stop(t testing.TB) {
	r.cancel()
	select {
	case err := <-r.done:
		if err != nil {
			t.Errorf("Run: %v", err)
		}
	case <-time.After(10 * time.Second):
		t.Error("Run did not return after its context ended")
	}
	r.done <- nil // a second stop returns at once
}

type sse struct {
	res    *http.Response
	events chan [2]string
}

// listen opens the event stream and reads it in the background.
func listen(t testing.TB, url string) *sse {
	t.Helper()
	res, err := http.Get(url + "/_bcs/events")
	if err != nil {
		t.Fatal(err)
	}
	s := &sse{res: res, events: make(chan [2]string, 64)}
	go func() {
		defer close(s.events)
		sc := bufio.NewScanner(res.Body)
		var name string
		for sc.Scan() {
			line := sc.Text()
			if n, ok := strings.CutPrefix(line, "event: "); ok {
				name = n
			} else if d, ok := strings.CutPrefix(line, "data: "); ok {
				s.events <- [2]string{name, d}
			}
		}
	}()
	t.Cleanup(func() { res.Body.Close() })
	return s
}

// next waits for the next event called name, skipping others.
func (s *sse) next(t testing.TB, name string) map[string]any {
	t.Helper()
	timeout := time.After(20 * time.Second)
	for {
		select {
		case e, ok := <-s.events:
			if !ok {
				t.Fatalf("stream ended waiting for %s", name)
			}
			if e[0] == name {
				var v map[string]any
				if err := json.Unmarshal([]byte(e[1]), &v); err != nil {
					t.Fatal(err)
				}
				return v
			}
		case <-timeout:
			t.Fatalf("no %s event", name)
		}
	}
}

func get(t *testing.T, url string) (int, http.Header, string) {
	t.Helper()
	res, err := http.Get(url)
	if err != nil {
		t.Fatal(err)
	}
	defer res.Body.Close()
	b, _ := io.ReadAll(res.Body)
	return res.StatusCode, res.Header, string(b)
}

// TestEditErrorFixCSS runs the whole preview on a real folder: an edit
// reloads its page, a broken file shows its error while the last good site
// is still served, the fix clears it, and a stylesheet edit is a CSS swap.
func TestEditErrorFixCSS(t *testing.T) {
	root := project(t)
	r := start(t, root)
	ev := listen(t, r.url)
	ev.next(t, evReady)

	page := filepath.Join(root, "content/guide/two.md")
	write(t, page, "---\ntitle: Two\ndescription: d\nweight: 2\n---\n## Details\nFresh words.\n")
	ch := ev.next(t, evChange)
	if fmt.Sprint(ch["pages"]) != "[/guide/two/]" || ch["css"] != false {
		t.Errorf("change event %v", ch)
	}
	_, _, body := get(t, r.url+"/guide/two/")
	if !strings.Contains(body, "Fresh words.") {
		t.Error("the edit is not served")
	}
	// The same bytes saved again change nothing, and keep the version: a
	// page that connects now is not told to reload.
	write(t, page, "---\ntitle: Two\ndescription: d\nweight: 2\n---\n## Details\nFresh words.\n")
	if same := ev.next(t, evChange); fmt.Sprint(same["version"]) != fmt.Sprint(ch["version"]) || fmt.Sprint(same["pages"]) != "[]" {
		t.Errorf("an unchanged save moved the version from %v: %v", ch["version"], same)
	}
	if _, _, again := get(t, r.url+"/guide/two/"); !strings.Contains(again, fmt.Sprintf(`data-version="%v"`, ch["version"])) {
		t.Errorf("the page is served with another version than %v", ch["version"])
	}

	write(t, page, "---\ntitle: [\n---\n")
	bad := ev.next(t, evError)
	if !strings.Contains(fmt.Sprint(bad["errors"]), "content/guide/two.md:2") {
		t.Errorf("error event %v", bad)
	}
	if _, _, body := get(t, r.url+"/guide/two/"); !strings.Contains(body, "Fresh words.") {
		t.Error("the last good page is not served during the error")
	}
	late := listen(t, r.url) // a tab opened now is told of the error at once
	late.next(t, evError)

	write(t, page, "---\ntitle: Two\ndescription: d\nweight: 2\n---\n## Details\nFixed.\n")
	ev.next(t, evChange)
	if _, _, body := get(t, r.url+"/guide/two/"); !strings.Contains(body, "Fixed.") {
		t.Error("the fix is not served")
	}

	// An editor's atomic save: write a temporary file, rename it over.
	tmp := filepath.Join(root, "assets/css/.site.css.swp")
	write(t, tmp, "body { color: navy; }")
	if err := os.Rename(tmp, filepath.Join(root, "assets/css/site.css")); err != nil {
		t.Fatal(err)
	}
	css := ev.next(t, evChange)
	if css["css"] != true || fmt.Sprint(css["pages"]) != "[]" {
		t.Errorf("stylesheet change event %v", css)
	}
	if _, h, body := get(t, r.url+"/assets/site.css"); !strings.Contains(body, "navy") || h.Get("Content-Type") != "text/css; charset=utf-8" {
		t.Errorf("stylesheet served as %s: %.80s", h.Get("Content-Type"), body)
	}

	// A folder created after the start is watched too.
	write(t, filepath.Join(root, "content/news/_index.md"), "---\ntitle: News\ndescription: d\n---\n")
	for {
		c := ev.next(t, evChange)
		if strings.Contains(fmt.Sprint(c["pages"]), "/news/") {
			break
		}
	}
	write(t, filepath.Join(root, "content/news/first.md"), "---\ntitle: First\ndescription: d\n---\nHello.\n")
	for {
		c := ev.next(t, evChange)
		if strings.Contains(fmt.Sprint(c["pages"]), "/news/first/") {
			break
		}
	}

	ev.res.Body.Close()
	late.res.Body.Close()
	r.stop(t)
	if left := ownGoroutines(); len(left) > 0 {
		t.Errorf("Run returned with %d of its goroutines still running:\n%s", len(left), strings.Join(left, "\n\n"))
	}
}

// ownGoroutines returns the stacks of the goroutines running code of this
// package (its non-test files) other than the caller's. Run waits for each
// goroutine it starts, so once it has returned there must be none: no
// count of all goroutines (HTTP clients' idle connections, the runtime's
// own) and no waiting.
func ownGoroutines() []string {
	buf := make([]byte, 1<<20)
	buf = buf[:runtime.Stack(buf, true)]
	var left []string
	for i, g := range strings.Split(string(buf), "\n\n") {
		if i == 0 { // the caller
			continue
		}
		for _, line := range strings.Split(g, "\n") {
			file, _, _ := strings.Cut(strings.TrimSpace(line), ":")
			if strings.Contains(file, "/internal/preview/") && strings.HasSuffix(file, ".go") && !strings.HasSuffix(file, "_test.go") {
				left = append(left, g)
				break
			}
		}
	}
	return left
}

func TestServing(t *testing.T) {
	root := project(t)
	r := start(t, root)
	for _, tc := range []struct {
		path   string
		status int
		ctype  string
		want   string
	}{
		{"/", 200, "text/html; charset=utf-8", `<script src="/_bcs/live.js" data-version="1" defer></script>`},
		{"/guide/one/", 200, "text/html; charset=utf-8", "<h1>One</h1>"},
		{"/sitemap.xml", 200, "application/xml", "<urlset"},
		{"/assets/site.css", 200, "text/css; charset=utf-8", "color"},
		{"/nowhere/", 404, "text/html; charset=utf-8", "Not found"},
		{"/../../../../etc/passwd", 404, "text/html; charset=utf-8", "Not found"},
		{"/%2e%2e/%2e%2e/etc/passwd", 404, "text/html; charset=utf-8", "Not found"},
		{"/..%2f..%2fgo.mod", 404, "text/html; charset=utf-8", "Not found"},
		{"/_bcs/live.js", 200, "text/javascript; charset=utf-8", "EventSource"},
	} {
		status, h, body := get(t, r.url+tc.path)
		if status != tc.status || h.Get("Content-Type") != tc.ctype || !strings.Contains(body, tc.want) || h.Get("Cache-Control") != "no-store" {
			t.Errorf("GET %s: %d %s %s\n%.200s", tc.path, status, h.Get("Content-Type"), h.Get("Cache-Control"), body)
		}
	}
	res, err := noRedirect.Get(r.url + "/guide")
	if err != nil {
		t.Fatal(err)
	}
	res.Body.Close()
	if res.StatusCode != 301 || res.Header.Get("Location") != "/guide/" {
		t.Errorf("/guide: %d %s", res.StatusCode, res.Header.Get("Location"))
	}
}

var noRedirect = &http.Client{CheckRedirect: func(*http.Request, []*http.Request) error { return http.ErrUseLastResponse }}

func TestHubStreamsAndCloses(t *testing.T) {
	h := newHub()
	srv := httptest.NewServer(h)
	t.Cleanup(srv.Close)
	h.publish(newEvent(evChange, map[string]int{"version": 1}), newEvent(evReady, map[string]int{"version": 1}))
	s := listen(t, srv.URL+"/x")
	_ = s
	// The stream path is whatever the hub is mounted at; listen adds /_bcs/events.
	if v := s.next(t, evReady); v["version"] != float64(1) {
		t.Errorf("first event %v", v)
	}
	for deadline := time.Now().Add(30 * time.Second); h.count() == 0; time.Sleep(time.Millisecond) {
		if time.Now().After(deadline) {
			t.Fatal("the stream's client never registered with the hub")
		}
	}
	h.publish(newEvent(evChange, map[string]any{"version": 2, "pages": []string{"/a/"}}), newEvent(evReady, map[string]int{"version": 2}))
	if v := s.next(t, evChange); fmt.Sprint(v["pages"]) != "[/a/]" {
		t.Errorf("change %v", v)
	}
	h.close()
	select {
	case _, ok := <-s.events:
		for ok {
			_, ok = <-s.events
		}
	case <-time.After(5 * time.Second):
		t.Error("the stream did not end when the hub closed")
	}
}

// TestFormsMounted: the preview answers the contact form with the same
// receiver as production, storing in its own database.
func TestFormsMounted(t *testing.T) {
	root := t.TempDir()
	for _, d := range []string{"content", "templates", "assets", "packs"} {
		copyTree(t, filepath.Join("../../..", d), filepath.Join(root, d))
	}
	r := start(t, root)
	body := "name=Ann&role=PM&practice=Riverside&ods_code=A81001&icb=QE1&email=ann%40nhs.net&interest=other&consent=yes&website="
	req, _ := http.NewRequest(http.MethodPost, r.url+"/api/contact", strings.NewReader(body))
	req.Header.Set("Content-Type", "application/x-www-form-urlencoded")
	req.Header.Set("Origin", r.url)
	res, err := noRedirect.Do(req)
	if err != nil {
		t.Fatal(err)
	}
	res.Body.Close()
	if res.StatusCode != 303 || res.Header.Get("Location") != r.url+"/contact/thanks/" {
		t.Errorf("post: %d %s", res.StatusCode, res.Header.Get("Location"))
	}
	req, _ = http.NewRequest(http.MethodPost, r.url+"/api/contact", strings.NewReader("website="))
	req.Header.Set("Content-Type", "application/x-www-form-urlencoded")
	req.Header.Set("Origin", r.url)
	res, err = noRedirect.Do(req)
	if err != nil {
		t.Fatal(err)
	}
	page, _ := io.ReadAll(res.Body)
	res.Body.Close()
	if res.StatusCode != 422 || !strings.Contains(string(page), "There is a problem") {
		t.Errorf("empty post: %d", res.StatusCode)
	}
}

// bcs serve -cms: /admin/ loads the CMS from the folder given, which is
// served at /admin/decap/ (its files only: nothing above it, no dotfile),
// and the CMS's page gets no live reload, which would lose unsaved edits.
func TestCMSScripts(t *testing.T) {
	root, scripts := project(t), t.TempDir()
	write(t, filepath.Join(scripts, "decap-cms.js"), "window.CMS = {};")
	write(t, filepath.Join(scripts, "12.decap-cms.js"), "chunk")
	write(t, filepath.Join(scripts, ".secret"), "no")
	write(t, filepath.Join(filepath.Dir(scripts), "outside.js"), "no")
	r := startWith(t, Config{Root: root, CMS: scripts})
	get := func(path string) (int, string, string) {
		res, err := http.Get(r.url + path)
		if err != nil {
			t.Fatal(err)
		}
		defer res.Body.Close()
		b, _ := io.ReadAll(res.Body)
		return res.StatusCode, res.Header.Get("Content-Type"), string(b)
	}
	if code, ty, body := get("/admin/decap/12.decap-cms.js"); code != 200 || body != "chunk" || ty != "text/javascript; charset=utf-8" {
		t.Errorf("a chunk: %d %s %q", code, ty, body)
	}
	for _, p := range []string{"/admin/decap/.secret", "/admin/decap/../outside.js", "/admin/decap/%2e%2e/outside.js", "/admin/decap/", "/admin/decap/nope.js"} {
		if code, _, body := get(p); code != http.StatusNotFound || strings.Contains(body, "no") && !strings.Contains(body, "not found") && !strings.Contains(body, "Not found") {
			t.Errorf("%s: %d %q", p, code, body)
		}
	}
	code, _, index := get("/admin/")
	if code != 200 || !strings.Contains(index, `<script src="/admin/decap/decap-cms.js"></script>`) || strings.Contains(index, "unpkg") {
		t.Errorf("/admin/ does not load the local CMS: %d\n%s", code, index)
	}
	if strings.Contains(index, "/_bcs/live.js") {
		t.Error("/admin/ has the live-reload script")
	}
	if _, _, home := get("/"); !strings.Contains(home, "/_bcs/live.js") {
		t.Error("the home page lost its live reload")
	}
}

// A -cms folder without the CMS in it stops bcs serve, naming what to run.
func TestCMSScriptsMissing(t *testing.T) {
	err := Run(t.Context(), Config{Root: project(t), Addr: "127.0.0.1:0", CMS: t.TempDir()})
	if err == nil || !strings.Contains(err.Error(), "make cms fetches them") {
		t.Errorf("err = %v", err)
	}
}
