package statichost

import (
	"strings"
	"testing"
)

func TestPattern(t *testing.T) {
	expect := func(pat, path string, want bool, vals ...string) {
		t.Helper()
		p, err := compilePattern(pat)
		if err != nil {
			t.Fatalf("%s: %v", pat, err)
		}
		got, ok := p.match(path)
		if ok != want {
			t.Errorf("%s on %s: matched %v, want %v", pat, path, ok, want)
			return
		}
		for i := 0; i+1 < len(vals); i += 2 {
			if got[vals[i]] != vals[i+1] {
				t.Errorf("%s on %s: %s = %q, want %q", pat, path, vals[i], got[vals[i]], vals[i+1])
			}
		}
	}
	expect("/*", "/", true, "splat", "")
	expect("/*", "/a/b/c.html", true, "splat", "a/b/c.html")
	expect("/assets/*", "/assets/", true)
	expect("/assets/*", "/assets/css/site.css", true, "splat", "css/site.css")
	expect("/assets/*", "/assets", false)
	expect("/assets/*", "/other/assets/x", false)
	expect("/a.html", "/aXhtml", false) // the dot is literal
	expect("/Packs/", "/packs/", false)
	expect("/packs/:icb/", "/packs/qe1/", true, "icb", "qe1")
	expect("/packs/:icb/", "/packs/qe1/x/", false)
	expect("/packs/:icb/", "/packs//", false)
	expect("/packs/:icb/:doc/*", "/packs/qhg/sop/a/b", true, "icb", "qhg", "doc", "sop", "splat", "a/b")
	expect("/a:b", "/a:b", true) // a colon inside a segment is text
	for _, bad := range []string{"", "packs/", "/a/*/b/*", "/:x/:x", "https://example.com/", "http://example.com/"} {
		if _, err := compilePattern(bad); err == nil {
			t.Errorf("%q: no error", bad)
		}
	}
}

func TestRedirectFor(t *testing.T) {
	rules, err := parseRedirects("_redirects", []byte(strings.Join([]string{
		"# comment",
		"/old/* /new/:splat 302",
		"/docs/:id/ /documents/:id/",
		"/ext https://example.org/x?y=1 308!",
		"/up/* /:splat",
		"",
	}, "\r\n")))
	if err != nil {
		t.Fatal(err)
	}
	for _, tc := range []struct {
		path, query, loc string
		status           int
	}{
		{"/old/a/b.html", "", "/new/a/b.html", 302},
		{"/old/a b/c", "", "/new/a%20b/c", 302},
		{"/docs/sop/", "v=2", "/documents/sop/?v=2", 301},
		{"/docs/sop", "", "/documents/sop/", 301},
		{"/ext", "q=1", "https://example.org/x?y=1", 308},
		{"/up/evil.example/x", "", "/evil.example/x", 301},
		{"/up//evil.example", "", "/evil.example", 301}, // never //host
	} {
		loc, status, ok := redirectFor(rules, tc.path, tc.query)
		if !ok || loc != tc.loc || status != tc.status {
			t.Errorf("%s?%s: %v %q %d, want %q %d", tc.path, tc.query, ok, loc, status, tc.loc, tc.status)
		}
	}
	if _, _, ok := redirectFor(rules, "/docs/", ""); ok {
		t.Error("/docs/ matched :id")
	}
}

func TestHeadersForJoins(t *testing.T) {
	rules, err := parseHeaders("_headers", []byte("/*\n  Link: </a.css>; rel=preload\n  X-Content-Type-Options: nosniff\n/x/*\n\tlink: </b.css>; rel=preload\n  X-Content-Type-Options: nosniff\n"))
	if err != nil {
		t.Fatal(err)
	}
	h := headersFor(rules, "/x/y")
	if got := h.Get("Link"); got != "</a.css>; rel=preload, </b.css>; rel=preload" {
		t.Errorf("Link %q", got)
	}
	if got := h.Values("X-Content-Type-Options"); len(got) != 1 || got[0] != "nosniff" {
		t.Errorf("nosniff given twice came out as %q", got)
	}
	if got := headersFor(rules, "/y").Get("Link"); got != "</a.css>; rel=preload" {
		t.Errorf("/y Link %q", got)
	}
}

// FuzzParseHeaders: any _headers file is parsed or refused, never a panic,
// and every error names the file and a line.
func FuzzParseHeaders(f *testing.F) {
	f.Add("/*\n  Content-Security-Policy: default-src 'self'\n/assets/*\n  Cache-Control: public\n")
	f.Add("/packs/:icb/*\n  X-A: 1\n# c\n\n")
	f.Add("  X: 1\n/a\n/b b\n")
	f.Fuzz(func(t *testing.T, data string) {
		rules, err := parseHeaders("_headers", []byte(data))
		if err != nil {
			if !strings.HasPrefix(err.Error(), "_headers:") {
				t.Errorf("error without its position: %v", err)
			}
			return
		}
		for _, r := range rules {
			headersFor(rules, r.pattern.src)
		}
	})
}

// FuzzParseRedirects: likewise for _redirects, and a local target never
// becomes a //host address.
func FuzzParseRedirects(f *testing.F) {
	f.Add("/packs/qhg/sop/ /packs/s1y5d/sop/ 301\n", "/packs/qhg/sop")
	f.Add("/a/* /:splat 302!\n", "/a//b")
	f.Fuzz(func(t *testing.T, data, path string) {
		rules, err := parseRedirects("_redirects", []byte(data))
		if err != nil {
			if !strings.HasPrefix(err.Error(), "_redirects:") {
				t.Errorf("error without its position: %v", err)
			}
			return
		}
		loc, _, ok := redirectFor(rules, cleanPath(path), "")
		if ok && strings.HasPrefix(loc, "//") {
			t.Errorf("%q sends %q to %q", data, path, loc)
		}
	})
}
