package markdown

import (
	"bytes"
	"maps"
	"slices"
	"strconv"
	"sync"
	"unicode"

	"github.com/yuin/goldmark/ast"
)

// IDs hands out unique heading ids for one page. Several Markdown pieces of a
// page (its body, section bodies, FAQ answers) share one IDs so their ids
// never collide with each other or with ids the templates reserve.
type IDs struct {
	mu   sync.Mutex
	used map[string]bool
	next map[string]int // the next suffix to try for a base: 20,000 equal headings stay linear
}

// NewIDs returns an IDs with the given ids already taken.
func NewIDs(reserved ...string) *IDs {
	ids := &IDs{used: map[string]bool{}, next: map[string]int{}}
	for _, r := range reserved {
		ids.used[r] = true
	}
	return ids
}

// Slug turns heading text into an id: lower-case letters and digits joined
// by single hyphens. It is the rule used for every generated id on the site.
func Slug(s string) string {
	var b bytes.Buffer
	hyphen := false
	for _, r := range s {
		switch {
		case unicode.IsLetter(r) || unicode.IsDigit(r):
			if hyphen && b.Len() > 0 {
				b.WriteByte('-')
			}
			hyphen = false
			b.WriteRune(unicode.ToLower(r))
		default:
			hyphen = true
		}
	}
	return b.String()
}

// Generate implements parser.IDs.
func (ids *IDs) Generate(value []byte, _ ast.NodeKind) []byte {
	return []byte(ids.Unique(Slug(string(value))))
}

// Put implements parser.IDs; it records an id set explicitly.
func (ids *IDs) Put(value []byte) {
	ids.mu.Lock()
	defer ids.mu.Unlock()
	ids.used[string(value)] = true
}

// taken returns the ids used so far, sorted.
func (ids *IDs) taken() []string {
	ids.mu.Lock()
	defer ids.mu.Unlock()
	return slices.Sorted(maps.Keys(ids.used))
}

// Unique returns base, or base-1, base-2, ... whichever is not yet used, and
// marks it used.
func (ids *IDs) Unique(base string) string {
	if base == "" {
		base = "section"
	}
	ids.mu.Lock()
	defer ids.mu.Unlock()
	id := base
	if ids.used[id] {
		i := max(ids.next[base], 1)
		for id = base + "-" + strconv.Itoa(i); ids.used[id]; id = base + "-" + strconv.Itoa(i) {
			i++
		}
		ids.next[base] = i + 1
	}
	ids.used[id] = true
	return id
}
