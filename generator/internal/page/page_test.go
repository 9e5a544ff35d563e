package page

import (
	"fmt"
	"slices"
	"strings"
	"testing"
	"time"
)

func TestPlacement(t *testing.T) {
	tests := []struct {
		rel  string
		f    Front
		kind Kind
		url  string
	}{
		{"_index.md", Front{}, Home, "/"},
		{"404.md", Front{}, NotFound, "/404.html"},
		{"about.md", Front{}, Plain, "/about/"},
		{"a/_index.md", Front{}, Pillar, "/a/"},
		{"a/b.md", Front{}, Cluster, "/a/b/"},
		{"a/b/_index.md", Front{}, Pillar, "/a/b/"},
		{"a/b/c.md", Front{}, Cluster, "/a/b/c/"},
		{"a/b.md", Front{Slug: "bee"}, Cluster, "/a/bee/"},
		{"about.md", Front{Slug: "who"}, Plain, "/who/"},
		{"a/_index.md", Front{Slug: "x"}, Pillar, "/x/"},
		{"a/b.md", Front{URL: "/elsewhere/"}, Cluster, "/elsewhere/"},
		{"_index.md", Front{Slug: "ignored"}, Home, "/"},
	}
	for _, tt := range tests {
		kind, url := placement(tt.rel, tt.f)
		if kind != tt.kind || url != tt.url {
			t.Errorf("placement(%q, %+v) = %s %s, want %s %s", tt.rel, tt.f, kind, url, tt.kind, tt.url)
		}
	}
}

func TestOutPath(t *testing.T) {
	for url, want := range map[string]string{"/": "index.html", "/a/b/": "a/b/index.html", "/404.html": "404.html"} {
		if got := OutPath(url); got != want {
			t.Errorf("OutPath(%q) = %q, want %q", url, got, want)
		}
	}
}

func parse(t *testing.T, rel, src string) *Page {
	t.Helper()
	p, err := Parse("content/"+rel, rel, []byte(src))
	if err != nil {
		t.Fatalf("%s: %v", rel, err)
	}
	return p
}

func TestParseErrors(t *testing.T) {
	tests := map[string]string{
		"---\ntitle: T\ndescription: D\ndate: 2026-13-01\n---\n":                                                                                            `content/x.md:4:7: malformed date "2026-13-01"`,
		"---\ntitle: T\ndescription: D\nslug: Not OK\n---\n":                                                                                                `content/x.md:4:7: slug "Not OK" must be`,
		"---\ntitle: T\ndescription: D\nurl: no-slash\n---\n":                                                                                               `content/x.md:4:6: url "no-slash" must be`,
		"---\ntitle: T\ndescription: D\naliases: [/Old/]\n---\n":                                                                                            `content/x.md:4:11: alias "/Old/" must be`,
		"---\ntitle: T\ndescription: D\nsections: [{body: x}]\n---\n":                                                                                       `section 1: missing heading`,
		"---\ntitle: T\ndescription: D\nsections:\n  - heading: H\n    items: [a]\n    faqs: []\n---\n":                                                     `content/x.md:5:5: a section holds at most one of`,
		"---\ntitle: T\ndescription: D\nsections:\n  - use: call\n    heading: H\n---\n":                                                                    `content/x.md:5:5: a section that uses a block has nothing else but an id`,
		"---\ntitle: T\ndescription: D\nsections:\n  - use: Call Us\n---\n":                                                                                 `content/x.md:5:10: use "Call Us" must name a block of content/site.yaml`,
		"---\ntitle: T\ndescription: D\nsections:\n  - heading: H\n---\n":                                                                                   `section "H" has nothing in it`,
		"---\ntitle: T\ndescription: D\nsections:\n  - heading: H\n    image:\n      alt: A nurse\n---\n":                                                   `content/x.md:7:7: an image needs src`,
		"---\ntitle: T\ndescription: D\nsections:\n  - heading: H\n    image:\n      src: /images/a.jpg\n---\n":                                             `content/x.md:7:7: an image needs alt`,
		"---\ntitle: T\ndescription: D\nsections:\n  - heading: H\n    image:\n      src: images/a.jpg\n      alt: A nurse\n---\n":                          `content/x.md:7:12: image src "images/a.jpg" must be a site path starting with /`,
		"---\ntitle: T\ndescription: D\nsections:\n  - heading: H\n    image:\n      src: https://example.com/a.jpg\n      alt: A nurse\n---\n":             `must be a site path starting with /`,
		"---\ntitle: T\ndescription: D\nsections:\n  - heading: H\n    image:\n      src: /images/../a.jpg\n      alt: A nurse\n---\n":                      `must be a plain path`,
		"---\ntitle: T\ndescription: D\nsections:\n  - heading: H\n    image:\n      src: /images/a.gif\n      alt: A nurse\n---\n":                         `a section image is a JPEG (.jpg) or PNG (.png) file`,
		"---\ntitle: T\ndescription: D\nsections:\n  - heading: H\n    image:\n      src: /images/a.jpg\n      alt: A nurse\n      decorative: true\n---\n": `content/x.md:8:12: this image is marked decorative, so its alt text must be empty`,
		"---\ntitle: T\ndescription: D\nsections:\n  - heading: H\n    image:\n      src: /images/clinic.jpg\n      alt: clinic.jpg\n---\n":                 `is the file's name`,
		"---\ntitle: T\ndescription: D\nsections:\n  - heading: H\n    image:\n      src: /images/a.jpg\n      alt: xxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxx\n---\n": `alt text is 251 characters`,
	}
	for src, want := range tests {
		_, err := Parse("content/x.md", "x.md", []byte(src))
		if err == nil || !strings.Contains(err.Error(), want) {
			t.Errorf("Parse(%q):\n got %v\nwant %s", src, err, want)
		}
	}
	for _, ok := range []string{"      src: /images/a.jpg\n      alt: A pharmacist and a GP at a desk\n", "      src: /a.PNG\n      decorative: true\n"} {
		if _, err := Parse("content/x.md", "x.md", []byte("---\ntitle: T\ndescription: D\nsections:\n  - heading: H\n    image:\n"+ok+"---\n")); err != nil {
			t.Errorf("a good image was refused: %v", err)
		}
	}
	if _, err := Parse("content/Bad Name.md", "Bad Name.md", []byte("---\ntitle: T\ndescription: D\n---\n")); err == nil {
		t.Error("a file name with spaces and capitals was accepted as a URL")
	}
}

func TestLink(t *testing.T) {
	fm := func(title string, weight int) string {
		return "---\ntitle: " + title + "\ndescription: d\nweight: " + string(rune('0'+weight)) + "\n---\n"
	}
	home := parse(t, "_index.md", fm("Home", 0))
	pillar := parse(t, "mo/_index.md", fm("MO", 1))
	c := parse(t, "mo/c.md", fm("C", 1))
	a := parse(t, "mo/a.md", fm("A", 3))
	b := parse(t, "mo/b.md", fm("B", 2))
	about := parse(t, "about.md", fm("About", 5))
	pages := []*Page{c, about, a, pillar, home, b}
	g, err := Link(pages)
	if err != nil {
		t.Fatal(err)
	}
	titles := func(ps []*Page) string {
		var s []string
		for _, p := range ps {
			s = append(s, p.Front.Title)
		}
		return strings.Join(s, ",")
	}
	if got := titles(g.Children(pillar)); got != "C,B,A" {
		t.Errorf("pillar children = %s, want weight order C,B,A", got)
	}
	if got := titles(g.Siblings(b)); got != "C,A" {
		t.Errorf("siblings of B = %s, want C,A", got)
	}
	if got := titles(g.Ancestors(a)); got != "Home,MO" {
		t.Errorf("ancestors of A = %s", got)
	}
	if got := titles(g.Children(home)); got != "MO,About" {
		t.Errorf("home children = %s", got)
	}
	orphan := parse(t, "lost/x.md", fm("X", 1))
	if _, err := Link([]*Page{home, orphan}); err == nil || !strings.Contains(err.Error(), "create content/lost/_index.md") {
		t.Errorf("cluster page without pillar: %v", err)
	}
	alias := parse(t, "z.md", "---\ntitle: Z\ndescription: d\naliases: [/mo/a/]\n---\n")
	if _, err := Link([]*Page{home, pillar, a, alias}); err == nil || !strings.Contains(err.Error(), "content/z.md:4:11: alias /mo/a/ is already claimed by content/mo/a.md") {
		t.Errorf("alias clash: %v", err)
	}
}

func TestHidden(t *testing.T) {
	now := time.Date(2026, 11, 26, 12, 0, 0, 0, time.UTC)
	draft := parse(t, "d.md", "---\ntitle: T\ndescription: D\ndraft: true\n---\n")
	future := parse(t, "f.md", "---\ntitle: T\ndescription: D\ndate: 2026-12-01\n---\n")
	past := parse(t, "p.md", "---\ntitle: T\ndescription: D\ndate: 2026-01-01T09:00:00Z\n---\n")
	if !draft.Hidden(now, false, false) || draft.Hidden(now, true, false) {
		t.Error("draft visibility wrong")
	}
	if !future.Hidden(now, false, false) || future.Hidden(now, false, true) {
		t.Error("future visibility wrong")
	}
	if past.Hidden(now, false, false) {
		t.Error("past page hidden")
	}
}

func TestUnsafeActionURL(t *testing.T) {
	_, err := Parse("content/x.md", "x.md", []byte("---\ntitle: T\ndescription: D\nsections:\n  - heading: H\n    action: {label: Go, url: \"javascript:alert(1)\"}\n---\n"))
	if err == nil || !strings.Contains(err.Error(), `content/x.md:6:30: action url "javascript:alert(1)" must be`) {
		t.Errorf("err = %v", err)
	}
}

// TestNearby: a cluster page links the pages nearest it in its pillar's
// order, at most n, whatever the size of the section.
func TestNearby(t *testing.T) {
	pages := []*Page{{Kind: Pillar, Rel: "s/_index.md", URL: "/s/"}}
	for i := range 30 {
		c := &Page{Kind: Cluster, Rel: fmt.Sprintf("s/%02d.md", i), URL: fmt.Sprintf("/s/%02d/", i), Front: Front{Title: fmt.Sprint(i), Weight: i}}
		if i == 7 {
			c.Kind = Pillar // a subsection among the children is not a sibling
			c.Rel, c.URL = "s/07/_index.md", "/s/07/"
		}
		pages = append(pages, c)
	}
	g, err := Link(slices.Clone(pages))
	if err != nil {
		t.Fatal(err)
	}
	kids := g.Children(pages[0])
	titles := func(ps []*Page) string {
		var s []string
		for _, p := range ps {
			s = append(s, p.Front.Title)
		}
		return strings.Join(s, " ")
	}
	for _, c := range []struct {
		at, n int
		want  string
	}{
		{0, 4, "1 2 3 4"},
		{29, 4, "25 26 27 28"},
		{15, 4, "13 14 16 17"},
		{8, 4, "5 6 9 10"},
		{15, 100, "0 1 2 3 4 5 6 8 9 10 11 12 13 14 16 17 18 19 20 21 22 23 24 25 26 27 28 29"},
	} {
		if got := titles(g.Nearby(kids[c.at], c.n)); got != c.want {
			t.Errorf("Nearby(%d) of %d = %q, want %q", c.n, c.at, got, c.want)
		}
	}
}

// A section's type may be left out; when given it must be a known name
// that agrees with what the section holds, with the error at its line.
func TestSectionType(t *testing.T) {
	head := "---\ntitle: T\ndescription: D\nsections:\n"
	ok := map[string]string{
		"prose":          "  - type: prose\n    heading: H\n    body: B\n",
		"rhythm":         "  - type: rhythm\n    heading: H\n    rhythm: [{when: Mon, what: W}]\n",
		"benchmarks":     "  - type: benchmarks\n    heading: H\n    benchmarks: [A]\n",
		"resources":      "  - type: resources\n    heading: H\n    items: [x]\n",
		"pack-documents": "  - type: pack-documents\n    heading: H\n    pack_documents: true\n",
		"from-pack":      "  - type: from-pack\n    heading: H\n    from_pack: [a]\n",
		"faqs":           "  - type: faqs\n    heading: H\n    faqs: [{question: Q, answer: A}]\n",
		"action":         "  - type: action\n    heading: H\n    action: {label: L, url: /contact/}\n",
		"block":          "  - type: block\n    use: discovery-call\n",
	}
	for _, name := range SectionTypes {
		src, found := ok[name]
		if !found {
			t.Fatalf("no case for section type %q", name)
		}
		p := parse(t, "x.md", head+src+"---\n")
		if got := p.Front.Sections[0].TypeOf(); got != name {
			t.Errorf("%s: TypeOf = %q", name, got)
		}
		// Left out, the type is the same: writing it changes nothing else.
		bare := parse(t, "x.md", head+strings.Replace(src, "type: "+name+"\n    ", "", 1)+"---\n")
		if bare.Front.Sections[0].TypeOf() != name {
			t.Errorf("%s without type: TypeOf = %q", name, bare.Front.Sections[0].TypeOf())
		}
	}
	bad := map[string]string{
		"  - type: faq\n    heading: H\n    faqs: [{question: Q, answer: A}]\n":     `content/x.md:5:11: section type "faq" is not one of prose, rhythm, benchmarks, resources, pack-documents, from-pack, faqs, action, block (did you mean "faqs"?)`,
		"  - type: faqs\n    heading: H\n    rhythm: [{when: Mon, what: W}]\n":      "content/x.md:5:11: this section says type: faqs but holds rhythm; write type: rhythm, or change what it holds",
		"  - type: resources\n    heading: H\n    from_pack: [a]\n":                 "content/x.md:5:11: this section says type: resources but holds from_pack; write type: from-pack",
		"  - type: action\n    use: discovery-call\n":                               "content/x.md:5:11: this section says type: action but holds use: discovery-call; write type: block",
		"  - type: prose\n    heading: H\n    action: {label: L, url: /contact/}\n": "content/x.md:5:11: this section says type: prose but holds an action; write type: action",
	}
	for src, want := range bad {
		_, err := Parse("content/x.md", "x.md", []byte(head+src+"---\n"))
		if err == nil || !strings.Contains(err.Error(), want) {
			t.Errorf("%q:\n got %v\nwant %s", src, err, want)
		}
	}
}
