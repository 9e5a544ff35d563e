package statichost

import (
	"io"
	"net/http"
	"net/http/httptest"
	"os"
	"path/filepath"
	"strings"
	"testing"

	"github.com/rogpeppe/go-internal/txtar"
)

// fixture writes testdata/site.txtar, a small built site, to a temporary
// folder and adds the files given (name -> content).
func fixture(t *testing.T, extra map[string]string) string {
	t.Helper()
	ar, err := txtar.ParseFile("testdata/site.txtar")
	if err != nil {
		t.Fatal(err)
	}
	dir := t.TempDir()
	for _, f := range ar.Files {
		write(t, filepath.Join(dir, f.Name), string(f.Data))
	}
	for name, data := range extra {
		write(t, filepath.Join(dir, name), data)
	}
	return dir
}

func write(t *testing.T, name, data string) {
	t.Helper()
	if err := os.MkdirAll(filepath.Dir(name), 0o755); err != nil {
		t.Fatal(err)
	}
	if err := os.WriteFile(name, []byte(data), 0o644); err != nil {
		t.Fatal(err)
	}
}

func symlink(t *testing.T, target, name string) {
	t.Helper()
	if err := os.Symlink(target, name); err != nil {
		t.Skipf("no symbolic links here: %v", err)
	}
}

func mustNew(t *testing.T, dir string) http.Handler {
	t.Helper()
	h, err := New(dir)
	if err != nil {
		t.Fatal(err)
	}
	return h
}

// answer is one response, read whole.
type answer struct {
	status int
	header http.Header
	body   string
}

// do sends method target to h, with header lines "Name: value".
func do(t *testing.T, h http.Handler, method, target string, header ...string) answer {
	t.Helper()
	req := httptest.NewRequest(method, "http://127.0.0.1:8081/", nil)
	req.URL.Path, req.URL.RawQuery, _ = strings.Cut(target, "?")
	for _, line := range header {
		name, value, _ := strings.Cut(line, ": ")
		req.Header.Set(name, value)
	}
	rec := httptest.NewRecorder()
	h.ServeHTTP(rec, req)
	b, _ := io.ReadAll(rec.Result().Body)
	return answer{rec.Code, rec.Result().Header, string(b)}
}

const (
	html = "text/html; charset=utf-8"
	csp  = "default-src 'self'; script-src 'self'; style-src 'self'; img-src 'self' data:; connect-src 'self'; object-src 'none'; base-uri 'self'; form-action 'self'; frame-ancestors 'none'"
)

// TestBuiltSite serves the fixture, whose _headers and _redirects are what
// bcs build writes: every answer has the site's security headers.
func TestBuiltSite(t *testing.T) {
	h := mustNew(t, fixture(t, nil))
	for _, tc := range []struct {
		target string
		status int
		ctype  string
		want   string
	}{
		{"/", 200, html, "Home page"},
		{"/index.html", 200, html, "Home page"},
		{"/packs/", 200, html, "<h1>Packs</h1>"},
		{"/packs/qhg/", 200, html, "QHG was abolished"},
		{"/assets/site.1a2b3c.css", 200, "text/css; charset=utf-8", "navy"},
		{"/sitemap.xml", 200, "application/xml", "<urlset>"},
		{"/robots.txt", 200, "text/plain; charset=utf-8", "User-agent"},
		{"/forms/contact.json", 200, "application/json", `"contact"`},
		{"/site.webmanifest", 200, "application/manifest+json", "BCS"},
		{"/packs/SHA256SUMS", 200, "application/octet-stream", "qe1.zip"},
		{"/packs/qe1/bcs-pack-qe1.zip", 200, "application/zip", "PK"},
		{"/packs/qe1/scope-of-practice.docx", 200, "application/vnd.openxmlformats-officedocument.wordprocessingml.document", "PK"},
		{"/packs/qe1/dashboard.xlsx", 200, "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet", "PK"},
		{"/nowhere/", 404, html, "Site 404 page"},
		{"/robots.txt/", 404, html, "Site 404 page"},
		{"/_headers", 404, html, "Site 404 page"},
		{"/_redirects", 404, html, "Site 404 page"},
		{"/packs/qe1/", 404, html, "Site 404 page"}, // a directory without index.html
	} {
		a := do(t, h, "GET", tc.target)
		if a.status != tc.status || a.header.Get("Content-Type") != tc.ctype || !strings.Contains(a.body, tc.want) {
			t.Errorf("GET %s: %d %s\n%.200s", tc.target, a.status, a.header.Get("Content-Type"), a.body)
		}
		if a.header.Get("Content-Security-Policy") != csp || a.header.Get("X-Content-Type-Options") != "nosniff" ||
			a.header.Get("Referrer-Policy") != "strict-origin-when-cross-origin" {
			t.Errorf("GET %s: headers %v", tc.target, a.header)
		}
	}
	if a := do(t, h, "GET", "/assets/site.1a2b3c.css"); a.header.Get("Cache-Control") != "public, max-age=31536000, immutable" {
		t.Errorf("asset Cache-Control %q", a.header.Get("Cache-Control"))
	}
	if a := do(t, h, "GET", "/"); a.header.Get("Cache-Control") != "" {
		t.Errorf("page Cache-Control %q: /assets/* should not match /", a.header.Get("Cache-Control"))
	}
	if a := do(t, h, "GET", "/packs/qe1/"); strings.Contains(a.body, "dashboard.xlsx") {
		t.Errorf("a directory listing:\n%s", a.body)
	}
}

// TestAbolishedICBRedirects: the old document addresses of an abolished
// ICB go to its successor's, as _redirects says, with or without the
// trailing slash, keeping the query; its own page is still served.
func TestAbolishedICBRedirects(t *testing.T) {
	h := mustNew(t, fixture(t, nil))
	for target, want := range map[string]string{
		"/packs/qhg/scope-of-practice/":         "/packs/s1y5d/scope-of-practice/",
		"/packs/qhg/scope-of-practice":          "/packs/s1y5d/scope-of-practice/",
		"/packs/qhg/scope-of-practice/?a=1":     "/packs/s1y5d/scope-of-practice/?a=1",
		"/packs/qhg/smr-consultation-template/": "/packs/s1y5d/smr-consultation-template/",
	} {
		if a := wantRedirect(t, h, target, want); a.header.Get("Content-Security-Policy") != csp {
			t.Errorf("GET %s: no CSP on the redirect", target)
		}
	}
	if a := do(t, h, "GET", "/packs/qhg/"); a.status != 200 {
		t.Errorf("the abolished ICB's page: %d", a.status)
	}
	if a := do(t, h, "GET", "/packs/qhg/other/"); a.status != 404 {
		t.Errorf("an address no rule names: %d", a.status)
	}
}

// wantRedirect checks that GET target is a 301 to want, and returns the answer.
func wantRedirect(t *testing.T, h http.Handler, target, want string) answer {
	t.Helper()
	a := do(t, h, "GET", target)
	if a.status != http.StatusMovedPermanently || a.header.Get("Location") != want {
		t.Errorf("GET %s: %d to %q, want 301 to %q", target, a.status, a.header.Get("Location"), want)
	}
	return a
}

func TestDirectoryRedirect(t *testing.T) {
	h := mustNew(t, fixture(t, nil))
	for target, want := range map[string]string{
		"/packs":                         "/packs/",
		"/packs?icb=qe1":                 "/packs/?icb=qe1",
		"/packs/qhg":                     "/packs/qhg/",
		"/packs/../packs":                "/packs/",
		"//packs":                        "/packs/",
		"/packs/s1y5d/scope-of-practice": "/packs/s1y5d/scope-of-practice/",
	} {
		wantRedirect(t, h, target, want)
	}
	// No index.html: nothing to send anyone to.
	if a := do(t, h, "GET", "/packs/qe1"); a.status != 404 {
		t.Errorf("/packs/qe1: %d %s", a.status, a.header.Get("Location"))
	}
}

func TestSymlinksNotFollowed(t *testing.T) {
	dir := fixture(t, nil)
	outside := t.TempDir()
	write(t, filepath.Join(outside, "secret.txt"), "outside secret")
	write(t, filepath.Join(outside, "index.html"), "outside index")
	symlink(t, "robots.txt", filepath.Join(dir, "link.txt"))                      // to a file inside
	symlink(t, "packs", filepath.Join(dir, "linkdir"))                            // a directory inside
	symlink(t, filepath.Join(outside, "secret.txt"), filepath.Join(dir, "s.txt")) // a file outside
	symlink(t, outside, filepath.Join(dir, "out"))                                // a directory outside
	symlink(t, filepath.Join(outside, "index.html"), filepath.Join(dir, "packs/qe1/index.html"))
	h := mustNew(t, dir)
	for _, target := range []string{
		"/link.txt", "/linkdir/", "/linkdir", "/linkdir/index.html", "/linkdir/qhg/",
		"/s.txt", "/out/", "/out", "/out/secret.txt", "/packs/qe1/", "/packs/qe1/index.html", "/packs/qe1",
	} {
		a := do(t, h, "GET", target)
		if a.status != 404 || !strings.Contains(a.body, "Site 404 page") {
			t.Errorf("GET %s: %d %s\n%.200s", target, a.status, a.header.Get("Location"), a.body)
		}
	}
	// A 404.html that is a link is not served either.
	dir2 := fixture(t, nil)
	if err := os.Remove(filepath.Join(dir2, "404.html")); err != nil {
		t.Fatal(err)
	}
	symlink(t, filepath.Join(outside, "secret.txt"), filepath.Join(dir2, "404.html"))
	if a := do(t, mustNew(t, dir2), "GET", "/nowhere"); a.status != 404 || strings.Contains(a.body, "outside") {
		t.Errorf("404 through a link: %d\n%s", a.status, a.body)
	}
}

func TestDotfilesAndTraversal(t *testing.T) {
	dir := fixture(t, map[string]string{".git/config": "[core]", ".env": "KEY=1", "a/.hidden/x.html": "hidden", "a/.b.html": "hidden"})
	parent := filepath.Dir(dir)
	write(t, filepath.Join(parent, "above.txt"), "above the site")
	h := mustNew(t, dir)
	for _, target := range []string{
		"/.git/config", "/.git/", "/.env", "/a/.hidden/x.html", "/a/.b.html",
		"/../above.txt", "/../../../../etc/passwd", "/a/../../above.txt", "/..\\above.txt", "/robots.txt\x00.html",
	} {
		a := do(t, h, "GET", target)
		if a.status != 404 || strings.Contains(a.body, "above the site") || strings.Contains(a.body, "[core]") || strings.Contains(a.body, "root:") {
			t.Errorf("GET %q: %d\n%.200s", target, a.status, a.body)
		}
	}
	// .. resolves inside the site, as a host does.
	if a := do(t, h, "GET", "/packs/../robots.txt"); a.status != 200 || !strings.Contains(a.body, "User-agent") {
		t.Errorf("/packs/../robots.txt: %d", a.status)
	}
}

func TestMethodsHeadAndRange(t *testing.T) {
	h := mustNew(t, fixture(t, nil))
	for _, m := range []string{"POST", "PUT", "DELETE", "OPTIONS", "PATCH"} {
		a := do(t, h, m, "/")
		if a.status != http.StatusMethodNotAllowed || a.header.Get("Allow") != "GET, HEAD" || strings.Contains(a.body, "Home page") {
			t.Errorf("%s /: %d Allow %q", m, a.status, a.header.Get("Allow"))
		}
	}
	a := do(t, h, "HEAD", "/")
	if a.status != 200 || a.body != "" || a.header.Get("Content-Type") != html || a.header.Get("Content-Length") == "" || a.header.Get("Content-Security-Policy") != csp {
		t.Errorf("HEAD /: %d %v %q", a.status, a.header, a.body)
	}
	a = do(t, h, "HEAD", "/nowhere")
	if a.status != 404 || a.body != "" || a.header.Get("Content-Type") != html {
		t.Errorf("HEAD /nowhere: %d %v %q", a.status, a.header, a.body)
	}
	a = do(t, h, "GET", "/robots.txt", "Range: bytes=0-3")
	if a.status != http.StatusPartialContent || a.body != "User" {
		t.Errorf("range: %d %q", a.status, a.body)
	}
	first := do(t, h, "GET", "/robots.txt")
	a = do(t, h, "GET", "/robots.txt", "If-Modified-Since: "+first.header.Get("Last-Modified"))
	if a.status != http.StatusNotModified {
		t.Errorf("If-Modified-Since: %d", a.status)
	}
}

func TestNotFoundPage(t *testing.T) {
	dir := fixture(t, nil)
	a := do(t, mustNew(t, dir), "GET", "/assets/gone.css")
	if a.status != 404 || a.header.Get("Content-Type") != html || !strings.Contains(a.body, "Site 404 page") ||
		a.header.Get("Cache-Control") != "public, max-age=31536000, immutable" { // the rules of the path asked for
		t.Errorf("404: %d %v\n%s", a.status, a.header, a.body)
	}
	if err := os.Remove(filepath.Join(dir, "404.html")); err != nil {
		t.Fatal(err)
	}
	a = do(t, mustNew(t, dir), "GET", "/gone/")
	if a.status != 404 || a.header.Get("Content-Type") != html || !strings.Contains(a.body, "<h1>Page not found</h1>") {
		t.Errorf("404 without 404.html: %d %v\n%s", a.status, a.header, a.body)
	}
}

func TestHeaderRules(t *testing.T) {
	dir := fixture(t, map[string]string{
		"_headers": "# rules\n/*\n  X-Frame-Options: DENY\n  X-Robots-Tag: noindex\n\n" +
			"/packs/:icb/\n  X-Robots-Tag: nosnippet\n" +
			"/packs/qhg/\n  x-robots-tag: noindex\n  Content-Type: text/plain\n" +
			"/robots.txt\n  X-Content-Type-Options: whatever\n",
	})
	h := mustNew(t, dir)
	a := do(t, h, "GET", "/packs/qhg/")
	if got := a.header.Get("X-Robots-Tag"); got != "noindex, nosnippet" {
		t.Errorf("X-Robots-Tag joined as %q", got)
	}
	if a.header.Get("X-Frame-Options") != "DENY" || a.header.Get("Content-Type") != "text/plain" {
		t.Errorf("/packs/qhg/: %v", a.header)
	}
	if a := do(t, h, "GET", "/packs/qhg/x/"); a.header.Get("X-Robots-Tag") != "noindex" {
		t.Errorf(":icb matched more than one segment: %v", a.header)
	}
	if a := do(t, h, "GET", "/robots.txt"); a.header.Get("X-Content-Type-Options") != "nosniff" {
		t.Errorf("nosniff replaced: %v", a.header)
	}
	// Without a _headers file, nosniff is still sent.
	if err := os.Remove(filepath.Join(dir, "_headers")); err != nil {
		t.Fatal(err)
	}
	a = do(t, mustNew(t, dir), "GET", "/")
	if a.status != 200 || a.header.Get("X-Content-Type-Options") != "nosniff" || a.header.Get("Content-Security-Policy") != "" {
		t.Errorf("no _headers: %d %v", a.status, a.header)
	}
}

func TestBadConfig(t *testing.T) {
	for _, tc := range []struct{ file, data, want string }{
		{"_headers", "/*\n  X-Ok: 1\nX-Bad: 2\n", "_headers:3: "},
		{"_headers", "  X-Early: 1\n/*\n  X-Ok: 1\n", "_headers:1: header \"X-Early: 1\" comes before any path pattern"},
		{"_headers", "/*\n  no colon here\n", "_headers:2: "},
		{"_headers", "/*\n  Bad Name: 1\n", "_headers:2: \"Bad Name\" is not a valid header name"},
		{"_headers", "/*\n  X-Empty:\n", "_headers:2: header X-Empty has no value"},
		{"_headers", "/*\n  ! X-Robots-Tag\n", "_headers:2: "},
		{"_headers", "# c\n/a\n/b\n  X-Ok: 1\n", "_headers:2: /a has no headers under it"},
		{"_headers", "/*\n  X-Ok: 1\n/last\n", "_headers:3: /last has no headers under it"},
		{"_headers", "/a/*/b/*\n  X-Ok: 1\n", "_headers:1: "},
		{"_headers", "https://example.com/*\n  X-Ok: 1\n", "_headers:1: "},
		{"_headers", "/* X-Frame-Options: DENY\n", "_headers:1: "},
		{"_redirects", "/a /b 301\n/c\n", "_redirects:2: "},
		{"_redirects", "# c\n/a /b 200\n", "_redirects:2: status \"200\""},
		{"_redirects", "/a /b 301 Country=gb\n", "_redirects:1: "},
		{"_redirects", "/a //evil.example/ 301\n", "_redirects:1: target"},
		{"_redirects", "/a javascript:alert(1) 302\n", "_redirects:1: target"},
		{"_redirects", "a /b\n", "_redirects:1: "},
	} {
		dir := fixture(t, map[string]string{tc.file: tc.data})
		_, err := New(dir)
		if err == nil || !strings.Contains(err.Error(), filepath.Join(dir, tc.want)) {
			t.Errorf("%s %q: error %v, want %q", tc.file, tc.data, err, tc.want)
		}
	}
	dir := fixture(t, nil)
	if err := os.Remove(filepath.Join(dir, "_headers")); err != nil {
		t.Fatal(err)
	}
	symlink(t, "robots.txt", filepath.Join(dir, "_headers"))
	if _, err := New(dir); err == nil || !strings.Contains(err.Error(), "_headers: is a symbolic link") {
		t.Errorf("_headers as a link: %v", err)
	}
	if _, err := New(filepath.Join(dir, "robots.txt")); err == nil {
		t.Error("a file as the site: no error")
	}
}

// TestTreeReplaced: bcs build swaps public/ for a new tree; its files and
// its rules are served from then on, without a restart.
func TestTreeReplaced(t *testing.T) {
	parent := t.TempDir()
	site := filepath.Join(parent, "public")
	if err := os.Rename(fixture(t, nil), site); err != nil {
		t.Fatal(err)
	}
	h := mustNew(t, site)
	next := fixture(t, map[string]string{"index.html": "New home", "_headers": "/*\n  X-Build: 2\n"})
	if err := os.Rename(site, filepath.Join(parent, ".public.old")); err != nil {
		t.Fatal(err)
	}
	if err := os.Rename(next, site); err != nil {
		t.Fatal(err)
	}
	if err := os.RemoveAll(filepath.Join(parent, ".public.old")); err != nil {
		t.Fatal(err)
	}
	a := do(t, h, "GET", "/")
	if a.body != "New home" || a.header.Get("X-Build") != "2" || a.header.Get("Content-Security-Policy") != "" {
		t.Errorf("after the swap: %v %q", a.header, a.body)
	}
	// A new tree with a bad _headers: said loudly, not served with old rules.
	bad := fixture(t, map[string]string{"_headers": "oops\n"})
	if err := os.Rename(site, filepath.Join(parent, ".public.old")); err != nil {
		t.Fatal(err)
	}
	if err := os.Rename(bad, site); err != nil {
		t.Fatal(err)
	}
	if a := do(t, h, "GET", "/"); a.status != 500 || !strings.Contains(a.body, "_headers:1") {
		t.Errorf("bad new tree: %d %q", a.status, a.body)
	}
}
