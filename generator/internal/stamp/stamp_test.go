package stamp

import (
	"os"
	"path/filepath"
	"testing"
	"time"
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

func TestHashInputs(t *testing.T) {
	root := t.TempDir()
	write(t, filepath.Join(root, "content", "a.md"), "a")
	write(t, filepath.Join(root, "templates", "base.html"), "b")
	write(t, filepath.Join(root, "elsewhere", "x"), "x")
	dirs := []string{"content", "templates", "assets"} // assets/ is missing: fine
	hash := func(salt string) string {
		t.Helper()
		h, files, err := HashInputs(root, dirs, salt)
		if err != nil {
			t.Fatal(err)
		}
		if string(files["content/a.md"]) != string(must(os.ReadFile(filepath.Join(root, "content", "a.md")))) {
			t.Errorf("the contents returned are not the file's")
		}
		if _, ok := files["elsewhere/x"]; ok {
			t.Errorf("a file outside the input folders was returned")
		}
		return h
	}
	first := hash("v1")
	if hash("v1") != first {
		t.Fatal("the same inputs hashed differently")
	}
	if hash("v2") == first {
		t.Error("another program or option hashed the same")
	}
	write(t, filepath.Join(root, "elsewhere", "x"), "changed")
	if hash("v1") != first {
		t.Error("a file outside the input folders changed the hash")
	}
	for i, change := range []func(){
		func() { write(t, filepath.Join(root, "content", "a.md"), "A") },
		func() { write(t, filepath.Join(root, "content", "new.md"), "") },
		func() { os.MkdirAll(filepath.Join(root, "assets", "empty"), 0o755) },
		func() { os.Symlink("a.md", filepath.Join(root, "content", "link.md")) },
		func() {
			os.Rename(filepath.Join(root, "content", "new.md"), filepath.Join(root, "content", "renamed.md"))
		},
	} {
		before := hash("v1")
		change()
		if hash("v1") == before {
			t.Errorf("change %d left the hash as it was", i)
		}
	}
}

func TestCurrent(t *testing.T) {
	out := filepath.Join(t.TempDir(), "public")
	write(t, filepath.Join(out, "index.html"), "home")
	tree, err := HashTree(out)
	if err != nil {
		t.Fatal(err)
	}
	now := time.Date(2026, 11, 26, 12, 0, 0, 0, time.UTC)
	s := Stamp{Inputs: "in", Out: out, Tree: tree, Until: now.Add(time.Hour)}
	file := File(filepath.Join(t.TempDir(), "cache"), out)
	if err := s.Save(file); err != nil {
		t.Fatal(err)
	}
	s = Load(file)
	if !s.Current("in", out, now) {
		t.Fatal("a fresh stamp is not current")
	}
	for name, ok := range map[string]bool{
		"other inputs":     s.Current("other", out, now),
		"other output":     s.Current("in", out+"2", now),
		"a page falls due": s.Current("in", out, now.Add(time.Hour)),
	} {
		if ok {
			t.Errorf("%s: still current", name)
		}
	}
	write(t, filepath.Join(out, "index.html"), "edited by hand")
	os.Chtimes(filepath.Join(out, "index.html"), time.Time{}, now.Add(time.Minute))
	if s.Current("in", out, now) {
		t.Error("an edited output file: still current")
	}
	if Load(filepath.Join(t.TempDir(), "none.json")).Current("", "", now) {
		t.Error("a missing stamp is current")
	}
}

func must[T any](v T, err error) T {
	if err != nil {
		panic(err)
	}
	return v
}

// TestLinkedFolder: an input folder that is a symbolic link is hashed
// through the link, so an edit to a file in its target makes the build
// current no more (it used to hash the link's target string only).
func TestLinkedFolder(t *testing.T) {
	root := t.TempDir()
	shared := t.TempDir()
	write(t, filepath.Join(shared, "base.html"), "one")
	if err := os.Symlink(shared, filepath.Join(root, "templates")); err != nil {
		t.Skipf("SKIP: cannot make symbolic links here: %v", err)
	}
	h1, files, err := HashInputs(root, []string{"templates"}, "v1")
	if err != nil {
		t.Fatal(err)
	}
	if string(files["templates/base.html"]) != "one" {
		t.Errorf("files = %v", files)
	}
	write(t, filepath.Join(shared, "base.html"), "two")
	h2, _, err := HashInputs(root, []string{"templates"}, "v1")
	if err != nil {
		t.Fatal(err)
	}
	if h1 == h2 {
		t.Error("an edit behind a linked templates/ left the hash as it was")
	}
}
