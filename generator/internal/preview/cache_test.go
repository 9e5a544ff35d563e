package preview

import (
	"os"
	"path/filepath"
	"testing"

	"github.com/bcs/publish/generator/internal/markdown"
	"github.com/bcs/publish/generator/internal/site"
	"github.com/bcs/publish/generator/internal/stamp"
)

// TestStartCache checks that the preview starts from the Markdown cache a
// build left in the project, and from an empty one when there is none or
// it is damaged.
func TestStartCache(t *testing.T) {
	root := t.TempDir()
	src := markdown.Source{File: "a.md", Text: []byte("# Title\n\n```go\nfunc a() {}\n```\n")}
	convert := func(c *markdown.Cache) (hits, misses int) {
		t.Helper()
		if _, err := markdown.NewCached(c).Convert(src); err != nil {
			t.Fatal(err)
		}
		return c.Stats()
	}
	if h, _ := convert(startCache(root)); h != 0 {
		t.Errorf("no cache file: %d hits", h)
	}
	file := filepath.Join(root, site.CacheDir, site.MarkdownCacheFile)
	other, _ := markdown.LoadCacheFor(file, "another build of bcs")
	convert(other)
	if err := other.Save(file); err != nil {
		t.Fatal(err)
	}
	if h, _ := convert(startCache(root)); h != 0 {
		t.Errorf("a cache another program made: %d hits", h)
	}
	prog, err := stamp.Program(filepath.Join(root, site.CacheDir))
	if err != nil {
		t.Fatal(err)
	}
	built, _ := markdown.LoadCacheFor(file+".x", prog) // as bcs build makes it
	convert(built)
	if err := built.Save(file); err != nil {
		t.Fatal(err)
	}
	if h, m := convert(startCache(root)); h != 1 || m != 0 {
		t.Errorf("after a build: hits, misses = %d, %d; want 1, 0", h, m)
	}
	data, _ := os.ReadFile(file)
	if err := os.WriteFile(file, data[:len(data)-5], 0o644); err != nil {
		t.Fatal(err)
	}
	if h, _ := convert(startCache(root)); h != 0 {
		t.Errorf("damaged cache: %d hits", h)
	}
}
