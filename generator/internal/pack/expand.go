package pack

import (
	"bytes"
	"errors"
	"fmt"
	"io"
	"regexp"
	"strconv"
	"strings"
	"text/template"
	"text/template/parse"

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
	if err := checkRanges(doc, t.Tree.Root); err != nil {
		return nil, append(errs, err)
	}

	var buf bytes.Buffer
	if err := t.Execute(&limited{w: &buf, n: MaxDocument}, view); err != nil {
		if errors.Is(err, errTooLong) {
			return nil, append(errs, diag.Errorf(diag.Pos{File: doc.File}, "filled in for %s, this document is over %d MB: a placeholder repeats without end; no document is that long", p.Area.Key(), MaxDocument>>20))
		}
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

// MaxDocument bounds a filled-in document, in bytes (the longest today is
// under 60 KB).
const MaxDocument = 8 << 20

// MaxRange bounds {{range N}} over a number: no document repeats anything
// more often, and {{range 200000000}} ran for minutes.
const MaxRange = 1000

var errTooLong = errors.New("document too long")

// limited is a writer that fails once n bytes have been written.
type limited struct {
	w io.Writer
	n int
}

func (l *limited) Write(p []byte) (int, error) {
	if len(p) > l.n {
		return 0, errTooLong
	}
	l.n -= len(p)
	return l.w.Write(p)
}

// checkRanges refuses a {{range}} over a number larger than MaxRange.
func checkRanges(doc *Document, n parse.Node) *diag.Error {
	var walk func(parse.Node) *diag.Error
	walk = func(n parse.Node) *diag.Error {
		switch n := n.(type) {
		case *parse.ListNode:
			if n == nil {
				return nil
			}
			for _, c := range n.Nodes {
				if err := walk(c); err != nil {
					return err
				}
			}
		case *parse.RangeNode:
			for _, cmd := range n.Pipe.Cmds {
				for _, arg := range cmd.Args {
					if num, ok := arg.(*parse.NumberNode); ok && num.IsInt && num.Int64 > MaxRange {
						return diag.Errorf(position(doc.File, doc.Source, int(num.Pos)), "{{range %d}} repeats more than %d times: no document needs that", num.Int64, MaxRange)
					}
				}
			}
			if err := walk(n.List); err != nil {
				return err
			}
			return walk(n.ElseList)
		case *parse.IfNode:
			if err := walk(n.List); err != nil {
				return err
			}
			return walk(n.ElseList)
		case *parse.WithNode:
			if err := walk(n.List); err != nil {
				return err
			}
			return walk(n.ElseList)
		}
		return nil
	}
	return walk(n)
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
