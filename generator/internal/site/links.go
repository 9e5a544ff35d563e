package site

import (
	"bytes"
	"fmt"
	"slices"
	"strings"

	"github.com/bcs/publish/generator/internal/diag"
	"github.com/bcs/publish/generator/internal/linkcheck"
	"github.com/bcs/publish/generator/internal/page"
)

// reportBroken reports each broken link the link checker found at the place
// the user wrote it: the line of the page's source that contains it, or, for
// a link that comes from a template or the menus, once for all the pages that
// show it.
func reportBroken(broken []linkcheck.Broken, pages []*page.Page) error {
	if len(broken) == 0 {
		return nil
	}
	byOut := map[string]*page.Page{}
	for _, p := range pages {
		byOut[p.OutPath()] = p
	}
	var errs diag.List
	shared := map[string][]string{} // "href\x00reason" -> pages
	for _, b := range broken {
		p := byOut[b.Page]
		if p == nil { // an alias page or another generated file
			shared[b.Href+"\x00"+b.Reason] = append(shared[b.Href+"\x00"+b.Reason], "/"+b.Page)
			continue
		}
		if pos, ok := findInSource(p, b.Href); ok {
			errs = append(errs, diag.Errorf(pos, "broken link %s: %s", b.Href, b.Reason))
			continue
		}
		shared[b.Href+"\x00"+b.Reason] = append(shared[b.Href+"\x00"+b.Reason], p.File)
	}
	for key, where := range shared {
		href, reason, _ := strings.Cut(key, "\x00")
		slices.Sort(where)
		more := ""
		if len(where) > 1 {
			more = fmt.Sprintf(" and %d other pages", len(where)-1)
		}
		errs = append(errs, diag.Errorf(diag.Pos{File: where[0]},
			"broken link %s: %s (the link comes from a template or %s, and is on this page%s)", href, reason, SettingsFile, more))
	}
	return errs.Err()
}

// findInSource finds where href is written in p's file: as a Markdown link
// target "](href" or a YAML value, whichever comes first.
func findInSource(p *page.Page, href string) (diag.Pos, bool) {
	src := p.Body
	line := p.BodyLine
	if i := bytes.Index(src, []byte(href)); i >= 0 {
		return offsetPos(p.File, src, i, line), true
	}
	// front matter: sections, actions
	for i, s := range p.Front.Sections {
		if s.Action != nil && s.Action.URL == href {
			return p.Doc.Pos(fmt.Sprintf("$.sections[%d].action.url", i)), true
		}
		if strings.Contains(s.Body, href) {
			return p.Doc.Pos(fmt.Sprintf("$.sections[%d].body", i)), true
		}
		for j, it := range s.Items {
			if strings.Contains(it, href) {
				return p.Doc.Pos(fmt.Sprintf("$.sections[%d].items[%d]", i, j)), true
			}
		}
		for j, f := range s.FAQs {
			if strings.Contains(f.Answer, href) {
				return p.Doc.Pos(fmt.Sprintf("$.sections[%d].faqs[%d].answer", i, j)), true
			}
		}
		for j, r := range s.Rhythm {
			if strings.Contains(r.What, href) {
				return p.Doc.Pos(fmt.Sprintf("$.sections[%d].rhythm[%d].what", i, j)), true
			}
		}
	}
	return diag.Pos{}, false
}

func offsetPos(file string, src []byte, offset, firstLine int) diag.Pos {
	before := src[:offset]
	line := firstLine + bytes.Count(before, []byte("\n"))
	col := offset - bytes.LastIndexByte(before, '\n')
	return diag.Pos{File: file, Line: line, Col: col}
}
