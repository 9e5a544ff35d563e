// Package yamldoc decodes YAML strictly into typed Go values and keeps the
// parsed document so later validation can point at the exact line and column
// of any value.
//
// Strict means: an unknown key is an error (with a suggestion when the key
// looks like a misspelling of a known one), a value of the wrong type is an
// error, and a duplicate key is an error. Every error is a diag.Error naming
// file:line:col in the user's file, even when the YAML was embedded in a
// larger file (front matter) starting at some line offset.
package yamldoc

import (
	"errors"
	"fmt"
	"reflect"
	"regexp"
	"slices"
	"strconv"
	"strings"
	"sync"

	"github.com/goccy/go-yaml"
	"github.com/goccy/go-yaml/ast"
	"github.com/goccy/go-yaml/parser"
	"github.com/goccy/go-yaml/token"

	"github.com/bcs/publish/generator/internal/diag"
)

// Doc is a parsed YAML document with the file it came from, for position
// look-ups. It keeps the source and parses it again on the first look-up
// rather than holding the syntax tree of every file read (at 10,000 pages
// the trees were a quarter of the build's live memory, for look-ups that
// mostly never happen). Doc values are safe for concurrent use.
type Doc struct {
	File       string
	lineOffset int
	src        []byte
	once       sync.Once
	root       ast.Node
}

// tree returns the document's root node, or nil for an empty document.
func (d *Doc) tree() ast.Node {
	d.once.Do(func() {
		if d.root != nil {
			return
		}
		if f, err := parser.ParseBytes(d.src, 0); err == nil && len(f.Docs) == 1 {
			d.root = f.Docs[0].Body
		}
	})
	return d.root
}

// Decode parses src as YAML and decodes it strictly into v (a pointer to a
// struct). lineOffset is the number of lines in file before src starts, so
// positions are reported in the user's file. The returned Doc is non-nil
// whenever parsing succeeded, even if decoding failed, so callers can keep
// validating.
func Decode(file string, src []byte, lineOffset int, v any) (*Doc, error) {
	if err := diag.CheckUTF8(file, src, lineOffset+1); err != nil {
		return nil, err
	}
	f, err := parser.ParseBytes(src, 0)
	if err != nil {
		return nil, syntaxError(src, convert(file, lineOffset, err, v), lineOffset)
	}
	d := &Doc{File: file, lineOffset: lineOffset}
	if err := d.plain(f); err != nil {
		return nil, err
	}
	if len(f.Docs) > 1 {
		var at *token.Token
		if second := f.Docs[1]; second.Start != nil {
			at = second.Start
		} else if second.Body != nil {
			at = second.Body.GetToken()
		}
		return nil, diag.Errorf(d.pos(at), "only one YAML document is allowed here (a line \"---\" inside the YAML starts another)")
	}
	if len(f.Docs) == 1 && f.Docs[0].Body != nil {
		d.root = f.Docs[0].Body
	}
	if d.root == nil {
		return d, nil // empty document: v keeps its zero value
	}
	if _, ok := d.root.(*ast.MappingNode); !ok {
		if _, ok := d.root.(*ast.MappingValueNode); !ok {
			return nil, diag.Errorf(d.pos(d.root.GetToken()), "expected key: value pairs, found %s", describe(d.root))
		}
	}
	if err := decodeNode(d.root, v); err != nil {
		return d, convert(file, lineOffset, err, v)
	}
	d.root, d.src = nil, src // parsed again if a position is asked for
	return d, nil
}

// decodeNode decodes strictly, turning a panic inside the YAML library
// (fuzzing found inputs that cause one) into an error at the document.
func decodeNode(root ast.Node, v any) (err error) {
	defer func() {
		if r := recover(); r != nil {
			err = fmt.Errorf("[%d:%d] this YAML cannot be read (%v)", root.GetToken().Position.Line, root.GetToken().Position.Column, r)
		}
	}()
	return yaml.NodeToValue(root, v, yaml.DisallowUnknownField())
}

// Pos returns the position of the value at path (a YAML path such as
// "$.sections[2].heading"), falling back to the nearest existing ancestor and
// finally to the start of the document.
func (d *Doc) Pos(path string) diag.Pos {
	for d != nil && d.tree() != nil {
		if p, err := yaml.PathString(path); err == nil {
			if n, err := p.FilterNode(d.tree()); err == nil && n != nil {
				return d.pos(firstToken(n))
			}
		}
		i := strings.LastIndexAny(path, ".[")
		if i <= 1 {
			break
		}
		path = path[:i]
	}
	if d == nil {
		return diag.Pos{}
	}
	return diag.Pos{File: d.File, Line: d.lineOffset + 1, Col: 1}
}

func (d *Doc) pos(t *token.Token) diag.Pos {
	if t == nil || t.Position == nil {
		return diag.Pos{File: d.File, Line: d.lineOffset + 1, Col: 1}
	}
	return diag.Pos{File: d.File, Line: d.lineOffset + t.Position.Line, Col: t.Position.Column}
}

// firstToken is where a node starts: for a mapping, its first key.
func firstToken(n ast.Node) *token.Token {
	switch m := n.(type) {
	case *ast.MappingNode:
		if len(m.Values) > 0 {
			return m.Values[0].Key.GetToken()
		}
	case *ast.MappingValueNode:
		return m.Key.GetToken()
	}
	return n.GetToken()
}

func describe(n ast.Node) string {
	switch n.Type() {
	case ast.SequenceType:
		return "a list"
	case ast.StringType:
		return "a string"
	}
	kind := strings.ToLower(n.Type().String())
	if strings.ContainsRune("aeiou", rune(kind[0])) {
		return "an " + kind
	}
	return "a " + kind
}

// syntaxError puts explain's plain words in place of the library's for
// err, a syntax error converted to the user's position.
func syntaxError(src []byte, err error, lineOffset int) error {
	var de *diag.Error
	if !errors.As(err, &de) {
		return err
	}
	if msg, at := explain(src, de.Pos.Line-lineOffset, de.Msg); msg != "" {
		line := de.Pos.Line
		if at > 0 {
			line = at + lineOffset
		}
		return &diag.Error{Pos: diag.Pos{File: de.Pos.File, Line: line, Col: 1}, Msg: msg}
	}
	return err
}

// convert turns a go-yaml error into a diag.Error at the user's position.
func convert(file string, lineOffset int, err error, v any) error {
	var ye yaml.Error
	if !errors.As(err, &ye) {
		return diag.Errorf(diag.Pos{File: file, Line: lineOffset + 1}, "%s", err)
	}
	pos := diag.Pos{File: file, Line: lineOffset + 1, Col: 1}
	if t := ye.GetToken(); t != nil && t.Position != nil {
		pos.Line, pos.Col = lineOffset+t.Position.Line, t.Position.Column
	}
	msg := ye.GetMessage()
	var uf *yaml.UnknownFieldError
	var te *yaml.TypeError
	var dk *yaml.DuplicateKeyError
	switch {
	case errors.As(err, &dk):
		key := ""
		if t := dk.GetToken(); t != nil {
			key = t.Value
		}
		msg = "duplicate key " + quote(key)
	case errors.As(err, &uf):
		key := ""
		if t := uf.GetToken(); t != nil {
			key = t.Value
		}
		msg = "unknown key " + quote(key)
		if s := diag.Suggest(key, keysOf(reflect.TypeOf(v))); s != "" {
			msg += "; did you mean " + quote(s) + "?"
		}
	case errors.As(err, &te):
		msg = "wrong type: " + typeMessage(te)
	case strings.HasPrefix(msg, "["):
		// go-yaml prefixes some messages with a position; ours is better.
		if i := strings.Index(msg, "] "); i > 0 {
			msg = msg[i+2:]
		}
	}
	if m := dupKey.FindStringSubmatch(msg); m != nil {
		line, _ := strconv.Atoi(m[2])
		msg = fmt.Sprintf("duplicate key %q (first set on line %d)", m[1], line+lineOffset)
	}
	return &diag.Error{Pos: pos, Msg: msg}
}

var dupKey = regexp.MustCompile(`^mapping key "(.*)" already defined at \[(\d+):(\d+)\]$`)

func typeMessage(te *yaml.TypeError) string {
	want := kindName(te.DstType)
	got := "a value"
	if t := te.Token; t != nil {
		got = quote(t.Value)
	}
	return "wants " + want + ", found " + got
}

func kindName(t reflect.Type) string {
	if t == nil {
		return "another type"
	}
	for t.Kind() == reflect.Pointer {
		t = t.Elem()
	}
	switch t.Kind() {
	case reflect.String:
		return "text"
	case reflect.Bool:
		return "true or false"
	case reflect.Int, reflect.Int8, reflect.Int16, reflect.Int32, reflect.Int64,
		reflect.Uint, reflect.Uint8, reflect.Uint16, reflect.Uint32, reflect.Uint64:
		return "a whole number"
	case reflect.Float32, reflect.Float64:
		return "a number"
	case reflect.Slice, reflect.Array:
		return "a list"
	case reflect.Map, reflect.Struct:
		return "key: value pairs"
	}
	return t.String()
}

func quote(s string) string { return `"` + s + `"` }

// keysOf lists every YAML key reachable from t, used to suggest the intended
// key for a misspelt one.
func keysOf(t reflect.Type) []string {
	seen := map[reflect.Type]bool{}
	var keys []string
	var walk func(reflect.Type)
	walk = func(t reflect.Type) {
		for t != nil && (t.Kind() == reflect.Pointer || t.Kind() == reflect.Slice || t.Kind() == reflect.Array || t.Kind() == reflect.Map) {
			t = t.Elem()
		}
		if t == nil || t.Kind() != reflect.Struct || seen[t] {
			return
		}
		seen[t] = true
		for f := range t.Fields() {
			if !f.IsExported() {
				continue
			}
			name, _, _ := strings.Cut(f.Tag.Get("yaml"), ",")
			if name == "-" {
				continue
			}
			if name == "" {
				name = strings.ToLower(f.Name)
			}
			keys = append(keys, name)
			walk(f.Type)
		}
	}
	walk(t)
	slices.Sort(keys)
	return slices.Compact(keys)
}

// plain refuses YAML anchors, aliases and merge keys: the files are plain
// data, and aliases can multiply a small file into a huge value.
func (d *Doc) plain(f *ast.File) error {
	var errs diag.List
	for _, doc := range f.Docs {
		ast.Walk(visitor(func(n ast.Node) {
			switch n.(type) {
			case *ast.AnchorNode:
				errs = append(errs, diag.Errorf(d.pos(n.GetToken()), "YAML anchors (&name) are not allowed: write the value out"))
			case *ast.AliasNode:
				errs = append(errs, diag.Errorf(d.pos(n.GetToken()), "YAML aliases (*name) are not allowed: write the value out"))
			case *ast.MergeKeyNode:
				errs = append(errs, diag.Errorf(d.pos(n.GetToken()), "YAML merge keys (<<) are not allowed: write the keys out"))
			case *ast.TagNode:
				errs = append(errs, diag.Errorf(d.pos(n.GetToken()), "YAML tags (!name) are not allowed: write the value on its own"))
			}
		}), doc)
	}
	return errs.Err()
}

type visitor func(ast.Node)

func (v visitor) Visit(n ast.Node) ast.Visitor {
	v(n)
	return v
}
