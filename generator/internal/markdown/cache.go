package markdown

import (
	"bufio"
	"bytes"
	"crypto/sha256"
	"encoding/binary"
	"errors"
	"fmt"
	"os"
	"path/filepath"
	"runtime/debug"
	"slices"
	"strings"
	"sync"
)

// Cache keeps converted Markdown across builds, in memory and in one file:
// whole pieces (a page body, a section's text) by a hash of their text and
// the heading ids already taken on the page, and highlighted code blocks by
// a hash of their language and code. Conversion is most of a page's work,
// and highlighting most of that (chroma's lexers are regular expressions);
// an edited piece still finds its unchanged code blocks.
//
// The file holds the entries the last build used, so it never grows with
// edits. Its header names the cache format and the chroma version, and a
// file with another header is ignored: the cache never changes what is
// built, only how fast. Pieces that fail to convert are never kept. A
// Cache is safe for concurrent use.
type Cache struct {
	mu      sync.Mutex
	entries map[cacheKey][]byte // loaded or made in this run
	used    map[cacheKey]bool   // asked for in this run
	loaded  int                 // entries read from the file
	dirty   bool                // an entry was added since loading
	hits    int
	misses  int
	program string // the fingerprint of the program that made the entries
}

// header is the first line of the cache file: the format, and the
// program that made it.
func (c *Cache) header() string {
	if c.program == "" {
		return cacheHeader
	}
	return strings.TrimSuffix(cacheHeader, "\n") + "; program " + c.program + "\n"
}

type cacheKey [sha256.Size]byte

// NewCache returns an empty cache.
func NewCache() *Cache {
	return &Cache{entries: map[cacheKey][]byte{}, used: map[cacheKey]bool{}}
}

// cacheHeader names the file format, how blocks are formatted and the
// chroma version: any change to them makes old entries unusable.
var cacheHeader = fmt.Sprintf("bcs markdown cache 3; classes, tab width 4; chroma %s; goldmark %s\n",
	moduleVersion("github.com/alecthomas/chroma/v2"), moduleVersion("github.com/yuin/goldmark"))

// moduleVersion is the version of a module built into the program (with
// its replacement, if any), or "unknown".
func moduleVersion(path string) string {
	if bi, ok := debug.ReadBuildInfo(); ok {
		for _, m := range bi.Deps {
			if m.Path == path {
				if m.Replace != nil {
					return m.Replace.Path + "@" + m.Replace.Version
				}
				return m.Version
			}
		}
	}
	return "unknown"
}

// LoadCache reads the cache file name. A missing file, or one
// from another version, gives an empty cache; a damaged one is an error
// naming it (the caller may delete it).
func LoadCache(name string) (*Cache, error) { return LoadCacheFor(name, "") }

// LoadCacheFor reads the cache file name made by the program whose
// fingerprint is program (bcs passes the sha256 of its executable): a file
// another program made is ignored, so a rebuilt bcs whose conversion
// changed never serves the pieces the old one converted.
func LoadCacheFor(name, program string) (*Cache, error) {
	c := NewCache()
	c.program = program
	data, err := mapFile(name)
	if errors.Is(err, os.ErrNotExist) {
		return c, nil
	}
	if err != nil {
		return nil, err
	}
	rest, ok := bytes.CutPrefix(data, []byte(c.header()))
	if !ok {
		return c, nil // another format or version: start again
	}
	damaged := fmt.Errorf("%s: damaged Markdown cache (delete it)", name)
	for len(rest) > 0 {
		if len(rest) < len(cacheKey{}) {
			return nil, damaged
		}
		k := cacheKey(rest[:len(cacheKey{})])
		rest = rest[len(cacheKey{}):]
		n, w := binary.Uvarint(rest)
		if w <= 0 || uint64(len(rest)-w) < n {
			return nil, damaged
		}
		c.entries[k] = rest[w : w+int(n) : w+int(n)]
		rest = rest[w+int(n):]
		c.loaded++
	}
	return c, nil
}

// Save writes the entries used since the cache was loaded to the file
// name, atomically (a new file renamed over the old one), in key order so
// that the same entries give the same file. When the build used exactly
// what was loaded, the file is left as it is.
func (c *Cache) Save(name string) error {
	c.mu.Lock()
	defer c.mu.Unlock()
	if !c.dirty && len(c.used) == c.loaded {
		return nil
	}
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
	w.WriteString(c.header())
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
func (c *Cache) Stats() (hits, misses int) {
	c.mu.Lock()
	defer c.mu.Unlock()
	return c.hits, c.misses
}

// Kinds of entry: the first byte hashed.
const (
	kindBlock = 'b' // a highlighted code block
	kindPiece = 'p' // a converted piece of Markdown
)

func key(kind byte, parts ...[]byte) cacheKey {
	h := sha256.New()
	h.Write([]byte{kind})
	var n [binary.MaxVarintLen64]byte
	for _, p := range parts {
		h.Write(n[:binary.PutUvarint(n[:], uint64(len(p)))])
		h.Write(p)
	}
	var k cacheKey
	h.Sum(k[:0])
	return k
}

// keep marks entries as used without looking them up: the code blocks of
// a piece found whole, kept for when that piece is edited.
func (c *Cache) keep(keys []cacheKey) {
	c.mu.Lock()
	defer c.mu.Unlock()
	for _, k := range keys {
		if _, ok := c.entries[k]; ok {
			c.used[k] = true
		}
	}
}

// get returns an entry, or false.
func (c *Cache) get(k cacheKey) ([]byte, bool) {
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

func (c *Cache) put(k cacheKey, html []byte) {
	c.mu.Lock()
	defer c.mu.Unlock()
	c.entries[k] = html
	c.used[k] = true
	c.dirty = true
}
