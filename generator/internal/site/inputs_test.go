package site

import (
	"context"
	"io/fs"
	"os"
	"path"
	"path/filepath"
	"slices"
	"sync"
	"testing"

	"github.com/bcs/publish/generator/internal/inputfs"
)

// recordingFS records every name read, listed or looked at.
type recordingFS struct {
	fs.FS
	mu    sync.Mutex
	names map[string]bool
}

func (r *recordingFS) note(name string) {
	r.mu.Lock()
	r.names[path.Clean(name)] = true
	r.mu.Unlock()
}

func (r *recordingFS) Open(name string) (fs.File, error) { r.note(name); return r.FS.Open(name) }
func (r *recordingFS) ReadFile(name string) ([]byte, error) {
	r.note(name)
	return fs.ReadFile(r.FS, name)
}
func (r *recordingFS) ReadDir(name string) ([]fs.DirEntry, error) {
	r.note(name)
	return fs.ReadDir(r.FS, name)
}
func (r *recordingFS) Stat(name string) (fs.FileInfo, error) {
	r.note(name)
	return fs.Stat(r.FS, name)
}
func (r *recordingFS) Lstat(name string) (fs.FileInfo, error) {
	r.note(name)
	return fs.Lstat(r.FS, name)
}

// TestRecordIsEveryRead: the stamp and the preview's watch list come from
// the record inputfs keeps, so the build must read nothing around it: every
// name the real project's build opens, lists or looks at below the layer is
// in the record (or is a folder on the way to a name in it), and replaying
// the record right after the build finds nothing changed.
func TestRecordIsEveryRead(t *testing.T) {
	root := os.DirFS(filepath.Join("..", "..", ".."))
	below := &recordingFS{FS: root, names: map[string]bool{}}
	s, err := Build(context.Background(), inputfs.New(below), Options{Now: now})
	if err != nil {
		t.Fatal(err)
	}
	recorded := map[string]bool{}
	for _, r := range s.Read {
		for n := r.Name; n != "."; n = path.Dir(n) {
			recorded[n] = true
		}
	}
	var around []string
	for name := range below.names {
		if !recorded[name] {
			around = append(around, name)
		}
	}
	if len(around) > 0 {
		slices.Sort(around)
		t.Errorf("the build read %d names the record does not hold: %v", len(around), around[:min(10, len(around))])
	}
	for _, want := range []string{"content/site.yaml", "templates/base.html", "assets", "packs/pack.yaml"} {
		if !recorded[want] {
			t.Errorf("the record lacks %s", want)
		}
	}
	if !inputfs.New(root).Replay(s.Read) {
		t.Error("replaying the record straight after the build finds a change")
	}
}
