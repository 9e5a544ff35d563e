// Package layout loads the html/template files under templates/ and executes
// them. Every template set is base.html plus all partials/*.html plus one
// page template; the page template defines "main" (and may define "head").
// Templates run with missingkey=error, so a misspelt field is an error rather
// than an empty string.
package layout

import (
	"bytes"
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

	"github.com/bcs/publish/generator/internal/diag"
)

// Set is the parsed templates, by name (the file name without .html).
type Set struct {
	dir  string
	sets map[string]*template.Template
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
	if _, err := root.Parse(base); err != nil {
		errs = append(errs, convert(dir, err))
	}
	for _, name := range partialNames {
		src, err := read(name)
		if err != nil {
			return nil, err
		}
		if _, err := root.New(name).Parse(src); err != nil {
			errs = append(errs, convert(dir, err))
		}
	}
	if len(errs) > 0 {
		return nil, errs
	}
	s := &Set{dir: dir, sets: map[string]*template.Template{}}
	for _, name := range pageNames {
		if name == "base.html" {
			continue
		}
		src, err := read(name)
		if err != nil {
			return nil, err
		}
		t, err := root.Clone()
		if err != nil {
			return nil, err
		}
		if _, err := t.New(name).Parse(src); err != nil {
			errs = append(errs, convert(dir, err))
			continue
		}
		s.sets[strings.TrimSuffix(name, ".html")] = t
	}
	return s, errs.Err()
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
