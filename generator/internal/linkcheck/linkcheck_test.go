package linkcheck

import (
	"reflect"
	"testing"
)

func TestCheck(t *testing.T) {
	files := map[string][]byte{
		"index.html": []byte(`<a href="/a/">a</a> <a href="/a/#top">top</a> <a href="a/">relative</a>
			<a href="#here">self</a><h2 id="here">Here</h2> <a href="https://nhs.uk/x">external</a>
			<a href="mailto:x@example.org">mail</a> <img src="/img.png" alt="">
			<a href="/missing/">missing</a> <a href="/a/#nope">bad fragment</a> <a href="#gone">self bad</a>
			<a href="/img.png#x">fragment on image</a> <a href="/a?q=1">query</a> <a href="/a">no slash</a>`),
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
	}
	if !reflect.DeepEqual(got, want) {
		t.Errorf("Check:\n got %+v\nwant %+v", got, want)
	}
}
