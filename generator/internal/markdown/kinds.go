package markdown

import (
	"io"
	"sync"

	"github.com/yuin/goldmark"
	"github.com/yuin/goldmark/ast"
	"github.com/yuin/goldmark/renderer"
	"github.com/yuin/goldmark/renderer/html"
	"github.com/yuin/goldmark/util"

	"github.com/bcs/publish/generator/internal/diag"
)

// goldmark's HTML renderer walks the tree and calls the function registered
// for each node's kind; a kind with none is skipped without a word (its
// text may still appear, its element never). So that a node the parser
// makes is never silently dropped, Parse checks every node's kind against
// the kinds the converter's renderers register, learnt by building the
// same configuration once with a renderer that only records registrations.

// kindRecorder is a renderer.Renderer that renders nothing and records
// the node kinds its node renderers register.
type kindRecorder struct{ kinds map[ast.NodeKind]bool }

func (k *kindRecorder) AddOptions(opts ...renderer.Option) {
	c := renderer.NewConfig()
	for _, o := range opts {
		o.SetConfig(c)
	}
	for _, v := range c.NodeRenderers {
		v.Value.(renderer.NodeRenderer).RegisterFuncs(k)
	}
}

func (k *kindRecorder) Register(kind ast.NodeKind, _ renderer.NodeRendererFunc) { k.kinds[kind] = true }

func (k *kindRecorder) Render(io.Writer, []byte, ast.Node) error { return nil }

// renderedKinds is the set of kinds the HTML renderer of the converter
// configured with options and nodeRenderers has a function for.
func renderedKinds(options []goldmark.Option, nodeRenderers ...util.PrioritizedValue) map[ast.NodeKind]bool {
	rec := &kindRecorder{kinds: map[ast.NodeKind]bool{}}
	rec.AddOptions(renderer.WithNodeRenderers(append([]util.PrioritizedValue{util.Prioritized(html.NewRenderer(), 1000)}, nodeRenderers...)...))
	goldmark.New(append(options, goldmark.WithRenderer(rec))...) // the extensions register theirs
	return rec.kinds
}

var (
	knownOnce  sync.Once
	knownKinds []bool // by ast.NodeKind
)

// rendered says whether the HTML renderer has a function for kind.
func rendered(kind ast.NodeKind) bool {
	knownOnce.Do(func() {
		for k := range renderedKinds(options(), nodeRenderers(nil)...) {
			for int(k) >= len(knownKinds) {
				knownKinds = append(knownKinds, false)
			}
			knownKinds[k] = true
		}
	})
	return int(kind) < len(knownKinds) && knownKinds[kind]
}

// kindError is the error for node n, whose kind has no HTML rendering.
func kindError(n ast.Node, src Source) *diag.Error {
	return diag.Errorf(src.pos(0), "the Markdown converter made a %s node, which has no HTML rendering (a program error: give it a renderer)", n.Kind())
}

// checkKinds returns an error naming the first node of doc whose kind has
// no HTML rendering (Parse makes the same check in refuseUnsafe's walk).
func checkKinds(doc ast.Node, src Source) error {
	var err error
	ast.Walk(doc, func(n ast.Node, entering bool) (ast.WalkStatus, error) {
		if entering && !rendered(n.Kind()) {
			err = kindError(n, src)
			return ast.WalkStop, nil
		}
		return ast.WalkContinue, nil
	})
	return err
}
