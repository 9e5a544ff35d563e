// Package layout loads the html/template files under templates/ and executes
// them. Every template set is base.html plus all partials/*.html plus one
// page template; the page template defines "main" (and may define "head").
// Templates run with missingkey=error, so a misspelt field is an error rather
// than an empty string.
package layout

import (
	"bytes"
	"crypto/sha256"
	"encoding/hex"
	"fmt"
	"html/template"
	"io/fs"
	"maps"
	"path"
	"regexp"
	"slices"
	"strconv"
	"strings"
	"sync"
	"text/template/parse"

	"github.com/bcs/publish/generator/internal/diag"
)

// Set is the parsed templates, by name (the file name without .html).
type Set struct {
	dir  string
	sets map[string]*template.Template
	// reads is, for each page template, a digest of the files its
	// execution can reach: base.html, the page template and the partials
	// named by {{template}} from there on. A change to a partial changes
	// the digest of exactly the page templates that use it.
	reads map[string]string
}

// Load parses every template in fsys (the templates/ directory). dir is the
// directory's name for errors. funcs are available to every template.
func Load(fsys fs.FS, dir string, funcs template.FuncMap) (*Set, error) {
	read := func(name string) (string, error) {
		b, err := fs.ReadFile(fsys, name)
		return string(b), err
	}
	base, err := read("base.html")
	if err != nil {
		return nil, diag.Errorf(diag.Pos{File: path.Join(dir, "base.html")}, "missing base template: %v", err)
	}
	partialNames, err := fs.Glob(fsys, "partials/*.html")
	if err != nil {
		return nil, err
	}
	pageNames, err := fs.Glob(fsys, "*.html")
	if err != nil {
		return nil, err
	}
	root := template.New("base.html").Option("missingkey=error").Funcs(funcs)
	var errs diag.List
	src := map[string]string{"base.html": base} // file -> its text
	definedBy := map[string]string{}            // template name -> the file defining it
	parse := func(t *template.Template, file, text string) error {
		before := trees(t)
		into := t
		if file != t.Name() {
			into = t.New(file)
		}
		if _, err := into.Parse(text); err != nil {
			return err
		}
		for n, tree := range trees(t) {
			if before[n] != tree { // new here, or redefined here
				definedBy[n] = file
			}
		}
		src[file] = text
		return nil
	}
	if err := parse(root, "base.html", base); err != nil {
		errs = append(errs, convert(dir, err))
	}
	for _, name := range partialNames {
		text, err := read(name)
		if err != nil {
			return nil, err
		}
		if err := parse(root, name, text); err != nil {
			errs = append(errs, convert(dir, err))
		}
	}
	if len(errs) > 0 {
		return nil, errs
	}
	s := &Set{dir: dir, sets: map[string]*template.Template{}, reads: map[string]string{}}
	shared := maps.Clone(definedBy)
	for _, name := range pageNames {
		if name == "base.html" {
			continue
		}
		text, err := read(name)
		if err != nil {
			return nil, err
		}
		t, err := root.Clone()
		if err != nil {
			return nil, err
		}
		definedBy = maps.Clone(shared)
		if err := parse(t, name, text); err != nil {
			errs = append(errs, convert(dir, err))
			continue
		}
		key := strings.TrimSuffix(name, ".html")
		s.sets[key] = t
		s.reads[key] = digest(reached(t, definedBy), src)
	}
	return s, errs.Err()
}

// Reads is a digest of the template files the named page template's
// execution can reach; "" for an unknown name.
func (s *Set) Reads(name string) string { return s.reads[name] }

// trees is the parse tree of every template defined in t's set, by name.
func trees(t *template.Template) map[string]*parse.Tree {
	m := map[string]*parse.Tree{}
	for _, x := range t.Templates() {
		if x.Tree != nil {
			m[x.Name()] = x.Tree
		}
	}
	return m
}

// reached lists the files defining the templates that executing base.html
// in t can reach, following {{template}} calls.
func reached(t *template.Template, definedBy map[string]string) []string {
	seen := map[string]bool{}
	files := map[string]bool{}
	var visit func(name string)
	var walk func(n parse.Node)
	visit = func(name string) {
		if seen[name] {
			return
		}
		seen[name] = true
		files[definedBy[name]] = true
		if x := t.Lookup(name); x != nil && x.Tree != nil {
			walk(x.Tree.Root)
		}
	}
	walk = func(n parse.Node) {
		switch n := n.(type) {
		case *parse.ListNode:
			if n != nil {
				for _, c := range n.Nodes {
					walk(c)
				}
			}
		case *parse.TemplateNode:
			visit(n.Name)
		case *parse.IfNode:
			walk(n.List)
			walk(n.ElseList)
		case *parse.RangeNode:
			walk(n.List)
			walk(n.ElseList)
		case *parse.WithNode:
			walk(n.List)
			walk(n.ElseList)
		}
	}
	visit("base.html")
	delete(files, "")
	return slices.Sorted(maps.Keys(files))
}

// digest hashes the named files' texts.
func digest(files []string, src map[string]string) string {
	h := sha256.New()
	for _, f := range files {
		fmt.Fprintf(h, "%s\x00%d\x00%s", f, len(src[f]), src[f])
	}
	return hex.EncodeToString(h.Sum(nil))
}

// Has reports whether a template with the given name exists.
func (s *Set) Has(name string) bool { return s.sets[name] != nil }

// Names lists the page templates, sorted.
func (s *Set) Names() []string {
	return slices.Sorted(maps.Keys(s.sets))
}

// Execute runs the named page template's base layout with data.
func (s *Set) Execute(name string, data any) ([]byte, error) {
	t := s.sets[name]
	if t == nil {
		return nil, diag.Errorf(diag.Pos{File: path.Join(s.dir, name+".html")}, "missing template %s.html", name)
	}
	b := bufs.Get().(*bytes.Buffer)
	defer func() {
		if b.Cap() <= 4<<20 { // an outsize page: let it go rather than keep its memory
			b.Reset()
			bufs.Put(b)
		}
	}()
	if err := t.ExecuteTemplate(b, "base.html", data); err != nil {
		return nil, convert(s.dir, err)
	}
	return bytes.Clone(b.Bytes()), nil
}

// bufs are reused output buffers: a page is copied out at its exact size
// instead of keeping a buffer grown by doubling.
var bufs = sync.Pool{New: func() any { return new(bytes.Buffer) }}

var tmplPos = regexp.MustCompile(`^(?:html/)?template: ([^:]+):(\d+)(?::(\d+))?: (.*)$`)

// convert turns a text/template or html/template error into a diag.Error at
// the template file and line, when the message carries them.
func convert(dir string, err error) *diag.Error {
	msg := err.Error()
	msg = strings.TrimPrefix(msg, "html/template:")
	msg = strings.TrimSpace(msg)
	if !strings.HasPrefix(msg, "template:") {
		msg = "template: " + msg
	}
	m := tmplPos.FindStringSubmatch(msg)
	if m == nil {
		return diag.Errorf(diag.Pos{File: dir}, "%s", strings.TrimPrefix(msg, "template: "))
	}
	line, _ := strconv.Atoi(m[2])
	col, _ := strconv.Atoi(m[3])
	file := m[1]
	if !strings.HasSuffix(file, ".html") {
		file += ".html"
	}
	text := m[4]
	// executing "x" at <.Foo>: ... -> keep the useful tail
	if i := strings.Index(text, ": "); strings.HasPrefix(text, "executing ") && i > 0 {
		text = fmt.Sprintf("%s (%s)", text[i+2:], text[:i])
	}
	return diag.Errorf(diag.Pos{File: path.Join(dir, file), Line: line, Col: col}, "%s", text)
}
