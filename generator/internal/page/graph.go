package page

import (
	"cmp"
	"fmt"
	"path"
	"slices"
	"strings"

	"github.com/bcs/publish/generator/internal/diag"
)

// Link relates pages to each other: it sets every page's Parent and every
// pillar's (and home's) Children in weight order, and reports pages or
// aliases that claim the same URL and cluster pages without a pillar. pages
// is sorted by Rel in place so that everything downstream is deterministic.
func Link(pages []*Page) error {
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
	for _, p := range pages {
		p.Parent, p.Children = nil, nil
	}
	for _, p := range pages {
		switch p.Kind {
		case Home, NotFound:
			continue
		case Pillar:
			p.Parent = nearest(bySection, path.Dir(path.Dir(p.Rel)))
		case Cluster:
			dir := path.Dir(p.Rel)
			if bySection[dir] == nil {
				errs = append(errs, diag.Errorf(diag.Pos{File: p.File},
					"cluster page without a pillar: create content/%s/_index.md for the section %q", dir, dir))
				continue
			}
			p.Parent = bySection[dir]
		case Plain:
			p.Parent = bySection[""]
		}
		if p.Parent != nil {
			p.Parent.Children = append(p.Parent.Children, p)
		}
	}
	for _, p := range pages {
		slices.SortStableFunc(p.Children, func(a, b *Page) int {
			return cmp.Or(cmp.Compare(a.Front.Weight, b.Front.Weight), cmp.Compare(a.Front.Title, b.Front.Title))
		})
		p.Clusters = 0
		for i, c := range p.Children {
			c.Index = i
			if c.Kind == Cluster {
				p.Clusters++
			}
		}
	}
	return errs.Err()
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
