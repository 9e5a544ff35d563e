// Package pack loads the starter packs' data from packs/ and resolves it per
// ICB: the pack manifest (version, documents, changelog), the monitoring
// requirements, the clinical code registry, the national formulary defaults
// and each ICB's own formulary alignment. Every file is decoded strictly and
// every problem is reported with its file and line.
package pack

import (
	"bytes"
	"crypto/sha256"
	"encoding/hex"
	"errors"
	"image/png"
	"io/fs"
	"path"
	"regexp"
	"strings"
	"time"

	"github.com/bcs/publish/generator/internal/codes"
	"github.com/bcs/publish/generator/internal/diag"
	"github.com/bcs/publish/generator/internal/finder"
	"github.com/bcs/publish/generator/internal/icb"
	"github.com/bcs/publish/generator/internal/indicator"
)

// The pack data files, relative to the project root.
const (
	Dir            = "packs"
	ManifestFile   = "packs/pack.yaml"
	MonitoringFile = "packs/monitoring.csv"
	SNOMEDFile     = "packs/snomed.csv"
	ReadFile       = "packs/read_v2.csv"
	NationalFile   = "packs/formulary/national.yaml"
	FormularyDir   = "packs/formulary"
	DocumentsDir   = "packs/documents"
	ICBsFile       = icb.File
	IndicatorsFile = "packs/indicators.yaml"
)

// Data is everything under packs/, loaded and checked.
type Data struct {
	Manifest *Manifest
	ICBs     *icb.Set
	Codes    *codes.Registry
	Drugs    []Drug
	National *Alignment
	Files    []*Alignment // the areas' formulary files, by file name

	Indicators []indicator.Indicator // the dashboard's indicators, in file order
	References []*Reference          // the sources documents cite (references.yaml)
	Logo       []byte                // the PNG in every document's header (pack.yaml logo)

	Finder       *finder.Data // what the packs index's finder matches (packs/places.yaml), or nil
	FinderDigest string       // a digest of that file as read ("" without it)

	raw map[string][]byte // every file read, by path, for the per-ICB input hash
}

var (
	semverPattern = regexp.MustCompile(`^(0|[1-9][0-9]*)\.(0|[1-9][0-9]*)\.(0|[1-9][0-9]*)$`)
	idPattern     = regexp.MustCompile(`^[a-z0-9]+(-[a-z0-9]+)*$`)
	colourPattern = regexp.MustCompile(`^#[0-9a-fA-F]{6}$`)
)

// Load reads and checks every pack data file in root (the project).
// icbs and indicators are the ICB list and the indicator set the site has
// already parsed (one parse of each per build); a nil indicators makes
// Load parse packs/indicators.yaml itself, for tools and tests that have
// not. Every problem found is returned, as a diag.List.
func Load(root fs.FS, icbs *icb.Set, indicators *indicator.Set) (*Data, error) {
	d := &Data{ICBs: icbs, raw: map[string][]byte{}}
	var errs diag.List
	add := func(err error) {
		if err != nil {
			errs = append(errs, diag.Flatten(err, "")...)
		}
	}
	readFile := func(name string, optional bool) []byte {
		src, err := fs.ReadFile(root, name)
		var de *diag.Error
		switch {
		case optional && errors.Is(err, fs.ErrNotExist):
			return nil
		case errors.As(err, &de):
			errs = append(errs, de) // it says what is wrong with the file
			return nil
		case err != nil:
			errs = append(errs, diag.Errorf(diag.Pos{File: name}, "cannot read: %v", unwrap(err)))
			return nil
		}
		return src
	}
	read := func(name string) []byte { // a pack input: part of every pack's input hash
		src := readFile(name, false)
		if src != nil {
			d.raw[name] = src
		}
		return src
	}
	if src := read(ManifestFile); src != nil {
		m, err := parseManifest(root, ManifestFile, src, read)
		add(err)
		d.Manifest = m
	}
	if src := read(MonitoringFile); src != nil {
		drugs, err := parseMonitoring(MonitoringFile, src)
		add(err)
		d.Drugs = drugs
	}
	snomed, read2 := read(SNOMEDFile), read(ReadFile)
	if snomed != nil && read2 != nil {
		reg, err := codes.Parse(SNOMEDFile, snomed, ReadFile, read2)
		add(err)
		d.Codes = reg
	}
	if src := read(ReferencesFile); src != nil {
		refs, err := parseReferences(ReferencesFile, src)
		add(err)
		d.References = refs
	}
	if d.Manifest != nil && d.Manifest.Logo != "" {
		name := path.Join("packs", d.Manifest.Logo)
		if src := read(name); src != nil {
			if err := checkPNG(name, src); err != nil {
				add(err)
			} else {
				d.Logo = src
			}
		}
	}
	if src := read(IndicatorsFile); src != nil { // read for the packs' input hash either way
		if indicators == nil {
			var err error
			indicators, err = indicator.Parse(IndicatorsFile, src)
			add(err)
		}
		if indicators != nil {
			d.Indicators = indicators.All
		}
	}
	// The finder's words are on the packs index only, so they are not an
	// input of any pack; without the file the finder knows the ICB map's
	// names and codes alone.
	if src := readFile(finder.File, true); src != nil {
		f, err := finder.Parse(finder.File, src, icbs)
		add(err)
		d.Finder = f
		sum := sha256.Sum256(src)
		d.FinderDigest = hex.EncodeToString(sum[:])
	}
	if src := read(NationalFile); src != nil {
		a, err := d.parseAlignment(NationalFile, src, true)
		add(err)
		d.National = a
	}
	entries, err := fs.ReadDir(root, FormularyDir)
	if err != nil {
		errs = append(errs, diag.Errorf(diag.Pos{File: FormularyDir}, "cannot read: %v", unwrap(err)))
	}
	for _, e := range entries {
		name := path.Join(FormularyDir, e.Name())
		if e.IsDir() || name == NationalFile || strings.HasPrefix(e.Name(), ".") {
			continue
		}
		if e.Type()&fs.ModeSymlink != 0 {
			errs = append(errs, diag.Errorf(diag.Pos{File: name}, "symbolic links are not followed: put the file itself here"))
			continue
		}
		slug, ok := strings.CutSuffix(e.Name(), ".yaml")
		if !ok || !slugPattern.MatchString(slug) {
			errs = append(errs, diag.Errorf(diag.Pos{File: name}, "unexpected file: formulary files are named after their area in lower-case words joined by hyphens, like oxfordshire.yaml"))
			continue
		}
		if src := read(name); src != nil {
			a, err := d.parseAlignment(name, src, false)
			add(err)
			if a != nil {
				a.Slug = slug
				d.Files = append(d.Files, a)
			}
		}
	}
	if len(errs) == 0 {
		errs = append(errs, d.checkFiles()...)
		errs = append(errs, d.checkReferences()...)
	}
	if err := errs.Err(); err != nil {
		return nil, err
	}
	return d, errs.Err()
}

// checkPNG checks that src is a PNG image of a size a page header can show.
func checkPNG(name string, src []byte) error {
	cfg, err := png.DecodeConfig(bytes.NewReader(src))
	switch {
	case err != nil:
		return diag.Errorf(diag.Pos{File: name}, "not a PNG image: %v", err)
	case cfg.Width < 64 || cfg.Height < 64 || cfg.Width > 2048 || cfg.Height > 2048:
		return diag.Errorf(diag.Pos{File: name}, "the logo is %dx%d pixels: use 64 to 2048 pixels a side, so it is sharp in print and the documents stay small", cfg.Width, cfg.Height)
	case len(src) > 512<<10:
		return diag.Errorf(diag.Pos{File: name}, "the logo is %d KB: keep it under 512 KB (every document carries a copy)", len(src)>>10)
	}
	return nil
}

func isURL(s string) bool {
	return (strings.HasPrefix(s, "https://") || strings.HasPrefix(s, "http://")) && !strings.ContainsAny(s, " \t\n<>\"")
}

func parseDay(s string) (time.Time, bool) {
	t, err := time.Parse(time.DateOnly, s)
	return t, err == nil
}

func parseMonth(s string) (time.Time, bool) {
	if t, ok := parseDay(s); ok {
		return t, true
	}
	t, err := time.Parse("2006-01", s)
	return t, err == nil
}
