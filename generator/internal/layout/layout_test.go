package layout

import (
	"html/template"
	"strings"
	"testing"
	"testing/fstest"
)

func load(t *testing.T, files map[string]string) (*Set, error) {
	t.Helper()
	fsys := fstest.MapFS{}
	for name, src := range files {
		fsys[name] = &fstest.MapFile{Data: []byte(src)}
	}
	return Load(fsys, "templates", template.FuncMap{"up": strings.ToUpper})
}

func TestExecute(t *testing.T) {
	s, err := load(t, map[string]string{
		"base.html":          `<main>{{block "main" .}}{{end}}</main>{{template "partials/foot.html" .}}`,
		"partials/foot.html": `<footer>{{up .Org}}</footer>`,
		"page.html":          `{{define "main"}}<h1>{{.Title}}</h1>{{end}}`,
		"home.html":          `{{define "main"}}<p>home {{.Title}}</p>{{end}}`,
	})
	if err != nil {
		t.Fatal(err)
	}
	out, err := s.Execute("page", map[string]string{"Title": "<T>", "Org": "bcs"})
	if err != nil || string(out) != `<main><h1>&lt;T&gt;</h1></main><footer>BCS</footer>` {
		t.Errorf("page: %s, %v", out, err)
	}
	out, _ = s.Execute("home", map[string]string{"Title": "x", "Org": "o"})
	if string(out) != `<main><p>home x</p></main><footer>O</footer>` {
		t.Errorf("home templates leak into each other: %s", out)
	}
	if _, err := s.Execute("page", map[string]string{"Org": "o"}); err == nil || !strings.HasPrefix(err.Error(), "templates/page.html:1:") {
		t.Errorf("missing key: err = %v, want an error at templates/page.html:1", err)
	}
	if _, err := s.Execute("nope", nil); err == nil || !strings.Contains(err.Error(), "missing template nope.html") {
		t.Errorf("missing template: %v", err)
	}
}

func TestParseErrors(t *testing.T) {
	_, err := load(t, map[string]string{
		"base.html": `ok`,
		"page.html": "{{define \"main\"}}\n{{if}}\n{{end}}",
	})
	if err == nil || !strings.HasPrefix(err.Error(), "templates/page.html:2:") {
		t.Errorf("err = %v, want templates/page.html:2", err)
	}
	if _, err := load(t, map[string]string{"page.html": "x"}); err == nil || !strings.Contains(err.Error(), "missing base template") {
		t.Errorf("no base: %v", err)
	}
}

// TestReads: a page template's digest covers the files its execution can
// reach, so an edit to a partial one template uses leaves the others'.
func TestReads(t *testing.T) {
	files := map[string]string{
		"base.html":           `{{block "main" .}}{{end}}{{template "partials/foot.html" .}}`,
		"partials/foot.html":  `foot`,
		"partials/card.html":  `{{define "card"}}card{{end}}`,
		"partials/list.html":  `{{range .}}{{template "card" .}}{{else}}{{template "partials/none.html"}}{{end}}`,
		"partials/none.html":  `none`,
		"partials/spare.html": `spare`,
		"page.html":           `{{define "main"}}{{with .}}{{template "partials/list.html" .}}{{end}}{{end}}`,
		"home.html":           `{{define "main"}}home{{end}}`,
	}
	digests := func() (string, string) {
		s, err := load(t, files)
		if err != nil {
			t.Fatal(err)
		}
		if s.Reads("page") == "" || s.Reads("page") == s.Reads("home") {
			t.Fatalf("digests page %q, home %q", s.Reads("page"), s.Reads("home"))
		}
		return s.Reads("page"), s.Reads("home")
	}
	page, home := digests()
	for _, c := range []struct {
		file       string
		page, home bool // whose digest changes
	}{
		{"partials/card.html", true, false},   // through a {{define}} in a partial
		{"partials/none.html", true, false},   // through an {{else}} branch
		{"partials/spare.html", false, false}, // used by nobody
		{"partials/foot.html", true, true},    // through base.html
		{"home.html", false, true},
		{"base.html", true, true},
	} {
		files[c.file] += " "
		p, h := digests()
		if (p != page) != c.page || (h != home) != c.home {
			t.Errorf("edit %s: page digest changed %v (want %v), home %v (want %v)", c.file, p != page, c.page, h != home, c.home)
		}
		page, home = p, h
	}
}
