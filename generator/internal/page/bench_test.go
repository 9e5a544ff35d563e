package page

import (
	"testing"

	"github.com/bcs/publish/generator/internal/benchcorpus"
)

// BenchmarkParse is the front matter stage: one corpus-shaped page split,
// checked and decoded (make bench; compare runs with benchstat).
func BenchmarkParse(b *testing.B) {
	src := benchcorpus.Page(16)
	b.SetBytes(int64(len(src)))
	for b.Loop() {
		if _, err := Parse("content/guides/page-00016.md", "guides/page-00016.md", src); err != nil {
			b.Fatal(err)
		}
	}
}
