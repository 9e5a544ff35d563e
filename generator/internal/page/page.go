// Package page defines a content page: its typed front matter, its kind
// (home, pillar, cluster page, plain page, 404) and its URL, and the pure
// functions that relate pages to each other (clusters, breadcrumbs,
// siblings).
package page

import (
	"fmt"
	"html/template"
	"path"
	"regexp"
	"strings"
	"time"

	"github.com/bcs/publish/generator/internal/diag"
	"github.com/bcs/publish/generator/internal/form"
	"github.com/bcs/publish/generator/internal/frontmatter"
	"github.com/bcs/publish/generator/internal/review"
	"github.com/bcs/publish/generator/internal/yamldoc"
)

// Kind is what a page is in the site's structure; it picks its template.
type Kind string

// The page kinds.
const (
	Home     Kind = "home"    // content/_index.md
	Pillar   Kind = "pillar"  // content/<section>/_index.md
	Cluster  Kind = "cluster" // content/<section>/<page>.md
	Plain    Kind = "page"    // content/<page>.md
	NotFound Kind = "404"     // content/404.md
)

// Front is a page's front matter. Every key is documented in README.md.
type Front struct {
	Title       string `yaml:"title"`
	Description string `yaml:"description"`
	LinkTitle   string `yaml:"link_title"` // short title for breadcrumbs, lists and menus
	Eyebrow     string `yaml:"eyebrow"`    // small label above the h1
	Date        string `yaml:"date"`       // publication date; a future date hides the page
	Lastmod     string `yaml:"lastmod"`
	// The clinical review: required on the pages of a clinical section
	// (site.yaml clinical_sections); the build fails once next_review has passed.
	LastReviewed string           `yaml:"last_reviewed"`
	NextReview   string           `yaml:"next_review"`
	Draft        bool             `yaml:"draft"`
	Weight       int              `yaml:"weight"` // order among siblings, lowest first
	Slug         string           `yaml:"slug"`   // replaces the last URL segment
	URL          string           `yaml:"url"`    // replaces the whole URL
	Aliases      []string         `yaml:"aliases"`
	Layout       string           `yaml:"layout"` // template name instead of the kind's
	NoIndex      bool             `yaml:"noindex"`
	Sections     []Section        `yaml:"sections"`
	Form         *form.Definition `yaml:"form"` // a form shown on the page (see package form)
}

// Page is one content file, parsed and placed. Pages are never changed
// after they are made; how they relate is a Graph's (see Link).
type Page struct {
	File     string // path as the user sees it, e.g. content/a/b.md
	Rel      string // path under content/, slash-separated
	Kind     Kind
	Front    Front
	Doc      *yamldoc.Doc
	Body     []byte
	BodyLine int
	URL      string // site path, e.g. /a/b/ or /404.html
	Date     time.Time
	Lastmod  time.Time
	Review   review.Dates // zero when the page carries none

	// Generated pages (the starter packs' pages) have no content file: File
	// names the data they come from, Doc is nil, HTML is their body already
	// rendered and Data what their template shows.
	Generated bool
	HTML      template.HTML
	Data      any
}

// Title returns the short title for links to the page.
func (p *Page) LinkText() string {
	if p.Front.LinkTitle != "" {
		return p.Front.LinkTitle
	}
	return p.Front.Title
}

// OutPath is the file the page is written to, relative to the output root.
func (p *Page) OutPath() string { return OutPath(p.URL) }

// OutPath maps a site path to the file that serves it: "/a/" to
// "a/index.html", "/404.html" to itself.
func OutPath(url string) string {
	if strings.HasSuffix(url, "/") {
		return strings.TrimPrefix(url, "/") + "index.html"
	}
	return strings.TrimPrefix(url, "/")
}

// Hidden reports whether the page is left out of a build that excludes
// drafts and future pages.
func (p *Page) Hidden(now time.Time, drafts, future bool) bool {
	return (p.Front.Draft && !drafts) || (!future && !p.Date.IsZero() && p.Date.After(now))
}

var (
	// SlugPattern is an id, a slug or a name: lower-case letters and digits
	// joined by single hyphens.
	SlugPattern = regexp.MustCompile(`^[a-z0-9]+(-[a-z0-9]+)*$`)
	urlPattern  = regexp.MustCompile(`^/([a-z0-9]+(-[a-z0-9]+)*/)*([a-z0-9-]+\.html)?$`)
)

// Parse decodes a content file. rel is its path under content/ and file the
// path shown in errors. Every problem found is returned as a diag.List.
func Parse(file, rel string, src []byte) (*Page, error) {
	p := &Page{File: file, Rel: rel}
	if err := diag.CheckUTF8(file, src, 1); err != nil {
		return nil, err
	}
	parts, doc, err := frontmatter.Decode(file, src, &p.Front)
	if err != nil {
		return nil, err
	}
	p.Doc, p.Body, p.BodyLine = doc, parts.Body, parts.BodyLine
	var errs diag.List
	add := func(at, format string, args ...any) { errs = append(errs, diag.Errorf(doc.Pos(at), format, args...)) }
	if strings.TrimSpace(p.Front.Title) == "" {
		add("$.title", "missing required field \"title\"")
	}
	if strings.TrimSpace(p.Front.Description) == "" {
		add("$.description", "missing required field \"description\" (one or two sentences for search results and link previews)")
	}
	var ok bool
	if p.Date, ok = parseDate(p.Front.Date); !ok {
		add("$.date", "malformed date %q: write it as YYYY-MM-DD, e.g. 2026-11-26", p.Front.Date)
	}
	if p.Lastmod, ok = parseDate(p.Front.Lastmod); !ok {
		add("$.lastmod", "malformed date %q: write it as YYYY-MM-DD, e.g. 2026-11-26", p.Front.Lastmod)
	}
	rv, rerrs := review.Parse(p.Front.LastReviewed, p.Front.NextReview, doc.Pos("$.last_reviewed"), doc.Pos("$.next_review"))
	errs = append(errs, rerrs...)
	p.Review = rv
	if s := p.Front.Slug; s != "" && !SlugPattern.MatchString(s) {
		add("$.slug", "slug %q must be lower-case letters and digits joined by hyphens", s)
	}
	if u := p.Front.URL; u != "" && !urlPattern.MatchString(u) {
		add("$.url", "url %q must be a site path in lower case starting and ending with /, such as /about/team/", u)
	}
	for i, a := range p.Front.Aliases {
		if !urlPattern.MatchString(a) {
			add(fmt.Sprintf("$.aliases[%d]", i), "alias %q must be a site path in lower case starting and ending with /", a)
		}
	}
	errs = append(errs, validateSections(p)...)
	p.Kind, p.URL = placement(rel, p.Front)
	if p.Front.URL == "" && !urlPattern.MatchString(p.URL) {
		errs = append(errs, diag.Errorf(diag.Pos{File: file}, "file and folder names become the URL %q: use lower-case letters, digits and hyphens", p.URL))
	}
	if len(errs) > 0 {
		return nil, errs
	}
	return p, nil
}

// parseDate accepts an empty string, a date (2006-01-02) or an RFC 3339
// timestamp.
func parseDate(s string) (time.Time, bool) {
	if s == "" {
		return time.Time{}, true
	}
	for _, layout := range []string{time.DateOnly, time.RFC3339} {
		if t, err := time.Parse(layout, s); err == nil {
			return t, true
		}
	}
	return time.Time{}, false
}

// placement derives a page's kind and URL from its path and front matter.
func placement(rel string, f Front) (Kind, string) {
	dir, name := path.Split(rel)
	dir = strings.TrimSuffix(dir, "/")
	var kind Kind
	var url string
	switch {
	case rel == "_index.md":
		kind, url = Home, "/"
	case rel == "404.md":
		return NotFound, "/404.html"
	case name == "_index.md":
		kind, url = Pillar, "/"+dir+"/"
	case dir == "":
		kind, url = Plain, "/"+strings.TrimSuffix(name, ".md")+"/"
	default:
		kind, url = Cluster, "/"+dir+"/"+strings.TrimSuffix(name, ".md")+"/"
	}
	switch {
	case f.URL != "":
		url = f.URL
	case f.Slug != "" && url != "/":
		url = path.Dir(strings.TrimSuffix(url, "/")) + "/" + f.Slug + "/"
		url = strings.Replace(url, "//", "/", 1)
	}
	return kind, url
}
