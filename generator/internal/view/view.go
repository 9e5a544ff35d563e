// Package view is the contract between the templates and the build. View
// is everything a page template sees (templates run with missingkey=error,
// so these types are their whole vocabulary), and a view records what its
// page read besides itself as it is made and as the template asks (Read),
// which decides when the page is rendered again.
package view

import (
	"cmp"
	"html/template"
	"slices"
	"strings"

	"github.com/bcs/publish/generator/internal/config"
	"github.com/bcs/publish/generator/internal/indicator"
	"github.com/bcs/publish/generator/internal/packsite"
	"github.com/bcs/publish/generator/internal/page"
	"github.com/bcs/publish/generator/internal/review"
)

// View is what a template sees. Every field is documented here because
// templates run with missingkey=error and this is their whole contract.
type View struct {
	Site        *config.Site
	Kind        page.Kind
	Title       string // the page's h1
	HeadTitle   string // the <title>: page title and site title
	Description string
	Eyebrow     string
	URL         string // site path
	Canonical   string // absolute URL
	Draft       bool   // shown with a visible draft marker
	Date        string // YYYY-MM-DD or ""
	Lastmod     string // YYYY-MM-DD or ""
	Content     template.HTML
	Sections    []SectionView
	Breadcrumbs []Link // from home to the current page (the last has Current set)
	Pillar      *Link  // the pillar of a cluster page
	Children    []Card // the pages under a pillar or home, in weight order
	Menu        []Link // main navigation
	Footer      []Link // footer navigation
	JSONLD      []any  // structured data blocks, each rendered as one script
	NoIndex     bool
	CSP         string                  // the Content-Security-Policy the page satisfies
	Form        *FormView               // the page's form, or nil
	Pack        *packsite.PackView      // on a pack's page and its document pages: the pack
	Document    *packsite.DocView       // on a pack document's page: its control table and download
	Abolished   *packsite.AbolishedView // on an abolished ICB's page: where its practices went
	Reviewed    *Reviewed               // a clinical text's review dates, or nil

	site  Site
	page  *page.Page
	reads []Read // what rendering the page read besides the page
}

// Site is what a view asks of the build when a template asks for more
// than the page: the page graph, the packs index, a thank-you page's pack
// lines, the FAQ hub.
type Site interface {
	Graph() *page.Graph
	PacksIndex() *packsite.PacksView
	PackThanks(p *page.Page) []PackLink
	FAQHub() []FAQGroup
	Indicators() []indicator.Indicator
	Search() []SearchEntry
	PackAreas() string
}

// New returns v as the view of p in site: the build gives the fields it has
// made, and goes on filling in the rest, recording what it reads (Record).
func New(p *page.Page, site Site, v View) *View {
	v.site, v.page, v.reads = site, p, nil
	return &v
}

// Page is the page v shows.
func (v *View) Page() *page.Page { return v.page }

// Packs returns every ICB's pack by region and what a pack contains, for
// the packs index ({{with .Packs}}). The page is then rendered again
// whenever the pack data changes.
func (v *View) Packs() *packsite.PacksView {
	v.Record(ReadPacks, "")
	return v.site.PacksIndex()
}

// PackThanks returns, on the thank-you page of a form that takes pack
// requests, one line per ICB linking its pack ({{range .PackThanks}});
// the receiver sends a pack request to this page with the ICB's line as
// the #fragment. The page is then rendered again whenever the packs change.
func (v *View) PackThanks() []PackLink {
	v.Record(ReadForms, "")
	links := v.site.PackThanks(v.page)
	if links != nil {
		v.Record(ReadAreas, "")
	}
	return links
}

// FAQHub returns every FAQ of the site, grouped by cluster, for the FAQ hub
// page ({{range .FAQHub}}). The page is then rendered again whenever any
// question changes.
func (v *View) FAQHub() []FAQGroup {
	v.Record(ReadHub, "")
	return v.site.FAQHub()
}

// Indicators returns every indicator, in the file's order, with its
// technical definition, for the measures page ({{range .Indicators}}).
// Every page reads the indicators already (ReadInputs).
func (v *View) Indicators() []indicator.Indicator { return v.site.Indicators() }

// SearchEntry is one thing the site search finds: a page, a section of a
// page, a question, or a document or workbook of the starter pack.
type SearchEntry struct {
	Title string `json:"t"`           // what it is called
	URL   string `json:"u"`           // where it is, to the section or question
	Page  string `json:"p,omitempty"` // the page it is on, for a section or question
	Kind  string `json:"k"`           // page, section, question or pack
	Text  string `json:"x,omitempty"` // the start of its text, plain
	Doc   string `json:"d,omitempty"` // a pack document: where it is inside a pack (data-pack-doc)
}

// TopicGroup is the entries whose titles start with one letter, for the
// search page's A to Z list (the search without JavaScript).
type TopicGroup struct {
	Letter  string
	ID      string
	Entries []SearchEntry
}

// SearchFile is the site search's index, which the search page loads
// when its box is first used (the build writes it: site.SearchFile).
const SearchFile = "search.json"

// PackAreas is every pack page, space-separated: the packs a visitor's
// remembered choice may name (data-pack-areas). The page is then rendered
// again whenever the areas change.
func (v *View) PackAreas() string {
	v.Record(ReadAreas, "")
	return v.site.PackAreas()
}

// SearchFile is the search index's site path without its leading slash.
func (v *View) SearchFile() string { return SearchFile }

// Topics returns every search entry by the first letter of its title, A
// to Z ({{range .Topics}}). The page is then rendered again whenever the
// index changes.
func (v *View) Topics() []TopicGroup {
	v.Record(ReadSearch, "")
	var groups []TopicGroup
	entries := slices.Clone(v.site.Search())
	slices.SortStableFunc(entries, func(a, b SearchEntry) int {
		return cmp.Or(strings.Compare(strings.ToLower(a.Title), strings.ToLower(b.Title)), strings.Compare(a.URL, b.URL))
	})
	for _, e := range entries {
		letter := "#"
		if r := []rune(strings.ToUpper(e.Title)); len(r) > 0 && r[0] >= 'A' && r[0] <= 'Z' {
			letter = string(r[0])
		}
		if len(groups) == 0 || groups[len(groups)-1].Letter != letter {
			id := "topics-" + strings.ToLower(letter)
			if letter == "#" {
				id = "topics-other"
			}
			groups = append(groups, TopicGroup{Letter: letter, ID: id})
		}
		g := &groups[len(groups)-1]
		g.Entries = append(g.Entries, e)
	}
	return groups
}

// MaxSiblings is how many of its pillar's other pages a cluster page links
// at most: those nearest it. The pillar lists them all.
const MaxSiblings = 10

// Siblings returns the other cluster pages of a cluster page's pillar
// nearest it, at most MaxSiblings, in order ({{range .Siblings}}), so that
// a page's size does not grow with its section's.
func (v *View) Siblings() []Link {
	v.Record(ReadNearby, v.page.Rel)
	var out []Link
	for _, s := range v.site.Graph().Nearby(v.page, MaxSiblings) {
		v.RecordNav(s)
		out = append(out, Link{Title: s.LinkText(), URL: s.URL})
	}
	return out
}

// SiblingsLeftOut is how many of the pillar's other cluster pages Siblings
// leaves out (the template then links the pillar's full list).
func (v *View) SiblingsLeftOut() int {
	g := v.site.Graph()
	parent := g.Parent(v.page)
	if parent == nil || v.page.Kind != page.Cluster {
		return 0
	}
	v.Record(ReadChildren, parent.Rel)
	return max(0, g.Clusters(parent)-1-MaxSiblings)
}

// FormView places a page's form: Summary (the error summary, empty until a
// post has errors) goes at the top of main, HTML where the form goes. Both
// are markers when the template runs; the form is put in afterwards, and
// again by the form receiver when it shows errors.
type FormView struct {
	Summary template.HTML
	HTML    template.HTML
}

// Link is a titled URL.
type Link struct {
	Title   string
	URL     string
	Current bool // the page being rendered (aria-current="page")
	Active  bool // an ancestor of the page being rendered (aria-current="true")
}

// MenuView is a list of links with the class of its list element.
type MenuView struct {
	Class string
	Items []Link
}

// Card is a page summary in a list.
type Card struct {
	Kind        page.Kind
	Title       string
	URL         string
	Description string
	Eyebrow     string
}

// SectionView is a rendered section; exactly the fields of its Kind are set.
type SectionView struct {
	ID         string
	Kind       page.SectionKind
	Eyebrow    string
	Heading    string
	Body       template.HTML
	Rhythm     []SlotView
	Benchmarks []indicator.Indicator
	PINCER     bool // a benchmark is a PINCER indicator: the table says whose definitions it follows
	Items      []template.HTML
	PackLinks  bool   // Items are the starter pack's (data-pack-doc): site.js sends them to the chosen ICB's pack
	PackAreas  string // with PackLinks: every pack page, space-separated (a remembered choice must be one)
	FAQs       []FAQView
	Action     *page.Action
	Image      *ImageView // any kind of section may have one
}

// ImageView is a section's picture as the page shows it: the widest variant
// as src, every variant in Srcset, its size (so the page does not move as
// it loads) and whether it loads only when scrolled near.
type ImageView struct {
	Src           string
	Srcset        string // "/img/a-480.x.jpg 480w, ..."
	Sizes         string
	Width, Height int
	Alt           string // "" for a decorative picture
	Lazy          bool   // not the page's first picture: loading="lazy"
}

// ImageSizes is the sizes attribute of a section image: the text column
// (44rem) on a screen wide enough for it, below that the screen's width less
// the page's side padding (at least 1rem a side).
const ImageSizes = "(min-width: 48rem) 44rem, calc(100vw - 2rem)"

// SlotView is one rendered rhythm entry.
type SlotView struct {
	When string
	What template.HTML
}

// FAQView is one rendered question.
type FAQView struct {
	ID       string
	Question string
	Answer   template.HTML
}

// What a page depends on is recorded, not predicted: a view records each
// value it reads besides its own page (another page's title for a
// breadcrumb, the children of a pillar, the FAQ hub, the packs, the
// site-wide policy, its template and the partials that reaches), and the
// build renders the page again when one of those values changes.

// A Read is one value outside its own page that rendering a page read.
type Read struct {
	Kind ReadKind
	Rel  string // the page read (content rel) or the template name; "" for site-wide values
}

// ReadKind is what kind of value a Read is.
type ReadKind uint8

const (
	ReadNav      ReadKind = iota // what other pages show of a page (its navigation facts)
	ReadParent                   // which page is a page's parent
	ReadChildren                 // a page's children, in order
	ReadNearby                   // the siblings Graph.Nearby gives a cluster page
	ReadTemplate                 // a page template and the files its execution reaches
	ReadHub                      // the FAQ hub: every page's questions, in the site's order
	ReadPacks                    // the pack data and the packs built from it
	ReadAreas                    // the pack areas in force, named
	ReadManifest                 // the packs' manifest (pack.yaml)
	ReadForms                    // which pages are the thank-you pages of which forms
	ReadCSP                      // the site-wide Content-Security-Policy
	ReadAssets                   // the assets' hashed URLs
	ReadInputs                   // site.yaml, the indicators and the ICBs
	ReadSearch                   // the search index: every page's titles, sections and questions, the pack's documents
	ReadImage                    // a section image's variants (Rel: the image file's content rel)
)

// Record notes that making v read the value kind of rel.
func (v *View) Record(kind ReadKind, rel string) { v.reads = append(v.reads, Read{kind, rel}) }

// RecordNav notes reading what other pages show of each of ps.
func (v *View) RecordNav(ps ...*page.Page) {
	for _, p := range ps {
		v.Record(ReadNav, p.Rel)
	}
}

// Reads returns what v's page read, each once, in a fixed order.
func (v *View) Reads() []Read {
	rs := slices.Clone(v.reads)
	slices.SortFunc(rs, func(a, b Read) int {
		return cmp.Or(cmp.Compare(a.Kind, b.Kind), strings.Compare(a.Rel, b.Rel))
	})
	return slices.Clip(slices.Compact(rs))
}

// FAQGroup is the questions of one cluster (a pillar and its pages) or of
// one page outside any cluster, as the FAQ hub lists them.
type FAQGroup struct {
	ID    string // the group's section id on the hub
	Title string
	URL   string
	Pages []FAQPage
}

// FAQPage is the questions one page holds.
type FAQPage struct {
	Title string
	URL   string
	FAQs  []FAQEntry
}

// FAQEntry is one question on the hub.
type FAQEntry struct {
	ID       string // the question's id, on its page and on the hub
	Question string
	URL      string // the question on its page: /page/#id
	Answer   template.HTML
}

// PackLink is the line of a form's thank-you page that links one ICB's
// pack; only the line whose id is the address's #fragment shows (CSS
// :target), so a pack request lands on a page linking that ICB's pack
// without a script.
type PackLink struct {
	Code, Name, URL, ID string
}

// Reviewed is what a page says of its clinical review, as NHS.UK pages do.
type Reviewed struct{ Last, Next string }

// ReviewedOf is what a page says of review dates d; nil when there are none.
func ReviewedOf(d review.Dates) *Reviewed {
	if d.IsZero() {
		return nil
	}
	return &Reviewed{Last: d.Last.Format("2 January 2006"), Next: d.Next.Format("2 January 2006")}
}
