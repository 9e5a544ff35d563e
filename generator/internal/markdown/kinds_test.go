package markdown

import (
	"strings"
	"testing"

	"github.com/yuin/goldmark/ast"
)

type mystery struct{ ast.BaseInline }

var kindMystery = ast.NewNodeKind("Mystery")

func (n *mystery) Kind() ast.NodeKind         { return kindMystery }
func (n *mystery) Dump(src []byte, level int) { ast.DumpHelper(n, src, level, nil, nil) }

// TestEveryNodeKindIsRendered: a node whose kind has no HTML renderer is an
// error, never skipped; and the converter's own kinds (fields, tables,
// footnotes, code) are all known.
func TestEveryNodeKindIsRendered(t *testing.T) {
	src := Source{File: "page.md", Line: 5, Col: 1, Text: []byte("Text [[text: Name]] ~~gone~~ https://example.org/ \"quoted\"[^1]\n\n| a |\n|---|\n| b |\n\n```go\nx := 1\n```\n\n[^1]: A note.\n")}
	doc, err := New().Parse(src)
	if err != nil {
		t.Fatal(err)
	}
	if err := checkKinds(doc, src); err != nil {
		t.Fatalf("a page using every feature: %v", err)
	}
	doc.FirstChild().AppendChild(doc.FirstChild(), &mystery{})
	err = checkKinds(doc, src)
	if err == nil || !strings.Contains(err.Error(), "page.md:5:1: the Markdown converter made a Mystery node, which has no HTML rendering") {
		t.Errorf("an unknown kind: %v", err)
	}
	// Without its renderer, the field kind would be unknown: the set is
	// learnt from the renderers, not listed by hand.
	if kinds := renderedKinds(options(), nodeRenderers(nil)[:1]...); kinds[KindField] {
		t.Error("the field kind is known without the field renderer")
	}
}
