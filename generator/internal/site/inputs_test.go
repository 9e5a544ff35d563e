package site

import (
	"context"
	"io/fs"
	"os"
	"path"
	"path/filepath"
	"slices"
	"strings"
	"sync"
	"testing"
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

// TestBuildReadsOnlyInputDirs: the build stamp hashes InputDirs and the
// preview watches them; both are right only if a build reads nothing
// else. Every name the real project's build opens, lists or looks at must
// be under one of them.
func TestBuildReadsOnlyInputDirs(t *testing.T) {
	rec := &recordingFS{FS: os.DirFS(filepath.Join("..", "..", "..")), names: map[string]bool{}}
	if _, err := Build(context.Background(), rec, Options{Now: now}); err != nil {
		t.Fatal(err)
	}
	var outside []string
	read := map[string]bool{} // the input folders read from
	for name := range rec.names {
		top, _, _ := strings.Cut(name, "/")
		read[top] = true
		if !slices.Contains(InputDirs, top) {
			outside = append(outside, name)
		}
	}
	if len(outside) > 0 {
		slices.Sort(outside)
		t.Errorf("the build read outside %v, which neither the stamp nor the preview sees: %v", InputDirs, outside)
	}
	for _, d := range InputDirs {
		if !read[d] {
			t.Errorf("%s is in InputDirs but the build reads nothing in it", d)
		}
	}
}
