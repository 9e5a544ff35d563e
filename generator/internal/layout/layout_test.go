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
