// Package stamp records what a build was made from, so that building again
// with nothing changed can stop at "up to date" instead of redoing the
// work, as make does, but by content rather than by modification time.
//
// A stamp holds the record of what the build read (inputfs.Record: every
// file by the hash of its content, every folder it listed by its entries,
// every name it looked up), the program and its options, a digest of the
// output tree as it was left (path, size and modification time of every
// file, so that a deleted or edited output file is noticed), and the moment
// the build goes out of date by itself (the first future-dated page falling
// due). A stamp is current when every read gives the same answer again: the
// build is deterministic, so the same reads would give the same output.
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
	"path/filepath"
	"time"

	"github.com/bcs/publish/generator/internal/inputfs"
	"github.com/bcs/publish/generator/internal/publish"
)

// Stamp is what one successful build was made from and what it left.
type Stamp struct {
	Salt  string         `json:"salt"`           // the program's fingerprint and the options
	Reads inputfs.Record `json:"reads"`          // what the build read
	Out   string         `json:"out"`            // absolute output directory
	Tree  string         `json:"tree"`           // HashTree of the output after the build
	Until time.Time      `json:"until,omitzero"` // out of date from then on (zero: never by itself)
}

// Current reports whether s still describes a build by the program and
// options salt into out at time now, replaying its reads through project.
func (s Stamp) Current(salt string, project *inputfs.FS, out string, now time.Time) bool {
	if s.Salt != salt || s.Out != out || len(s.Reads) == 0 || (!s.Until.IsZero() && !now.Before(s.Until)) {
		return false
	}
	if tree, err := HashTree(out); err != nil || tree != s.Tree {
		return false
	}
	return project.Replay(s.Reads)
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
