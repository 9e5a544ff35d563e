package site

import (
	"fmt"
	"html/template"
	"slices"
	"strings"

	"github.com/bcs/publish/generator/internal/config"
	"github.com/bcs/publish/generator/internal/diag"
	"github.com/bcs/publish/generator/internal/form"
	"github.com/bcs/publish/generator/internal/indicator"
	"github.com/bcs/publish/generator/internal/markdown"
	"github.com/bcs/publish/generator/internal/pack"
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

	r     *renderer
	page  *page.Page
	reads reads // what rendering the page read besides the page (reads.go)
}

// Packs returns every ICB's pack by region and what a pack contains, for
// the packs index ({{with .Packs}}). The page is then rendered again
// whenever the pack data changes.
func (v *View) Packs() *packsite.PacksView {
	v.reads.add(readPacks, "")
	return v.r.packs.Index(v.r.now)
}

// PackThanks returns, on the thank-you page of a form that takes pack
// requests, one line per ICB linking its pack ({{range .PackThanks}});
// the receiver sends a pack request to this page with the ICB's line as
// the #fragment. The page is then rendered again whenever the packs change.
func (v *View) PackThanks() []PackLink {
	v.reads.add(readForms, "")
	links := v.r.thanksPackLinks(v.page)
	if links != nil {
		v.reads.add(readAreas, "")
	}
	return links
}

// FAQHub returns every FAQ of the site, grouped by cluster, for the FAQ hub
// page ({{range .FAQHub}}). The page is then rendered again whenever any
// question changes.
func (v *View) FAQHub() []FAQGroup {
	v.reads.add(readHub, "")
	return v.r.faqs.get(v.r, v.r.graph)
}

// MaxSiblings is how many of its pillar's other pages a cluster page links
// at most: those nearest it. The pillar lists them all.
const MaxSiblings = 10

// Siblings returns the other cluster pages of a cluster page's pillar
// nearest it, at most MaxSiblings, in order ({{range .Siblings}}), so that
// a page's size does not grow with its section's.
func (v *View) Siblings() []Link {
	v.reads.add(readNearby, v.page.Rel)
	var out []Link
	for _, s := range v.r.graph.Nearby(v.page, MaxSiblings) {
		v.reads.nav(s)
		out = append(out, Link{Title: s.LinkText(), URL: s.URL})
	}
	return out
}

// SiblingsLeftOut is how many of the pillar's other cluster pages Siblings
// leaves out (the template then links the pillar's full list).
func (v *View) SiblingsLeftOut() int {
	parent := v.r.graph.Parent(v.page)
	if parent == nil || v.page.Kind != page.Cluster {
		return 0
	}
	v.reads.add(readChildren, parent.Rel)
	return max(0, v.r.graph.Clusters(parent)-1-MaxSiblings)
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
	FAQs       []FAQView
	Action     *page.Action
}

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

// reservedIDs are element ids the templates use; headings never take them.
var reservedIDs = []string{"main-content", "site-header", "site-nav", "breadcrumbs", "page-title", "cluster-nav", "footnotes"}

// view builds the template data for p.
func (r *renderer) view(p *page.Page) (*View, error) {
	reserved := slices.Clone(reservedIDs)
	for _, s := range p.Front.Sections {
		for _, f := range s.FAQs {
			reserved = append(reserved, f.ID)
		}
	}
	f := r.forms[p]
	if f != nil {
		reserved = append(reserved, f.IDs()...)
	}
	ids := markdown.NewIDs(reserved...)
	body, err := p.HTML, error(nil)
	if !p.Generated {
		body, err = r.md.Convert(markdown.Source{File: p.File, Line: p.BodyLine, Col: 1, Text: p.Body, IDs: ids})
	}
	var errs diag.List
	collect := func(err error) {
		if err != nil {
			asList(err, p.File, &errs)
		}
	}
	collect(err)
	v := &View{
		Site:        r.site,
		Kind:        p.Kind,
		Title:       p.Front.Title,
		HeadTitle:   p.Front.Title + " | " + r.site.Title,
		Description: p.Front.Description,
		Eyebrow:     p.Front.Eyebrow,
		URL:         p.URL,
		Canonical:   r.site.AbsURL(p.URL),
		Draft:       p.Front.Draft,
		Date:        dateString(p.Date),
		Lastmod:     dateString(p.Lastmod),
		Reviewed:    reviewed(p.Review),
		Content:     body,
		NoIndex:     p.Front.NoIndex || p.Kind == page.NotFound,
		CSP:         r.csp,
		r:           r,
		page:        p,
	}
	// Every page carries the policy and the assets' URLs, and is made with
	// the settings, the indicators and its template.
	v.reads.add(readCSP, "")
	v.reads.add(readAssets, "")
	v.reads.add(readInputs, "")
	v.reads.add(readTemplate, templateName(p))
	if f != nil {
		v.Form = &FormView{Summary: form.SummaryMarker, HTML: form.FormMarker}
		if f.Def.PackRequest != nil {
			v.reads.add(readAreas, "") // its export names every area's pack (finishForm)
		}
	}
	if p.Kind == page.Home {
		v.HeadTitle = r.site.Title
		if r.site.Tagline != "" {
			v.HeadTitle += ": " + r.site.Tagline
		}
	}
	for i, s := range p.Front.Sections {
		sv, err := r.section(p, i, s, ids)
		collect(err)
		v.Sections = append(v.Sections, sv)
		if s.PackDocs {
			v.reads.add(readManifest, "")
		}
	}
	switch d := p.Data.(type) {
	case *packsite.Pack:
		v.Pack = packsite.View(d, "", r.now)
	case *packsite.AbolishedView:
		v.Abolished = d
	case *packsite.DocPage:
		v.Pack = packsite.View(d.Pack, d.Doc.ID, r.now)
		v.reads.add(readManifest, "") // the document control table
		dv := &packsite.DocView{Control: packsite.Control(r.packs.Data, d.Doc.Title, d.Doc.Review, d.Pack.ICBPack)}
		v.Reviewed = reviewed(d.Doc.Review)
		for _, l := range v.Pack.Documents {
			if l.Current {
				dv.Docx = l.Docx
			}
		}
		v.Document = dv
	}
	// The breadcrumbs, the menus' marks and the pillar read the ancestors.
	ancestors := r.graph.Ancestors(p)
	v.reads.add(readParent, p.Rel)
	for _, a := range ancestors {
		v.reads.add(readParent, a.Rel)
	}
	v.reads.nav(ancestors...)
	for _, a := range ancestors {
		v.Breadcrumbs = append(v.Breadcrumbs, Link{Title: a.LinkText(), URL: a.URL})
	}
	if len(v.Breadcrumbs) > 0 {
		v.Breadcrumbs = append(v.Breadcrumbs, Link{Title: p.LinkText(), URL: p.URL, Current: true})
	}
	if p.Kind == page.Cluster {
		parent := r.graph.Parent(p)
		v.Pillar = &Link{Title: parent.LinkText(), URL: parent.URL}
	}
	children := r.graph.Children(p)
	if len(children) > 0 {
		v.reads.add(readChildren, p.Rel)
		v.reads.nav(children...)
	}
	for _, c := range children {
		v.Children = append(v.Children, Card{Kind: c.Kind, Title: c.Front.Title, URL: c.URL, Description: c.Front.Description, Eyebrow: c.Front.Eyebrow})
	}
	v.Menu = menu(r.site.Menus.Main, p, ancestors)
	v.Footer = menu(r.site.Menus.Footer, p, ancestors)
	v.JSONLD = structuredData(r.site, p, v)
	if len(errs) > 0 {
		return nil, errs
	}
	return v, nil
}

// section renders the i-th section of p.
func (r *renderer) section(p *page.Page, i int, s page.Section, ids *markdown.IDs) (SectionView, error) {
	at := func(field string) string { return fmt.Sprintf("$.sections[%d]%s", i, field) }
	var errs diag.List
	// md renders a Markdown field of the section at YAML path field.
	md := func(field, text string, inline bool) template.HTML {
		pos := p.Doc.Pos(at(field))
		line := pos.Line
		if strings.Contains(strings.TrimRight(text, "\n"), "\n") {
			line++ // a block scalar: the text starts on the next line
		}
		src := markdown.Source{File: p.File, Line: line, Col: pos.Col, Text: []byte(text), IDs: ids}
		var h template.HTML
		var err error
		if inline {
			h, err = r.md.ConvertInline(src)
		} else {
			h, err = r.md.Convert(src)
		}
		if err != nil {
			asList(err, p.File, &errs)
		}
		return h
	}
	id := s.ID
	if id == "" {
		id = markdown.Slug(s.Heading)
	}
	sv := SectionView{ID: ids.Unique(id), Kind: s.Kind(), Eyebrow: s.Eyebrow, Heading: s.Heading, Action: s.Action}
	if s.Body != "" {
		sv.Body = md(".body", s.Body, false)
	}
	for j, slot := range s.Rhythm {
		sv.Rhythm = append(sv.Rhythm, SlotView{When: slot.When, What: md(fmt.Sprintf(".rhythm[%d].what", j), slot.What, true)})
	}
	for j, item := range s.Items {
		sv.Items = append(sv.Items, md(fmt.Sprintf(".items[%d]", j), item, true))
	}
	if s.PackDocs {
		if sv.Items = r.packs.DocItems(); sv.Items == nil {
			errs = append(errs, diag.Errorf(p.Doc.Pos(at(".pack_documents")), "pack_documents lists the starter pack's documents, but there is no %s", pack.ManifestFile))
		}
	}
	for j, f := range s.FAQs {
		sv.FAQs = append(sv.FAQs, FAQView{ID: f.ID, Question: f.Question, Answer: md(fmt.Sprintf(".faqs[%d].answer", j), f.Answer, false)})
	}
	for j, id := range s.Benchmarks {
		ind, ok := r.indicators.Lookup(id)
		if !ok {
			msg := fmt.Sprintf("unknown indicator %q (indicators live in %s)", id, IndicatorsFile)
			if s := diag.Suggest(id, r.indicators.IDs()); s != "" {
				msg += fmt.Sprintf("; did you mean %q?", s)
			}
			errs = append(errs, &diag.Error{Pos: p.Doc.Pos(at(fmt.Sprintf(".benchmarks[%d]", j))), Msg: msg})
			continue
		}
		sv.Benchmarks = append(sv.Benchmarks, ind)
		sv.PINCER = sv.PINCER || strings.HasPrefix(ind.ID, "PINCER")
	}
	return sv, errs.Err()
}

// menu marks the item for p itself and the items for its ancestors.
func menu(items []config.MenuItem, p *page.Page, ancestors []*page.Page) []Link {
	var out []Link
	for _, it := range items {
		active := false
		for _, a := range ancestors {
			active = active || (it.URL == a.URL && a.Kind != page.Home)
		}
		out = append(out, Link{Title: it.Name, URL: it.URL, Current: it.URL == p.URL, Active: active})
	}
	return out
}

// asList flattens err into diag errors at file (see diag.Flatten).
func asList(err error, file string, l *diag.List) {
	*l = append(*l, diag.Flatten(err, file)...)
}

// Reviewed is what a page says of its clinical review, as NHS.UK pages do.
type Reviewed struct{ Last, Next string }

func reviewed(d review.Dates) *Reviewed {
	if d.IsZero() {
		return nil
	}
	return &Reviewed{Last: d.Last.Format("2 January 2006"), Next: d.Next.Format("2 January 2006")}
}
