// Package docx writes a Word document (.docx, Office Open XML
// WordprocessingML) from a goldmark AST: the same parse that produces the
// site's HTML, rendered a second way. The output has real styles (Title,
// Heading 1-3, List Paragraph, Quote, Code, table style), numbered and
// bulleted lists where every ordered list restarts at its own start number,
// tables with a repeated header row, external hyperlinks, a header with the
// document control line and a footer reading "Page X of Y".
//
// The output is deterministic: the same AST and Meta give the same bytes
// (fixed part order, fixed times from Meta.Date).
package docx

import (
	"bytes"
	"encoding/xml"
	"fmt"
	"html"
	"strings"
	"time"

	"github.com/yuin/goldmark/ast"
	extast "github.com/yuin/goldmark/extension/ast"
	"github.com/yuin/goldmark/util"

	"github.com/bcs/publish/generator/internal/bundle"
)

// Meta is what the document says about itself.
type Meta struct {
	Title    string
	Subject  string
	Author   string
	Header   string      // the line at the top of every page
	Control  [][2]string // the document control table at the start: label, value
	Date     time.Time   // created and modified, in the file and its ZIP entries
	BaseURL  string      // makes site-relative links absolute (a .docx has no site)
	Keywords string
}

// Write renders doc (parsed from src) as a .docx file.
func Write(src []byte, doc ast.Node, m Meta) ([]byte, error) {
	w := &writer{src: src, base: strings.TrimSuffix(m.BaseURL, "/")}
	title := &para{style: "Title"}
	title.text(m.Title, format{})
	w.flush(title)
	w.controlTable(m.Control)
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
		{Name: "word/footer1.xml", Data: []byte(footerXML)},
		{Name: "word/header1.xml", Data: headerXML(m.Header)},
		{Name: "word/numbering.xml", Data: w.numbering()},
		{Name: "word/settings.xml", Data: []byte(settingsXML)},
		{Name: "word/styles.xml", Data: []byte(stylesXML)},
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
}

// list is one numbering instance.
type list struct {
	ordered bool
	start   int
}

const (
	nsW = `xmlns:w="http://schemas.openxmlformats.org/wordprocessingml/2006/main"`
	nsR = `xmlns:r="http://schemas.openxmlformats.org/officeDocument/2006/relationships"`
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
			p.text(c, format{bold: i == 0})
			w.flush(p)
			w.body.WriteString("</w:tc>")
		}
		w.body.WriteString("</w:tr>")
	}
	w.body.WriteString("</w:tbl>")
	w.flush(&para{}) // Word needs a paragraph between two tables; it also spaces them
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
		w.inlines(p, n, format{})
		w.flush(p)
	case *ast.Paragraph, *ast.TextBlock:
		p := &para{}
		if item != nil {
			p = item
		}
		w.inlines(p, n, format{})
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
				w.inlines(p, c, format{})
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
		w.table(n)
	case *ast.HTMLBlock:
		return fmt.Errorf("docx: raw HTML is not allowed in documents")
	default:
		// Anything else (footnote lists, definition lists) is written as
		// its text, so nothing is silently lost.
		p := &para{}
		w.inlines(p, n, format{})
		w.flush(p)
	}
	return nil
}

// table writes a GFM table: a header row repeated on every page, then the rows.
func (w *writer) table(t *extast.Table) {
	cols := 0
	for r := t.FirstChild(); r != nil; r = r.NextSibling() {
		cols = max(cols, r.ChildCount())
	}
	if cols == 0 {
		return
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
			w.inlines(p, c, format{bold: header})
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
}

// inlines writes the inline content of n into p.
func (w *writer) inlines(p *para, n ast.Node, f format) {
	for c := n.FirstChild(); c != nil; c = c.NextSibling() {
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
			w.inlines(p, c, g)
		case *extast.Strikethrough:
			g := f
			g.strike = true
			w.inlines(p, c, g)
		case *ast.Link:
			w.hyperlink(p, string(c.Destination), c, f)
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
			w.inlines(p, c, f) // the alt text; images are not part of the packs
		default:
			w.inlines(p, c, f)
		}
	}
}

// plain is the text a Text segment stands for: backslash escapes and
// character references resolved, as the HTML renderer does.
func plain(raw []byte) string {
	return string(util.ResolveEntityNames(util.ResolveNumericReferences(util.UnescapePunctuations(raw))))
}

func (w *writer) hyperlink(p *para, dest string, n ast.Node, f format) {
	if strings.HasPrefix(dest, "#") { // an in-page anchor means nothing in Word: keep the text
		w.inlines(p, n, f)
		return
	}
	if strings.HasPrefix(dest, "/") {
		dest = w.base + dest
	}
	id := w.link(dest)
	g := f
	g.link = true
	p.raw(fmt.Sprintf(`<w:hyperlink r:id="%s" w:history="1">`, id))
	w.inlines(p, n, g)
	p.raw("</w:hyperlink>")
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
	fmt.Fprintf(&b, `<w:document %s %s><w:body>`, nsW, nsR)
	b.Write(w.body.Bytes())
	// A4, 2.54 cm margins, header and footer 1.25 cm from the edge.
	b.WriteString(`<w:sectPr><w:headerReference w:type="default" r:id="rIdHeader"/><w:footerReference w:type="default" r:id="rIdFooter"/>` +
		`<w:pgSz w:w="11906" w:h="16838"/><w:pgMar w:top="1440" w:right="1440" w:bottom="1440" w:left="1440" w:header="708" w:footer="708" w:gutter="0"/></w:sectPr>`)
	b.WriteString(`</w:body></w:document>`)
	return b.Bytes()
}

func (w *writer) rels() []byte {
	var b bytes.Buffer
	b.WriteString(xml.Header)
	b.WriteString(`<Relationships xmlns="http://schemas.openxmlformats.org/package/2006/relationships">`)
	const t = "http://schemas.openxmlformats.org/officeDocument/2006/relationships/"
	for _, r := range [][2]string{{"rIdStyles", "styles.xml"}, {"rIdNumbering", "numbering.xml"}, {"rIdSettings", "settings.xml"}, {"rIdHeader", "header1.xml"}, {"rIdFooter", "footer1.xml"}} {
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

func headerXML(text string) []byte {
	return []byte(xml.Header + `<w:hdr ` + nsW + ` ` + nsR + `><w:p><w:pPr><w:pStyle w:val="Header"/></w:pPr><w:r><w:t xml:space="preserve">` + esc(text) + `</w:t></w:r></w:p></w:hdr>`)
}
