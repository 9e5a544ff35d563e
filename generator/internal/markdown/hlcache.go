package markdown

import (
	"bufio"
	"bytes"
	"crypto/sha256"
	"encoding/binary"
	"errors"
	"fmt"
	"io"
	"os"
	"path/filepath"
	"runtime/debug"
	"slices"
	"sync"
)

// HighlightCache keeps highlighted code blocks by a hash of their language
// and text, in memory and across builds in one file. Highlighting is the
// largest cost of a page (chroma's lexers are regular expressions), and
// code blocks rarely change between builds.
//
// The file holds the entries the last build used, so it never grows with
// edits. Its header names the cache format and the chroma version, and a
// file with another header is ignored: the cache never changes what is
// built, only how fast. A HighlightCache is safe for concurrent use.
type HighlightCache struct {
	mu      sync.Mutex
	entries map[cacheKey][]byte // loaded or made in this run
	used    map[cacheKey]bool   // asked for in this run
	hits    int
	misses  int
}

type cacheKey [sha256.Size]byte

// NewHighlightCache returns an empty cache.
func NewHighlightCache() *HighlightCache {
	return &HighlightCache{entries: map[cacheKey][]byte{}, used: map[cacheKey]bool{}}
}

// cacheHeader names the file format, how blocks are formatted and the
// chroma version: any change to them makes old entries unusable.
var cacheHeader = func() string {
	chroma := "unknown"
	if bi, ok := debug.ReadBuildInfo(); ok {
		for _, m := range bi.Deps {
			if m.Path == "github.com/alecthomas/chroma/v2" {
				chroma = m.Version
				if m.Replace != nil {
					chroma = m.Replace.Path + "@" + m.Replace.Version
				}
			}
		}
	}
	return fmt.Sprintf("bcs highlight cache 1; classes, tab width 4; chroma %s\n", chroma)
}()

// LoadHighlightCache reads the cache file name. A missing file, or one
// from another version, gives an empty cache; a damaged one is an error
// naming it (the caller may delete it).
func LoadHighlightCache(name string) (*HighlightCache, error) {
	c := NewHighlightCache()
	f, err := os.Open(name)
	if errors.Is(err, os.ErrNotExist) {
		return c, nil
	}
	if err != nil {
		return nil, err
	}
	defer f.Close()
	r := bufio.NewReaderSize(f, 1<<16)
	header, err := r.ReadString('\n')
	if err != nil || header != cacheHeader {
		return c, nil // another format or version: start again
	}
	for {
		var k cacheKey
		if _, err := io.ReadFull(r, k[:]); err == io.EOF {
			return c, nil
		} else if err != nil {
			return nil, fmt.Errorf("%s: damaged highlight cache (delete it): %v", name, err)
		}
		n, err := binary.ReadUvarint(r)
		if err != nil || n > 64<<20 {
			return nil, fmt.Errorf("%s: damaged highlight cache (delete it)", name)
		}
		v := make([]byte, n)
		if _, err := io.ReadFull(r, v); err != nil {
			return nil, fmt.Errorf("%s: damaged highlight cache (delete it): %v", name, err)
		}
		c.entries[k] = v
	}
}

// Save writes the entries used since the cache was loaded to the file
// name, atomically (a new file renamed over the old one), in key order so
// that the same blocks give the same file.
func (c *HighlightCache) Save(name string) error {
	c.mu.Lock()
	defer c.mu.Unlock()
	if err := os.MkdirAll(filepath.Dir(name), 0o755); err != nil {
		return err
	}
	f, err := os.CreateTemp(filepath.Dir(name), filepath.Base(name)+".new-*")
	if err != nil {
		return err
	}
	defer os.Remove(f.Name()) // after the rename, a no-op
	if err := f.Chmod(0o644); err != nil {
		f.Close()
		return err
	}
	w := bufio.NewWriterSize(f, 1<<16)
	w.WriteString(cacheHeader)
	keys := make([]cacheKey, 0, len(c.used))
	for k := range c.used {
		keys = append(keys, k)
	}
	slices.SortFunc(keys, func(a, b cacheKey) int { return bytes.Compare(a[:], b[:]) })
	var n [binary.MaxVarintLen64]byte
	for _, k := range keys {
		v := c.entries[k]
		w.Write(k[:])
		w.Write(n[:binary.PutUvarint(n[:], uint64(len(v)))])
		w.Write(v)
	}
	if err := w.Flush(); err != nil {
		f.Close()
		return err
	}
	if err := f.Close(); err != nil {
		return err
	}
	return os.Rename(f.Name(), name)
}

// Stats returns how many look-ups found their block and how many did not.
func (c *HighlightCache) Stats() (hits, misses int) {
	c.mu.Lock()
	defer c.mu.Unlock()
	return c.hits, c.misses
}

func key(lang string, code []byte) cacheKey {
	h := sha256.New()
	h.Write([]byte(lang))
	h.Write([]byte{0})
	h.Write(code)
	var k cacheKey
	h.Sum(k[:0])
	return k
}

// get returns the highlighted HTML of a block, or false.
func (c *HighlightCache) get(k cacheKey) ([]byte, bool) {
	c.mu.Lock()
	defer c.mu.Unlock()
	v, ok := c.entries[k]
	c.used[k] = true
	if ok {
		c.hits++
	} else {
		c.misses++
	}
	return v, ok
}

func (c *HighlightCache) put(k cacheKey, html []byte) {
	c.mu.Lock()
	defer c.mu.Unlock()
	c.entries[k] = html
	c.used[k] = true
}
