package site

import (
	"html/template"
	"time"

	"github.com/bcs/publish/generator/internal/assets"
	"github.com/bcs/publish/generator/internal/config"
	"github.com/bcs/publish/generator/internal/diag"
	"github.com/bcs/publish/generator/internal/form"
	"github.com/bcs/publish/generator/internal/images"
	"github.com/bcs/publish/generator/internal/indicator"
	"github.com/bcs/publish/generator/internal/layout"
	"github.com/bcs/publish/generator/internal/markdown"
	"github.com/bcs/publish/generator/internal/packsite"
	"github.com/bcs/publish/generator/internal/page"
	"github.com/bcs/publish/generator/internal/view"
)

// renderer holds what rendering a page reads besides the page itself.
type renderer struct {
	site       *config.Site
	indicators *indicator.Set
	md         *markdown.Converter
	assets     *assets.Set
	templates  *layout.Set
	graph      *page.Graph               // every published page, related
	forms      map[*page.Page]*form.Form // the pages with a form, and their forms
	csp        string                    // the Content-Security-Policy every page satisfies
	faqs       *faqHub
	search     *searchIndex
	packs      *packsite.Set
	images     map[string]*images.Image // the section images, by content rel
	now        time.Time                // the day of the build: which ICBs are in force
}

// funcs are the functions templates may call. The templates keep the
// renderer they were loaded with, which later snapshots copy, so these may
// read only what is replaced together with the templates: the settings and
// the assets (update reloads the templates when either changes).
func (r *renderer) funcs() template.FuncMap {
	return template.FuncMap{
		// asset returns the hashed URL of an asset by its logical name.
		"asset": func(name string) (string, error) { return r.assets.URL(name) },
		// absURL joins a site path to the base URL.
		"absURL": func(p string) string { return r.site.AbsURL(p) },
		// menu pairs a list of links with a class for partials/menu.html.
		"menu": func(class string, items []view.Link) view.MenuView { return view.MenuView{Class: class, Items: items} },
	}
}

// rendered is one page's HTML and what it read besides its own page.
type rendered struct {
	html  []byte
	reads []view.Read
}

// render renders one page through its template.
func (r *renderer) render(p *page.Page) (rendered, error) {
	name := string(p.Kind)
	if p.Front.Layout != "" {
		name = p.Front.Layout
		if !r.templates.Has(name) {
			return rendered{}, diag.Errorf(p.Doc.Pos("$.layout"), "no template %s/%s.html for layout %q (templates: %v)", TemplatesDir, name, name, r.templates.Names())
		}
	} else if !r.templates.Has(name) {
		return rendered{}, diag.Errorf(diag.Pos{File: p.File}, "missing template %s/%s.html for %s pages", TemplatesDir, name, p.Kind)
	}
	v, err := r.view(p)
	if err != nil {
		return rendered{}, err
	}
	html, err := r.templates.Execute(name, v)
	return rendered{html: html, reads: v.Reads()}, err
}
