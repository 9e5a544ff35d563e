package markdown

import (
	"html"
	"strings"

	"github.com/yuin/goldmark/ast"
	"github.com/yuin/goldmark/extension"
	east "github.com/yuin/goldmark/extension/ast"
	"github.com/yuin/goldmark/renderer"
	"github.com/yuin/goldmark/util"
)

// A table wider than a phone must scroll inside its own box, never push the
// page sideways (WCAG 2.2 1.4.10, reflow): tableRenderer writes each table
// inside a scroll region, <div class="table-scroll" role="region"
// tabindex="0" aria-label="...">, so a keyboard user can reach and scroll it
// and a screen reader names it. The table itself is rendered by goldmark's
// own table renderer, whose function tableRenderer calls between the two
// halves of the wrapper.
type tableRenderer struct{ table renderer.NodeRendererFunc }

// newTableRenderer takes goldmark's table function from its renderer.
func newTableRenderer() tableRenderer {
	var t tableRenderer
	extension.NewTableHTMLRenderer().RegisterFuncs(funcTaker(func(k ast.NodeKind, f renderer.NodeRendererFunc) {
		if k == east.KindTable {
			t.table = f
		}
	}))
	return t
}

// funcTaker is a renderer.NodeRendererFuncRegisterer that hands each
// registration to a function.
type funcTaker func(ast.NodeKind, renderer.NodeRendererFunc)

func (f funcTaker) Register(k ast.NodeKind, fn renderer.NodeRendererFunc) { f(k, fn) }

// RegisterFuncs implements renderer.NodeRenderer.
func (t tableRenderer) RegisterFuncs(reg renderer.NodeRendererFuncRegisterer) {
	reg.Register(east.KindTable, t.render)
}

func (t tableRenderer) render(w util.BufWriter, src []byte, n ast.Node, entering bool) (ast.WalkStatus, error) {
	if entering {
		_, _ = w.WriteString(`<div class="table-scroll" role="region" tabindex="0" aria-label="`)
		_, _ = w.WriteString(html.EscapeString(tableLabel(n, src)))
		_, _ = w.WriteString(`">` + "\n")
	}
	status, err := t.table(w, src, n, entering)
	if !entering {
		_, _ = w.WriteString("</div>\n")
	}
	return status, err
}

// tableLabel names a table for its region: the text of the nearest heading
// before it ("Monitoring schedule: table"), or "Table" when none comes
// before it.
func tableLabel(n ast.Node, src []byte) string {
	for p := n.PreviousSibling(); p != nil; p = p.PreviousSibling() {
		if h, ok := p.(*ast.Heading); ok {
			if text := strings.TrimSpace(nodeText(h, src)); text != "" {
				return text + ": table"
			}
		}
	}
	return "Table"
}

// nodeText is the plain text of n's inline content.
func nodeText(n ast.Node, src []byte) string {
	var b strings.Builder
	_ = ast.Walk(n, func(c ast.Node, entering bool) (ast.WalkStatus, error) {
		if !entering {
			return ast.WalkContinue, nil
		}
		switch c := c.(type) {
		case *ast.Text:
			b.Write(c.Segment.Value(src))
			if c.SoftLineBreak() {
				b.WriteByte(' ')
			}
		case *ast.String:
			b.Write(c.Value)
		}
		return ast.WalkContinue, nil
	})
	return b.String()
}
