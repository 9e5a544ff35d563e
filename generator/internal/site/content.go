package site

import (
	"context"
	"errors"
	"io/fs"
	"path"
	"slices"
	"strings"

	"github.com/bcs/publish/generator/internal/diag"
	"github.com/bcs/publish/generator/internal/inputfs"
	"github.com/bcs/publish/generator/internal/page"
	"github.com/bcs/publish/generator/internal/work"
)

// readContent looks again at the given content paths (files or folders,
// present or gone): it parses Markdown in parallel and records copied files.
// It returns the pages that changed (nil: gone) with their previous version
// in before, and the copied files that changed.
func (b *Builder) readContent(ctx context.Context, paths []string, before map[string]*page.Page, st *Stats) (map[string]*page.Page, map[string]bool, error) {
	var mds []string
	staticChanged := map[string]bool{}
	// forget drops every page and copied file at or below rel ("" is all of
	// content/) except those in keep.
	forget := func(rel string, keep map[string]bool) {
		below := func(r string) bool { return (rel == "" || r == rel || strings.HasPrefix(r, rel+"/")) && !keep[r] }
		for r, pg := range b.sources {
			if below(r) {
				before[r] = pg
				delete(b.sources, r)
			}
		}
		for r := range b.static {
			if below(r) {
				delete(b.static, r)
				staticChanged[r] = true
			}
		}
	}
	// note records a file that is there: Markdown to parse, or a file to copy.
	note := func(name string, seen map[string]bool) {
		if name == SettingsFile || Scratch(path.Base(name)) {
			return
		}
		r := strings.TrimPrefix(strings.TrimPrefix(name, ContentDir), "/")
		seen[r] = true
		if strings.HasSuffix(name, ".md") {
			mds = append(mds, r)
		} else {
			b.static[r] = true
			staticChanged[r] = true
		}
	}
	for _, p := range paths {
		rel := strings.TrimPrefix(strings.TrimPrefix(p, ContentDir), "/")
		info, err := fs.Lstat(b.root, p)
		switch {
		case errors.Is(err, fs.ErrNotExist):
			forget(rel, nil)
		case err != nil:
			return nil, nil, diag.Errorf(diag.Pos{File: p}, "cannot read: %v", unwrapPath(err))
		case info.Mode()&fs.ModeSymlink != 0:
			return nil, nil, inputfs.SymlinkError(p)
		case !info.IsDir():
			note(p, map[string]bool{})
		default: // a folder: everything below it is new, changed or gone
			seen := map[string]bool{}
			err = fs.WalkDir(b.root, p, func(name string, d fs.DirEntry, err error) error {
				switch {
				case err != nil:
					return err
				case d.Type()&fs.ModeSymlink != 0:
					return inputfs.SymlinkError(name)
				case !d.IsDir():
					note(name, seen)
				}
				return nil
			})
			var de *diag.Error
			if errors.As(err, &de) {
				return nil, nil, de
			}
			if err != nil {
				return nil, nil, diag.Errorf(diag.Pos{File: p}, "cannot read the content: %v", unwrapPath(err))
			}
			forget(rel, seen)
		}
	}
	slices.Sort(mds)
	mds = slices.Compact(mds)
	parsed := make([]*page.Page, len(mds))
	var c diag.Collector
	err := work.Parallel(ctx, len(mds), func(i int) error {
		file := path.Join(ContentDir, mds[i])
		src, err := fs.ReadFile(b.root, file)
		if err != nil {
			return err
		}
		pg, err := page.Parse(file, mds[i], src)
		parsed[i] = pg
		return c.Add(err)
	})
	if err != nil {
		return nil, nil, err
	}
	if err := c.List().Err(); err != nil {
		return nil, nil, err
	}
	st.Parsed = len(mds)
	changed := map[string]*page.Page{}
	for i, rel := range mds {
		if _, ok := before[rel]; !ok {
			before[rel] = b.sources[rel]
		}
		b.sources[rel] = parsed[i]
		changed[rel] = parsed[i]
	}
	for rel := range before {
		if _, ok := changed[rel]; !ok {
			changed[rel] = nil
		}
	}
	return changed, staticChanged, nil
}

// Scratch reports editors' temporary and backup files and hidden files: never
// content, and never worth a rebuild.
func Scratch(name string) bool {
	return strings.HasPrefix(name, ".") || strings.HasPrefix(name, "#") || strings.HasSuffix(name, "~") ||
		strings.HasSuffix(name, ".swp") || strings.HasSuffix(name, ".swx") || strings.HasSuffix(name, ".tmp") || name == "4913"
}
