package page

import (
	"cmp"
	"fmt"
	"path"
	"slices"
	"strings"

	"github.com/bcs/publish/generator/internal/diag"
)

// Graph is how the pages of one build relate: each page's parent (the
// pillar or home above it) and the children of home and of every pillar,
// in weight order. Link makes a new Graph for every build and the pages are
// never changed, so a page parsed once is shared by every build that
// publishes it, and a build that fails leaves the last one's graph whole.
type Graph struct {
	pages []*Page          // sorted by Rel
	nodes map[string]*node // page Rel -> its place
}

type node struct {
	parent   *Page
	children []*Page
	index    int // the page's place in its parent's children
	clusters int // how many of children are cluster pages
}

// Link relates pages to each other in a new Graph, and reports pages or
// aliases that claim the same URL and cluster pages without a pillar. pages
// is sorted by Rel in place so that everything downstream is deterministic.
func Link(pages []*Page) (*Graph, error) {
	slices.SortFunc(pages, func(a, b *Page) int { return cmp.Compare(a.Rel, b.Rel) })
	var errs diag.List
	// Claims are by output file, not by address: /index.html and / are
	// two addresses of one file.
	type claimant struct {
		url string
		at  diag.Pos
	}
	claimed := map[string]claimant{}
	claim := func(url string, at diag.Pos, what string) {
		out := OutPath(url)
		if prev, dup := claimed[out]; dup {
			if prev.url == url {
				errs = append(errs, diag.Errorf(at, "%s %s is already claimed by %s", what, url, prev.at))
			} else {
				errs = append(errs, diag.Errorf(at, "%s %s is the file %s, which %s (address %s) already writes", what, url, out, prev.at, prev.url))
			}
			return
		}
		claimed[out] = claimant{url, at}
	}
	bySection := map[string]*Page{} // directory under content/ -> its _index page
	for _, p := range pages {
		at := diag.Pos{File: p.File}
		if p.Front.URL != "" && p.Doc != nil {
			at = p.Doc.Pos("$.url")
		}
		claim(p.URL, at, "URL")
		if p.Kind == Home || p.Kind == Pillar {
			bySection[strings.TrimSuffix(path.Dir(p.Rel), ".")] = p
		}
	}
	for _, p := range pages {
		for i, a := range p.Front.Aliases {
			claim(a, p.Doc.Pos(fmt.Sprintf("$.aliases[%d]", i)), "alias")
		}
	}
	errs = append(errs, checkFAQIDs(pages)...)
	g := &Graph{pages: pages, nodes: make(map[string]*node, len(pages))}
	nodes := make([]node, len(pages))
	for i, p := range pages {
		g.nodes[p.Rel] = &nodes[i]
	}
	for i, p := range pages {
		var parent *Page
		switch p.Kind {
		case Home, NotFound:
			continue
		case Pillar:
			parent = nearest(bySection, path.Dir(path.Dir(p.Rel)))
		case Cluster:
			dir := path.Dir(p.Rel)
			if bySection[dir] == nil {
				errs = append(errs, diag.Errorf(diag.Pos{File: p.File},
					"cluster page without a pillar: create content/%s/_index.md for the section %q", dir, dir))
				continue
			}
			parent = bySection[dir]
		case Plain:
			parent = bySection[""]
		}
		if parent != nil {
			nodes[i].parent = parent
			pn := g.nodes[parent.Rel]
			pn.children = append(pn.children, p)
		}
	}
	for i := range nodes {
		n := &nodes[i]
		slices.SortStableFunc(n.children, func(a, b *Page) int {
			return cmp.Or(cmp.Compare(a.Front.Weight, b.Front.Weight), cmp.Compare(a.Front.Title, b.Front.Title))
		})
		for j, c := range n.children {
			g.nodes[c.Rel].index = j
			if c.Kind == Cluster {
				n.clusters++
			}
		}
	}
	return g, errs.Err()
}

// Pages returns the linked pages, sorted by Rel.
func (g *Graph) Pages() []*Page { return g.pages }

// Page returns the page at rel, or nil.
func (g *Graph) Page(rel string) *Page {
	if g == nil {
		return nil
	}
	i, ok := slices.BinarySearchFunc(g.pages, rel, func(p *Page, rel string) int { return cmp.Compare(p.Rel, rel) })
	if !ok {
		return nil
	}
	return g.pages[i]
}

func (g *Graph) node(rel string) *node {
	if g == nil {
		return nil
	}
	return g.nodes[rel]
}

// Parent returns the pillar (or home) above p; nil for home and for a page
// not in the graph.
func (g *Graph) Parent(p *Page) *Page {
	if n := g.node(p.Rel); n != nil {
		return n.parent
	}
	return nil
}

// Children returns the pages below a pillar or home, in weight order.
func (g *Graph) Children(p *Page) []*Page {
	if n := g.node(p.Rel); n != nil {
		return n.children
	}
	return nil
}

// Clusters is how many of p's children are cluster pages.
func (g *Graph) Clusters(p *Page) int {
	if n := g.node(p.Rel); n != nil {
		return n.clusters
	}
	return 0
}

// Ancestors returns the chain from home down to p's parent.
func (g *Graph) Ancestors(p *Page) []*Page {
	var chain []*Page
	for a := g.Parent(p); a != nil; a = g.Parent(a) {
		chain = append(chain, a)
	}
	slices.Reverse(chain)
	return chain
}

// Nearby returns at most n of the other cluster pages of p's pillar, those
// nearest p in the pillar's order, in that order. The work is bounded by n,
// not by the size of the section: a section of 10,000 pages must not make
// each of its pages list the other 9,999.
func (g *Graph) Nearby(p *Page, n int) []*Page {
	parent := g.Parent(p)
	if parent == nil || p.Kind != Cluster || n <= 0 {
		return nil
	}
	kids, at := g.Children(parent), g.node(p.Rel).index
	lo, hi := at, at+1 // the window kids[lo:hi] holds p
	count := 0
	for count < n && (lo > 0 || hi < len(kids)) {
		// Take from each side in turn, from the other when one runs out.
		if lo > 0 && (hi >= len(kids) || at-lo <= hi-at-1) {
			lo--
			if kids[lo].Kind == Cluster {
				count++
			}
		} else {
			if kids[hi].Kind == Cluster {
				count++
			}
			hi++
		}
	}
	out := make([]*Page, 0, count)
	for _, c := range kids[lo:hi] {
		if c != p && c.Kind == Cluster {
			out = append(out, c)
		}
	}
	return out
}

// Siblings returns the other cluster pages of p's pillar, in order.
func (g *Graph) Siblings(p *Page) []*Page {
	parent := g.Parent(p)
	if parent == nil || p.Kind != Cluster {
		return nil
	}
	var s []*Page
	for _, c := range g.Children(parent) {
		if c != p && c.Kind == Cluster {
			s = append(s, c)
		}
	}
	return s
}

// nearest returns the section page for dir or its closest ancestor.
func nearest(sections map[string]*Page, dir string) *Page {
	for {
		if dir == "." || dir == "/" {
			dir = ""
		}
		if p := sections[dir]; p != nil {
			return p
		}
		if dir == "" {
			return nil
		}
		dir = path.Dir(dir)
	}
}

// checkFAQIDs reports a question id used twice anywhere on the site: each
// question is linked as page#id from the FAQ hub and carries that id there.
func checkFAQIDs(pages []*Page) diag.List {
	var errs diag.List
	seen := map[string]diag.Pos{}
	for _, p := range pages {
		for i, s := range p.Front.Sections {
			for j, f := range s.FAQs {
				at := p.Doc.Pos(fmt.Sprintf("$.sections[%d].faqs[%d]", i, j))
				if prev, dup := seen[f.ID]; dup {
					errs = append(errs, diag.Errorf(at, "duplicate FAQ id %q (also at %s): give one of them its own id", f.ID, prev))
					continue
				}
				seen[f.ID] = at
			}
		}
	}
	return errs
}
