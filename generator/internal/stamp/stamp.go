// Package stamp records what a build was made from, so that building again
// with nothing changed can stop at "up to date" instead of redoing the
// work, as make does, but by content rather than by modification time.
//
// A stamp holds a hash of every input file (path, type and content) with
// the program and its options, a digest of the output tree as it was left
// (path, size and modification time of every file, so that a deleted or
// edited output file is noticed), and the moment the build goes out of date
// by itself (the first future-dated page falling due). The build is
// deterministic, so the same inputs would give the same output.
package stamp

import (
	"crypto/sha256"
	"encoding/hex"
	"encoding/json"
	"errors"
	"fmt"
	"io"
	"io/fs"
	"os"
	"path"
	"path/filepath"
	"runtime"
	"slices"
	"strings"
	"sync"
	"time"

	"github.com/bcs/publish/generator/internal/publish"
)

// Stamp is what one successful build was made from and what it left.
type Stamp struct {
	Inputs string    `json:"inputs"`         // HashInputs of the build
	Out    string    `json:"out"`            // absolute output directory
	Tree   string    `json:"tree"`           // HashTree of the output after the build
	Until  time.Time `json:"until,omitzero"` // out of date from then on (zero: never by itself)
}

// Current reports whether s still describes a build with the given inputs
// into out at time now.
func (s Stamp) Current(inputs, out string, now time.Time) bool {
	if s.Inputs != inputs || s.Out != out || (!s.Until.IsZero() && !now.Before(s.Until)) {
		return false
	}
	tree, err := HashTree(out)
	return err == nil && tree == s.Tree
}

// File is where the stamp of a build into out lives in the cache folder.
func File(cacheDir, out string) string {
	h := sha256.Sum256([]byte(out))
	return filepath.Join(cacheDir, "stamp-"+hex.EncodeToString(h[:6])+".json")
}

// Load reads a stamp; a missing or unreadable one is the zero Stamp, which
// is never current.
func Load(name string) Stamp {
	var s Stamp
	if b, err := os.ReadFile(name); err == nil {
		_ = json.Unmarshal(b, &s)
	}
	return s
}

// Save writes the stamp atomically: to a file of its own (two builds never
// share one), flushed to disk, then renamed over the old stamp.
func (s Stamp) Save(name string) error {
	b, err := json.MarshalIndent(s, "", "  ")
	if err != nil {
		return err
	}
	if err := os.MkdirAll(filepath.Dir(name), 0o755); err != nil {
		return err
	}
	return publish.WriteFileAtomic(name, append(b, '\n'))
}

// Remove deletes a stamp, so that the next build does the work.
func Remove(name string) error {
	if err := os.Remove(name); err != nil && !errors.Is(err, fs.ErrNotExist) {
		return err
	}
	return nil
}

// HashInputs hashes salt (the program and its options) and every entry
// below the given folders of root: its path, its type, and a regular
// file's content or a link's target. Files are read on all cores, and
// their contents are returned by slash-separated path relative to root, so
// that the build reads what was hashed rather than reading it all again.
func HashInputs(root string, dirs []string, salt string) (string, map[string][]byte, error) {
	type entry struct {
		rel  string
		mode fs.FileMode
		data []byte
		sum  [sha256.Size]byte
	}
	var entries []*entry
	for _, d := range dirs {
		// A folder that is itself a link (templates/ -> ../shared/templates)
		// is read through the link by the build, so its files are hashed as
		// files of d, not as the link's target string.
		start := filepath.Join(root, d)
		if info, err := os.Lstat(start); err == nil && info.Mode()&fs.ModeSymlink != 0 {
			if real, err := filepath.EvalSymlinks(start); err == nil {
				start = real
			}
		}
		err := filepath.WalkDir(start, func(p string, de fs.DirEntry, err error) error {
			if errors.Is(err, fs.ErrNotExist) && p == start {
				return nil // a folder the project does not have
			}
			if err != nil {
				return err
			}
			rel, _ := filepath.Rel(start, p)
			entries = append(entries, &entry{rel: path.Join(d, filepath.ToSlash(rel)), mode: de.Type()})
			return nil
		})
		if err != nil {
			return "", nil, err
		}
	}
	var (
		wg    sync.WaitGroup
		next  = make(chan *entry)
		mu    sync.Mutex
		first error
	)
	for range runtime.GOMAXPROCS(0) {
		wg.Go(func() {
			for e := range next {
				name := filepath.Join(root, filepath.FromSlash(e.rel))
				var err error
				switch {
				case e.mode&fs.ModeSymlink != 0:
					var target string
					target, err = os.Readlink(name)
					e.sum = sha256.Sum256([]byte(target))
				case e.mode.IsRegular():
					e.data, err = os.ReadFile(name)
					e.sum = sha256.Sum256(e.data)
				}
				if err != nil {
					mu.Lock()
					first = cmpErr(first, err)
					mu.Unlock()
				}
			}
		})
	}
	for _, e := range entries {
		next <- e
	}
	close(next)
	wg.Wait()
	if first != nil {
		return "", nil, first
	}
	slices.SortFunc(entries, func(a, b *entry) int { return strings.Compare(a.rel, b.rel) })
	h := sha256.New()
	fmt.Fprintf(h, "%q\n", salt)
	files := map[string][]byte{}
	for _, e := range entries {
		fmt.Fprintf(h, "%q %v %x\n", e.rel, e.mode, e.sum)
		if e.mode.IsRegular() {
			files[e.rel] = e.data
		}
	}
	return hex.EncodeToString(h.Sum(nil)), files, nil
}

func cmpErr(first, err error) error {
	if first == nil {
		return err
	}
	return first
}

// HashTree hashes the listing of the folder dir: every entry's path, type,
// size and modification time. A missing folder is an error.
func HashTree(dir string) (string, error) {
	h := sha256.New()
	err := filepath.WalkDir(dir, func(p string, de fs.DirEntry, err error) error {
		if err != nil {
			return err
		}
		info, err := de.Info()
		if err != nil {
			return err
		}
		rel, _ := filepath.Rel(dir, p)
		size := info.Size()
		if info.IsDir() {
			size = 0 // a folder's size is the file system's business
		}
		fmt.Fprintf(h, "%q %v %d %d\n", filepath.ToSlash(rel), info.Mode(), size, info.ModTime().UnixNano())
		return nil
	})
	if err != nil {
		return "", err
	}
	return hex.EncodeToString(h.Sum(nil)), nil
}

// Program identifies the running program by a hash of its executable, so
// that a rebuilt bcs never trusts a stamp of the one before. The hash is
// kept beside the stamps, by the executable's path, size and time.
func Program(cacheDir string) (string, error) {
	exe, err := os.Executable()
	if err != nil {
		return "", err
	}
	info, err := os.Stat(exe)
	if err != nil {
		return "", err
	}
	id := fmt.Sprintf("%s %d %d", exe, info.Size(), info.ModTime().UnixNano())
	memo := filepath.Join(cacheDir, "program.json")
	var known struct{ ID, Sum string }
	if b, err := os.ReadFile(memo); err == nil && json.Unmarshal(b, &known) == nil && known.ID == id {
		return known.Sum, nil
	}
	f, err := os.Open(exe)
	if err != nil {
		return "", err
	}
	defer f.Close()
	h := sha256.New()
	if _, err := io.Copy(h, f); err != nil {
		return "", err
	}
	known.ID, known.Sum = id, hex.EncodeToString(h.Sum(nil))
	if b, err := json.Marshal(known); err == nil && os.MkdirAll(cacheDir, 0o755) == nil {
		_ = os.WriteFile(memo, b, 0o644) // only a shortcut: a failure costs a hash next time
	}
	return known.Sum, nil
}
