package publish

import (
	"os"
	"path/filepath"
	"testing"
)

func read(t *testing.T, path string) string {
	t.Helper()
	b, err := os.ReadFile(path)
	if err != nil {
		t.Fatal(err)
	}
	return string(b)
}

func TestWriteReplacesWholeTree(t *testing.T) {
	out := filepath.Join(t.TempDir(), "public")
	if _, err := Write(out, map[string][]byte{"index.html": []byte("v1"), "old/index.html": []byte("gone soon")}); err != nil {
		t.Fatal(err)
	}
	n, err := Write(out, map[string][]byte{"index.html": []byte("v2"), "a/b/c.txt": []byte("c")})
	if err != nil || n != 2 {
		t.Fatalf("Write = %d, %v", n, err)
	}
	if got := read(t, filepath.Join(out, "index.html")); got != "v2" {
		t.Errorf("index.html = %q", got)
	}
	if _, err := os.Stat(filepath.Join(out, "old")); !os.IsNotExist(err) {
		t.Error("a file from the previous build survived")
	}
	leftovers, _ := filepath.Glob(filepath.Join(filepath.Dir(out), ".public.*"))
	if len(leftovers) != 0 {
		t.Errorf("temporary directories left behind: %v", leftovers)
	}
}

// TestFailedWriteKeepsLastGood makes the second write fail part-way (a file
// and a directory with the same name) and checks the first site is intact.
func TestFailedWriteKeepsLastGood(t *testing.T) {
	out := filepath.Join(t.TempDir(), "public")
	if _, err := Write(out, map[string][]byte{"index.html": []byte("good")}); err != nil {
		t.Fatal(err)
	}
	_, err := Write(out, map[string][]byte{"a": []byte("file"), "a/b": []byte("needs a to be a directory"), "index.html": []byte("bad")})
	if err == nil {
		t.Fatal("conflicting write succeeded")
	}
	if got := read(t, filepath.Join(out, "index.html")); got != "good" {
		t.Errorf("last good site damaged: index.html = %q", got)
	}
	leftovers, _ := filepath.Glob(filepath.Join(filepath.Dir(out), ".public.*"))
	if len(leftovers) != 0 {
		t.Errorf("temporary directories left behind: %v", leftovers)
	}
}
