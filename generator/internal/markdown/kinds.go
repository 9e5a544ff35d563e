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
	knownKinds map[ast.NodeKind]bool
)

// checkKinds returns an error naming the first node of doc whose kind has
// no HTML rendering.
func checkKinds(doc ast.Node, src Source) error {
	knownOnce.Do(func() { knownKinds = renderedKinds(options(), nodeRenderers(nil)...) })
	var bad ast.Node
	ast.Walk(doc, func(n ast.Node, entering bool) (ast.WalkStatus, error) {
		if entering && !knownKinds[n.Kind()] {
			bad = n
			return ast.WalkStop, nil
		}
		return ast.WalkContinue, nil
	})
	if bad == nil {
		return nil
	}
	return diag.Errorf(src.pos(0), "the Markdown converter made a %s node, which has no HTML rendering (a program error: give it a renderer)", bad.Kind())
}
