package site

import (
	"html"
	"maps"

	"bytes"
	"encoding/xml"
	"fmt"
	"html/template"
	"slices"
	"strings"
	"time"

	"github.com/tdewolff/parse/v2"
	htmlx "github.com/tdewolff/parse/v2/html"

	"github.com/bcs/publish/generator/internal/config"
	"github.com/bcs/publish/generator/internal/images"
	"github.com/bcs/publish/generator/internal/page"
	"github.com/bcs/publish/generator/internal/view"
)

func dateString(t time.Time) string {
	if t.IsZero() {
		return ""
	}
	return t.Format(time.DateOnly)
}

// structuredData returns the JSON-LD blocks for a page: the Organization on
// every page and a BreadcrumbList on nested pages.
func structuredData(s *config.Site, p *page.Page, v *view.View) []any {
	org := map[string]any{
		"@context": "https://schema.org",
		"@type":    "Organization",
		"@id":      s.AbsURL("/") + "#organization",
		"name":     s.Organisation.Name,
		"url":      s.AbsURL("/"),
	}
	if s.Organisation.LegalName != "" {
		org["legalName"] = s.Organisation.LegalName
	}
	if s.Organisation.Description != "" {
		org["description"] = s.Organisation.Description
	}
	if s.Contact.Email != "" || s.Contact.Telephone != "" {
		cp := map[string]any{"@type": "ContactPoint", "contactType": "customer service", "areaServed": "GB"}
		if s.Contact.Email != "" {
			cp["email"] = s.Contact.Email
		}
		if s.Contact.Telephone != "" {
			cp["telephone"] = s.Contact.Telephone
		}
		org["contactPoint"] = cp
	}
	blocks := []any{org}
	if len(v.Breadcrumbs) > 1 {
		var items []any
		for i, b := range v.Breadcrumbs {
			items = append(items, map[string]any{
				"@type":    "ListItem",
				"position": i + 1,
				"name":     b.Title,
				"item":     s.AbsURL(b.URL),
			})
		}
		blocks = append(blocks, map[string]any{
			"@context":        "https://schema.org",
			"@type":           "BreadcrumbList",
			"itemListElement": items,
		})
	}
	var questions []any
	for _, sec := range v.Sections {
		for _, f := range sec.FAQs {
			questions = append(questions, map[string]any{
				"@type":          "Question",
				"name":           f.Question,
				"url":            s.AbsURL(p.URL) + "#" + f.ID,
				"acceptedAnswer": map[string]any{"@type": "Answer", "text": plainText(f.Answer)},
			})
		}
	}
	if len(questions) > 0 {
		blocks = append(blocks, map[string]any{
			"@context":   "https://schema.org",
			"@type":      "FAQPage",
			"mainEntity": questions,
		})
	}
	return blocks
}

// plainText returns the text of an HTML fragment: tags dropped, entities
// decoded, white space collapsed. Structured data wants answers as text.
func plainText(h template.HTML) string {
	var b strings.Builder
	l := htmlx.NewLexer(parse.NewInputString(string(h)))
	for {
		tt, data := l.Next()
		switch tt {
		case htmlx.ErrorToken:
			return strings.Join(strings.Fields(html.UnescapeString(b.String())), " ")
		case htmlx.TextToken:
			b.Write(data)
		case htmlx.StartTagToken, htmlx.EndTagToken:
			b.WriteByte(' ')
		}
	}
}

// sitemap lists every indexable page, sorted by URL.
func sitemap(s *config.Site, pages []*page.Page) []byte {
	type entry struct {
		Loc     string `xml:"loc"`
		Lastmod string `xml:"lastmod,omitempty"`
	}
	var entries []entry
	for _, p := range sortedByURL(pages) {
		if p.Kind == page.NotFound || p.Front.NoIndex {
			continue
		}
		mod := p.Lastmod
		if mod.IsZero() {
			mod = p.Date
		}
		entries = append(entries, entry{Loc: s.AbsURL(p.URL), Lastmod: dateString(mod)})
	}
	var b bytes.Buffer
	b.WriteString(xml.Header)
	b.WriteString(`<urlset xmlns="http://www.sitemaps.org/schemas/sitemap/0.9">` + "\n")
	for _, e := range entries {
		out, _ := xml.Marshal(e) // cannot fail: two strings
		b.WriteString("  ")
		b.Write(bytes.Replace(out, []byte("entry>"), []byte("url>"), 2))
		b.WriteByte('\n')
	}
	b.WriteString("</urlset>\n")
	return b.Bytes()
}

// headers is the _headers file for static hosts: security headers on every
// path, the site's strict Content-Security-Policy on every path but
// /admin/ and the CMS's own there, and long-lived caching of the
// content-hashed assets. A host sends every matching rule's policy, and
// the browser enforces them all, so the strict policy cannot be a rule for
// /*: it is given to the root's files (/:name) and to each top-level
// folder (dirs) but admin.
func headers(csp string, dirs []string) []byte {
	var b strings.Builder
	b.WriteString("/*\n  X-Content-Type-Options: nosniff\n  Referrer-Policy: strict-origin-when-cross-origin\n")
	strict := "  Content-Security-Policy: " + csp + "; frame-ancestors 'none'\n"
	b.WriteString("/\n" + strict + "/:name\n" + strict)
	for _, d := range dirs {
		if d != AdminDir {
			b.WriteString("/" + d + "/*\n" + strict)
		}
	}
	b.WriteString("/" + AdminDir + "/*\n  Content-Security-Policy: " + cmsPolicy("https://api.github.com") + "\n")
	b.WriteString("/assets/*\n  Cache-Control: public, max-age=31536000, immutable\n")
	b.WriteString("/" + images.Dir + "/*\n  Cache-Control: public, max-age=31536000, immutable\n")
	return []byte(b.String())
}

// topDirs are the top-level folders of the output after an update: those
// of the files kept and those written, less those removed.
func topDirs(files map[string][]byte, changed map[string]*outFile) []string {
	seen := map[string]bool{}
	add := func(f string) {
		if d, _, ok := strings.Cut(f, "/"); ok {
			seen[d] = true
		}
	}
	for f := range files {
		if o, ch := changed[f]; !ch || o != nil {
			add(f)
		}
	}
	for f, o := range changed {
		if o != nil {
			add(f)
		}
	}
	return slices.Sorted(maps.Keys(seen))
}

func robots(s *config.Site) []byte {
	return fmt.Appendf(nil, "User-agent: *\nAllow: /\n\nSitemap: %s\n", s.AbsURL("/sitemap.xml"))
}

var redirectTmpl = template.Must(template.New("redirect").Parse(`<!DOCTYPE html>
<html lang="{{.Lang}}">
<head>
<meta charset="utf-8">
<title>Moved: {{.URL}}</title>
<meta name="robots" content="noindex">
<link rel="canonical" href="{{.Abs}}">
<meta http-equiv="refresh" content="0; url={{.URL}}">
</head>
<body>
<main>
<h1>This page has moved</h1>
<p>It is now at <a href="{{.URL}}">{{.Abs}}</a>.</p>
</main>
</body>
</html>
`))

// redirectPage is the page left at an alias: it sends browsers and search
// engines to the page's URL without script.
func redirectPage(s *config.Site, url string) []byte {
	var b bytes.Buffer
	if err := redirectTmpl.Execute(&b, map[string]string{"Lang": s.Language, "URL": url, "Abs": s.AbsURL(url)}); err != nil {
		panic(err) // fixed template over strings: cannot fail
	}
	return b.Bytes()
}

func sortedByURL(pages []*page.Page) []*page.Page {
	s := slices.Clone(pages)
	slices.SortFunc(s, func(a, b *page.Page) int { return strings.Compare(a.URL, b.URL) })
	return s
}
