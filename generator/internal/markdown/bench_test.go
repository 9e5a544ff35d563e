package markdown

import (
	"bytes"
	"strings"
	"testing"

	"github.com/bcs/publish/generator/internal/benchcorpus"
)

// BenchmarkConvert is the Markdown stage on one corpus-shaped page body:
// without its code block (goldmark alone), with it (goldmark and chroma),
// and with the block found in a warm highlight cache.
func BenchmarkConvert(b *testing.B) {
	src := benchcorpus.Page(16)
	body := src[bytes.Index(src[4:], []byte("\n---\n"))+9:]
	prose := body[:bytes.Index(body, []byte("```"))]
	run := func(c *Converter, text []byte) func(*testing.B) {
		return func(b *testing.B) {
			b.SetBytes(int64(len(text)))
			for b.Loop() {
				if _, err := c.Convert(Source{File: "p.md", Line: 1, Col: 1, Text: text}); err != nil {
					b.Fatal(err)
				}
			}
		}
	}
	b.Run("prose", run(New(), prose))
	b.Run("code", run(New(), body))
	warm := NewCache()
	if _, err := NewCached(warm).Convert(Source{File: "p.md", Text: body}); err != nil {
		b.Fatal(err)
	}
	b.Run("code-cached", run(NewCached(warm), body))
}

// BenchmarkEqualHeadings converts a page of 20,000 identical headings
// (66 s before the ids kept the next free suffix, 0.3 s after).
func BenchmarkEqualHeadings(b *testing.B) {
	src := []byte(strings.Repeat("## Same\n\n", 20000))
	md := New()
	for b.Loop() {
		if _, err := md.Convert(Source{File: "h.md", Line: 1, Col: 1, Text: src}); err != nil {
			b.Fatal(err)
		}
	}
}

// BenchmarkBracketsAtTheBound converts a paragraph of MaxBrackets "[a]("
// openers, the most a paragraph may hold (100,000 took 106 s).
func BenchmarkBracketsAtTheBound(b *testing.B) {
	src := []byte(strings.Repeat("[a](", MaxBrackets) + "\n")
	md := New()
	for b.Loop() {
		if _, err := md.Convert(Source{File: "l.md", Line: 1, Col: 1, Text: src}); err != nil {
			b.Fatal(err)
		}
	}
}
