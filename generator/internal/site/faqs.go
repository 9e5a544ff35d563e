package site

import (
	"sync"

	"github.com/bcs/publish/generator/internal/markdown"
	"github.com/bcs/publish/generator/internal/page"
	"github.com/bcs/publish/generator/internal/view"
)

// faqHub gathers every FAQ of the site, cluster by cluster in the order of
// the site's navigation. It is computed once per build, when a template asks
// for it.
type faqHub struct {
	once   sync.Once
	groups []view.FAQGroup
}

func (h *faqHub) get(r *renderer, graph *page.Graph) []view.FAQGroup {
	h.once.Do(func() {
		pages := graph.Pages()
		var home *page.Page
		for _, p := range pages {
			if p.Kind == page.Home {
				home = p
			}
		}
		if home == nil {
			return
		}
		ids := markdown.NewIDs(reservedIDs...)
		// Question ids are unique site-wide; answers' headings go around them.
		for _, p := range pages {
			for _, s := range p.Front.Sections {
				for _, f := range s.FAQs {
					ids.Put([]byte(f.ID))
				}
			}
		}
		collect := func(p *page.Page) (view.FAQPage, bool) {
			fp := view.FAQPage{Title: p.Front.Title, URL: p.URL}
			for _, s := range p.Front.Sections {
				for _, f := range s.FAQs {
					// Errors in answers are reported by the page that holds them.
					answer, _ := r.md.Convert(markdown.Source{File: p.File, Text: []byte(f.Answer), IDs: ids})
					fp.FAQs = append(fp.FAQs, view.FAQEntry{ID: f.ID, Question: f.Question, URL: p.URL + "#" + f.ID, Answer: answer})
				}
			}
			return fp, len(fp.FAQs) > 0
		}
		var walk func(g *view.FAQGroup, p *page.Page)
		walk = func(g *view.FAQGroup, p *page.Page) {
			if fp, ok := collect(p); ok {
				g.Pages = append(g.Pages, fp)
			}
			for _, c := range graph.Children(p) {
				walk(g, c)
			}
		}
		top := view.FAQGroup{ID: ids.Unique("topic-general"), Title: home.Front.Title, URL: home.URL}
		if fp, ok := collect(home); ok {
			top.Pages = append(top.Pages, fp)
		}
		if len(top.Pages) > 0 {
			h.groups = append(h.groups, top)
		}
		for _, c := range graph.Children(home) {
			g := view.FAQGroup{ID: ids.Unique("topic-" + markdown.Slug(c.URL)), Title: c.Front.Title, URL: c.URL}
			walk(&g, c)
			if len(g.Pages) > 0 {
				h.groups = append(h.groups, g)
			}
		}
	})
	return h.groups
}
