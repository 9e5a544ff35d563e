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

// Doc is what the checker learned about one HTML file.
type doc struct {
	ids   map[string]bool
	links []string
}

// Check scans every .html file in files and returns the broken links, in
// page then link order.
func Check(files map[string][]byte) []Broken {
	docs := map[string]*doc{}
	for name, b := range files {
		if strings.HasSuffix(name, ".html") {
			docs[name] = scan(b)
		}
	}
	names := make([]string, 0, len(docs))
	for n := range docs {
		names = append(names, n)
	}
	slices.Sort(names)
	var broken []Broken
	for _, name := range names {
		base := "/" + name
		for _, href := range docs[name].links {
			if reason := resolve(files, docs, base, name, href); reason != "" {
				broken = append(broken, Broken{Page: name, Href: href, Reason: reason})
			}
		}
	}
	return broken
}

// resolve returns why href (found in page, served at base) is broken, or "".
func resolve(files map[string][]byte, docs map[string]*doc, base, page, href string) string {
	u, err := url.Parse(href)
	if err != nil {
		return "not a valid URL"
	}
	if u.Scheme != "" || u.Host != "" || strings.HasPrefix(href, "//") {
		return "" // external: not checked offline
	}
	target := page
	if u.Path != "" {
		p := u.Path
		if !strings.HasPrefix(p, "/") {
			p = path.Join(path.Dir(base), p)
			if strings.HasSuffix(u.Path, "/") && !strings.HasSuffix(p, "/") {
				p += "/"
			}
		}
		target = strings.TrimPrefix(p, "/")
		if target == "" || strings.HasSuffix(target, "/") {
			target += "index.html"
		}
		if _, ok := files[target]; !ok {
			if _, ok := files[target+"/index.html"]; ok {
				return "" // /a served by /a/index.html (hosts redirect)
			}
			return "no such page or file"
		}
	}
	if u.Fragment == "" {
		return ""
	}
	d := docs[target]
	if d == nil {
		return "a #fragment on a file that is not a page"
	}
	if !d.ids[u.Fragment] {
		return "no element with id \"" + u.Fragment + "\" on " + "/" + strings.TrimSuffix(target, "index.html")
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
