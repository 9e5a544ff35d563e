// Package bundle writes ZIP archives that are byte-identical for the same
// content: entries in the order given (callers sort them), one fixed
// modification time, fixed permissions, and names that
// cannot leave the archive's root when extracted.
package bundle

import (
	"archive/zip"
	"bytes"
	"compress/flate"
	"fmt"
	"io"
	"path"
	"strings"
	"sync"
	"time"
	"unicode/utf8"
)

// File is one archive entry.
type File struct {
	Name string // slash-separated, relative
	Data []byte
}

// packed reports whether a file is itself a ZIP package.
func packed(name string) bool {
	switch path.Ext(name) {
	case ".docx", ".xlsx", ".zip":
		return true
	}
	return false
}

// CheckName reports why name is not a safe archive entry name, or nil.
func CheckName(name string) error {
	switch {
	case name == "" || !utf8.ValidString(name):
		return fmt.Errorf("entry name %q is empty or not UTF-8", name)
	case strings.HasPrefix(name, "/") || strings.Contains(name, "\\") || strings.Contains(name, ":"):
		return fmt.Errorf("entry name %q must be a relative slash-separated path", name)
	case path.Clean(name) != name || name == "." || name == ".." || strings.HasPrefix(name, "../"):
		return fmt.Errorf("entry name %q is not a clean path inside the archive", name)
	}
	for _, r := range name {
		if r < 0x20 || r == 0x7f {
			return fmt.Errorf("entry name %q has a control character", name)
		}
	}
	return nil
}

// Zip writes files, in the given order, as a ZIP archive with every entry
// dated at (UTC, to the second) and mode 0644. Names are checked with
// CheckName and must be unique. Entries are deflated at the best
// compression, except files that are ZIP packages themselves (.docx,
// .xlsx, .zip), which are stored: deflating them again gains nothing.
func Zip(files []File, at time.Time) ([]byte, error) {
	return ZipLevel(files, at, flate.BestCompression)
}

// ZipLevel is Zip with a compress/flate level for the deflated entries.
func ZipLevel(files []File, at time.Time, level int) ([]byte, error) {
	var buf bytes.Buffer
	w := zip.NewWriter(&buf)
	w.RegisterCompressor(zip.Deflate, func(out io.Writer) (io.WriteCloser, error) {
		return newDeflater(out, level)
	})
	seen := map[string]bool{}
	at = at.UTC().Truncate(time.Second)
	for _, f := range files {
		if err := CheckName(f.Name); err != nil {
			return nil, err
		}
		if seen[f.Name] {
			return nil, fmt.Errorf("entry %q is added twice", f.Name)
		}
		seen[f.Name] = true
		h := &zip.FileHeader{Name: f.Name, Method: zip.Deflate, Modified: at}
		if packed(f.Name) {
			h.Method = zip.Store
		}
		h.SetMode(0o644)
		e, err := w.CreateHeader(h)
		if err != nil {
			return nil, err
		}
		if _, err := e.Write(f.Data); err != nil {
			return nil, err
		}
	}
	if err := w.Close(); err != nil {
		return nil, err
	}
	return buf.Bytes(), nil
}

// Deflaters are pooled by level: a flate.Writer allocates about a megabyte,
// and a pack's archives hold dozens of small entries.
var deflaters sync.Map // level -> *sync.Pool of *flate.Writer

type deflater struct {
	*flate.Writer
	pool *sync.Pool
}

func newDeflater(out io.Writer, level int) (io.WriteCloser, error) {
	p, _ := deflaters.LoadOrStore(level, &sync.Pool{})
	pool := p.(*sync.Pool)
	if fw, ok := pool.Get().(*flate.Writer); ok {
		fw.Reset(out)
		return deflater{fw, pool}, nil
	}
	fw, err := flate.NewWriter(out, level)
	if err != nil {
		return nil, err
	}
	return deflater{fw, pool}, nil
}

// Close finishes the entry and returns the writer to its pool.
func (d deflater) Close() error {
	err := d.Writer.Close()
	d.pool.Put(d.Writer)
	return err
}
