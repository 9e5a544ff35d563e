package publish

import (
	"fmt"
	"io/fs"
	"os"
	"path/filepath"
	"sync"
	"syscall"
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

// TestStageConcurrentWritesAndAbort writes a tree from several goroutines,
// aborts one stage and commits another: the aborted one leaves no trace,
// and a path outside the tree is refused.
func TestStageConcurrentWritesAndAbort(t *testing.T) {
	out := filepath.Join(t.TempDir(), "public")
	if _, err := Write(out, map[string][]byte{"index.html": []byte("good")}); err != nil {
		t.Fatal(err)
	}
	bad, err := NewStage(out)
	if err != nil {
		t.Fatal(err)
	}
	if err := bad.Write("index.html", []byte("half-built")); err != nil {
		t.Fatal(err)
	}
	if err := bad.Write("../escape.html", []byte("x")); err == nil {
		t.Error("a path outside the tree was written")
	}
	bad.Abort()
	if got := read(t, filepath.Join(out, "index.html")); got != "good" {
		t.Errorf("an aborted stage changed the site: %q", got)
	}
	st, err := NewStage(out)
	if err != nil {
		t.Fatal(err)
	}
	var wg sync.WaitGroup
	for g := range 4 {
		wg.Go(func() {
			for i := range 50 {
				name := fmt.Sprintf("s%d/p%d/index.html", i%5, g*50+i)
				if err := st.Write(name, []byte(name)); err != nil {
					t.Error(err)
				}
			}
		})
	}
	wg.Wait()
	n, err := st.Commit()
	if err != nil || n != 200 {
		t.Fatalf("Commit = %d, %v", n, err)
	}
	if got := read(t, filepath.Join(out, "s3", "p8", "index.html")); got != "s3/p8/index.html" {
		t.Errorf("s3/p8/index.html = %q", got)
	}
	if _, err := os.Stat(filepath.Join(out, "index.html")); !os.IsNotExist(err) {
		t.Error("a file from the previous build survived")
	}
	leftovers, _ := filepath.Glob(filepath.Join(filepath.Dir(out), ".public.*"))
	if len(leftovers) != 0 {
		t.Errorf("temporary directories left behind: %v", leftovers)
	}
}

// TestModesUnderStrictUmask: a user whose umask is 077 still publishes a
// site a web server running as another user can read.
func TestModesUnderStrictUmask(t *testing.T) {
	old := syscall.Umask(0o077)
	defer syscall.Umask(old)
	umaskWas := umask
	umask = 0o077 &^ 0o022 // as if read at start under this umask
	defer func() { umask = umaskWas }()
	out := filepath.Join(t.TempDir(), "public")
	s, err := NewStage(out)
	if err != nil {
		t.Fatal(err)
	}
	for _, name := range []string{"index.html", "a/b/c/index.html", "a/x.css"} {
		if err := s.Write(name, []byte("x")); err != nil {
			t.Fatal(err)
		}
	}
	if _, err := s.Commit(); err != nil {
		t.Fatal(err)
	}
	err = filepath.WalkDir(out, func(p string, d fs.DirEntry, err error) error {
		if err != nil {
			return err
		}
		info, _ := d.Info()
		want := fs.FileMode(FileMode)
		if d.IsDir() {
			want = DirMode
		}
		if got := info.Mode().Perm(); got != want {
			t.Errorf("%s: mode %o, want %o", p, got, want)
		}
		return nil
	})
	if err != nil {
		t.Fatal(err)
	}
}

// TestCommitRemovesCrashedStaging: a successful Commit removes the staging
// folders of builds whose process is gone, and leaves a running one's.
func TestCommitRemovesCrashedStaging(t *testing.T) {
	parent := t.TempDir()
	out := filepath.Join(parent, "public")
	crashed := filepath.Join(parent, ".public.new-999999999-123")
	older := filepath.Join(parent, ".public.new-12345") // an older version's name, no process id
	running := filepath.Join(parent, fmt.Sprintf(".public.new-%d-456", os.Getpid()))
	for _, d := range []string{crashed, older, running} {
		if err := os.MkdirAll(filepath.Join(d, "sub"), 0o755); err != nil {
			t.Fatal(err)
		}
	}
	s, err := NewStage(out)
	if err != nil {
		t.Fatal(err)
	}
	if err := s.Write("index.html", []byte("x")); err != nil {
		t.Fatal(err)
	}
	if _, err := s.Commit(); err != nil {
		t.Fatal(err)
	}
	for d, want := range map[string]bool{crashed: false, older: false, running: true} {
		if _, err := os.Stat(d); (err == nil) != want {
			t.Errorf("%s: exists %v, want %v", filepath.Base(d), err == nil, want)
		}
	}
}
