package stamp

import (
	"io/fs"
	"os"
	"path/filepath"
	"testing"
	"time"

	"github.com/bcs/publish/generator/internal/inputfs"
)

func write(t *testing.T, name, data string) {
	t.Helper()
	if err := os.MkdirAll(filepath.Dir(name), 0o755); err != nil {
		t.Fatal(err)
	}
	if err := os.WriteFile(name, []byte(data), 0o644); err != nil {
		t.Fatal(err)
	}
}

func TestCurrent(t *testing.T) {
	project := t.TempDir()
	write(t, filepath.Join(project, "content", "a.md"), "a")
	read := inputfs.New(os.DirFS(project))
	if _, err := fs.ReadFile(read, "content/a.md"); err != nil {
		t.Fatal(err)
	}
	out := filepath.Join(t.TempDir(), "public")
	write(t, filepath.Join(out, "index.html"), "home")
	tree, err := HashTree(out)
	if err != nil {
		t.Fatal(err)
	}
	now := time.Date(2026, 11, 26, 12, 0, 0, 0, time.UTC)
	s := Stamp{Salt: "v1", Reads: read.Record(), Out: out, Tree: tree, Until: now.Add(time.Hour)}
	file := File(filepath.Join(t.TempDir(), "cache"), out)
	if err := s.Save(file); err != nil {
		t.Fatal(err)
	}
	s = Load(file)
	fresh := func() *inputfs.FS { return inputfs.New(os.DirFS(project)) }
	if !s.Current("v1", fresh(), out, now) {
		t.Fatal("a fresh stamp is not current")
	}
	for name, ok := range map[string]bool{
		"another program or options": s.Current("v2", fresh(), out, now),
		"other output":               s.Current("v1", fresh(), out+"2", now),
		"a page falls due":           s.Current("v1", fresh(), out, now.Add(time.Hour)),
	} {
		if ok {
			t.Errorf("%s: still current", name)
		}
	}
	write(t, filepath.Join(project, "content", "a.md"), "A")
	if s.Current("v1", fresh(), out, now) {
		t.Error("an edited input: still current")
	}
	write(t, filepath.Join(project, "content", "a.md"), "a")
	write(t, filepath.Join(out, "index.html"), "edited by hand")
	os.Chtimes(filepath.Join(out, "index.html"), time.Time{}, now.Add(time.Minute))
	if s.Current("v1", fresh(), out, now) {
		t.Error("an edited output file: still current")
	}
	if Load(filepath.Join(t.TempDir(), "none.json")).Current("", fresh(), "", now) {
		t.Error("a missing stamp is current")
	}
}
