package markdown

import (
	"bytes"
	"fmt"
	"io"
	"strings"

	"github.com/alecthomas/chroma/v2"
	chromahtml "github.com/alecthomas/chroma/v2/formatters/html"
	"github.com/alecthomas/chroma/v2/lexers"
	"github.com/alecthomas/chroma/v2/styles"
	"github.com/yuin/goldmark/ast"
	"github.com/yuin/goldmark/renderer"
	"github.com/yuin/goldmark/util"
)

// formatter emits CSS classes only (never style attributes), so pages work
// under a strict Content-Security-Policy.
var formatter = chromahtml.New(chromahtml.WithClasses(true), chromahtml.TabWidth(4))

// codeRenderer renders fenced code blocks with chroma, through the cache
// when there is one.
type codeRenderer struct {
	cache *Cache
}

func (c codeRenderer) RegisterFuncs(r renderer.NodeRendererFuncRegisterer) {
	r.Register(ast.KindFencedCodeBlock, c.renderFenced)
}

func (c codeRenderer) renderFenced(w util.BufWriter, src []byte, n ast.Node, entering bool) (ast.WalkStatus, error) {
	if !entering {
		return ast.WalkContinue, nil
	}
	block := n.(*ast.FencedCodeBlock)
	text := code(block, src)
	lang := language(block, src)
	if lang != "" {
		fmt.Fprintf(w, `<div class="code" data-lang="%s">`, util.EscapeHTML([]byte(lang)))
	} else {
		_, _ = io.WriteString(w, `<div class="code">`)
	}
	var k cacheKey
	if c.cache != nil {
		k = blockKey(block, src)
		if html, ok := c.cache.get(k); ok {
			_, _ = w.Write(html)
			_, _ = io.WriteString(w, "</div>\n")
			return ast.WalkSkipChildren, nil
		}
	}
	html, err := highlight(lang, string(text))
	if err != nil {
		return ast.WalkStop, err
	}
	if c.cache != nil {
		c.cache.put(k, html)
	}
	_, _ = w.Write(html)
	_, _ = io.WriteString(w, "</div>\n")
	return ast.WalkSkipChildren, nil
}

// language is a fenced block's language, lower-cased.
func language(b *ast.FencedCodeBlock, src []byte) string {
	return strings.ToLower(string(b.Language(src)))
}

// code is a fenced block's text.
func code(b *ast.FencedCodeBlock, src []byte) []byte {
	var code bytes.Buffer
	for i := 0; i < b.Lines().Len(); i++ {
		s := b.Lines().At(i)
		code.Write(s.Value(src))
	}
	return code.Bytes()
}

// blockKey is where a fenced block's highlighted HTML is cached.
func blockKey(b *ast.FencedCodeBlock, src []byte) cacheKey {
	return key(kindBlock, []byte(language(b, src)), code(b, src))
}

// highlight returns code highlighted as the named language (plain when
// chroma does not know it).
func highlight(lang, code string) ([]byte, error) {
	lexer := lexers.Get(lang)
	if lexer == nil {
		lexer = lexers.Fallback
	}
	it, err := chroma.Coalesce(lexer).Tokenise(nil, code)
	if err != nil {
		return nil, fmt.Errorf("highlighting %s code: %w", lang, err)
	}
	var b bytes.Buffer
	if err := formatter.Format(&b, styles.Fallback, it); err != nil {
		return nil, err
	}
	return b.Bytes(), nil
}

// StyleCSS returns the stylesheet for highlighted code in the named chroma
// style, or an error naming the unknown style.
func StyleCSS(name string) ([]byte, error) {
	style, ok := styles.Registry[strings.ToLower(name)]
	if !ok {
		return nil, fmt.Errorf("unknown highlight style %q (chroma styles include github, monokai, friendly)", name)
	}
	var b bytes.Buffer
	if err := formatter.WriteCSS(&b, style); err != nil {
		return nil, err
	}
	return b.Bytes(), nil
}
