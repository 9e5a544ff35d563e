// Package assets turns the files under assets/ into the site's static files:
// stylesheets are bundled (with the generated syntax-highlighting CSS) and
// minified, scripts are minified, and every file gets a content hash in its
// name so it can be cached forever. Templates refer to assets by their
// logical name ("site.css", "favicon.svg") and get the hashed URL.
package assets

import (
	"bytes"
	"crypto/sha256"
	"encoding/hex"
	"fmt"
	"io/fs"
	"maps"
	"path"
	"slices"
	"strings"

	"github.com/tdewolff/minify/v2"
	"github.com/tdewolff/minify/v2/css"
	"github.com/tdewolff/minify/v2/js"
	"github.com/tdewolff/minify/v2/svg"

	"github.com/bcs/publish/generator/internal/diag"
)

// Bundle is the stylesheet every page links: all assets/css/*.css files in
// name order followed by the highlighting CSS.
const Bundle = "site.css"

// Set is the built assets.
type Set struct {
	Files  map[string][]byte // output path (under the site root) -> content
	urls   map[string]string // logical name -> site URL
	hashed bool
}

// URL returns the hashed URL of the asset with the given logical name.
func (s *Set) URL(name string) (string, error) {
	u, ok := s.urls[name]
	if !ok {
		return "", fmt.Errorf("unknown asset %q (known: %s)", name, strings.Join(s.Names(), ", "))
	}
	return u, nil
}

// Names lists the logical names of all assets, sorted.
func (s *Set) Names() []string {
	return slices.Sorted(maps.Keys(s.urls))
}

// Build reads every file in fsys (the assets/ directory) and returns the
// output set. dir is the directory's name for errors; extraCSS is appended to
// the stylesheet bundle.
//
// With hashed false (the preview server), names stay as they are, so an edit
// to a stylesheet changes that file only and never the pages that link it.
func Build(fsys fs.FS, dir string, extraCSS []byte, hashed bool) (*Set, error) {
	m := minify.New()
	m.AddFunc("text/css", css.Minify)
	m.AddFunc("text/javascript", js.Minify)
	m.AddFunc("image/svg+xml", svg.Minify)
	set := &Set{Files: map[string][]byte{}, urls: map[string]string{}, hashed: hashed}
	var bundle bytes.Buffer
	var errs diag.List
	err := fs.WalkDir(fsys, ".", func(name string, d fs.DirEntry, err error) error {
		if err != nil || d.IsDir() || strings.HasPrefix(d.Name(), ".") {
			return err
		}
		if d.Type()&fs.ModeSymlink != 0 {
			errs = append(errs, diag.Errorf(diag.Pos{File: path.Join(dir, name)}, "symbolic links are not followed (one could publish a file from outside the project, or loop): put the file itself here"))
			return nil
		}
		src, err := fs.ReadFile(fsys, name)
		if err != nil {
			return err
		}
		file := path.Join(dir, name)
		if path.Dir(name) == "css" && path.Ext(name) == ".css" {
			out, err := m.Bytes("text/css", src)
			if err != nil {
				errs = append(errs, diag.Errorf(diag.Pos{File: file}, "stylesheet: %v", err))
				return nil
			}
			fmt.Fprintf(&bundle, "/* %s */\n", name)
			bundle.Write(out)
			bundle.WriteByte('\n')
			return nil
		}
		mime := map[string]string{".js": "text/javascript", ".svg": "image/svg+xml"}[path.Ext(name)]
		if mime != "" {
			if src, err = m.Bytes(mime, src); err != nil {
				errs = append(errs, diag.Errorf(diag.Pos{File: file}, "%s: %v", mime, err))
				return nil
			}
		}
		set.add(name, src)
		return nil
	})
	if err != nil {
		return nil, err
	}
	if len(errs) > 0 {
		return nil, errs
	}
	// The minifier may write into its input: give it a copy, since the
	// caller keeps extraCSS for the next build.
	extra, err := m.Bytes("text/css", bytes.Clone(extraCSS))
	if err != nil {
		return nil, fmt.Errorf("minifying highlight CSS: %w", err)
	}
	bundle.WriteString("/* highlighting */\n")
	bundle.Write(extra)
	set.add(Bundle, bundle.Bytes())
	return set, nil
}

// add stores content under a hashed name: "js/x.js" -> "assets/js/x.<hash>.js".
func (s *Set) add(name string, content []byte) {
	hashed := "assets/" + name
	if s.hashed {
		sum := sha256.Sum256(content)
		ext := path.Ext(name)
		hashed = "assets/" + strings.TrimSuffix(name, ext) + "." + hex.EncodeToString(sum[:5]) + ext
	}
	s.Files[hashed] = content
	s.urls[name] = "/" + hashed
}
