// Package site builds the whole website in memory: it reads the project
// through an fs.FS, turns content into pages, renders them through the
// templates in parallel, adds assets, redirects, sitemap and robots.txt, and
// checks every internal link. The result is a map of output files that
// package publish writes atomically (or the preview server serves).
package site

import (
	"context"
	"errors"
	"fmt"
	"io/fs"
	"path"
	"runtime"
	"strings"
	"sync"
	"time"

	"github.com/bcs/publish/generator/internal/assets"
	"github.com/bcs/publish/generator/internal/config"
	"github.com/bcs/publish/generator/internal/diag"
	"github.com/bcs/publish/generator/internal/icb"
	"github.com/bcs/publish/generator/internal/indicator"
	"github.com/bcs/publish/generator/internal/layout"
	"github.com/bcs/publish/generator/internal/markdown"
	"github.com/bcs/publish/generator/internal/page"
)

// The project's fixed layout, relative to its root.
const (
	ContentDir     = "content"
	TemplatesDir   = "templates"
	AssetsDir      = "assets"
	SettingsFile   = "content/site.yaml"
	IndicatorsFile = "packs/indicators.yaml"
	ICBsFile       = "packs/icbs.csv"
)

// Options control one build.
type Options struct {
	Drafts bool      // include pages with draft: true
	Future bool      // include pages dated after Now
	Now    time.Time // the moment that decides what is "future"
}

// Site is a built website.
type Site struct {
	Files map[string][]byte // output path -> content
	Pages []*page.Page      // the published pages, sorted by source path
}

// Build reads the project in root and builds the site. User errors come back
// as a diag.List holding every problem found; other errors are failures of
// the machine (I/O) or bugs.
func Build(ctx context.Context, root fs.FS, opt Options) (*Site, error) {
	in, err := load(root)
	if err != nil {
		return nil, err
	}
	pages, err := parsePages(ctx, root, in.contentFiles)
	if err != nil {
		return nil, err
	}
	pages = visible(pages, opt)
	if err := page.Link(pages); err != nil {
		return nil, err
	}
	forms, err := resolveForms(pages, formLists(in.icbs))
	if err != nil {
		return nil, err
	}
	r := &renderer{site: in.settings, indicators: in.indicators, md: in.md, pages: pages, forms: forms, csp: contentSecurityPolicy(formOrigins(forms))}
	if r.assets, err = assets.Build(sub(root, AssetsDir), AssetsDir, in.highlightCSS); err != nil {
		return nil, err
	}
	if r.templates, err = layout.Load(sub(root, TemplatesDir), TemplatesDir, r.funcs()); err != nil {
		return nil, err
	}
	files := map[string][]byte{}
	for name, b := range r.assets.Files {
		files[name] = b
	}
	for _, name := range in.staticFiles {
		b, err := fs.ReadFile(root, path.Join(ContentDir, name))
		if err != nil {
			return nil, err
		}
		files[name] = b
	}
	rendered, err := r.renderAll(ctx, pages)
	if err != nil {
		return nil, err
	}
	for i, p := range pages {
		if f := forms[p]; f != nil {
			var export []byte
			if rendered[i], export, err = r.finishForm(p, f, rendered[i]); err != nil {
				return nil, err
			}
			files[exportPath(f)] = export
		}
		files[p.OutPath()] = rendered[i]
		for _, a := range p.Front.Aliases {
			files[page.OutPath(a)] = redirectPage(in.settings, p.URL)
		}
	}
	files["sitemap.xml"] = sitemap(in.settings, pages)
	files["robots.txt"] = robots(in.settings)
	files["_headers"] = headers(r.csp)
	if err := checkLinks(files, pages); err != nil {
		return nil, err
	}
	return &Site{Files: files, Pages: pages}, nil
}

// inputs are the project-wide files every page depends on.
type inputs struct {
	settings     *config.Site
	indicators   *indicator.Set
	icbs         *icb.Set
	md           *markdown.Converter
	highlightCSS []byte
	contentFiles []string // .md files under content/, slash paths relative to content/
	staticFiles  []string // other files under content/, copied as they are
}

func load(root fs.FS) (*inputs, error) {
	in := &inputs{md: markdown.New()}
	var c diag.Collector
	src, err := fs.ReadFile(root, SettingsFile)
	if err != nil {
		return nil, diag.Errorf(diag.Pos{File: SettingsFile}, "cannot read the site settings: %v", unwrapPath(err))
	}
	if in.settings, err = config.Parse(SettingsFile, src); err != nil {
		if err := c.Add(err); err != nil {
			return nil, err
		}
	}
	if src, err = fs.ReadFile(root, IndicatorsFile); err != nil {
		return nil, diag.Errorf(diag.Pos{File: IndicatorsFile}, "cannot read the indicators: %v", unwrapPath(err))
	}
	if in.indicators, err = indicator.Parse(IndicatorsFile, src); err != nil {
		if err := c.Add(err); err != nil {
			return nil, err
		}
	}
	if src, err = fs.ReadFile(root, ICBsFile); err != nil {
		return nil, diag.Errorf(diag.Pos{File: ICBsFile}, "cannot read the ICBs: %v", unwrapPath(err))
	}
	if in.icbs, err = icb.Parse(ICBsFile, src); err != nil {
		if err := c.Add(err); err != nil {
			return nil, err
		}
	}
	if in.settings != nil {
		if in.highlightCSS, err = markdown.StyleCSS(in.settings.HighlightStyle); err != nil {
			c.Add(diag.Errorf(diag.Pos{File: SettingsFile}, "highlight_style: %v", err))
		}
	}
	err = fs.WalkDir(root, ContentDir, func(name string, d fs.DirEntry, err error) error {
		if err != nil {
			return err
		}
		rel := strings.TrimPrefix(strings.TrimPrefix(name, ContentDir), "/")
		switch {
		case d.IsDir() || name == SettingsFile:
		case strings.HasPrefix(d.Name(), ".") || strings.HasSuffix(d.Name(), "~"):
			// editor and system files
		case strings.HasSuffix(name, ".md"):
			in.contentFiles = append(in.contentFiles, rel)
		default:
			in.staticFiles = append(in.staticFiles, rel)
		}
		return nil
	})
	if err != nil {
		return nil, diag.Errorf(diag.Pos{File: ContentDir}, "cannot read the content: %v", unwrapPath(err))
	}
	return in, c.List().Err()
}

// parsePages parses every content file in parallel; the result is in the
// order of names.
func parsePages(ctx context.Context, root fs.FS, names []string) ([]*page.Page, error) {
	pages := make([]*page.Page, len(names))
	var c diag.Collector
	err := parallel(ctx, len(names), func(i int) error {
		file := path.Join(ContentDir, names[i])
		src, err := fs.ReadFile(root, file)
		if err != nil {
			return err
		}
		p, err := page.Parse(file, names[i], src)
		pages[i] = p
		return c.Add(err)
	})
	if err != nil {
		return nil, err
	}
	return pages, c.List().Err()
}

// visible drops drafts and future pages unless opt asks for them.
func visible(pages []*page.Page, opt Options) []*page.Page {
	var out []*page.Page
	for _, p := range pages {
		if !p.Hidden(opt.Now, opt.Drafts, opt.Future) {
			out = append(out, p)
		}
	}
	return out
}

// parallel runs f(0..n-1) on all cores and returns the first non-nil error.
func parallel(ctx context.Context, n int, f func(i int) error) error {
	var (
		wg    sync.WaitGroup
		mu    sync.Mutex
		first error
		next  = make(chan int)
	)
	for range min(runtime.GOMAXPROCS(0), max(n, 1)) {
		wg.Go(func() {
			for i := range next {
				if err := f(i); err != nil {
					mu.Lock()
					if first == nil {
						first = err
					}
					mu.Unlock()
				}
			}
		})
	}
	for i := 0; i < n && ctx.Err() == nil; i++ {
		next <- i
	}
	close(next)
	wg.Wait()
	if first == nil {
		first = ctx.Err()
	}
	return first
}

// sub returns the subtree dir of root; a missing directory reads as empty
// and is reported by whoever needs a file from it.
func sub(root fs.FS, dir string) fs.FS {
	s, err := fs.Sub(root, dir)
	if err != nil {
		panic(fmt.Sprintf("site: fs.Sub(%q): %v", dir, err)) // only on an invalid path: a bug
	}
	return s
}

func unwrapPath(err error) error {
	var pe *fs.PathError
	if errors.As(err, &pe) {
		return pe.Err
	}
	return err
}
