package site

import (
	"fmt"
	"html/template"
	"maps"
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
	"github.com/bcs/publish/generator/internal/view"
)

// reservedIDs are element ids the templates use; headings never take them.
var reservedIDs = []string{"main-content", "site-header", "site-nav", "breadcrumbs", "page-title", "cluster-nav", "footnotes"}

// view builds the template data for p.
func (r *renderer) view(p *page.Page) (*view.View, error) {
	f := r.forms[p]
	ids, sectionIDs := pageIDs(p, f, r.site.Blocks)
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
	v := view.New(p, r, view.View{
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
		Reviewed:    view.ReviewedOf(p.Review),
		Content:     body,
		NoIndex:     p.Front.NoIndex || p.Kind == page.NotFound,
		CSP:         r.csp,
	})
	// Every page carries the policy and the assets' URLs, and is made with
	// the settings, the indicators and its template.
	v.Record(view.ReadCSP, "")
	v.Record(view.ReadAssets, "")
	v.Record(view.ReadInputs, "")
	v.Record(view.ReadTemplate, templateName(p))
	if f != nil {
		v.Form = &view.FormView{Summary: form.SummaryMarker, HTML: form.FormMarker}
		if f.Def.PackRequest != nil {
			v.Record(view.ReadAreas, "") // its export names every area's pack (finishForm)
		}
	}
	if p.Kind == page.Home {
		v.HeadTitle = r.site.Title
		if r.site.Tagline != "" {
			v.HeadTitle += ": " + r.site.Tagline
		}
	}
	for i, s := range p.Front.Sections {
		sv, err := r.section(p, i, s, sectionIDs[i], ids)
		collect(err)
		v.Sections = append(v.Sections, sv)
		if s.PackDocs || s.FromPack != nil {
			v.Record(view.ReadManifest, "")
			v.Record(view.ReadAreas, "") // PackAreas
		}
		if s.Image != nil {
			v.Record(view.ReadImage, page.ImageRel(s.Image.Src))
		}
	}
	for i := range v.Sections {
		if img := v.Sections[i].Image; img != nil {
			img.Lazy = false // the page's first picture is likely in view as it opens: load it at once
			break
		}
	}
	switch d := p.Data.(type) {
	case *packsite.Pack:
		v.Pack = packsite.View(d, "", r.now)
	case *packsite.AbolishedView:
		v.Abolished = d
	case *packsite.DocPage:
		v.Pack = packsite.View(d.Pack, d.Doc.ID, r.now)
		v.Record(view.ReadManifest, "") // the document control table
		dv := &packsite.DocView{Control: packsite.Control(r.packs.Data, d.Doc.Title, d.Doc.Review, d.Pack.ICBPack)}
		v.Reviewed = view.ReviewedOf(d.Doc.Review)
		for _, l := range v.Pack.Documents {
			if l.Current {
				dv.Docx = l.Docx
			}
		}
		v.Document = dv
	}
	// The breadcrumbs, the menus' marks and the pillar read the ancestors.
	ancestors := r.graph.Ancestors(p)
	v.Record(view.ReadParent, p.Rel)
	for _, a := range ancestors {
		v.Record(view.ReadParent, a.Rel)
	}
	v.RecordNav(ancestors...)
	for _, a := range ancestors {
		v.Breadcrumbs = append(v.Breadcrumbs, view.Link{Title: a.LinkText(), URL: a.URL})
	}
	if len(v.Breadcrumbs) > 0 {
		v.Breadcrumbs = append(v.Breadcrumbs, view.Link{Title: p.LinkText(), URL: p.URL, Current: true})
	}
	if p.Kind == page.Cluster {
		parent := r.graph.Parent(p)
		v.Pillar = &view.Link{Title: parent.LinkText(), URL: parent.URL}
	}
	children := r.graph.Children(p)
	if len(children) > 0 {
		v.Record(view.ReadChildren, p.Rel)
		v.RecordNav(children...)
	}
	for _, c := range children {
		v.Children = append(v.Children, view.Card{Kind: c.Kind, Title: c.Front.Title, URL: c.URL, Description: c.Front.Description, Eyebrow: c.Front.Eyebrow})
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
// pageIDs are the element ids of p's page: the ids its templates, its
// questions and its form use, then each section's anchor (its id, or its
// heading's slug, made unique), in order. The section anchors come before
// the body's headings take theirs, so they follow from the front matter
// alone (the search index links them without rendering the page); ids
// then gives the body's and the sections' Markdown headings the rest.
func pageIDs(p *page.Page, f *form.Form, blocks map[string]*page.Section) (ids *markdown.IDs, sectionIDs []string) {
	reserved := slices.Clone(reservedIDs)
	for _, s := range p.Front.Sections {
		for _, f := range s.FAQs {
			reserved = append(reserved, f.ID)
		}
	}
	if f != nil {
		reserved = append(reserved, f.IDs()...)
	}
	ids = markdown.NewIDs(reserved...)
	for _, s := range p.Front.Sections {
		id, heading := s.ID, s.Heading
		if b := blocks[s.Use]; s.Use != "" && b != nil {
			heading = b.Heading
		}
		if id == "" {
			id = markdown.Slug(heading)
		}
		sectionIDs = append(sectionIDs, ids.Unique(id))
	}
	return ids, sectionIDs
}

func (r *renderer) section(p *page.Page, i int, s page.Section, id string, ids *markdown.IDs) (view.SectionView, error) {
	at := func(field string) string { return fmt.Sprintf("$.sections[%d]%s", i, field) }
	var errs diag.List
	block := s.Use != ""
	if block {
		b := r.site.Blocks[s.Use]
		if b == nil {
			msg := fmt.Sprintf("there is no block %q in %s (blocks:)", s.Use, SettingsFile)
			if sug := diag.Suggest(s.Use, slices.Sorted(maps.Keys(r.site.Blocks))); sug != "" {
				msg += fmt.Sprintf("; did you mean %q?", sug)
			}
			return view.SectionView{}, &diag.Error{Pos: p.Doc.Pos(at(".use")), Msg: msg}
		}
		s = *b // the block, shown here
	}
	// md renders a Markdown field of the section at YAML path field (a
	// block's, at the line that uses it).
	md := func(field, text string, inline bool) template.HTML {
		pos := p.Doc.Pos(at(field))
		if block {
			pos = p.Doc.Pos(at(".use"))
		}
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
	sv := view.SectionView{ID: id, Kind: s.Kind(), Eyebrow: s.Eyebrow, Heading: s.Heading, Action: s.Action}
	if s.Body != "" {
		sv.Body = md(".body", s.Body, false)
	}
	if s.Image != nil {
		sv.Image = imageView(r.images[page.ImageRel(s.Image.Src)], strings.TrimSpace(s.Image.Alt), true)
	}
	for j, slot := range s.Rhythm {
		sv.Rhythm = append(sv.Rhythm, view.SlotView{When: slot.When, What: md(fmt.Sprintf(".rhythm[%d].what", j), slot.What, true)})
	}
	for j, item := range s.Items {
		sv.Items = append(sv.Items, md(fmt.Sprintf(".items[%d]", j), item, true))
	}
	switch {
	case s.PackDocs:
		if sv.Items, _ = r.packs.DocItems(nil); sv.Items == nil {
			errs = append(errs, diag.Errorf(p.Doc.Pos(at(".pack_documents")), "pack_documents lists the starter pack's documents, but there is no %s", pack.ManifestFile))
		}
		sv.PackLinks = true
	case s.FromPack != nil:
		items, unknown := r.packs.DocItems(s.FromPack)
		switch {
		case items == nil && unknown < 0:
			errs = append(errs, diag.Errorf(p.Doc.Pos(at(".from_pack")), "from_pack names starter pack documents, but there is no %s", pack.ManifestFile))
		case unknown >= 0:
			msg := fmt.Sprintf("%q is not a document or workbook of the starter pack (ids in %s)", s.FromPack[unknown], pack.ManifestFile)
			if sug := diag.Suggest(s.FromPack[unknown], r.packs.DocIDs()); sug != "" {
				msg += fmt.Sprintf("; did you mean %q?", sug)
			}
			errs = append(errs, &diag.Error{Pos: p.Doc.Pos(at(fmt.Sprintf(".from_pack[%d]", unknown))), Msg: msg})
		}
		sv.Items, sv.PackLinks = items, true
	}
	if sv.PackLinks {
		sv.PackAreas = r.PackAreas()
	}
	for j, f := range s.FAQs {
		sv.FAQs = append(sv.FAQs, view.FAQView{ID: f.ID, Question: f.Question, Answer: md(fmt.Sprintf(".faqs[%d].answer", j), f.Answer, false)})
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
func menu(items []config.MenuItem, p *page.Page, ancestors []*page.Page) []view.Link {
	var out []view.Link
	for _, it := range items {
		active := false
		for _, a := range ancestors {
			active = active || (it.URL == a.URL && a.Kind != page.Home)
		}
		out = append(out, view.Link{Title: it.Name, URL: it.URL, Current: it.URL == p.URL, Active: active})
	}
	return out
}

// asList flattens err into diag errors at file (see diag.Flatten).
func asList(err error, file string, l *diag.List) {
	*l = append(*l, diag.Flatten(err, file)...)
}

// Graph is the page graph of the build (view.Site).
func (r *renderer) Graph() *page.Graph { return r.graph }

// PacksIndex is the packs index of the build (view.Site).
func (r *renderer) PacksIndex() *packsite.PacksView { return r.packs.Index(r.now) }

// PackAreas is every pack page, space-separated (view.Site).
func (r *renderer) PackAreas() string { return r.packs.AreaURLs() }

// Search is the site search's entries (view.Site).
func (r *renderer) Search() []view.SearchEntry { return r.search.get(r, r.graph) }

// Indicators is every indicator (view.Site).
func (r *renderer) Indicators() []indicator.Indicator { return r.indicators.All }

// FAQHub is every FAQ of the site (view.Site).
func (r *renderer) FAQHub() []view.FAQGroup { return r.faqs.get(r, r.graph) }
