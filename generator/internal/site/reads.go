package site

import (
	"fmt"
	"slices"
	"strings"

	"github.com/bcs/publish/generator/internal/page"
)

// What a page depends on is recorded while it renders, not predicted: each
// view notes what it reads besides its own page (another page's title for
// a breadcrumb, the children of a pillar, the FAQ hub, the packs, the
// site-wide policy, its template and the partials that reaches), and an
// update renders again exactly the pages with a read whose value changed,
// with the pages whose own source changed and the new ones.

// A read is one value outside its own page that rendering a page read.
type read struct {
	kind readKind
	rel  string // the page read (content rel) or the template name; "" for site-wide values
}

type readKind uint8

const (
	readNav      readKind = iota // what other pages show of a page (navFacts)
	readParent                   // which page is a page's parent
	readChildren                 // a page's children, in order
	readNearby                   // the siblings Graph.Nearby gives a cluster page
	readTemplate                 // a page template and the files its execution reaches
	readHub                      // the FAQ hub: every page's questions, in the site's order
	readPacks                    // the pack data and the packs built from it
	readAreas                    // the pack areas in force, named
	readManifest                 // the packs' manifest (pack.yaml)
	readForms                    // which pages are the thank-you pages of which forms
	readCSP                      // the site-wide Content-Security-Policy
	readAssets                   // the assets' hashed URLs
	readInputs                   // site.yaml, the indicators and the ICBs
)

// reads collects a view's reads as it makes them.
type reads []read

func (rs *reads) add(kind readKind, rel string) { *rs = append(*rs, read{kind, rel}) }

// nav records reading what other pages show of each of ps.
func (rs *reads) nav(ps ...*page.Page) {
	for _, p := range ps {
		rs.add(readNav, p.Rel)
	}
}

// done returns the reads, each once, in a fixed order.
func (rs reads) done() []read {
	slices.SortFunc(rs, func(a, b read) int {
		if a.kind != b.kind {
			return int(a.kind) - int(b.kind)
		}
		return strings.Compare(a.rel, b.rel)
	})
	return slices.Clip(slices.Compact(rs))
}

// changes says which values pages read differ between the last snapshot
// and the one an update is making.
type changes struct {
	old, new  *page.Graph
	nav       map[string]bool // pages whose navigation facts changed, or which came or went
	graph     bool            // a page came, went or changed what orders it: compare the graphs
	hub       bool
	packs     bool
	areas     bool
	manifest  bool
	forms     bool
	csp       bool
	assets    bool
	inputs    bool
	templates func(name string) bool // whether the page template's digest changed

	memo map[read]bool
}

// any reports whether any value a page may read changed.
func (c *changes) any() bool {
	return len(c.nav) > 0 || c.graph || c.hub || c.packs || c.areas || c.manifest || c.forms || c.csp || c.assets || c.inputs || c.templates != nil
}

// changed reports whether the value r names differs.
func (c *changes) changed(r read) bool {
	switch r.kind {
	case readNav:
		return c.nav[r.rel]
	case readTemplate:
		return c.templates != nil && c.templates(r.rel)
	case readHub:
		return c.hub
	case readPacks:
		return c.packs
	case readAreas:
		return c.areas
	case readManifest:
		return c.manifest
	case readForms:
		return c.forms
	case readCSP:
		return c.csp
	case readAssets:
		return c.assets
	case readInputs:
		return c.inputs
	}
	if !c.graph {
		return false
	}
	if v, ok := c.memo[r]; ok {
		return v
	}
	v := graphRead(c.old, r) != graphRead(c.new, r)
	if c.memo == nil {
		c.memo = map[read]bool{}
	}
	c.memo[r] = v
	return v
}

// graphRead is the value a read of the page graph gives in g.
func graphRead(g *page.Graph, r read) string {
	p := g.Page(r.rel)
	if p == nil {
		return "\x00absent"
	}
	var ps []*page.Page
	switch r.kind {
	case readParent:
		if q := g.Parent(p); q != nil {
			ps = append(ps, q)
		}
	case readChildren:
		ps = g.Children(p)
	case readNearby:
		ps = g.Nearby(p, MaxSiblings)
	default:
		panic(fmt.Sprintf("site: %d is not a read of the graph", r.kind))
	}
	var b strings.Builder
	for _, q := range ps {
		b.WriteString(q.Rel)
		b.WriteByte(0)
	}
	return b.String()
}
