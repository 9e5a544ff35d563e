package assets

import (
	"strings"
	"testing"
	"testing/fstest"
)

func TestBuild(t *testing.T) {
	fsys := fstest.MapFS{
		"css/b.css":   {Data: []byte("p  {  color : red ; }\n")},
		"css/a.css":   {Data: []byte("/* comment */ body { margin: 0px; }")},
		"js/app.js":   {Data: []byte("function  hello ( )  { return  1 ; }\n")},
		"favicon.svg": {Data: []byte(`<svg xmlns="http://www.w3.org/2000/svg">  <rect width="1" height="1"/>  </svg>`)},
		".DS_Store":   {Data: []byte("junk")},
	}
	s, err := Build(fsys, "assets", []byte(".chroma { color: blue; }"), true)
	if err != nil {
		t.Fatal(err)
	}
	css, err := s.URL("site.css")
	if err != nil {
		t.Fatal(err)
	}
	body := string(s.Files[strings.TrimPrefix(css, "/")])
	if i, j := strings.Index(body, "margin:0"), strings.Index(body, "color:red"); i < 0 || j < i || !strings.Contains(body, ".chroma{color:blue}") {
		t.Errorf("bundle not minified in name order with highlighting last: %q", body)
	}
	if strings.Contains(body, "comment") {
		t.Error("comments kept")
	}
	js, _ := s.URL("js/app.js")
	if !strings.HasPrefix(js, "/assets/js/app.") || !strings.HasSuffix(js, ".js") {
		t.Errorf("js URL %q is not hashed under /assets/js/", js)
	}
	if _, err := s.URL("nope.css"); err == nil || !strings.Contains(err.Error(), "known: favicon.svg, js/app.js, site.css") {
		t.Errorf("unknown asset error = %v", err)
	}
	if len(s.Files) != 3 {
		t.Errorf("files = %d, want 3 (dot files skipped)", len(s.Files))
	}
	// The hash follows the content.
	fsys["js/app.js"] = &fstest.MapFile{Data: []byte("function hello(){return 2}")}
	s2, _ := Build(fsys, "assets", nil, true)
	if js2, _ := s2.URL("js/app.js"); js2 == js {
		t.Error("changed content kept the same hashed name")
	}
}

func TestUnhashedNamesForPreview(t *testing.T) {
	fsys := fstest.MapFS{"css/a.css": {Data: []byte("a{color:red}")}, "js/x.js": {Data: []byte("var x = 1;")}}
	s, err := Build(fsys, "assets", nil, false)
	if err != nil {
		t.Fatal(err)
	}
	for name, want := range map[string]string{"site.css": "/assets/site.css", "js/x.js": "/assets/js/x.js"} {
		if u, _ := s.URL(name); u != want {
			t.Errorf("URL(%s) = %s, want %s", name, u, want)
		}
	}
}
