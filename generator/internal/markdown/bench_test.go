package markdown

import (
	"bytes"
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
