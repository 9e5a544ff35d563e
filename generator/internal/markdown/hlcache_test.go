package markdown

import (
	"os"
	"path/filepath"
	"strings"
	"testing"
)

func TestHighlightCacheAcrossBuilds(t *testing.T) {
	src := func(code string) Source {
		return Source{File: "a.md", Line: 1, Col: 1, Text: []byte("Text.\n\n```go\n" + code + "\n```\n\n```\nplain\n```\n")}
	}
	want, err := New().Convert(src("func a() {}"))
	if err != nil {
		t.Fatal(err)
	}
	file := filepath.Join(t.TempDir(), "cache", "highlight.cache")

	// First build: every block missed, then saved.
	c, err := LoadHighlightCache(file)
	if err != nil {
		t.Fatal(err)
	}
	if got, _ := NewCached(c).Convert(src("func a() {}")); got != want {
		t.Fatalf("with a cache:\n%s\nwithout:\n%s", got, want)
	}
	if _, err := NewCached(c).Convert(src("func unused() {}")); err != nil {
		t.Fatal(err)
	}
	if h, m := c.Stats(); h != 1 || m != 3 { // the plain block is shared by both pages
		t.Errorf("hits, misses = %d, %d; want 1, 3", h, m)
	}
	if err := c.Save(file); err != nil {
		t.Fatal(err)
	}

	// Second build: hits, the same HTML; only the blocks used are kept.
	c, err = LoadHighlightCache(file)
	if err != nil {
		t.Fatal(err)
	}
	if got, _ := NewCached(c).Convert(src("func a() {}")); got != want {
		t.Fatalf("from the saved cache:\n%s\nwant:\n%s", got, want)
	}
	if h, m := c.Stats(); h != 2 || m != 0 {
		t.Errorf("hits, misses = %d, %d; want 2, 0", h, m)
	}
	if err := c.Save(file); err != nil {
		t.Fatal(err)
	}
	if c, _ = LoadHighlightCache(file); len(c.entries) != 2 {
		t.Errorf("the saved cache holds %d blocks, want the 2 used", len(c.entries))
	}

	// Saving twice gives the same file.
	first, _ := os.ReadFile(file)
	c.used = map[cacheKey]bool{}
	for k := range c.entries {
		c.used[k] = true
	}
	if err := c.Save(file); err != nil {
		t.Fatal(err)
	}
	if again, _ := os.ReadFile(file); string(again) != string(first) {
		t.Error("the same blocks gave a different file")
	}

	// A file cut short is an error naming it; another version is ignored.
	if err := os.WriteFile(file, first[:len(first)-3], 0o644); err != nil {
		t.Fatal(err)
	}
	if _, err := LoadHighlightCache(file); err == nil || !strings.Contains(err.Error(), file) {
		t.Errorf("a truncated cache: err = %v", err)
	}
	if err := os.WriteFile(file, []byte(strings.Replace(string(first), "cache 1;", "cache 0;", 1)), 0o644); err != nil {
		t.Fatal(err)
	}
	if c, err := LoadHighlightCache(file); err != nil || len(c.entries) != 0 {
		t.Errorf("another version: %d entries, err %v", len(c.entries), err)
	}
}
