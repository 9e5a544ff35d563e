package linkcheck

import (
	"fmt"
	"reflect"
	"testing"
)

func TestCheck(t *testing.T) {
	files := map[string][]byte{
		"index.html": []byte(`<a href="/a/">a</a> <a href="/a/#top">top</a> <a href="a/">relative</a>
			<a href="#here">self</a><h2 id="here">Here</h2> <a href="https://nhs.uk/x">external</a>
			<a href="mailto:x@example.org">mail</a> <img src="/img.png" alt="">
			<a href="/missing/">missing</a> <a href="/a/#nope">bad fragment</a> <a href="#gone">self bad</a>
			<a href="/img.png#x">fragment on image</a> <a href="/a?q=1">query</a> <a href="/a">no slash</a>
			<a href="/a#top">no slash, good fragment</a> <a href="/a#no-such-anchor">no slash, bad fragment</a>`),
		"a/index.html": []byte(`<h1 id="top">A</h1><a href="../">up</a><a href="../b/">sideways</a>`),
		"img.png":      []byte("png"),
	}
	got := Check(files)
	want := []Broken{
		{Page: "a/index.html", Href: "../b/", Reason: "no such page or file"},
		{Page: "index.html", Href: "/missing/", Reason: "no such page or file"},
		{Page: "index.html", Href: "/a/#nope", Reason: `no element with id "nope" on /a/`},
		{Page: "index.html", Href: "#gone", Reason: `no element with id "gone" on /`},
		{Page: "index.html", Href: "/img.png#x", Reason: "a #fragment on a file that is not a page"},
		{Page: "index.html", Href: "/a#no-such-anchor", Reason: `no element with id "no-such-anchor" on /a/`},
	}
	if !reflect.DeepEqual(got, want) {
		t.Errorf("Check:\n got %+v\nwant %+v", got, want)
	}
	x := NewIndex()
	x.Update(files)
	x.Update(map[string][]byte{"b/index.html": []byte(`<a href="https://nhs.uk/x">again</a>`)})
	ext := []External{{URL: "https://nhs.uk/x", Pages: []string{"b/index.html", "index.html"}}, {URL: "mailto:x@example.org", Pages: []string{"index.html"}}}
	if got := x.External(); !reflect.DeepEqual(got, ext) {
		t.Errorf("External:\n got %+v\nwant %+v", got, ext)
	}
}

// TestIndexIncremental: after each update, the broken links are exactly
// those a whole check of the same files finds, and only the affected pages
// are checked again.
func TestIndexIncremental(t *testing.T) {
	files := map[string][]byte{
		"index.html":   []byte(`<a href="/a/#x">a</a><a href="/b">b</a>`),
		"a/index.html": []byte(`<h2 id="x">X</h2><a href="#y">self</a><p id="y"></p>`),
		"c/index.html": []byte(`<a href="/">home</a>`),
	}
	x := NewIndex()
	x.Update(files)
	steps := []struct {
		name    string
		changed map[string][]byte
		checked int
	}{
		{"add the missing page", map[string][]byte{"b/index.html": []byte(`<p>b</p>`)}, 2},
		{"drop an anchor others use", map[string][]byte{"a/index.html": []byte(`<h2 id="z">Z</h2>`)}, 2},
		{"remove a page", map[string][]byte{"b/index.html": nil}, 1},
		{"edit a page nobody links to", map[string][]byte{"c/index.html": []byte(`<a href="/nowhere/">x</a>`)}, 1},
		{"fix everything", map[string][]byte{"a/index.html": []byte(`<h2 id="x">X</h2>`), "b/index.html": []byte(`b`), "c/index.html": []byte(`c`)}, 4},
	}
	for _, s := range steps {
		for k, v := range s.changed {
			if v == nil {
				delete(files, k)
			} else {
				files[k] = v
			}
		}
		if n := x.Update(s.changed); n != s.checked {
			t.Errorf("%s: checked %d pages, want %d", s.name, n, s.checked)
		}
		if got, want := fmt.Sprint(x.Broken()), fmt.Sprint(Check(files)); got != want {
			t.Errorf("%s: incremental %s\nwhole %s", s.name, got, want)
		}
	}
	if b := x.Broken(); len(b) != 0 {
		t.Errorf("still broken: %v", b)
	}
}
