// Package diag defines the one error type users see: a message anchored at a
// position in one of their files, printed as "file:line:col: message".
//
// Stages collect every user error they can find into a List rather than
// stopping at the first, so one build reports everything that needs fixing.
// Programming errors (I/O failures, bugs) are plain Go errors and are never
// wrapped in an Error.
package diag

import (
	"cmp"
	"errors"
	"fmt"
	"slices"
	"strings"
	"sync"
	"unicode/utf8"
)

// Pos is a position in a source file. Line and Col are 1-based; zero means
// unknown, and is omitted when printed.
type Pos struct {
	File string
	Line int
	Col  int
}

// String formats p as "file:line:col", dropping unknown parts.
func (p Pos) String() string {
	switch {
	case p.Line == 0:
		return p.File
	case p.Col == 0:
		return fmt.Sprintf("%s:%d", p.File, p.Line)
	}
	return fmt.Sprintf("%s:%d:%d", p.File, p.Line, p.Col)
}

// Error is a user error at a position.
type Error struct {
	Pos Pos
	Msg string
}

// Errorf returns an *Error at pos with a formatted message.
func Errorf(pos Pos, format string, args ...any) *Error {
	return &Error{Pos: pos, Msg: fmt.Sprintf(format, args...)}
}

func (e *Error) Error() string { return e.Pos.String() + ": " + e.Msg }

// List is a set of user errors. Its Error method prints them sorted by
// position, one per line.
type List []*Error

func (l List) Error() string {
	var b strings.Builder
	for i, e := range l.Sorted() {
		if i > 0 {
			b.WriteByte('\n')
		}
		b.WriteString(e.Error())
	}
	return b.String()
}

// Sorted returns a copy of l ordered by file, line, column and message, with
// exact duplicates removed.
func (l List) Sorted() List {
	s := slices.Clone(l)
	slices.SortFunc(s, func(a, b *Error) int {
		return cmp.Or(
			cmp.Compare(a.Pos.File, b.Pos.File),
			cmp.Compare(a.Pos.Line, b.Pos.Line),
			cmp.Compare(a.Pos.Col, b.Pos.Col),
			cmp.Compare(a.Msg, b.Msg),
		)
	})
	return slices.CompactFunc(s, func(a, b *Error) bool { return *a == *b })
}

// Err returns l as an error, or nil when l is empty.
func (l List) Err() error {
	if len(l) == 0 {
		return nil
	}
	return l
}

// Collector gathers errors from concurrent stages. The zero value is ready.
type Collector struct {
	mu   sync.Mutex
	list List
}

// Add records err. A List or *Error is flattened into the collection; any
// other non-nil error is returned unchanged so the caller can treat it as a
// programming or I/O failure.
func (c *Collector) Add(err error) error {
	if err == nil {
		return nil
	}
	var l List
	var e *Error
	c.mu.Lock()
	defer c.mu.Unlock()
	switch {
	case errors.As(err, &l):
		c.list = append(c.list, l...)
	case errors.As(err, &e):
		c.list = append(c.list, e)
	default:
		return err
	}
	return nil
}

// List returns what was collected so far.
func (c *Collector) List() List {
	c.mu.Lock()
	defer c.mu.Unlock()
	return slices.Clone(c.list)
}

// Suggest returns the candidate closest to word by edit distance, or "" when
// none is close enough to be a plausible misspelling.
func Suggest(word string, candidates []string) string {
	best, bestD := "", len(word)/2+1
	if bestD > 3 {
		bestD = 3
	}
	for _, c := range candidates {
		if d := distance(strings.ToLower(word), strings.ToLower(c)); d < bestD || (d == bestD && best != "" && c < best) {
			best, bestD = c, d
		}
	}
	return best
}

// distance is the edit distance between a and b, in bytes, counting a swap
// of two neighbouring letters as one edit (optimal string alignment): "nmae"
// is one edit from "name", the commonest slip of typing.
func distance(a, b string) int {
	prev2 := make([]int, len(b)+1)
	prev := make([]int, len(b)+1)
	cur := make([]int, len(b)+1)
	for j := range prev {
		prev[j] = j
	}
	for i := 1; i <= len(a); i++ {
		cur[0] = i
		for j := 1; j <= len(b); j++ {
			cost := 1
			if a[i-1] == b[j-1] {
				cost = 0
			}
			cur[j] = min(prev[j]+1, cur[j-1]+1, prev[j-1]+cost)
			if i > 1 && j > 1 && a[i-1] == b[j-2] && a[i-2] == b[j-1] {
				cur[j] = min(cur[j], prev2[j-2]+1)
			}
		}
		prev2, prev, cur = prev, cur, prev2
	}
	return prev[len(b)]
}

// Flatten returns err as a List: the user errors it holds, or, for an error
// that is not a user error (a renderer failure), one error at file, so that
// nothing is lost.
func Flatten(err error, file string) List {
	var c Collector
	if other := c.Add(err); other != nil {
		c.Add(Errorf(Pos{File: file}, "%v", other))
	}
	return c.List()
}

// CheckUTF8 reports the first byte of src that is not UTF-8, as an error at
// its line and column (firstLine is the line src starts on), or nil.
func CheckUTF8(file string, src []byte, firstLine int) *Error {
	if utf8.Valid(src) {
		return nil
	}
	line, col := firstLine, 1
	for i := 0; i < len(src); {
		r, size := utf8.DecodeRune(src[i:])
		if r == utf8.RuneError && size <= 1 {
			return Errorf(Pos{File: file, Line: line, Col: col}, "the file is not valid UTF-8 here (byte 0x%02x): save it as UTF-8", src[i])
		}
		if r == '\n' {
			line, col = line+1, 1
		} else {
			col++
		}
		i += size
	}
	return nil
}
