package markdown

import (
	"bytes"
	"html"
	"strconv"
	"strings"

	"github.com/yuin/goldmark/ast"
	"github.com/yuin/goldmark/parser"
	"github.com/yuin/goldmark/renderer"
	"github.com/yuin/goldmark/text"
	"github.com/yuin/goldmark/util"
)

// A form field of a pack document is written [[kind: label]]. The .docx
// writer makes each a Word content control the clinician fills in; the HTML
// page shows an empty box with the label. The kinds:
//
//	text   one line of text     [[text: Patient name]]
//	notes  several lines        [[notes: What matters to the patient]]
//	date   a date picker        [[date: Date of review]]
//	check  a tick box           [[check: Lying and standing BP done]]
//
// Only these four words after "[[" start a field, so any other double
// bracket is text as before; a field that is started but not finished (no
// label, no closing "]]" on its line) is an error.
const (
	fieldOpen  = "[["
	fieldClose = "]]"
)

// FieldKind is what a form field holds.
type FieldKind string

// The field kinds.
const (
	FieldText  FieldKind = "text"
	FieldNotes FieldKind = "notes"
	FieldDate  FieldKind = "date"
	FieldCheck FieldKind = "check"
)

// MaxFieldLabel bounds a field's label, in bytes.
const MaxFieldLabel = 200

// Field is a form field in the tree.
type Field struct {
	ast.BaseInline
	Of    FieldKind
	Label string
	Bad   string // why the field could not be read; reported by Parse
	At    int    // byte offset of the field in the source, for errors
}

// KindField is the node kind of a Field.
var KindField = ast.NewNodeKind("Field")

// Kind implements ast.Node.
func (n *Field) Kind() ast.NodeKind { return KindField }

// Dump implements ast.Node.
func (n *Field) Dump(src []byte, level int) {
	ast.DumpHelper(n, src, level, map[string]string{"Kind": string(n.Of), "Label": n.Label}, nil)
}

// FieldLabel is the text a field's content control is named by: its label,
// or "Tick box" for an unlabelled check.
func (n *Field) FieldLabel() string {
	if n.Label == "" {
		return "Tick box"
	}
	return n.Label
}

type fieldParser struct{}

func (fieldParser) Trigger() []byte { return []byte{'['} }

func (fieldParser) Parse(_ ast.Node, block text.Reader, _ parser.Context) ast.Node {
	line, _ := block.PeekLine()
	if !bytes.HasPrefix(line, []byte(fieldOpen)) {
		return nil
	}
	kind := FieldKind("")
	for _, k := range []FieldKind{FieldText, FieldNotes, FieldDate, FieldCheck} {
		rest := line[len(fieldOpen):]
		if bytes.HasPrefix(rest, []byte(k)) && (len(rest) == len(k) || rest[len(k)] == ':' || rest[len(k)] == ']') {
			kind = k
		}
	}
	if kind == "" {
		return nil // not a field: the link parser reads it
	}
	_, seg := block.Position()
	n := &Field{Of: kind, At: seg.Start}
	end := bytes.Index(line, []byte(fieldClose))
	if end < 0 {
		n.Bad = "a form field started with " + fieldOpen + string(kind) + " is not closed with " + fieldClose + " on the same line"
		block.Advance(len(fieldOpen) + len(kind))
		return n
	}
	inner := line[len(fieldOpen)+len(kind) : end]
	block.Advance(end + len(fieldClose))
	n.Label = strings.TrimSpace(string(util.UnescapePunctuations(bytes.TrimPrefix(inner, []byte(":")))))
	switch {
	case n.Label == "" && n.Of != FieldCheck:
		n.Bad = "a " + string(n.Of) + " field needs a label, as in " + fieldOpen + string(n.Of) + ": Patient name" + fieldClose
	case len(n.Label) > MaxFieldLabel:
		n.Bad = "a form field's label is longer than " + strconv.Itoa(MaxFieldLabel) + " bytes"
	}
	return n
}

// fieldRenderer renders a field as an empty box with its label, for the web
// page and for printing it from there.
type fieldRenderer struct{}

func (fieldRenderer) RegisterFuncs(reg renderer.NodeRendererFuncRegisterer) {
	reg.Register(KindField, func(w util.BufWriter, _ []byte, node ast.Node, entering bool) (ast.WalkStatus, error) {
		if !entering {
			return ast.WalkContinue, nil
		}
		n := node.(*Field)
		if n.Of == FieldCheck {
			_, _ = w.WriteString(`<span class="field-check" aria-hidden="true">&#x2610;</span>`)
			return ast.WalkContinue, nil
		}
		_, _ = w.WriteString(`<span class="field field-` + string(n.Of) + `">`)
		_, _ = w.WriteString(html.EscapeString(n.Label))
		_, _ = w.WriteString(`</span>`)
		return ast.WalkContinue, nil
	})
}
