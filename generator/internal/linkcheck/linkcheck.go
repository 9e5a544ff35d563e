// Package linkcheck verifies that every internal link and #fragment in the
// built site resolves to a file that the build produced and, for fragments,
// to an element id in that file.
package linkcheck

import (
	"bytes"
	"html"
	"net/url"
	"path"
	"slices"
	"strings"

	"github.com/tdewolff/parse/v2"
	htmlx "github.com/tdewolff/parse/v2/html"
)

// Broken is one link that does not resolve.
type Broken struct {
	Page   string // output path of the page holding the link
	Href   string // the link as written
	Reason string
}

// doc is what the checker learned about one HTML file.
type doc struct {
	ids   map[string]bool
	links []string
}

// Check scans every .html file in files and returns the broken links, in
// page then link order.
func Check(files map[string][]byte) []Broken {
	x := NewIndex()
	x.Update(files)
	return x.Broken()
}

// Index is an incremental link checker: it keeps what it learned of every
// file, and on Update re-checks only the pages that changed and the pages
// that link to a file that changed, appeared or went away. A whole build is
// one Update with every file.
type Index struct {
	files  map[string]bool            // every output path
	docs   map[string]*doc            // the HTML files
	refs   map[string]map[string]bool // target path -> HTML files linking to it
	broken map[string][]Broken        // HTML file -> its broken links
}

// NewIndex returns an empty index.
func NewIndex() *Index {
	return &Index{files: map[string]bool{}, docs: map[string]*doc{}, refs: map[string]map[string]bool{}, broken: map[string][]Broken{}}
}

// Update records changed files (a nil content is a removed file) and
// re-checks what they affect. It returns how many pages were checked.
func (x *Index) Update(changed map[string][]byte) int {
	recheck := map[string]bool{}
	for name, b := range changed {
		if old := x.docs[name]; old != nil {
			x.unref(name, old)
		}
		delete(x.docs, name)
		delete(x.broken, name)
		if b == nil {
			delete(x.files, name)
		} else {
			x.files[name] = true
			if strings.HasSuffix(name, ".html") {
				d := scan(b)
				x.docs[name] = d
				for _, href := range d.links {
					t := target(name, href)
					if x.refs[t] == nil {
						x.refs[t] = map[string]bool{}
					}
					x.refs[t][name] = true
				}
				recheck[name] = true
			}
		}
		for src := range x.refs[name] {
			recheck[src] = true
		}
		if dir, ok := strings.CutSuffix(name, "/index.html"); ok { // "/a" is served by a/index.html
			for src := range x.refs[dir] {
				recheck[src] = true
			}
		}
	}
	for name := range recheck {
		d := x.docs[name]
		if d == nil {
			continue
		}
		var bad []Broken
		for _, href := range d.links {
			if reason := x.resolve("/"+name, name, href); reason != "" {
				bad = append(bad, Broken{Page: name, Href: href, Reason: reason})
			}
		}
		if bad == nil {
			delete(x.broken, name)
		} else {
			x.broken[name] = bad
		}
	}
	return len(recheck)
}

func (x *Index) unref(name string, d *doc) {
	for _, href := range d.links {
		t := target(name, href)
		delete(x.refs[t], name)
		if len(x.refs[t]) == 0 {
			delete(x.refs, t)
		}
	}
}

// Broken returns every broken link known, in page then link order.
func (x *Index) Broken() []Broken {
	names := make([]string, 0, len(x.broken))
	for n := range x.broken {
		names = append(names, n)
	}
	slices.Sort(names)
	var out []Broken
	for _, n := range names {
		out = append(out, x.broken[n]...)
	}
	return out
}

// target is the output path a link points at ("" for external links and
// bare fragments, which depend only on their own page).
func target(page, href string) string {
	u, err := url.Parse(href)
	if err != nil || u.Scheme != "" || u.Host != "" || strings.HasPrefix(href, "//") || u.Path == "" {
		return ""
	}
	p := u.Path
	if !strings.HasPrefix(p, "/") {
		p = path.Join(path.Dir("/"+page), p)
		if strings.HasSuffix(u.Path, "/") && !strings.HasSuffix(p, "/") {
			p += "/"
		}
	}
	t := strings.TrimPrefix(p, "/")
	if t == "" || strings.HasSuffix(t, "/") {
		t += "index.html"
	}
	return t
}

// resolve returns why href (found in page, served at base) is broken, or "".
func (x *Index) resolve(base, page, href string) string {
	u, err := url.Parse(href)
	if err != nil {
		return "not a valid URL"
	}
	if u.Scheme != "" || u.Host != "" || strings.HasPrefix(href, "//") {
		return "" // external: not checked offline
	}
	t := page
	if u.Path != "" {
		t = target(page, href)
		if !x.files[t] {
			if x.files[t+"/index.html"] {
				return "" // /a served by /a/index.html (hosts redirect)
			}
			return "no such page or file"
		}
	}
	if u.Fragment == "" {
		return ""
	}
	d := x.docs[t]
	if d == nil {
		return "a #fragment on a file that is not a page"
	}
	if !d.ids[u.Fragment] {
		return "no element with id \"" + u.Fragment + "\" on " + "/" + strings.TrimSuffix(t, "index.html")
	}
	return ""
}

var linkAttrs = map[string]bool{"href": true, "src": true, "poster": true}

// scan collects the ids and the link targets of an HTML document.
func scan(b []byte) *doc {
	d := &doc{ids: map[string]bool{}}
	l := htmlx.NewLexer(parse.NewInputBytes(b))
	for {
		tt, _ := l.Next()
		switch tt {
		case htmlx.ErrorToken:
			return d
		case htmlx.AttributeToken:
			key := string(bytes.ToLower(l.AttrKey()))
			val := html.UnescapeString(string(bytes.Trim(l.AttrVal(), `"'`)))
			switch {
			case key == "id":
				d.ids[val] = true
			case linkAttrs[key] && val != "":
				d.links = append(d.links, val)
			}
		}
	}
}
