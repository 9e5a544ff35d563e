package inputfs

import (
	"io/fs"
	"os"
	"path/filepath"
	"slices"
	"strings"
	"testing"
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

// build reads the project as a small build would: list content/, read
// every file in it, read templates/base.html, look for an optional file.
func build(t *testing.T, f *FS) {
	t.Helper()
	err := fs.WalkDir(f, "content", func(p string, d fs.DirEntry, err error) error {
		if err != nil || d.IsDir() {
			return err
		}
		_, err = fs.ReadFile(f, p)
		return err
	})
	if err != nil {
		t.Fatal(err)
	}
	if _, err := fs.ReadFile(f, "templates/base.html"); err != nil {
		t.Fatal(err)
	}
	fs.Stat(f, "packs/pack.yaml") // optional: missing here
}

// TestReplay: replaying a build's record answers the same while nothing it
// read changed, and differently after any change that could change the
// build: an edit, a new or renamed file, a new folder, a file that was
// missing appearing. A change to what it never read leaves it alone.
func TestReplay(t *testing.T) {
	root := t.TempDir()
	write(t, filepath.Join(root, "content", "a.md"), "a")
	write(t, filepath.Join(root, "content", "sub", "b.md"), "b")
	write(t, filepath.Join(root, "templates", "base.html"), "base")
	write(t, filepath.Join(root, "elsewhere", "x"), "x")
	record := func() Record {
		f := New(os.DirFS(root))
		build(t, f)
		return f.Record()
	}
	rec := record()
	if !New(os.DirFS(root)).Replay(rec) {
		t.Fatal("nothing changed, and the replay differs")
	}
	if got := rec.Folders(); strings.Join(got, " ") != "content content/sub packs templates" {
		t.Errorf("Folders = %v", got) // packs/: where pack.yaml was looked for
	}
	if got := rec.In("content/sub"); len(got) != 2 || got[0].Name != "content/sub" || got[1].Name != "content/sub/b.md" {
		t.Errorf("In(content/sub) = %v", got)
	}
	write(t, filepath.Join(root, "elsewhere", "x"), "changed")
	write(t, filepath.Join(root, "templates", "unused.html"), "never read")
	if !New(os.DirFS(root)).Replay(rec) {
		t.Error("a change to files the build never read changed the replay")
	}
	for i, change := range []func(){
		func() { write(t, filepath.Join(root, "content", "a.md"), "A") },
		func() { write(t, filepath.Join(root, "content", "sub", "new.md"), "") },
		func() { os.MkdirAll(filepath.Join(root, "content", "empty"), 0o755) },
		func() { os.Rename(filepath.Join(root, "content", "a.md"), filepath.Join(root, "content", "c.md")) },
		func() { write(t, filepath.Join(root, "templates", "base.html"), "new base") },
		func() { write(t, filepath.Join(root, "packs", "pack.yaml"), "version: 1") },
		func() { // the same bytes, but through a link: refused by the build, so not the same
			write(t, filepath.Join(root, "elsewhere", "b.md"), "b")
			os.Remove(filepath.Join(root, "content", "sub", "b.md"))
			os.Symlink(filepath.Join(root, "elsewhere", "b.md"), filepath.Join(root, "content", "sub", "b.md"))
		},
	} {
		rec := record()
		change()
		if New(os.DirFS(root)).Replay(rec) {
			t.Errorf("change %d: the replay answers as before", i)
		}
	}
}

// TestKeep: a kept replay serves the build what it read, and the fresh FS
// records the build's reads alone.
func TestKeep(t *testing.T) {
	root := t.TempDir()
	write(t, filepath.Join(root, "content", "a.md"), "a")
	write(t, filepath.Join(root, "templates", "base.html"), "base")
	first := New(os.DirFS(root))
	build(t, first)
	rec := first.Record()
	replay := New(os.DirFS(root)).Keep()
	if !replay.Replay(rec) {
		t.Fatal("replay differs")
	}
	write(t, filepath.Join(root, "content", "a.md"), "edited after the replay")
	f := replay.Fresh()
	if b, _ := fs.ReadFile(f, "content/a.md"); string(b) != "a" {
		t.Errorf("the build read %q, not what the replay read", b)
	}
	want := rec[slices.IndexFunc(rec, func(r Read) bool { return r.Name == "content/a.md" })]
	if r := f.Record(); len(r) != 1 || r[0] != want {
		t.Errorf("the fresh record = %v", r)
	}
}

// TestLinks: a top-level input folder that is a symbolic link is read
// through (an edit behind it changes the replay); a link inside the
// project is refused, naming it.
func TestLinks(t *testing.T) {
	root, shared := t.TempDir(), t.TempDir()
	write(t, filepath.Join(shared, "base.html"), "one")
	if err := os.Symlink(shared, filepath.Join(root, "templates")); err != nil {
		t.Fatalf("cannot make symbolic links here: %v", err)
	}
	f := New(os.DirFS(root))
	if b, err := fs.ReadFile(f, "templates/base.html"); err != nil || string(b) != "one" {
		t.Fatalf("through the linked folder: %q, %v", b, err)
	}
	rec := f.Record()
	write(t, filepath.Join(shared, "base.html"), "two")
	if New(os.DirFS(root)).Replay(rec) {
		t.Error("an edit behind a linked templates/ left the replay as it was")
	}
	if err := os.Symlink("base.html", filepath.Join(shared, "partial.html")); err != nil {
		t.Fatal(err)
	}
	_, err := fs.ReadFile(New(os.DirFS(root)), "templates/partial.html")
	if err == nil || !strings.Contains(err.Error(), "templates/partial.html") || !strings.Contains(err.Error(), "symbolic links are not followed") {
		t.Errorf("a linked file: %v", err)
	}
}
