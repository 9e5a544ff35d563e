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
	"time"

	"github.com/bcs/publish/generator/internal/config"
	"github.com/bcs/publish/generator/internal/diag"
	"github.com/bcs/publish/generator/internal/icb"
	"github.com/bcs/publish/generator/internal/images"
	"github.com/bcs/publish/generator/internal/indicator"
	"github.com/bcs/publish/generator/internal/inputfs"
	"github.com/bcs/publish/generator/internal/linkcheck"
	"github.com/bcs/publish/generator/internal/markdown"
	"github.com/bcs/publish/generator/internal/pack"
	"github.com/bcs/publish/generator/internal/packsite"
	"github.com/bcs/publish/generator/internal/page"
	"github.com/bcs/publish/generator/internal/review"
)

// The project's fixed layout, relative to its root.
const (
	ContentDir     = "content"
	TemplatesDir   = "templates"
	AssetsDir      = "assets"
	SettingsFile   = "content/site.yaml"
	IndicatorsFile = pack.IndicatorsFile // declared where the packs' files are
	ICBsFile       = pack.ICBsFile
)

// The cache folder bcs build keeps in the project, and its Markdown cache
// file (the preview reads it too).
const (
	CacheDir          = ".bcs-cache"
	MarkdownCacheFile = "markdown.cache"
	ImagesCacheDir    = "images" // section images' variants (images.Cache)
)

// Options control one build.
type Options struct {
	Drafts  bool      // include pages with draft: true
	Future  bool      // include pages dated after Now
	Now     time.Time // the moment that decides what is "future"
	Preview bool      // asset names without content hashes, so a stylesheet edit changes that file only

	// Release makes an out-of-date clinical review record (pack.RecordFile)
	// an error, as bcs build does; the preview builds without it, so that
	// pack maintainers can see an edit before the record is remade.
	Release bool

	// Highlight, when set, is where highlighted code blocks are looked up
	// first and kept (bcs build loads it from and saves it to the project's
	// cache; the preview keeps one in memory).
	Cache *markdown.Cache

	// Images, when set, keeps section images' variants between builds (bcs
	// build: .bcs-cache/images/); a Builder keeps them in memory anyway.
	Images *images.Cache

	// Sink, when set, receives every output file of the first build as soon
	// as it is made, and the build keeps none of their contents (Files holds
	// nil for each): `bcs build` writes the site this way without holding it
	// in memory. A Builder with a Sink builds once.
	Sink Sink

	// CMSScript, when set, is the site path /admin/ loads the CMS from
	// instead of its pinned release on the CDN (DecapScript): bcs serve
	// -cms serves a local copy there, for make cms on a machine offline.
	CMSScript string
}

// Sink receives output files; Write is called from several goroutines.
type Sink interface {
	Write(name string, data []byte) error
}

// Site is a built website.
type Site struct {
	Files map[string][]byte // output path -> content
	Pages []*page.Page      // the published pages, sorted by source path
	Packs []PackReport      // every ICB's starter pack, by ODS code
	// Reviews are the clinical reviews due within review.DueWithin.
	Reviews []review.Due
	// Unconfirmed are the settings that are still placeholders.
	Unconfirmed []config.Placeholder
	// External lists the external links by address (never fetched).
	External []linkcheck.External
	// Until is when a page left out for its future date falls due (zero:
	// none): the site is out of date from then on.
	Until time.Time
	// Read is everything the build read of the project (what bcs build's
	// stamp replays).
	Read inputfs.Record
}

// Build reads the project in root and builds the site. User errors come back
// as a diag.List holding every problem found; other errors are failures of
// the machine (I/O) or bugs.
func Build(ctx context.Context, root fs.FS, opt Options) (*Site, error) {
	b := NewBuilder(root, opt)
	res, err := b.Update(ctx, nil)
	if err != nil {
		return nil, err
	}
	return &Site{Files: res.Files, Pages: res.Pages, Packs: res.Packs, Reviews: res.Reviews, Unconfirmed: res.Unconfirmed, External: b.External(), Until: res.Until, Read: b.Read()}, nil
}

// BuildPack builds one area's starter pack, without the rest of the site:
// key is an ICB's ODS code or a place area's key (S0E4D/oxfordshire), for
// the map in force on the day.
func BuildPack(root fs.FS, key string, on time.Time) (*packsite.Pack, error) {
	root = inputfs.New(root)
	in, err := loadInputs(root, nil)
	if err != nil {
		return nil, err
	}
	data, err := pack.Load(root, in.icbs, in.indicators)
	if err != nil {
		return nil, err
	}
	if err := data.CheckRecord(root).Err(); err != nil {
		return nil, err
	}
	area, err := data.Area(key, on)
	if err != nil {
		return nil, err
	}
	return packsite.Build(data, area, in.md, packOptions(in.settings))
}

// inputs are the project-wide files every page depends on.
type inputs struct {
	settings     *config.Site
	indicators   *indicator.Set
	icbs         *icb.Set
	md           *markdown.Converter
	highlightCSS []byte
}

// loadInputs reads the settings, the indicators and the ICBs, and makes the
// highlighting stylesheet and the Markdown converter (highlighting through
// hl when it is not nil).
func loadInputs(root fs.FS, hl *markdown.Cache) (*inputs, error) {
	in := &inputs{md: markdown.NewCached(hl)}
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
	return in, c.List().Err()
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

// LoadPackData loads and checks the project's pack data, without building
// anything: for the tools that work on the data itself.
func LoadPackData(root fs.FS) (*pack.Data, error) {
	root = inputfs.New(root)
	in, err := loadInputs(root, nil)
	if err != nil {
		return nil, err
	}
	return pack.Load(root, in.icbs, in.indicators)
}
