package site

import (
	"encoding/json"
	"fmt"
	"regexp"
	"strings"
	"sync"

	"github.com/bcs/publish/generator/internal/packsite"
	"github.com/bcs/publish/generator/internal/page"
	"github.com/bcs/publish/generator/internal/view"
)

// SearchFile is the site search's index (view.SearchFile).
const SearchFile = view.SearchFile

// searchIndex is the search index of one update: every published page
// (not the generated pack pages, which the finder on /packs/ finds, nor a
// noindex page), each of its sections but the calls to action (the same
// on many pages) and each question, linked to its anchor, and the starter
// pack's documents and workbooks. It is made once, when the first page or
// output asks for it.
type searchIndex struct {
	once    sync.Once
	entries []view.SearchEntry
}

// snippetRunes bounds the text an entry carries: enough to show what a
// section is about and to match its words, small enough that the index of
// a 320-page site stays small.
const snippetRunes = 120

func (x *searchIndex) get(r *renderer, graph *page.Graph) []view.SearchEntry {
	x.once.Do(func() {
		for _, p := range graph.Pages() {
			if p.Generated || p.Front.NoIndex || p.Kind == page.NotFound {
				continue
			}
			title := p.Front.Title
			x.entries = append(x.entries, view.SearchEntry{Title: title, URL: p.URL, Kind: "page", Text: snippet(p.Front.Description)})
			_, ids := pageIDs(p, r.forms[p], r.site.Blocks)
			for i, s := range p.Front.Sections {
				if s.Kind() != page.CallToAction {
					x.entries = append(x.entries, view.SearchEntry{Title: s.Heading, URL: p.URL + "#" + ids[i], Page: title, Kind: "section", Text: snippet(s.Body)})
				}
				for _, f := range s.FAQs {
					x.entries = append(x.entries, view.SearchEntry{Title: f.Question, URL: p.URL + "#" + f.ID, Page: title, Kind: "question", Text: snippet(f.Answer)})
				}
			}
		}
		for _, d := range r.packs.DocEntries() {
			x.entries = append(x.entries, view.SearchEntry{Title: d.Title, URL: packsite.FinderURL, Page: "Starter pack", Kind: "pack", Text: snippet(d.Summary), Doc: d.At})
		}
	})
	return x.entries
}

// searchJSON is the index file: the entries, and the pack pages a
// visitor's remembered pack may be (as on the pages' pack links).
func searchJSON(entries []view.SearchEntry, areas string) []byte {
	b, err := json.Marshal(struct {
		Entries []view.SearchEntry `json:"entries"`
		Areas   string             `json:"areas"`
	}{entries, areas})
	if err != nil {
		panic(err) // strings only: cannot fail
	}
	return append(b, '\n')
}

var (
	markdownLink  = regexp.MustCompile(`\[([^\]]*)\]\([^)]*\)`)
	markdownMarks = regexp.MustCompile("[*_`#>|]+")
	spaces        = regexp.MustCompile(`\s+`)
)

// snippet is the start of a piece of Markdown as plain text: links become
// their text, emphasis and code marks go, and it is cut at a word before
// snippetRunes.
func snippet(md string) string {
	s := markdownLink.ReplaceAllString(md, "$1")
	s = strings.TrimSpace(spaces.ReplaceAllString(markdownMarks.ReplaceAllString(s, ""), " "))
	if r := []rune(s); len(r) > snippetRunes {
		s = string(r[:snippetRunes])
		if i := strings.LastIndexByte(s, ' '); i > snippetRunes/2 {
			s = s[:i]
		}
		s += "..."
	}
	return s
}

// searchFacts is what the index takes from a page: when it differs, the
// index, and the pages that show it, are made again.
func searchFacts(p *page.Page) string {
	if p == nil {
		return ""
	}
	var b strings.Builder
	fmt.Fprintf(&b, "%q %q %q %v %v\n", p.Front.Title, p.Front.Description, p.URL, p.Front.NoIndex, p.Kind)
	for _, s := range p.Front.Sections {
		fmt.Fprintf(&b, "%q %q %q %v\n", s.ID, s.Heading, s.Body, s.Kind())
		for _, f := range s.FAQs {
			fmt.Fprintf(&b, "%q %q %q\n", f.ID, f.Question, f.Answer)
		}
	}
	return b.String()
}
