package pack

import (
	"bytes"
	"fmt"
	"regexp"
	"strconv"
	"strings"
	"text/template"

	"github.com/bcs/publish/generator/internal/codes"
	"github.com/bcs/publish/generator/internal/diag"
)

// A document is Markdown with placeholders in Go template syntax, filled in
// before the Markdown is parsed. Every value a placeholder inserts is
// escaped as Markdown text, so data can never add markup; the functions that
// produce structure (tables, links) build it from escaped cells. The
// placeholders are documented in README.md ("Writing pack documents").

// docView is what a document's placeholders see as ".".
type docView struct {
	ICB       mdICB
	Area      string // the area's name: the ICB's, or "Oxfordshire (NHS Thames Valley Integrated Care Board)"
	Formulary string // the formulary's name, or "the local formulary"
	Version   string // the pack version
	Title     string // the document's title
}

type mdICB struct{ Name, Code, Region string }

// Expanded is a document filled in for one ICB.
type Expanded struct {
	Markdown   []byte
	Codes      []string // SNOMED CT ids the document cites, in order of first use
	References []string // ids of the references it cites, in order of first use
}

// Expand fills doc's placeholders with the ICB's values. Errors name the
// document's file, line and column.
func (d *Data) Expand(doc *Document, p *ICBPack) (*Expanded, error) {
	var errs diag.List
	errs = append(errs, d.checkLiteralCodes(doc)...)
	ex := &Expanded{}
	code := func(id string) (codes.Concept, error) {
		if msg := codes.CheckSCTID(id); msg != "" {
			return codes.Concept{}, fmt.Errorf("SNOMED CT id %q: %s", id, msg)
		}
		c, ok := d.Codes.Concept(id)
		if !ok {
			return c, fmt.Errorf("SNOMED CT id %s is not in %s: add it there with its term and source", id, SNOMEDFile)
		}
		if !c.Verified {
			return c, fmt.Errorf("SNOMED CT id %s is not from an NHS or OpenSAFELY code list in %s: a document cites only codes confirmed from one", id, SNOMEDFile)
		}
		for _, u := range ex.Codes {
			if u == id {
				return c, nil
			}
		}
		ex.Codes = append(ex.Codes, id)
		return c, nil
	}
	used := map[string]bool{}
	use := func(topic string) { used[topic] = true }
	refs := &citations{}
	t, err := template.New(doc.File).Option("missingkey=error").Funcs(d.funcs(p, code, use, refs)).Parse(string(doc.Source))
	if err != nil {
		return nil, append(errs, templateError(doc.File, err))
	}
	view := docView{
		ICB:       mdICB{Name: Escape(p.ICB.Name), Code: Escape(p.ICB.Code), Region: Escape(p.ICB.Region)},
		Area:      Escape(p.Area.Title()),
		Formulary: "the local formulary",
		Version:   Escape(d.Manifest.Version),
		Title:     Escape(doc.Title),
	}
	if p.Formulary != nil {
		view.Formulary = Escape(p.Formulary.Name)
	}
	var buf bytes.Buffer
	if err := t.Execute(&buf, view); err != nil {
		return nil, append(errs, templateError(doc.File, err))
	}
	if err := errs.Err(); err != nil {
		return nil, err
	}
	buf.WriteString(appendix(p, used))
	buf.WriteString(refs.markdown())
	ex.Markdown = buf.Bytes()
	for _, r := range refs.refs {
		ex.References = append(ex.References, r.ID)
	}
	return ex, nil
}

// checkLiteralCodes finds numbers written out in the document's text that
// could be SNOMED CT ids (6 to 18 digits) and checks each like a cited code.
func (d *Data) checkLiteralCodes(doc *Document) diag.List {
	var errs diag.List
	src := string(doc.Source)
	inAction := func(off int) bool { // placeholders check their own codes
		open := strings.LastIndex(src[:off], "{{")
		return open >= 0 && !strings.Contains(src[open:off], "}}")
	}
	for _, m := range codes.DigitRuns(src) {
		id := src[m[0]:m[1]]
		if (m[0] > 0 && isDigit(src[m[0]-1])) || (m[1] < len(src) && isDigit(src[m[1]])) || inAction(m[0]) {
			continue // part of a longer number (reported as a whole), or in a placeholder
		}
		at := position(doc.File, doc.Source, m[0])
		if msg := codes.CheckSCTID(id); msg != "" {
			errs = append(errs, diag.Errorf(at, "%s looks like a SNOMED CT id but is not valid: %s", id, msg))
		} else if _, ok := d.Codes.Concept(id); !ok {
			errs = append(errs, diag.Errorf(at, "SNOMED CT id %s is not in %s: add it there with its term and source", id, SNOMEDFile))
		}
	}
	return errs
}

func isDigit(b byte) bool { return b >= '0' && b <= '9' }

// position maps a byte offset of src to a line and column.
func position(file string, src []byte, off int) diag.Pos {
	line := 1 + bytes.Count(src[:off], []byte("\n"))
	col := off - bytes.LastIndexByte(src[:off], '\n')
	return diag.Pos{File: file, Line: line, Col: col}
}

var templatePos = regexp.MustCompile(`^template: [^:]+:(\d+)(?::(\d+))?: (.*)$`)

// templateError turns a text/template error into a diag.Error at its line.
func templateError(file string, err error) *diag.Error {
	msg := err.Error()
	m := templatePos.FindStringSubmatch(msg)
	if m == nil {
		return diag.Errorf(diag.Pos{File: file}, "%s", msg)
	}
	line, _ := strconv.Atoi(m[1])
	col, _ := strconv.Atoi(m[2])
	if m[2] != "" {
		col++ // text/template counts columns from 0
	}
	msg = m[3]
	if i := strings.LastIndex(msg, "error calling "); i >= 0 {
		if j := strings.Index(msg[i:], ": "); j >= 0 {
			msg = msg[i+j+2:]
		}
	} else if i := strings.Index(msg, ">: "); strings.HasPrefix(msg, "executing ") && i >= 0 {
		msg = msg[i+3:]
	}
	return diag.Errorf(diag.Pos{File: file, Line: line, Col: col}, "%s", msg)
}

// Escape makes text safe to put into Markdown as plain text: every character
// Markdown could read as markup is backslash-escaped, and line breaks become
// spaces.
func Escape(s string) string {
	var b strings.Builder
	for _, r := range s {
		switch r {
		case '\\', '`', '*', '_', '{', '}', '[', ']', '<', '>', '(', ')', '#', '+', '-', '.', '!', '|', '~', '&', '"', '\'':
			b.WriteByte('\\')
			b.WriteRune(r)
		case '\n', '\r', '\t':
			b.WriteByte(' ')
		default:
			b.WriteRune(r)
		}
	}
	return b.String()
}
