package markdown

import (
	"os"
	"path/filepath"
	"strings"
	"testing"
)

func TestCacheAcrossBuilds(t *testing.T) {
	src := func(code string) Source {
		return Source{File: "a.md", Line: 1, Col: 1, Text: []byte("## Intro\n\nText.\n\n```go\n" + code + "\n```\n\n```\nplain\n```\n")}
	}
	want, err := New().Convert(src("func a() {}"))
	if err != nil {
		t.Fatal(err)
	}
	file := filepath.Join(t.TempDir(), "cache", "markdown.cache")

	// First build: every piece and block missed (the plain block is shared
	// by both pages), then saved.
	c, err := LoadCache(file)
	if err != nil {
		t.Fatal(err)
	}
	if got, _ := NewCached(c).Convert(src("func a() {}")); got != want {
		t.Fatalf("with a cache:\n%s\nwithout:\n%s", got, want)
	}
	if _, err := NewCached(c).Convert(src("func unused() {}")); err != nil {
		t.Fatal(err)
	}
	if h, m := c.Stats(); h != 1 || m != 5 {
		t.Errorf("hits, misses = %d, %d; want 1, 5", h, m)
	}
	if err := c.Save(file); err != nil {
		t.Fatal(err)
	}

	// Second build: the whole piece is found, with the ids it took.
	c, err = LoadCache(file)
	if err != nil {
		t.Fatal(err)
	}
	ids := NewIDs()
	s := src("func a() {}")
	s.IDs = ids
	if got, _ := NewCached(c).Convert(s); got != want {
		t.Fatalf("from the saved cache:\n%s\nwant:\n%s", got, want)
	}
	if h, m := c.Stats(); h != 1 || m != 0 {
		t.Errorf("hits, misses = %d, %d; want 1, 0", h, m)
	}
	if got := ids.Unique("intro"); got != "intro-1" {
		t.Errorf("a piece from the cache did not take its heading id: next is %q", got)
	}
	// The same text on a page that already has the id gives another id.
	s.IDs = NewIDs("intro")
	if got, _ := NewCached(c).Convert(s); !strings.Contains(string(got), `id="intro-1"`) {
		t.Errorf("the heading ids taken before were not part of the key:\n%s", got)
	}
	if err := c.Save(file); err != nil {
		t.Fatal(err)
	}

	// Only what was used is kept: the first page, its two blocks (kept for
	// when it is edited) and the variant with the other id, not the page
	// that was not built.
	if c, _ = LoadCache(file); len(c.entries) != 4 {
		t.Errorf("the saved cache holds %d entries, want 4", len(c.entries))
	}
	// An edit finds the unchanged blocks.
	edited := src("func a() {}")
	edited.Text = append([]byte("An edit.\n\n"), edited.Text...)
	if _, err := NewCached(c).Convert(edited); err != nil {
		t.Fatal(err)
	}
	if h, m := c.Stats(); h != 2 || m != 1 {
		t.Errorf("after an edit: hits, misses = %d, %d; want 2 blocks found, the piece missed", h, m)
	}

	// Saving the same entries again gives the same file.
	first, _ := os.ReadFile(file)
	c, _ = LoadCache(file)
	c.dirty = true
	c.used = map[cacheKey]bool{}
	for k := range c.entries {
		c.used[k] = true
	}
	if err := c.Save(file); err != nil {
		t.Fatal(err)
	}
	if again, _ := os.ReadFile(file); string(again) != string(first) {
		t.Error("the same entries gave a different file")
	}

	// A file cut short is an error naming it; another version is ignored.
	if err := os.WriteFile(file, first[:len(first)-3], 0o644); err != nil {
		t.Fatal(err)
	}
	if _, err := LoadCache(file); err == nil || !strings.Contains(err.Error(), file) {
		t.Errorf("a truncated cache: err = %v", err)
	}
	if err := os.WriteFile(file, []byte(strings.Replace(string(first), cacheHeader, "bcs markdown cache 0;\n", 1)), 0o644); err != nil {
		t.Fatal(err)
	}
	if c, err := LoadCache(file); err != nil || len(c.entries) != 0 {
		t.Errorf("another version: %d entries, err %v", len(c.entries), err)
	}
}

// TestCacheOfAnotherProgram: a cache file made by another build of bcs (a
// converter that may have changed) is not used.
func TestCacheOfAnotherProgram(t *testing.T) {
	file := filepath.Join(t.TempDir(), "markdown.cache")
	c, err := LoadCacheFor(file, "program-a")
	if err != nil {
		t.Fatal(err)
	}
	md := NewCached(c)
	if _, err := md.Convert(Source{File: "a.md", Line: 1, Col: 1, Text: []byte("# Hello\n\nSome *text*.\n")}); err != nil {
		t.Fatal(err)
	}
	if err := c.Save(file); err != nil {
		t.Fatal(err)
	}
	if again, _ := LoadCacheFor(file, "program-a"); len(again.entries) == 0 {
		t.Fatal("the same program's cache was not read back")
	}
	if other, err := LoadCacheFor(file, "program-b"); err != nil || len(other.entries) != 0 {
		t.Errorf("another program's cache: %d entries, err %v", len(other.entries), err)
	}
}
