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
}

// NewIDs returns an IDs with the given ids already taken.
func NewIDs(reserved ...string) *IDs {
	ids := &IDs{used: map[string]bool{}}
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
	for i := 1; ids.used[id]; i++ {
		id = base + "-" + strconv.Itoa(i)
	}
	ids.used[id] = true
	return id
}
