// Package publish writes a built site to its output directory atomically:
// the files are written into a fresh directory beside the target, flushed to
// disk, and swapped in with renames. If anything fails before the swap, the
// previous output is untouched; a reader never sees a half-written site.
package publish

import (
	"fmt"
	"maps"
	"os"
	"path/filepath"
	"slices"
	"strconv"
	"strings"
	"sync"
)

// Write replaces the directory out with exactly files (path relative to out
// -> content). It returns the number of files written.
func Write(out string, files map[string][]byte) (int, error) {
	st, err := NewStage(out)
	if err != nil {
		return 0, err
	}
	names := slices.Sorted(maps.Keys(files))
	for _, name := range names {
		if err := st.Write(name, files[name]); err != nil {
			st.Abort()
			return 0, err
		}
	}
	return st.Commit()
}

// Stage is a new output tree being written beside its target, so that a
// build can write each file as soon as it is made (from several goroutines)
// instead of holding the whole site in memory. Commit swaps it in; Abort
// (or a crash) leaves the target as it was.
//
// The swap is two renames (out -> old, new -> out); between them out does
// not exist for a moment, but it never holds a mix of two builds. A leftover
// directory from a crashed run (".out.new-*", ".out.old-*") is harmless and
// is removed by the next successful Commit.
type Stage struct {
	out, tmp string
	mu       sync.Mutex
	dirs     map[string]bool // directories made so far
	n        int
}

// The modes of published files and folders: readable by everyone, as a
// web server running as another user needs, whatever the umask.
const (
	FileMode = 0o644
	DirMode  = 0o755
)

// NewStage starts a new tree for the directory out.
func NewStage(out string) (*Stage, error) {
	out = filepath.Clean(out)
	if err := os.MkdirAll(filepath.Dir(out), 0o755); err != nil {
		return nil, err
	}
	// The staging folder's name carries the process id, so that a later
	// build can tell one left by a crashed build from one in use.
	tmp, err := os.MkdirTemp(filepath.Dir(out), fmt.Sprintf(".%s.new-%d-", filepath.Base(out), os.Getpid()))
	if err != nil {
		return nil, err
	}
	return &Stage{out: out, tmp: tmp, dirs: map[string]bool{tmp: true}}, nil
}

// Write writes one file (a slash-separated path relative to the tree). It
// is safe to call from several goroutines; writing a file twice is an
// error.
func (s *Stage) Write(name string, data []byte) error {
	dst := filepath.Join(s.tmp, filepath.FromSlash(name))
	if !filepath.IsLocal(filepath.FromSlash(name)) {
		return fmt.Errorf("publish: %q is not a path inside the output", name)
	}
	dir := filepath.Dir(dst)
	s.mu.Lock()
	made := s.dirs[dir]
	s.n++
	s.mu.Unlock()
	if !made {
		if err := mkdirNew(dir); err != nil {
			return err
		}
		s.mu.Lock()
		s.dirs[dir] = true
		s.mu.Unlock()
	}
	return writeNew(dst, data)
}

// Commit flushes the new tree to disk and swaps it in for out. It returns
// the number of files written.
func (s *Stage) Commit() (int, error) {
	if err := syncTree(s.tmp); err != nil { // flush the new tree before it becomes the live one
		s.Abort()
		return 0, err
	}
	if err := os.Chmod(s.tmp, DirMode); err != nil {
		s.Abort()
		return 0, err
	}
	parent, base := filepath.Dir(s.out), filepath.Base(s.out)
	old := ""
	if _, err := os.Stat(s.out); err == nil {
		old = filepath.Join(parent, fmt.Sprintf(".%s.old-%d", base, os.Getpid()))
		os.RemoveAll(old)
		if err := os.Rename(s.out, old); err != nil {
			s.Abort()
			return 0, err
		}
	}
	if err := os.Rename(s.tmp, s.out); err != nil {
		if old != "" {
			_ = os.Rename(old, s.out) // put the last good site back
		}
		s.Abort()
		return 0, err
	}
	cleanup(parent, base)
	return s.n, nil
}

// Abort removes the new tree; the target is untouched.
func (s *Stage) Abort() { os.RemoveAll(s.tmp) }

// cleanup removes directories left by earlier runs: the old trees, and the
// staging folders of builds whose process is gone (a crash, SIGKILL). A
// staging folder of a build still running is left alone.
func cleanup(parent, base string) {
	matches, _ := filepath.Glob(filepath.Join(parent, "."+base+".old-*"))
	for _, m := range matches {
		os.RemoveAll(m)
	}
	staging, _ := filepath.Glob(filepath.Join(parent, "."+base+".new-*"))
	for _, m := range staging {
		rest := strings.TrimPrefix(filepath.Base(m), "."+base+".new-")
		pid, err := strconv.Atoi(rest[:max(strings.IndexByte(rest, '-'), 0)])
		if err != nil || pid <= 0 || !alive(pid) {
			os.RemoveAll(m) // no process id (an older version's) or its process is gone
		}
	}
}

// WriteFileAtomic replaces name with data: written to a file of its own
// beside it, flushed to disk, then renamed over it, so that a crash leaves
// the old file or the new one, never half of one, and two writers never
// share a temporary file.
func WriteFileAtomic(name string, data []byte) error {
	f, err := os.CreateTemp(filepath.Dir(name), "."+filepath.Base(name)+".new-*")
	if err != nil {
		return err
	}
	defer os.Remove(f.Name()) // a no-op once renamed
	if err := f.Chmod(FileMode); err != nil {
		f.Close()
		return err
	}
	if _, err := f.Write(data); err != nil {
		f.Close()
		return err
	}
	if err := f.Sync(); err != nil {
		f.Close()
		return err
	}
	if err := f.Close(); err != nil {
		return err
	}
	return os.Rename(f.Name(), name)
}
