package form

import (
	"bytes"
	"encoding/json"
	"fmt"
	"strings"

	"github.com/bcs/publish/generator/internal/diag"
)

// ExportFormat is the version of the export file's layout.
const ExportFormat = 2

// Export is what the generator writes for the receiver (public/forms/<id>.json):
// the resolved definition, the site it belongs to, and the page the form
// sits on, cut around the form so the receiver can show it again with errors.
type Export struct {
	Format     int        `json:"format"`
	BaseURL    string     `json:"base_url"` // the site's address; posts must come from its origin
	Site       Site       `json:"site"`
	Definition Definition `json:"definition"`
	Page       Shell      `json:"page"`
	// Packs are the starter pack pages by ICB code (/packs/qhm/), for the
	// links a pack request's thank-you page and email carry.
	Packs map[string]Pack `json:"packs,omitempty"`
}

// Site is what the receiver needs to know of the site settings: whom to
// tell of each submission, from which address, and how long answers are
// kept (content/site.yaml, submissions).
type Site struct {
	Name          string   `json:"name"`
	Notify        []string `json:"notify"`
	From          string   `json:"from"`
	RetentionDays int      `json:"retention_days"`
}

// Pack is one ICB's starter pack as a pack request links it.
type Pack struct {
	Name   string `json:"name"`   // the ICB's name
	Page   string `json:"page"`   // site path of its pack page
	Anchor string `json:"anchor"` // the id on the thank-you page of the line that links it
}

// PackAnchor is the id, on a form's thank-you page, of the line linking the
// pack of the ICB with this code.
func PackAnchor(code string) string { return "pack-" + strings.ToLower(code) }

// Shell is the HTML of the form's page without the form: Head runs to where
// the error summary goes, Middle from there to the form, Tail to the end.
type Shell struct {
	Head   string `json:"head"`
	Middle string `json:"middle"`
	Tail   string `json:"tail"`
}

// Markers the page templates put where the summary and the form go; the
// generator cuts the rendered page at them.
const (
	SummaryMarker = "<!--bcs:form-summary-->"
	FormMarker    = "<!--bcs:form-->"
)

// Cut splits a page rendered with the markers into a Shell. The markers
// must each appear exactly once, the summary's first.
func Cut(page []byte) (Shell, error) {
	s := string(page)
	if strings.Count(s, SummaryMarker) != 1 || strings.Count(s, FormMarker) != 1 {
		return Shell{}, fmt.Errorf("the page's template must show the form once: {{.Form.Summary}} at the top of main and {{.Form.HTML}} where the form goes")
	}
	head, rest, _ := strings.Cut(s, SummaryMarker)
	middle, tail, ok := strings.Cut(rest, FormMarker)
	if !ok {
		return Shell{}, fmt.Errorf("the page's template shows {{.Form.HTML}} before {{.Form.Summary}}; the error summary goes first, at the top of main")
	}
	return Shell{Head: head, Middle: middle, Tail: tail}, nil
}

// Marshal encodes the export as indented JSON with a final newline; the
// same export always gives the same bytes.
func (e *Export) Marshal() ([]byte, error) {
	var b bytes.Buffer
	enc := json.NewEncoder(&b)
	enc.SetIndent("", "  ")
	if err := enc.Encode(e); err != nil {
		return nil, err
	}
	return b.Bytes(), nil
}

// Load reads an export written by the generator and returns its checked Form.
func Load(name string, src []byte) (*Form, *Export, error) {
	var e Export
	dec := json.NewDecoder(bytes.NewReader(src))
	dec.DisallowUnknownFields()
	if err := dec.Decode(&e); err != nil {
		return nil, nil, fmt.Errorf("%s: %v", name, err)
	}
	if e.Format != ExportFormat {
		return nil, nil, fmt.Errorf("%s: export format %d, this program reads %d: rebuild the site with this version", name, e.Format, ExportFormat)
	}
	at := func(path string) diag.Pos { return diag.Pos{File: name + " (definition." + path + ")"} }
	f, err := Resolve(e.Definition, nil, at)
	if err != nil {
		return nil, nil, err
	}
	return f, &e, nil
}

// RenderPage renders the whole page with the form in state s. With errors, the
// title starts "Error: ", as the design systems ask.
func (e *Export) RenderPage(f *Form, s State) ([]byte, error) {
	h, err := f.Render(s)
	if err != nil {
		return nil, err
	}
	head := e.Page.Head
	if len(s.Errors) > 0 {
		head = strings.Replace(head, "<title>", "<title>Error: ", 1)
	}
	var b bytes.Buffer
	b.Grow(len(head) + len(e.Page.Middle) + len(e.Page.Tail) + len(h.Summary) + len(h.Form))
	b.WriteString(head)
	b.WriteString(string(h.Summary))
	b.WriteString(e.Page.Middle)
	b.WriteString(string(h.Form))
	b.WriteString(e.Page.Tail)
	return b.Bytes(), nil
}
