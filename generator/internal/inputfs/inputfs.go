// Package inputfs is the one layer through which the build reads the
// project. It opens only regular files and folders: a named pipe, socket or
// device would block a read for ever or read a device, and a symbolic link
// inside the project could publish a file from outside it, so each is
// refused by its type, before it is opened, with an error naming it. (A
// top-level input folder that is itself a link is read through: the path
// to a file is followed, the file itself must not be a link.)
//
// It also records what the build read: each file by the hash of its
// content, each folder listed by the hash of its entries, each name looked
// up by what it was (missing, a folder, a file). A later run replays the
// record (Replay): if every read gives the same answer, the build would
// read the same inputs. The build stamp and the preview's watch list come
// from the record.
package inputfs

import (
	"bytes"
	"cmp"
	"context"
	"crypto/sha256"
	"encoding/hex"
	"errors"
	"fmt"
	"io"
	"io/fs"
	"maps"
	"path"
	"slices"
	"strings"
	"sync"

	"github.com/bcs/publish/generator/internal/diag"
	"github.com/bcs/publish/generator/internal/work"
)

// Kind is what a recorded read did.
type Kind string

const (
	File  Kind = "file"  // read a file's content
	Dir   Kind = "dir"   // listed a folder
	Stat  Kind = "stat"  // looked a name up: missing, a folder or a file
	Lstat Kind = "lstat" // looked a name up without following a final link: missing, a link, a folder or a file
)

// A Read is one recorded read: the name, what was done, and the hash of
// what it gave.
type Read struct {
	Name string `json:"name"`
	Kind Kind   `json:"kind"`
	Sum  string `json:"sum"` // hex sha256 of the content or listing; for a look-up, what the name was
}

// Record is the reads of a build, sorted by name and kind.
type Record []Read

// FS reads the project through fsys and records the reads. It is safe for
// concurrent use. With Keep set, the contents of files read are kept and
// served again without reading them twice (bcs build replays the last
// record and then builds from what the replay read).
type FS struct {
	fsys fs.FS
	keep bool

	mu    sync.Mutex
	reads map[readKey]string
	kept  map[string][]byte // with keep: file contents read
	sums  map[string]string // and their hashes
}

type readKey struct {
	name string
	kind Kind
}

// New returns the project in fsys as the build reads it.
func New(fsys fs.FS) *FS {
	return &FS{fsys: fsys, reads: map[readKey]string{}, kept: map[string][]byte{}, sums: map[string]string{}}
}

// Keep makes f keep the contents of the files it reads (see FS).
func (f *FS) Keep() *FS { f.keep = true; return f }

// Fresh returns an FS over the same project with no reads recorded, which
// serves the file contents f kept without reading them again (and records
// them as it serves them): bcs build replays the last record through one
// FS, then builds through a fresh one, whose record is the build's alone.
func (f *FS) Fresh() *FS {
	f.mu.Lock()
	defer f.mu.Unlock()
	return &FS{fsys: f.fsys, keep: f.keep, reads: map[readKey]string{}, kept: maps.Clone(f.kept), sums: maps.Clone(f.sums)}
}

func (f *FS) note(name string, kind Kind, sum string) {
	f.mu.Lock()
	f.reads[readKey{path.Clean(name), kind}] = sum
	f.mu.Unlock()
}

func digest(b []byte) string {
	s := sha256.Sum256(b)
	return hex.EncodeToString(s[:])
}

// Record returns what f has read so far. A name read again records what
// the latest read gave.
func (f *FS) Record() Record {
	f.mu.Lock()
	defer f.mu.Unlock()
	r := make(Record, 0, len(f.reads))
	for k, sum := range f.reads {
		r = append(r, Read{Name: k.name, Kind: k.kind, Sum: sum})
	}
	slices.SortFunc(r, func(a, b Read) int { return cmp.Or(strings.Compare(a.Name, b.Name), cmp.Compare(a.Kind, b.Kind)) })
	return r
}

// Folders are the folders the record listed, read a file from or found a
// name missing in, sorted ("." for the project itself): what a watcher
// must watch to see every change that could change the build.
func (r Record) Folders() []string {
	set := map[string]bool{}
	for _, x := range r {
		switch {
		case x.Kind == Dir:
			set[x.Name] = true
		case x.Kind == File, x.Sum == "missing":
			set[path.Dir(x.Name)] = true
		}
	}
	return slices.Sorted(maps.Keys(set))
}

// In is the part of r that a watch on folder dir sees: its listing and
// the names directly in it.
func (r Record) In(dir string) Record {
	var out Record
	for _, x := range r {
		if x.Name == dir && x.Kind == Dir || path.Dir(x.Name) == dir && x.Kind != Dir {
			out = append(out, x)
		}
	}
	return out
}

// Replay does every read of r again through f and reports whether each
// gave what it gave then. Files are read on all cores; it stops early at a
// difference.
func (f *FS) Replay(r Record) bool {
	ctx, differ := context.WithCancel(context.Background())
	defer differ()
	var files []Read
	listed := map[string]bool{} // folders whose listing, names and types, is as it was
	for _, x := range r {
		var sum string
		switch x.Kind {
		case File:
			files = append(files, x)
			continue
		case Dir:
			if _, err := f.ReadDir(x.Name); err != nil {
				return false
			}
			sum = f.sum(x.Name, Dir)
			listed[x.Name] = true
		case Stat:
			f.Stat(x.Name)
			sum = f.sum(x.Name, Stat)
		case Lstat:
			f.Lstat(x.Name)
			sum = f.sum(x.Name, Lstat)
		default:
			return false
		}
		if sum != x.Sum {
			return false
		}
	}
	err := work.Parallel(ctx, len(files), func(i int) error {
		// A file in a folder whose listing is unchanged is still a regular
		// file (the listing holds the types): no need to look at it first.
		name := files[i].Name
		if _, err := f.readFile(name, listed[path.Dir(name)]); err != nil || f.sum(name, File) != files[i].Sum {
			differ()
		}
		return nil
	})
	return err == nil
}

func (f *FS) sum(name string, kind Kind) string {
	f.mu.Lock()
	defer f.mu.Unlock()
	return f.reads[readKey{name, kind}]
}

// checkType refuses what is not a regular file or a folder.
func (f *FS) checkType(name string) error {
	info, err := fs.Lstat(f.fsys, name)
	if err != nil {
		return err
	}
	return TypeError(name, info.Mode())
}

// TypeError says why a file of mode m cannot be read, or nil.
func TypeError(name string, m fs.FileMode) error {
	what := ""
	switch {
	case m.IsRegular(), m.IsDir():
		return nil
	case m&fs.ModeSymlink != 0:
		return SymlinkError(name)
	case m&fs.ModeNamedPipe != 0:
		what = "a named pipe (FIFO)"
	case m&fs.ModeSocket != 0:
		what = "a socket"
	case m&fs.ModeDevice != 0, m&fs.ModeCharDevice != 0:
		what = "a device"
	default:
		what = "not a regular file"
	}
	return diag.Errorf(diag.Pos{File: name}, "this is %s, not a file: the build reads only regular files; remove it", what)
}

// SymlinkError refuses a symbolic link in the content: it could point
// outside the project (and publish what it points at) or at itself.
func SymlinkError(name string) *diag.Error {
	return diag.Errorf(diag.Pos{File: name}, "symbolic links are not followed (one could publish a file from outside the project, or loop): put the file itself here")
}

// ReadFile reads a regular file and records its content's hash.
func (f *FS) ReadFile(name string) ([]byte, error) { return f.readFile(name, false) }

// readFile is ReadFile; typed says the caller knows name is a regular file.
func (f *FS) readFile(name string, typed bool) ([]byte, error) {
	name = path.Clean(name)
	f.mu.Lock()
	b, ok := f.kept[name]
	f.mu.Unlock()
	if ok {
		f.note(name, File, f.keptSum(name, b))
		return b, nil
	}
	if !typed {
		if err := f.checkType(name); err != nil {
			f.missing(name, err)
			return nil, err
		}
	}
	b, err := fs.ReadFile(f.fsys, name)
	if err != nil {
		f.missing(name, err)
		return nil, err
	}
	sum := digest(b)
	if f.keep {
		f.mu.Lock()
		f.kept[name], f.sums[name] = b, sum
		f.mu.Unlock()
	}
	f.note(name, File, sum)
	return b, nil
}

// keptSum is the recorded hash of a kept file (kept files are recorded
// when read, and Fresh copies the hashes with the contents).
func (f *FS) keptSum(name string, b []byte) string {
	f.mu.Lock()
	sum, ok := f.sums[name]
	f.mu.Unlock()
	if !ok {
		sum = digest(b)
	}
	return sum
}

// missing records a name that was not there, so that its coming changes
// the record's answer.
func (f *FS) missing(name string, err error) {
	if errors.Is(err, fs.ErrNotExist) {
		f.note(name, Stat, "missing")
	}
}

// ReadDir lists a folder and records its entries' names and types.
func (f *FS) ReadDir(name string) ([]fs.DirEntry, error) {
	entries, err := fs.ReadDir(f.fsys, name)
	if err != nil {
		f.missing(name, err)
		return nil, err
	}
	h := sha256.New()
	for _, e := range entries {
		fmt.Fprintf(h, "%q %v\n", e.Name(), e.Type())
	}
	f.note(name, Dir, hex.EncodeToString(h.Sum(nil)))
	return entries, nil
}

// Stat looks a name up and records what it is (not its size or time: a
// file's content is recorded when it is read).
func (f *FS) Stat(name string) (fs.FileInfo, error) {
	info, err := fs.Stat(f.fsys, name)
	f.noteInfo(name, Stat, info, err)
	return info, err
}

// Lstat is Stat without following a final link.
func (f *FS) Lstat(name string) (fs.FileInfo, error) {
	info, err := fs.Lstat(f.fsys, name)
	f.noteInfo(name, Lstat, info, err)
	return info, err
}

func (f *FS) noteInfo(name string, kind Kind, info fs.FileInfo, err error) {
	switch {
	case err != nil && errors.Is(err, fs.ErrNotExist):
		f.note(name, kind, "missing")
	case err != nil:
	case info.Mode()&fs.ModeSymlink != 0:
		f.note(name, kind, "link")
	case info.IsDir():
		f.note(name, kind, "folder")
	default:
		f.note(name, kind, "file")
	}
}

// ReadLink reads a link's target; it records nothing.
func (f *FS) ReadLink(name string) (string, error) { return fs.ReadLink(f.fsys, name) }

// Open opens a folder (its listing recorded when read through ReadDir) or
// reads a file whole and returns it from memory, so that every file read
// is recorded with its content, however it is read.
func (f *FS) Open(name string) (fs.File, error) {
	if err := f.checkType(name); err != nil {
		f.missing(name, err)
		return nil, err
	}
	info, err := f.Stat(name)
	if err != nil {
		return nil, err
	}
	if info.IsDir() {
		return f.fsys.Open(name)
	}
	b, err := f.readFile(name, true) // its type was just looked at
	if err != nil {
		return nil, err
	}
	return &memFile{Reader: bytes.NewReader(b), info: info}, nil
}

type memFile struct {
	*bytes.Reader
	info fs.FileInfo
}

func (m *memFile) Stat() (fs.FileInfo, error) { return m.info, nil }
func (m *memFile) Close() error               { return nil }

var (
	_ fs.ReadFileFS = (*FS)(nil)
	_ fs.ReadDirFS  = (*FS)(nil)
	_ fs.StatFS     = (*FS)(nil)
	_ io.ReadSeeker = (*memFile)(nil)
)
