package site

import (
	"fmt"
	"strings"

	"github.com/bcs/publish/generator/internal/page"
	"github.com/bcs/publish/generator/internal/view"
)

// What a page depends on is recorded while it renders, not predicted: each
// view notes what it reads besides its own page (view.Read), and an update
// renders again exactly the pages with a read whose value changed, with
// the pages whose own source changed and the new ones. changes tells
// which values changed.

// changes says which values pages read differ between the last snapshot
// and the one an update is making.
type changes struct {
	old, new  *page.Graph
	nav       map[string]bool        // pages whose navigation facts changed, or which came or went
	graph     bool                   // a page came, went or changed what orders it: compare the graphs
	templates func(name string) bool // whether the page template's digest changed
	// The site-wide values that changed (the hub, the packs, the areas, the
	// manifest, the forms, the policy, the assets, the inputs), by kind.
	values map[view.ReadKind]bool
	images map[string]bool // the section images (content rels) whose variants changed, came or went

	memo map[view.Read]bool
}

// set notes whether the site-wide value of kind k changed.
func (c *changes) set(k view.ReadKind, changed bool) {
	if changed {
		c.values[k] = true
	}
}

// any reports whether any value a page may read changed.
func (c *changes) any() bool {
	return len(c.nav) > 0 || c.graph || len(c.values) > 0 || len(c.images) > 0 || c.templates != nil
}

// changed reports whether the value r names differs.
func (c *changes) changed(r view.Read) bool {
	switch r.Kind {
	case view.ReadNav:
		return c.nav[r.Rel]
	case view.ReadTemplate:
		return c.templates != nil && c.templates(r.Rel)
	case view.ReadImage:
		return c.images[r.Rel]
	case view.ReadParent, view.ReadChildren, view.ReadNearby: // compared in the graphs, below
	default:
		return c.values[r.Kind]
	}
	if !c.graph {
		return false
	}
	if v, ok := c.memo[r]; ok {
		return v
	}
	v := graphRead(c.old, r) != graphRead(c.new, r)
	if c.memo == nil {
		c.memo = map[view.Read]bool{}
	}
	c.memo[r] = v
	return v
}

// graphRead is the value a read of the page graph gives in g.
func graphRead(g *page.Graph, r view.Read) string {
	p := g.Page(r.Rel)
	if p == nil {
		return "\x00absent"
	}
	var ps []*page.Page
	switch r.Kind {
	case view.ReadParent:
		if q := g.Parent(p); q != nil {
			ps = append(ps, q)
		}
	case view.ReadChildren:
		ps = g.Children(p)
	case view.ReadNearby:
		ps = g.Nearby(p, view.MaxSiblings)
	default:
		panic(fmt.Sprintf("site: %d is not a read of the graph", r.Kind))
	}
	var b strings.Builder
	for _, q := range ps {
		b.WriteString(q.Rel)
		b.WriteByte(0)
	}
	return b.String()
}
