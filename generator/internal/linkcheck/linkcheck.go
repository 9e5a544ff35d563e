// Package linkcheck verifies that every internal link and #fragment in the
// built site resolves to a file that the build produced and, for fragments,
// to an element id in that file.
package linkcheck

import (
	"bytes"
	"html"
	"maps"
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
	links []link
}

// link is one link of a page, parsed once.
type link struct {
	href     string // as written
	target   string // output path it points at; "" for the page itself
	fragment string
	bad      string // why it cannot be resolved at all, or ""
	external bool
}

// External is one external address linked from the site: listed for
// people to check, never fetched.
type External struct {
	URL   string
	Pages []string // output paths of the pages linking to it, sorted
}

// External lists every external link of the indexed pages, by address.
func (x *Index) External() []External {
	pages := map[string]map[string]bool{}
	for name, d := range x.docs {
		for _, l := range d.links {
			if l.external {
				if pages[l.href] == nil {
					pages[l.href] = map[string]bool{}
				}
				pages[l.href][name] = true
			}
		}
	}
	var out []External
	for _, u := range slices.Sorted(maps.Keys(pages)) {
		out = append(out, External{URL: u, Pages: slices.Sorted(maps.Keys(pages[u]))})
	}
	return out
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
// whose links a change can break: links to a file that appeared or went
// away, and #fragment links to a page whose ids changed. A whole build is
// one Update with every file.
type Index struct {
	files  map[string]bool            // every output path
	docs   map[string]*doc            // the HTML files
	refs   map[string]map[string]bool // target path -> HTML files linking to it
	frags  map[string]map[string]bool // target path -> HTML files linking to a #fragment in it
	broken map[string][]Broken        // HTML file -> its broken links
}

// NewIndex returns an empty index.
func NewIndex() *Index {
	return &Index{files: map[string]bool{}, docs: map[string]*doc{}, refs: map[string]map[string]bool{},
		frags: map[string]map[string]bool{}, broken: map[string][]Broken{}}
}

// File is what the index needs of one output file: whether it is there
// and, for an HTML page, its ids and links. Scan makes one from the file's
// content, so a build can scan each page on the goroutine that rendered it
// and drop the HTML.
type File struct {
	present bool
	doc     *doc
}

// Scan reads the output file name (nil content: removed).
func Scan(name string, b []byte) File {
	if b == nil {
		return File{}
	}
	f := File{present: true}
	if strings.HasSuffix(name, ".html") {
		f.doc = scan(name, b)
	}
	return f
}

// Update records changed files (a nil content is a removed file) and
// re-checks what they affect. It returns how many pages were checked.
func (x *Index) Update(changed map[string][]byte) int {
	files := make(map[string]File, len(changed))
	for name, b := range changed {
		files[name] = Scan(name, b)
	}
	return x.Apply(files)
}

// Apply is Update with files already scanned. Its work is linear in the
// links of the changed files and of the pages they can break.
func (x *Index) Apply(changed map[string]File) int {
	recheck := map[string]bool{}
	for name, f := range changed {
		old := x.docs[name]
		existed := x.files[name]
		if old != nil {
			x.unref(name, old)
		}
		delete(x.docs, name)
		delete(x.broken, name)
		d := f.doc
		if !f.present {
			delete(x.files, name)
		} else {
			x.files[name] = true
			if d != nil {
				x.docs[name] = d
				for _, l := range d.links {
					if l.target != "" {
						add(x.refs, l.target, name)
						if l.fragment != "" {
							add(x.frags, l.target, name)
						}
					}
				}
				recheck[name] = true
			}
		}
		switch {
		case existed != f.present: // appeared or went away: every link to it
			for src := range x.refs[name] {
				recheck[src] = true
			}
			if dir, ok := strings.CutSuffix(name, "/index.html"); ok { // "/a" is served by a/index.html
				for src := range x.refs[dir] {
					recheck[src] = true
				}
			}
		case !sameIDs(old, d): // still there: only #fragment links can break
			for src := range x.frags[name] {
				recheck[src] = true
			}
			if dir, ok := strings.CutSuffix(name, "/index.html"); ok { // and those written "/a#id"
				for src := range x.frags[dir] {
					recheck[src] = true
				}
			}
		}
	}
	for name := range recheck {
		d := x.docs[name]
		if d == nil {
			continue
		}
		var bad []Broken
		for _, l := range d.links {
			if reason := x.resolve(name, l); reason != "" {
				bad = append(bad, Broken{Page: name, Href: l.href, Reason: reason})
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

func add(m map[string]map[string]bool, k, v string) {
	if m[k] == nil {
		m[k] = map[string]bool{}
	}
	m[k][v] = true
}

func sameIDs(a, b *doc) bool {
	if a == nil || b == nil {
		return a == b
	}
	return maps.Equal(a.ids, b.ids)
}

func (x *Index) unref(name string, d *doc) {
	for _, l := range d.links {
		if l.target == "" {
			continue
		}
		for _, m := range []map[string]map[string]bool{x.refs, x.frags} {
			delete(m[l.target], name)
			if len(m[l.target]) == 0 {
				delete(m, l.target)
			}
		}
	}
}

// Broken returns every broken link known, in page then link order.
func (x *Index) Broken() []Broken {
	if len(x.broken) == 0 {
		return nil
	}
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

// parseLink works out where href, found on page, points.
func parseLink(page, href string) link {
	l := link{href: href}
	u, err := url.Parse(href)
	if err != nil {
		l.bad = "not a valid URL"
		return l
	}
	if u.Scheme != "" || u.Host != "" || strings.HasPrefix(href, "//") {
		l.external = true
		return l
	}
	l.fragment = u.Fragment
	if u.Path == "" {
		return l
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
	l.target = t
	return l
}

// resolve returns why a link on page is broken, or "".
func (x *Index) resolve(page string, l link) string {
	switch {
	case l.bad != "":
		return l.bad
	case l.external:
		return "" // not checked offline
	}
	t := page
	if l.target != "" {
		t = l.target
		if !x.files[t] {
			if !x.files[t+"/index.html"] {
				return "no such page or file"
			}
			t += "/index.html" // /a is served by /a/index.html (hosts redirect), #fragment and all
		}
	}
	if l.fragment == "" {
		return ""
	}
	d := x.docs[t]
	if d == nil {
		return "a #fragment on a file that is not a page"
	}
	if !d.ids[l.fragment] {
		return "no element with id \"" + l.fragment + "\" on " + "/" + strings.TrimSuffix(t, "index.html")
	}
	return ""
}

// scan collects the ids and the links (href, src, poster) of the HTML
// document name. Only those attributes' values are copied out.
func scan(name string, b []byte) *doc {
	d := &doc{ids: map[string]bool{}}
	l := htmlx.NewLexer(parse.NewInputBytes(b))
	for {
		tt, _ := l.Next()
		switch tt {
		case htmlx.ErrorToken:
			return d
		case htmlx.AttributeToken:
			key := l.AttrKey()
			isID := bytes.EqualFold(key, []byte("id"))
			if !isID && !bytes.EqualFold(key, []byte("href")) && !bytes.EqualFold(key, []byte("src")) && !bytes.EqualFold(key, []byte("poster")) {
				continue
			}
			val := html.UnescapeString(string(bytes.Trim(l.AttrVal(), `"'`)))
			switch {
			case isID:
				d.ids[val] = true
			case val != "":
				d.links = append(d.links, parseLink(name, val))
			}
		}
	}
}
