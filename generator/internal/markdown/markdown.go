// Package markdown is the one configured Markdown converter of the project:
// goldmark with CommonMark, GFM tables, strikethrough and autolinks,
// footnotes, typographic punctuation and heading ids, plus fenced code blocks
// highlighted by chroma as CSS classes, and the form fields of pack
// documents (field.go). GFM task lists and the {#id}
// attribute syntax are left out: the first renders unlabelled form controls,
// the second would let content set arbitrary attributes.
//
// Raw HTML is refused: a page that contains an HTML block or inline HTML gets
// an error naming the line, so content can never inject script or style and
// the marketing team learns at once that the tag would not have appeared.
// A Converter is safe for concurrent use.
package markdown

import (
	"bufio"
	"bytes"
	"encoding/binary"
	"fmt"
	"html/template"
	"strings"
	"sync"

	"github.com/yuin/goldmark"
	"github.com/yuin/goldmark/ast"
	"github.com/yuin/goldmark/extension"
	extast "github.com/yuin/goldmark/extension/ast"
	"github.com/yuin/goldmark/parser"
	"github.com/yuin/goldmark/renderer"
	"github.com/yuin/goldmark/text"
	"github.com/yuin/goldmark/util"

	"github.com/bcs/publish/generator/internal/diag"
)

// Converter turns Markdown into HTML.
type Converter struct {
	md    goldmark.Markdown
	cache *Cache
}

// New returns a Converter. The extension list is explicit so that what
// content may use is visible in one place.
func New() *Converter { return NewCached(nil) }

// NewCached returns a Converter that looks code blocks up in cache (nil:
// none) before highlighting them.
func NewCached(cache *Cache) *Converter {
	opts := append(options(), goldmark.WithRendererOptions(renderer.WithNodeRenderers(nodeRenderers(cache)...)))
	return &Converter{md: goldmark.New(opts...), cache: cache}
}

// options is the converter's configuration but its own node renderers.
func options() []goldmark.Option {
	return []goldmark.Option{
		goldmark.WithExtensions(
			extension.NewTable(extension.WithTableCellAlignMethod(extension.TableCellAlignNone)),
			extension.Strikethrough,
			extension.Linkify,
			extension.Footnote,
			extension.Typographer,
		),
		goldmark.WithParserOptions(
			parser.WithAutoHeadingID(),
			parser.WithInlineParsers(util.Prioritized(fieldParser{}, 150)),
		),
	}
}

// nodeRenderers are the converter's own renderers: highlighted code, and
// the form fields of pack documents, and tables in scroll regions.
func nodeRenderers(cache *Cache) []util.PrioritizedValue {
	return []util.PrioritizedValue{
		util.Prioritized(codeRenderer{cache: cache}, 100),
		util.Prioritized(fieldRenderer{}, 100),
		util.Prioritized(newTableRenderer(), 100),
	}
}

// Source is one piece of Markdown with where it sits in the user's file.
type Source struct {
	File string // user's file, for errors
	Line int    // line in File of the first line of Text
	Col  int    // column in File of the first character of each line (1 for a body)
	Text []byte
	IDs  *IDs // heading ids already used on the page; shared by all pieces of a page

	// AnyWebLink allows http: links besides https: (a pack document cites
	// sources at the address where they were read, and some are http:
	// only). Content pages link to https: only.
	AnyWebLink bool
}

// Convert renders src as a block of HTML. Errors are diag.Errors.
func (c *Converter) Convert(src Source) (template.HTML, error) {
	return c.convert(src, false)
}

// ConvertInline renders src, which must be a single paragraph, without the
// surrounding <p> element: for list items and short texts inside templates.
func (c *Converter) ConvertInline(src Source) (template.HTML, error) {
	return c.convert(src, true)
}

// Parse parses src, refusing raw HTML as Convert does, and returns the tree
// for Render or for another renderer (the .docx writer): one parse, several
// outputs.
func (c *Converter) Parse(src Source) (ast.Node, error) {
	ids := src.IDs
	if ids == nil {
		ids = NewIDs()
	}
	if err := checkIndent(src); err != nil {
		return nil, err
	}
	ctx := parser.NewContext(parser.WithIDs(ids))
	doc := c.md.Parser().Parse(text.NewReader(src.Text), parser.WithContext(ctx))
	if errs := refuseUnsafe(doc, src); len(errs) > 0 {
		return nil, errs
	}
	alignCells(doc)
	return doc, nil
}

// MaxIndent is the deepest indentation, in columns, a line may have. Lists
// nested far deeper than any page needs make the parser's work grow with
// the square of the depth (2,000 levels took 14 s); 64 columns allow about
// 16 levels.
const MaxIndent = 64

// MaxBrackets is the most opening square brackets one paragraph (lines
// without a blank line between them) may hold. Each may start a link whose
// end the parser looks for in the rest of the paragraph, so the work grows
// with the square of their number: "[a](" 100,000 times took 106 s. No page
// needs more than a few hundred links in one paragraph.
const MaxBrackets = 2000

// checkIndent refuses lines indented more than MaxIndent columns, and
// paragraphs with more than MaxBrackets opening brackets.
func checkIndent(src Source) error {
	line := src.Line
	brackets, blockLine, inFence := 0, line, false
	for rest := src.Text; len(rest) > 0; line++ {
		l := rest
		if i := bytes.IndexByte(rest, '\n'); i >= 0 {
			l, rest = rest[:i], rest[i+1:]
		} else {
			rest = nil
		}
		width := 0
		for _, b := range l {
			if b == ' ' {
				width++
			} else if b == '\t' {
				width += 4 - width%4
			} else {
				break
			}
		}
		if width > MaxIndent {
			return diag.List{diag.Errorf(diag.Pos{File: src.File, Line: line, Col: src.Col}, "this line is indented %d columns: lists and code nested this deeply cannot be read; keep it under %d", width, MaxIndent)}
		}
		trimmed := bytes.TrimSpace(l)
		if fence := bytes.HasPrefix(trimmed, []byte("```")) || bytes.HasPrefix(trimmed, []byte("~~~")); fence && width < 4 {
			inFence = !inFence // code is not parsed for links
			brackets, blockLine = 0, line+1
			continue
		}
		if len(trimmed) == 0 || inFence {
			brackets, blockLine = 0, line+1
			continue
		}
		if brackets += bytes.Count(l, []byte("[")); brackets > MaxBrackets {
			return diag.List{diag.Errorf(diag.Pos{File: src.File, Line: blockLine, Col: src.Col}, "this paragraph has more than %d opening brackets [: reading that many possible links would take minutes; split it up, or escape the brackets that are not links as \\[", MaxBrackets)}
		}
	}
	return nil
}

// Render renders a tree from Parse as HTML.
func (c *Converter) Render(src Source, doc ast.Node) (template.HTML, error) {
	rb := renderBufs.Get().(*renderBuf)
	defer rb.put()
	if err := c.md.Renderer().Render(rb.w, src.Text, doc); err != nil {
		return "", fmt.Errorf("markdown: rendering %s: %w", src.File, err)
	}
	if err := rb.w.Flush(); err != nil {
		return "", err
	}
	return template.HTML(rb.b.String()), nil // #nosec: goldmark output with raw HTML refused in Parse
}

// renderBuf is a reusable output buffer with the buffered writer goldmark
// renders into (given none, it makes a new one for every page).
type renderBuf struct {
	b bytes.Buffer
	w *bufio.Writer
}

var renderBufs = sync.Pool{New: func() any {
	rb := &renderBuf{}
	rb.w = bufio.NewWriterSize(&rb.b, 16<<10)
	return rb
}}

func (rb *renderBuf) put() {
	if rb.b.Cap() > 4<<20 {
		return // an outsize page: let it go rather than keep its memory
	}
	rb.b.Reset()
	rb.w.Reset(&rb.b)
	renderBufs.Put(rb)
}

// convert converts src, looking it up in the cache first. A piece's HTML
// depends on its text, on whether it is inline and on the heading ids the
// page has already used; what it adds to those ids is kept with it.
func (c *Converter) convert(src Source, inline bool) (template.HTML, error) {
	if c.cache == nil {
		return c.convertNow(src, inline)
	}
	if src.IDs == nil {
		src.IDs = NewIDs()
	}
	before := src.IDs.taken()
	mode := []byte{'b'}
	if inline {
		mode[0] = 'i'
	}
	k := key(kindPiece, mode, []byte(strings.Join(before, "\n")), src.Text)
	if v, ok := c.cache.get(k); ok {
		if html, added, blocks, ok := decodePiece(v); ok {
			for _, id := range added {
				src.IDs.Put(id)
			}
			c.cache.keep(blocks)            // for when this piece is edited
			return template.HTML(html), nil // #nosec: what convertNow made before
		}
	}
	html, blocks, err := c.convertTree(src, inline)
	if err != nil {
		return "", err
	}
	old := map[string]bool{}
	for _, id := range before {
		old[id] = true
	}
	var added []string
	for _, id := range src.IDs.taken() {
		if !old[id] {
			added = append(added, id)
		}
	}
	c.cache.put(k, encodePiece(string(html), added, blocks))
	return html, nil
}

// encodePiece packs a converted piece, the ids it took and the keys of its
// code blocks: the HTML, then the count of ids and each id, each string
// preceded by its length; then the keys.
func encodePiece(html string, added []string, blocks []cacheKey) []byte {
	var b []byte
	b = binary.AppendUvarint(b, uint64(len(added)))
	for _, s := range append([]string{html}, added...) {
		b = binary.AppendUvarint(b, uint64(len(s)))
		b = append(b, s...)
	}
	for _, k := range blocks {
		b = append(b, k[:]...)
	}
	return b
}

func decodePiece(b []byte) (html []byte, added [][]byte, blocks []cacheKey, ok bool) {
	nids, w := binary.Uvarint(b)
	if w <= 0 || nids > uint64(len(b)) {
		return nil, nil, nil, false
	}
	b = b[w:]
	var parts [][]byte
	for range nids + 1 {
		n, w := binary.Uvarint(b)
		if w <= 0 || uint64(len(b)-w) < n {
			return nil, nil, nil, false
		}
		parts = append(parts, b[w:w+int(n)])
		b = b[w+int(n):]
	}
	if len(b)%len(cacheKey{}) != 0 {
		return nil, nil, nil, false
	}
	for ; len(b) > 0; b = b[len(cacheKey{}):] {
		blocks = append(blocks, cacheKey(b[:len(cacheKey{})]))
	}
	return parts[0], parts[1:], blocks, true
}

func (c *Converter) convertNow(src Source, inline bool) (template.HTML, error) {
	h, _, err := c.convertTree(src, inline)
	return h, err
}

// convertTree converts src and also returns the cache keys of its code
// blocks.
func (c *Converter) convertTree(src Source, inline bool) (template.HTML, []cacheKey, error) {
	doc, err := c.Parse(src)
	if err != nil {
		return "", nil, err
	}
	var blocks []cacheKey
	if c.cache != nil {
		_ = ast.Walk(doc, func(n ast.Node, entering bool) (ast.WalkStatus, error) {
			if b, ok := n.(*ast.FencedCodeBlock); ok && entering {
				blocks = append(blocks, blockKey(b, src.Text))
			}
			return ast.WalkContinue, nil
		})
	}
	if inline {
		if p, ok := doc.FirstChild().(*ast.Paragraph); ok && doc.ChildCount() == 1 {
			doc = unwrap(p)
		} else if doc.ChildCount() > 0 {
			return "", nil, diag.Errorf(src.pos(0), "expected a single line of text here, not blocks (lists, headings, several paragraphs)")
		}
	}
	h, err := c.Render(src, doc)
	return h, blocks, err
}

// unwrap moves a paragraph's inline children under a new document so that
// rendering produces no <p> element.
func unwrap(p *ast.Paragraph) ast.Node {
	d := ast.NewDocument()
	for c := p.FirstChild(); c != nil; {
		next := c.NextSibling()
		d.AppendChild(d, c)
		c = next
	}
	return d
}

// pos maps a byte offset in Text to a position in the user's file.
func (s Source) pos(offset int) diag.Pos {
	line, col := s.Line, 1
	for _, b := range s.Text[:min(offset, len(s.Text))] {
		if b == '\n' {
			line++
			col = 1
		} else {
			col++
		}
	}
	return diag.Pos{File: s.File, Line: line, Col: col + s.Col - 1}
}

// refuseUnsafe reports every raw HTML node in doc, and every link or image
// whose address could run code (javascript:, vbscript:, data: other than
// images, file:). goldmark would blank such addresses silently; an error
// tells the author.
func refuseUnsafe(doc ast.Node, src Source) diag.List {
	var errs diag.List
	report := func(offset int, snippet []byte) {
		errs = append(errs, diag.Errorf(src.pos(offset),
			"raw HTML is not allowed in content (found %q); use Markdown, or a structured block in the front matter",
			truncate(snippet)))
	}
	checkURL := func(n ast.Node, dest []byte, autolink bool) {
		msg := linkProblem(dest, autolink, src.AnyWebLink)
		if msg == "" {
			return
		}
		at := bytes.Index(src.Text, dest) // where the address is written, if it is written as it reads
		if at < 0 {
			at = textStart(n) // else the link's own text
		}
		errs = append(errs, diag.Errorf(src.pos(max(at, 0)), "%s", msg))
	}
	_ = ast.Walk(doc, func(n ast.Node, entering bool) (ast.WalkStatus, error) {
		if !entering {
			return ast.WalkContinue, nil
		}
		if !rendered(n.Kind()) { // goldmark would skip it without a word
			errs = append(errs, kindError(n, src))
			return ast.WalkStop, nil
		}
		switch n := n.(type) {
		case *ast.HTMLBlock:
			if n.Lines().Len() > 0 {
				s := n.Lines().At(0)
				report(s.Start, s.Value(src.Text))
			}
			return ast.WalkSkipChildren, nil
		case *ast.RawHTML:
			if n.Segments.Len() > 0 {
				s := n.Segments.At(0)
				report(s.Start, s.Value(src.Text))
			}
		case *ast.Link:
			checkURL(n, n.Destination, false)
		case *ast.Image:
			checkURL(n, n.Destination, false)
		case *ast.AutoLink:
			if n.AutoLinkType == ast.AutoLinkURL {
				if label := n.Label(src.Text); bytes.HasPrefix(bytes.ToLower(label), []byte("www.")) {
					checkURL(n, label, true) // Linkify's bare www. address, where it is written
				} else {
					checkURL(n, n.URL(src.Text), true)
				}
			}
		case *Field:
			if n.Bad != "" {
				errs = append(errs, diag.Errorf(src.pos(n.At), "%s", n.Bad))
			}
		}
		return ast.WalkContinue, nil
	})
	return errs
}

// textStart is the offset of the first text inside n, or -1.
func textStart(n ast.Node) int {
	at := -1
	_ = ast.Walk(n, func(c ast.Node, entering bool) (ast.WalkStatus, error) {
		if t, ok := c.(*ast.Text); ok && entering {
			at = t.Segment.Start
			return ast.WalkStop, nil
		}
		return ast.WalkContinue, nil
	})
	return at
}

// alignCells gives aligned table cells a class (align-left, align-center,
// align-right) instead of the style attribute goldmark would write, so
// tables work under a strict Content-Security-Policy.
func alignCells(doc ast.Node) {
	_ = ast.Walk(doc, func(n ast.Node, entering bool) (ast.WalkStatus, error) {
		if c, ok := n.(*extast.TableCell); ok && entering && c.Alignment != extast.AlignNone {
			c.SetAttributeString("class", []byte("align-"+c.Alignment.String()))
		}
		return ast.WalkContinue, nil
	})
}

func truncate(b []byte) string {
	b = bytes.TrimSpace(b)
	if len(b) > 40 {
		return string(b[:40]) + "..."
	}
	return string(b)
}
