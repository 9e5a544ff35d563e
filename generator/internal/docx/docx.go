// Package docx writes a Word document (.docx, Office Open XML
// WordprocessingML) from a goldmark AST: the same parse that produces the
// site's HTML, rendered a second way. The output has real styles (Title,
// Heading 1-3, List Paragraph, Quote, Code, table style), numbered and
// bulleted lists where every ordered list restarts at its own start number,
// tables with a repeated header row, external hyperlinks, a header with the
// organisation's logo and the document control line, a footer reading
// "Uncontrolled when printed" and "Page X of Y", a document control table,
// version history and sign-off table at the start, form fields as Word
// content controls (text, date pickers and tick boxes), and Markdown
// footnotes as numbered Word endnotes, a later citation of the same note
// being a NOTEREF cross-reference to its number.
//
// The output is deterministic: the same AST and Meta give the same bytes
// (fixed part order, fixed times from Meta.Date).
package docx

import (
	"bytes"
	"encoding/xml"
	"errors"
	"fmt"
	"html"
	"strings"
	"time"

	"github.com/yuin/goldmark/ast"
	extast "github.com/yuin/goldmark/extension/ast"
	"github.com/yuin/goldmark/util"

	"github.com/bcs/publish/generator/internal/bundle"
	"github.com/bcs/publish/generator/internal/markdown"
)

// Meta is what the document says about itself.
type Meta struct {
	Title    string
	Subject  string
	Author   string
	Header   string      // the line at the top of every page
	Footer   string      // the line at the bottom of every page, before "Page X of Y"
	Logo     []byte      // a PNG shown at the left of the header (nil: none)
	LogoAlt  string      // the logo's text alternative
	Control  [][2]string // the document control table at the start: label, value (empty: a text field named by the label)
	History  [][3]string // version history: version, date, changes
	SignOff  []string    // the roles that sign the document; each gets name, signature and date fields
	Date     time.Time   // created and modified, in the file and its ZIP entries
	BaseURL  string      // makes site-relative links absolute (a .docx has no site)
	Keywords string
}

// LogoSize is the logo's height and width in the header, in EMU (1.2 cm).
const LogoSize = 432000

// Write renders doc (parsed from src) as a .docx file.
func Write(src []byte, doc ast.Node, m Meta) ([]byte, error) {
	w := &writer{src: src, base: strings.TrimSuffix(m.BaseURL, "/")}
	title := &para{style: "Title"}
	title.text(m.Title, format{})
	w.flush(title)
	w.controlTable(m.Control)
	w.history(m.History)
	w.signOff(m.SignOff)
	if err := w.blocks(doc, 0); err != nil {
		return nil, err
	}
	files := []bundle.File{
		{Name: "[Content_Types].xml", Data: []byte(contentTypes)},
		{Name: "_rels/.rels", Data: []byte(rootRels)},
		{Name: "docProps/app.xml", Data: []byte(appXML)},
		{Name: "docProps/core.xml", Data: w.core(m)},
		{Name: "word/_rels/document.xml.rels", Data: w.rels()},
		{Name: "word/document.xml", Data: w.document()},
		{Name: "word/endnotes.xml", Data: w.endnotesXML()},
		{Name: "word/footer1.xml", Data: footerXML(m.Footer)},
		{Name: "word/header1.xml", Data: headerXML(m.Header, m.Logo != nil, m.LogoAlt)},
		{Name: "word/numbering.xml", Data: w.numbering()},
		{Name: "word/settings.xml", Data: []byte(settingsXML)},
		{Name: "word/styles.xml", Data: []byte(stylesXML)},
	}
	if m.Logo != nil {
		files = append(files,
			bundle.File{Name: "word/_rels/header1.xml.rels", Data: []byte(headerRels)},
			bundle.File{Name: "word/media/logo.png", Data: m.Logo})
	}
	return bundle.Zip(files, m.Date)
}

// writer accumulates the body and what it refers to.
type writer struct {
	src   []byte
	base  string
	body  bytes.Buffer
	links []string // hyperlink targets; relationship ids rIdL1...
	lists []list   // numbering instances, one per list

	fields   int          // content controls written, for their ids
	noted    map[int]bool // endnotes already referred to, by footnote index
	endnotes bytes.Buffer // the w:endnote elements
}

// list is one numbering instance.
type list struct {
	ordered bool
	start   int
}

const (
	nsW   = `xmlns:w="http://schemas.openxmlformats.org/wordprocessingml/2006/main"`
	nsR   = `xmlns:r="http://schemas.openxmlformats.org/officeDocument/2006/relationships"`
	nsW14 = `xmlns:w14="http://schemas.microsoft.com/office/word/2010/wordml"`
	nsMC  = `xmlns:mc="http://schemas.openxmlformats.org/markup-compatibility/2006"`
)

func esc(s string) string {
	var b strings.Builder
	xml.EscapeText(&b, []byte(s)) //nolint:errcheck // a strings.Builder does not fail
	return b.String()
}

// para is the paragraph being written: its properties and runs.
type para struct {
	style string
	numID int // 0: not in a list
	level int
	runs  bytes.Buffer

	// Text of the same formatting is merged into one run, as Word would
	// save it, so the file is pleasant to edit.
	pending    strings.Builder
	pendingRPr string
}

// raw writes markup between runs (a hyperlink's start or end, a break).
func (p *para) raw(s string) {
	p.endRun()
	p.runs.WriteString(s)
}

func (p *para) endRun() {
	if p.pending.Len() > 0 {
		fmt.Fprintf(&p.runs, `<w:r>%s<w:t xml:space="preserve">%s</w:t></w:r>`, p.pendingRPr, esc(p.pending.String()))
		p.pending.Reset()
	}
}

func (w *writer) flush(p *para) {
	p.endRun()
	w.body.WriteString("<w:p><w:pPr>")
	if p.style != "" {
		fmt.Fprintf(&w.body, `<w:pStyle w:val="%s"/>`, p.style)
	}
	if p.numID > 0 {
		fmt.Fprintf(&w.body, `<w:numPr><w:ilvl w:val="%d"/><w:numId w:val="%d"/></w:numPr>`, p.level, p.numID)
	}
	w.body.WriteString("</w:pPr>")
	w.body.Write(p.runs.Bytes())
	w.body.WriteString("</w:p>")
}

// run properties for inline formatting.
type format struct {
	bold, italic, strike, code bool
	link                       bool
}

func (f format) rPr() string {
	var b strings.Builder
	if f.code {
		b.WriteString(`<w:rStyle w:val="CodeChar"/>`)
	} else if f.link {
		b.WriteString(`<w:rStyle w:val="Hyperlink"/>`)
	}
	if f.bold {
		b.WriteString("<w:b/>")
	}
	if f.italic {
		b.WriteString("<w:i/>")
	}
	if f.strike {
		b.WriteString("<w:strike/>")
	}
	if b.Len() == 0 {
		return ""
	}
	return "<w:rPr>" + b.String() + "</w:rPr>"
}

func (p *para) text(s string, f format) {
	if s == "" {
		return
	}
	if rPr := f.rPr(); rPr != p.pendingRPr {
		p.endRun()
		p.pendingRPr = rPr
	}
	p.pending.WriteString(s)
}

// controlTable writes the document control table.
func (w *writer) controlTable(rows [][2]string) {
	if len(rows) == 0 {
		return
	}
	w.body.WriteString(`<w:tbl><w:tblPr><w:tblStyle w:val="ControlTable"/><w:tblW w:w="5000" w:type="pct"/><w:tblLook w:val="0000" w:firstRow="0" w:lastRow="0" w:firstColumn="1" w:lastColumn="0" w:noHBand="1" w:noVBand="1"/></w:tblPr>`)
	w.body.WriteString(`<w:tblGrid><w:gridCol w:w="2400"/><w:gridCol w:w="6626"/></w:tblGrid>`)
	for _, r := range rows {
		w.body.WriteString("<w:tr>")
		for i, c := range r {
			width := []int{2400, 6626}[i]
			fmt.Fprintf(&w.body, `<w:tc><w:tcPr><w:tcW w:w="%d" w:type="dxa"/></w:tcPr>`, width)
			p := &para{style: "TableText"}
			if i == 1 && c == "" {
				w.field(p, markdown.FieldText, r[0])
			} else {
				p.text(c, format{bold: i == 0})
			}
			w.flush(p)
			w.body.WriteString("</w:tc>")
		}
		w.body.WriteString("</w:tr>")
	}
	w.body.WriteString("</w:tbl>")
	w.flush(&para{}) // Word needs a paragraph between two tables; it also spaces them
}

// history writes the version history table.
func (w *writer) history(rows [][3]string) {
	if len(rows) == 0 {
		return
	}
	h := &para{style: "Heading1"}
	h.text("Version history", format{})
	w.flush(h)
	cells := [][]cell{{{text: "Version"}, {text: "Date"}, {text: "Changes"}}}
	for _, r := range rows {
		cells = append(cells, []cell{{text: r[0]}, {text: r[1]}, {text: r[2]}})
	}
	w.simpleTable([]int{1400, 1900, 5726}, cells)
}

// signOff writes the approval table: one row per role, with fields for the
// name and the date and room for a signature.
func (w *writer) signOff(roles []string) {
	if len(roles) == 0 {
		return
	}
	h := &para{style: "Heading1"}
	h.text("Approval for use at the practice", format{})
	w.flush(h)
	p := &para{}
	p.text("This document comes into use at the practice when everyone below has signed it. Sign again at every review.", format{})
	w.flush(p)
	cells := [][]cell{{{text: "Role"}, {text: "Name"}, {text: "Signature"}, {text: "Date"}}}
	for _, r := range roles {
		cells = append(cells, []cell{{text: r}, {field: markdown.FieldText, label: "Name: " + r}, {}, {field: markdown.FieldDate, label: "Date signed: " + r}})
	}
	w.simpleTable([]int{2600, 2600, 2000, 1826}, cells)
}

// cell is one cell of a table the writer makes itself: text, or a field.
type cell struct {
	text  string
	field markdown.FieldKind
	label string
}

// simpleTable writes a table with a repeated header row.
func (w *writer) simpleTable(widths []int, rows [][]cell) {
	w.body.WriteString(`<w:tbl><w:tblPr><w:tblStyle w:val="PackTable"/><w:tblW w:w="5000" w:type="pct"/><w:tblLook w:val="04A0" w:firstRow="1" w:lastRow="0" w:firstColumn="0" w:lastColumn="0" w:noHBand="0" w:noVBand="1"/></w:tblPr><w:tblGrid>`)
	for _, wd := range widths {
		fmt.Fprintf(&w.body, `<w:gridCol w:w="%d"/>`, wd)
	}
	w.body.WriteString("</w:tblGrid>")
	for i, r := range rows {
		w.body.WriteString("<w:tr>")
		if i == 0 {
			w.body.WriteString(`<w:trPr><w:cantSplit/><w:tblHeader/></w:trPr>`)
		} else {
			w.body.WriteString(`<w:trPr><w:cantSplit/><w:trHeight w:val="567"/></w:trPr>`)
		}
		for j, c := range r {
			fmt.Fprintf(&w.body, `<w:tc><w:tcPr><w:tcW w:w="%d" w:type="dxa"/></w:tcPr>`, widths[j])
			p := &para{style: "TableText"}
			if c.field != "" {
				w.field(p, c.field, c.label)
			} else {
				p.text(c.text, format{bold: i == 0})
			}
			w.flush(p)
			w.body.WriteString("</w:tc>")
		}
		w.body.WriteString("</w:tr>")
	}
	w.body.WriteString("</w:tbl>")
	w.flush(&para{})
}

// Placeholder texts of empty fields, as Word writes them.
const (
	TextPlaceholder = "Click or tap here to enter text."
	DatePlaceholder = "Click or tap to enter a date."
)

// field writes a content control into p: a plain text box (one line or
// several), a date picker (dd/mm/yyyy) or a tick box.
func (w *writer) field(p *para, kind markdown.FieldKind, label string) {
	w.fields++
	id := w.fields
	var pr, content string
	switch kind {
	case markdown.FieldCheck:
		pr = `<w14:checkbox><w14:checked w14:val="0"/><w14:checkedState w14:val="2612" w14:font="Segoe UI Symbol"/><w14:uncheckedState w14:val="2610" w14:font="Segoe UI Symbol"/></w14:checkbox>`
		content = `<w:r><w:rPr><w:rFonts w:ascii="Segoe UI Symbol" w:hAnsi="Segoe UI Symbol" w:eastAsia="Segoe UI Symbol" w:cs="Segoe UI Symbol"/></w:rPr><w:t>` + "\u2610" + `</w:t></w:r>`
	case markdown.FieldDate:
		pr = `<w:showingPlcHdr/><w:date><w:dateFormat w:val="dd/MM/yyyy"/><w:lid w:val="en-GB"/><w:storeMappedDataAs w:val="dateTime"/><w:calendar w:val="gregorian"/></w:date>`
		content = `<w:r><w:rPr><w:rStyle w:val="PlaceholderText"/></w:rPr><w:t>` + DatePlaceholder + `</w:t></w:r>`
	case markdown.FieldNotes:
		pr = `<w:showingPlcHdr/><w:text w:multiLine="1"/>`
		content = `<w:r><w:rPr><w:rStyle w:val="PlaceholderText"/></w:rPr><w:t>` + TextPlaceholder + `</w:t></w:r>`
	default:
		pr = `<w:showingPlcHdr/><w:text/>`
		content = `<w:r><w:rPr><w:rStyle w:val="PlaceholderText"/></w:rPr><w:t>` + TextPlaceholder + `</w:t></w:r>`
	}
	p.raw(fmt.Sprintf(`<w:sdt><w:sdtPr><w:alias w:val="%s"/><w:tag w:val="%s"/><w:id w:val="%d"/>%s</w:sdtPr><w:sdtContent>%s</w:sdtContent></w:sdt>`,
		esc(label), esc(tag(label)), id, pr, content))
}

// tag is a field's machine name: its label in lower case with hyphens.
func tag(label string) string {
	var b strings.Builder
	dash := false
	for _, r := range strings.ToLower(label) {
		if r >= 'a' && r <= 'z' || r >= '0' && r <= '9' {
			if dash && b.Len() > 0 {
				b.WriteByte('-')
			}
			b.WriteRune(r)
			dash = false
		} else {
			dash = true
		}
	}
	return b.String()
}

// blocks writes the block children of n; depth is the list nesting level.
func (w *writer) blocks(n ast.Node, depth int) error {
	for c := n.FirstChild(); c != nil; c = c.NextSibling() {
		if err := w.block(c, depth, nil); err != nil {
			return err
		}
	}
	return nil
}

// block writes one block node. item, when set, is the list paragraph
// properties for the first paragraph of a list item.
func (w *writer) block(n ast.Node, depth int, item *para) error {
	switch n := n.(type) {
	case *ast.Heading:
		// The title comes from Meta; the document's own headings start at ##.
		style := fmt.Sprintf("Heading%d", min(max(n.Level-1, 1), 3))
		p := &para{style: style}
		if err := w.inlines(p, n, format{}); err != nil {
			return err
		}
		w.flush(p)
	case *ast.Paragraph, *ast.TextBlock:
		p := &para{}
		if item != nil {
			p = item
		}
		if err := w.inlines(p, n, format{}); err != nil {
			return err
		}
		w.flush(p)
	case *ast.List:
		l := list{ordered: n.IsOrdered(), start: n.Start}
		if l.start == 0 {
			l.start = 1
		}
		w.lists = append(w.lists, l)
		numID := len(w.lists)
		for it := n.FirstChild(); it != nil; it = it.NextSibling() {
			first := true
			for c := it.FirstChild(); c != nil; c = c.NextSibling() {
				switch c.(type) {
				case *ast.Paragraph, *ast.TextBlock:
					if first {
						if err := w.block(c, depth+1, &para{style: "ListParagraph", numID: numID, level: min(depth, 8)}); err != nil {
							return err
						}
						first = false
						continue
					}
					if err := w.block(c, depth+1, &para{style: "ListContinue"}); err != nil {
						return err
					}
				default:
					if err := w.block(c, depth+1, nil); err != nil {
						return err
					}
				}
			}
		}
	case *ast.Blockquote:
		for c := n.FirstChild(); c != nil; c = c.NextSibling() {
			if _, ok := c.(*ast.Paragraph); ok {
				p := &para{style: "Quote"}
				if err := w.inlines(p, c, format{}); err != nil {
					return err
				}
				w.flush(p)
				continue
			}
			if err := w.block(c, depth, nil); err != nil {
				return err
			}
		}
	case *ast.FencedCodeBlock, *ast.CodeBlock:
		lines := n.Lines()
		for i := range lines.Len() {
			seg := lines.At(i)
			p := &para{style: "Code"}
			p.text(strings.TrimRight(string(seg.Value(w.src)), "\n"), format{})
			w.flush(p)
		}
	case *ast.ThematicBreak:
		w.flush(&para{style: "Rule"})
	case *extast.Table:
		return w.table(n)
	case *extast.FootnoteList:
		return w.endnoteList(n)
	case *ast.HTMLBlock:
		return fmt.Errorf("docx: raw HTML is not allowed in documents")
	default:
		// Every kind of block the Markdown parser makes has its case above;
		// a new one (an extension added later) must get one, not be dropped
		// or flattened.
		return fmt.Errorf("docx: no Word rendering for a %s block", n.Kind())
	}
	return nil
}

// table writes a GFM table: a header row repeated on every page, then the rows.
func (w *writer) table(t *extast.Table) error {
	cols := 0
	for r := t.FirstChild(); r != nil; r = r.NextSibling() {
		cols = max(cols, r.ChildCount())
	}
	if cols == 0 {
		return nil
	}
	width := 9026 / cols // A4 text width in twentieths of a point
	w.body.WriteString(`<w:tbl><w:tblPr><w:tblStyle w:val="PackTable"/><w:tblW w:w="5000" w:type="pct"/><w:tblLook w:val="04A0" w:firstRow="1" w:lastRow="0" w:firstColumn="0" w:lastColumn="0" w:noHBand="0" w:noVBand="1"/></w:tblPr><w:tblGrid>`)
	for range cols {
		fmt.Fprintf(&w.body, `<w:gridCol w:w="%d"/>`, width)
	}
	w.body.WriteString("</w:tblGrid>")
	for r := t.FirstChild(); r != nil; r = r.NextSibling() {
		_, header := r.(*extast.TableHeader)
		w.body.WriteString("<w:tr>")
		if header {
			w.body.WriteString(`<w:trPr><w:cantSplit/><w:tblHeader/></w:trPr>`)
		} else {
			w.body.WriteString(`<w:trPr><w:cantSplit/></w:trPr>`)
		}
		n := 0
		for c := r.FirstChild(); c != nil; c = c.NextSibling() {
			fmt.Fprintf(&w.body, `<w:tc><w:tcPr><w:tcW w:w="%d" w:type="dxa"/></w:tcPr>`, width)
			p := &para{style: "TableText"}
			if err := w.inlines(p, c, format{bold: header}); err != nil {
				return err
			}
			w.flush(p)
			w.body.WriteString("</w:tc>")
			n++
		}
		for ; n < cols; n++ { // a short row still needs every cell
			fmt.Fprintf(&w.body, `<w:tc><w:tcPr><w:tcW w:w="%d" w:type="dxa"/></w:tcPr><w:p/></w:tc>`, width)
		}
		w.body.WriteString("</w:tr>")
	}
	w.body.WriteString("</w:tbl>")
	w.flush(&para{})
	return nil
}

// noteRef writes a citation of endnote index: the endnote's reference mark
// the first time, a NOTEREF field showing its number after that (a Word
// endnote has one reference; a bookmark around it lets later citations
// point at it).
func (w *writer) noteRef(p *para, index int) {
	if w.noted == nil {
		w.noted = map[int]bool{}
	}
	mark := fmt.Sprintf("_RefNote%d", index)
	if !w.noted[index] {
		w.noted[index] = true
		p.raw(fmt.Sprintf(`<w:bookmarkStart w:id="%d" w:name="%s"/><w:r><w:rPr><w:rStyle w:val="EndnoteReference"/></w:rPr><w:endnoteReference w:id="%d"/></w:r><w:bookmarkEnd w:id="%d"/>`, index, mark, index, index))
		return
	}
	p.raw(fmt.Sprintf(`<w:fldSimple w:instr=" NOTEREF %s \f \h "><w:r><w:rPr><w:rStyle w:val="EndnoteReference"/></w:rPr><w:t>%d</w:t></w:r></w:fldSimple>`, mark, index))
}

// endnoteList writes the Markdown footnote definitions as Word endnotes.
func (w *writer) endnoteList(n *extast.FootnoteList) error {
	body := w.body
	defer func() { w.body = body }()
	for c := n.FirstChild(); c != nil; c = c.NextSibling() {
		fn, ok := c.(*extast.Footnote)
		if !ok {
			continue
		}
		w.body = bytes.Buffer{}
		first := true
		for b := fn.FirstChild(); b != nil; b = b.NextSibling() {
			p := &para{style: "EndnoteText"}
			if first {
				p.raw(`<w:r><w:rPr><w:rStyle w:val="EndnoteReference"/></w:rPr><w:endnoteRef/></w:r>`)
				p.text(" ", format{})
				first = false
			}
			if err := w.block(b, 0, p); err != nil {
				return err
			}
		}
		fmt.Fprintf(&w.endnotes, `<w:endnote w:id="%d">`, fn.Index)
		w.endnotes.Write(w.body.Bytes())
		w.endnotes.WriteString(`</w:endnote>`)
	}
	return nil
}

// endnotesXML is the endnotes part: Word's two separators, then the notes.
func (w *writer) endnotesXML() []byte {
	var b bytes.Buffer
	b.WriteString(xml.Header)
	fmt.Fprintf(&b, `<w:endnotes %s %s>`, nsW, nsR)
	b.WriteString(`<w:endnote w:type="separator" w:id="-1"><w:p><w:pPr><w:spacing w:after="0" w:line="240" w:lineRule="auto"/></w:pPr><w:r><w:separator/></w:r></w:p></w:endnote>`)
	b.WriteString(`<w:endnote w:type="continuationSeparator" w:id="0"><w:p><w:pPr><w:spacing w:after="0" w:line="240" w:lineRule="auto"/></w:pPr><w:r><w:continuationSeparator/></w:r></w:p></w:endnote>`)
	b.Write(w.endnotes.Bytes())
	b.WriteString(`</w:endnotes>`)
	return b.Bytes()
}

// inlines writes the inline content of n into p. Each kind of inline node
// the Markdown parser makes has its case; any other kind is an error, so a
// new extension's nodes are never silently dropped from a document.
func (w *writer) inlines(p *para, n ast.Node, f format) error {
	for c := n.FirstChild(); c != nil; c = c.NextSibling() {
		var err error
		switch c := c.(type) {
		case *ast.Text:
			p.text(plain(c.Segment.Value(w.src)), f)
			switch {
			case c.HardLineBreak():
				p.raw("<w:r><w:br/></w:r>")
			case c.SoftLineBreak():
				p.text(" ", f)
			}
		case *ast.String:
			p.text(html.UnescapeString(string(c.Value)), f) // typographer output is HTML entities
		case *ast.CodeSpan:
			g := f
			g.code = true
			var b strings.Builder
			for t := c.FirstChild(); t != nil; t = t.NextSibling() {
				if s, ok := t.(*ast.Text); ok {
					b.Write(s.Segment.Value(w.src))
				} else if s, ok := t.(*ast.String); ok {
					b.Write(s.Value)
				}
			}
			p.text(b.String(), g)
		case *ast.Emphasis:
			g := f
			if c.Level >= 2 {
				g.bold = true
			} else {
				g.italic = true
			}
			err = w.inlines(p, c, g)
		case *extast.Strikethrough:
			g := f
			g.strike = true
			err = w.inlines(p, c, g)
		case *ast.Link:
			err = w.hyperlink(p, string(c.Destination), c, f)
		case *ast.AutoLink:
			url := string(c.URL(w.src))
			if c.AutoLinkType == ast.AutoLinkEmail && !strings.HasPrefix(url, "mailto:") {
				url = "mailto:" + url
			}
			g := f
			g.link = true
			id := w.link(url)
			p.raw(fmt.Sprintf(`<w:hyperlink r:id="%s" w:history="1">`, id))
			p.text(string(c.Label(w.src)), g)
			p.raw("</w:hyperlink>")
		case *ast.Image:
			err = w.inlines(p, c, f) // the alt text; images are not part of the packs
		case *markdown.Field:
			w.field(p, c.Of, c.FieldLabel())
		case *extast.FootnoteLink:
			w.noteRef(p, c.Index)
		case *extast.FootnoteBacklink:
			// the web page's way back to the citation; Word has its own
		case *ast.RawHTML:
			err = errors.New("docx: raw HTML is not allowed in documents")
		default:
			err = fmt.Errorf("docx: no Word rendering for a %s in the text", c.Kind())
		}
		if err != nil {
			return err
		}
	}
	return nil
}

// plain is the text a Text segment stands for: backslash escapes and
// character references resolved, as the HTML renderer does.
func plain(raw []byte) string {
	return string(util.ResolveEntityNames(util.ResolveNumericReferences(util.UnescapePunctuations(raw))))
}

func (w *writer) hyperlink(p *para, dest string, n ast.Node, f format) error {
	if strings.HasPrefix(dest, "#") { // an in-page anchor means nothing in Word: keep the text
		return w.inlines(p, n, f)
	}
	if strings.HasPrefix(dest, "/") {
		dest = w.base + dest
	}
	id := w.link(dest)
	g := f
	g.link = true
	p.raw(fmt.Sprintf(`<w:hyperlink r:id="%s" w:history="1">`, id))
	err := w.inlines(p, n, g)
	p.raw("</w:hyperlink>")
	return err
}

// link returns the relationship id of an external hyperlink target.
func (w *writer) link(url string) string {
	for i, u := range w.links {
		if u == url {
			return fmt.Sprintf("rIdL%d", i+1)
		}
	}
	w.links = append(w.links, url)
	return fmt.Sprintf("rIdL%d", len(w.links))
}

func (w *writer) document() []byte {
	var b bytes.Buffer
	b.WriteString(xml.Header)
	fmt.Fprintf(&b, `<w:document %s %s %s %s mc:Ignorable="w14"><w:body>`, nsW, nsR, nsW14, nsMC)
	b.Write(w.body.Bytes())
	// A4, 2.54 cm margins, header and footer 1.25 cm from the edge.
	b.WriteString(`<w:sectPr><w:headerReference w:type="default" r:id="rIdHeader"/><w:footerReference w:type="default" r:id="rIdFooter"/>` +
		`<w:endnotePr><w:numFmt w:val="decimal"/></w:endnotePr><w:pgSz w:w="11906" w:h="16838"/><w:pgMar w:top="1440" w:right="1440" w:bottom="1440" w:left="1440" w:header="708" w:footer="708" w:gutter="0"/></w:sectPr>`)
	b.WriteString(`</w:body></w:document>`)
	return b.Bytes()
}

func (w *writer) rels() []byte {
	var b bytes.Buffer
	b.WriteString(xml.Header)
	b.WriteString(`<Relationships xmlns="http://schemas.openxmlformats.org/package/2006/relationships">`)
	const t = "http://schemas.openxmlformats.org/officeDocument/2006/relationships/"
	for _, r := range [][2]string{{"rIdStyles", "styles.xml"}, {"rIdNumbering", "numbering.xml"}, {"rIdSettings", "settings.xml"}, {"rIdHeader", "header1.xml"}, {"rIdFooter", "footer1.xml"}, {"rIdEndnotes", "endnotes.xml"}} {
		kind := strings.TrimSuffix(strings.TrimSuffix(r[1], ".xml"), "1")
		fmt.Fprintf(&b, `<Relationship Id="%s" Type="%s%s" Target="%s"/>`, r[0], t, kind, r[1])
	}
	for i, u := range w.links {
		fmt.Fprintf(&b, `<Relationship Id="rIdL%d" Type="%shyperlink" Target="%s" TargetMode="External"/>`, i+1, t, esc(u))
	}
	b.WriteString(`</Relationships>`)
	return b.Bytes()
}

// numbering defines one abstract bullet list and one abstract numbered
// list, and one instance per list in the document; a numbered instance
// overrides its start, so every ordered list restarts.
func (w *writer) numbering() []byte {
	var b bytes.Buffer
	b.WriteString(xml.Header)
	fmt.Fprintf(&b, `<w:numbering %s>`, nsW)
	bullets := []string{"\u2022", "\u25e6", "\u25aa"}
	b.WriteString(`<w:abstractNum w:abstractNumId="0"><w:multiLevelType w:val="hybridMultilevel"/>`)
	for l := range 9 {
		fmt.Fprintf(&b, `<w:lvl w:ilvl="%d"><w:start w:val="1"/><w:numFmt w:val="bullet"/><w:lvlText w:val="%s"/><w:lvlJc w:val="left"/><w:pPr><w:ind w:left="%d" w:hanging="360"/></w:pPr></w:lvl>`,
			l, bullets[l%3], 720+360*l)
	}
	b.WriteString(`</w:abstractNum>`)
	formats := []string{"decimal", "lowerLetter", "lowerRoman"}
	b.WriteString(`<w:abstractNum w:abstractNumId="1"><w:multiLevelType w:val="hybridMultilevel"/>`)
	for l := range 9 {
		fmt.Fprintf(&b, `<w:lvl w:ilvl="%d"><w:start w:val="1"/><w:numFmt w:val="%s"/><w:lvlText w:val="%%%d."/><w:lvlJc w:val="left"/><w:pPr><w:ind w:left="%d" w:hanging="360"/></w:pPr></w:lvl>`,
			l, formats[l%3], l+1, 720+360*l)
	}
	b.WriteString(`</w:abstractNum>`)
	for i, l := range w.lists {
		if l.ordered {
			fmt.Fprintf(&b, `<w:num w:numId="%d"><w:abstractNumId w:val="1"/><w:lvlOverride w:ilvl="0"><w:startOverride w:val="%d"/></w:lvlOverride></w:num>`, i+1, l.start)
		} else {
			fmt.Fprintf(&b, `<w:num w:numId="%d"><w:abstractNumId w:val="0"/></w:num>`, i+1)
		}
	}
	b.WriteString(`</w:numbering>`)
	return b.Bytes()
}

func (w *writer) core(m Meta) []byte {
	date := m.Date.UTC().Format("2006-01-02T15:04:05Z")
	return []byte(xml.Header + `<cp:coreProperties xmlns:cp="http://schemas.openxmlformats.org/package/2006/metadata/core-properties" xmlns:dc="http://purl.org/dc/elements/1.1/" xmlns:dcterms="http://purl.org/dc/terms/" xmlns:dcmitype="http://purl.org/dc/dcmitype/" xmlns:xsi="http://www.w3.org/2001/XMLSchema-instance">` +
		`<dc:title>` + esc(m.Title) + `</dc:title><dc:subject>` + esc(m.Subject) + `</dc:subject><dc:creator>` + esc(m.Author) + `</dc:creator>` +
		`<cp:keywords>` + esc(m.Keywords) + `</cp:keywords><cp:lastModifiedBy>` + esc(m.Author) + `</cp:lastModifiedBy>` +
		`<dcterms:created xsi:type="dcterms:W3CDTF">` + date + `</dcterms:created><dcterms:modified xsi:type="dcterms:W3CDTF">` + date + `</dcterms:modified>` +
		`<dc:language>en-GB</dc:language></cp:coreProperties>`)
}

// headerXML is the page header: the logo (when there is one), then the
// document's line.
func headerXML(text string, logo bool, alt string) []byte {
	var b strings.Builder
	b.WriteString(xml.Header + `<w:hdr ` + nsW + ` ` + nsR + ` ` + nsWP + ` ` + nsA + ` ` + nsPic + `><w:p><w:pPr><w:pStyle w:val="Header"/><w:tabs><w:tab w:val="left" w:pos="1000"/></w:tabs></w:pPr>`)
	if logo {
		fmt.Fprintf(&b, `<w:r><w:drawing><wp:inline distT="0" distB="0" distL="0" distR="0"><wp:extent cx="%d" cy="%d"/><wp:docPr id="1" name="Logo" descr="%s"/>`+
			`<wp:cNvGraphicFramePr><a:graphicFrameLocks noChangeAspect="1"/></wp:cNvGraphicFramePr><a:graphic><a:graphicData uri="http://schemas.openxmlformats.org/drawingml/2006/picture">`+
			`<pic:pic><pic:nvPicPr><pic:cNvPr id="0" name="logo.png" descr="%s"/><pic:cNvPicPr/></pic:nvPicPr><pic:blipFill><a:blip r:embed="rIdLogo"/><a:stretch><a:fillRect/></a:stretch></pic:blipFill>`+
			`<pic:spPr><a:xfrm><a:off x="0" y="0"/><a:ext cx="%d" cy="%d"/></a:xfrm><a:prstGeom prst="rect"><a:avLst/></a:prstGeom></pic:spPr></pic:pic></a:graphicData></a:graphic></wp:inline></w:drawing></w:r><w:r><w:tab/></w:r>`,
			LogoSize, LogoSize, esc(alt), esc(alt), LogoSize, LogoSize)
	}
	b.WriteString(`<w:r><w:t xml:space="preserve">` + esc(text) + `</w:t></w:r></w:p></w:hdr>`)
	return []byte(b.String())
}

// footerXML is the page footer: the document's line at the left, "Page X
// of Y" (the PAGE and NUMPAGES fields) at the right.
func footerXML(text string) []byte {
	var b strings.Builder
	b.WriteString(xml.Header + `<w:ftr ` + nsW + `><w:p><w:pPr><w:pStyle w:val="Footer"/><w:tabs><w:tab w:val="right" w:pos="9026"/></w:tabs></w:pPr>`)
	if text != "" {
		b.WriteString(`<w:r><w:t xml:space="preserve">` + esc(text) + `</w:t></w:r>`)
	}
	b.WriteString(`<w:r><w:tab/><w:t xml:space="preserve">Page </w:t></w:r>` +
		`<w:fldSimple w:instr=" PAGE \* MERGEFORMAT "><w:r><w:t>1</w:t></w:r></w:fldSimple>` +
		`<w:r><w:t xml:space="preserve"> of </w:t></w:r>` +
		`<w:fldSimple w:instr=" NUMPAGES \* MERGEFORMAT "><w:r><w:t>1</w:t></w:r></w:fldSimple>` +
		`</w:p></w:ftr>`)
	return []byte(b.String())
}
