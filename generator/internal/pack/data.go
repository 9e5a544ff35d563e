// Package pack loads the starter packs' data from packs/ and resolves it per
// ICB: the pack manifest (version, documents, changelog), the monitoring
// requirements, the clinical code registry, the national formulary defaults
// and each ICB's own formulary alignment. Every file is decoded strictly and
// every problem is reported with its file and line.
package pack

import (
	"bytes"
	"errors"
	"fmt"
	"image/png"
	"io/fs"
	"path"
	"regexp"
	"slices"
	"strings"
	"time"

	"github.com/bcs/publish/generator/internal/codes"
	"github.com/bcs/publish/generator/internal/csvtab"
	"github.com/bcs/publish/generator/internal/diag"
	"github.com/bcs/publish/generator/internal/icb"
	"github.com/bcs/publish/generator/internal/indicator"
	"github.com/bcs/publish/generator/internal/review"
	"github.com/bcs/publish/generator/internal/yamldoc"
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
	ICBsFile       = "packs/icbs.yaml"
	IndicatorsFile = "packs/indicators.yaml"
)

// Document is one document of the pack.
type Document struct {
	ID       string `yaml:"id"`
	Title    string `yaml:"title"`
	ListedAs string `yaml:"listed_as"` // the line on the practice-level page's resources list
	Summary  string `yaml:"summary"`

	LastReviewed string   `yaml:"last_reviewed"` // the day its clinical content was last reviewed
	NextReview   string   `yaml:"next_review"`   // the day its next review is due: the build fails after it
	SignOff      []string `yaml:"sign_off"`      // the roles at the practice who sign it before use

	Review review.Dates
	File   string // packs/documents/<id>.md
	Source []byte // its Markdown with placeholders
	Number int    // 1-based position in the pack
}

// Workbook is one workbook of the pack: the generator builds each kind
// (WorkbookKinds) from the pack data; pack.yaml names and orders them.
type Workbook struct {
	ID       string `yaml:"id"` // one of WorkbookKinds
	Title    string `yaml:"title"`
	ListedAs string `yaml:"listed_as"`
	Summary  string `yaml:"summary"`

	LastReviewed string `yaml:"last_reviewed"`
	NextReview   string `yaml:"next_review"`

	Review review.Dates
	Number int // 1-based position in the pack, after the documents
}

// The workbooks the generator knows how to build.
const (
	DashboardWorkbook = "prescribing-safety-dashboard"
	TrackerWorkbook   = "mhra-alert-tracker"
)

// WorkbookKinds lists the workbook ids pack.yaml may use.
var WorkbookKinds = []string{DashboardWorkbook, TrackerWorkbook}

// Change is one changelog entry.
type Change struct {
	Version string   `yaml:"version"`
	Date    string   `yaml:"date"`
	Changes []string `yaml:"changes"`
}

// Manifest is packs/pack.yaml.
type Manifest struct {
	Version   string     `yaml:"version"`
	Released  string     `yaml:"released"`
	Owner     string     `yaml:"owner"`
	Approver  string     `yaml:"approver"`
	Logo      string     `yaml:"logo"` // a PNG under packs/, shown in every document's header
	Documents []Document `yaml:"documents"`
	Workbooks []Workbook `yaml:"workbooks"`
	Changelog []Change   `yaml:"changelog"`

	ReleasedAt time.Time // Released, parsed
}

// Drug is one row of the monitoring requirements (national defaults).
type Drug struct {
	Name     string // e.g. "mycophenolate mofetil"
	Group    string // one of the high-risk drug groups, e.g. "Anticoagulants"
	Class    string
	Tests    string
	Interval string // when stable
	Notes    string
	Source   string
	Verified bool   // the row was read at Source; a row that was not is shown only as "check before use"
	Research string // how the row was checked, and doubts: never published

	SourceAt diag.Pos // where the source cell is, for errors
}

// MonitoringColumns is the header of packs/monitoring.csv.
var MonitoringColumns = []string{"drug", "group", "class", "tests", "interval_stable", "notes", "verified", "source", "research"}

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

	raw map[string][]byte // every file read, by path, for the per-ICB input hash
}

var (
	semverPattern = regexp.MustCompile(`^(0|[1-9][0-9]*)\.(0|[1-9][0-9]*)\.(0|[1-9][0-9]*)$`)
	idPattern     = regexp.MustCompile(`^[a-z0-9]+(-[a-z0-9]+)*$`)
	colourPattern = regexp.MustCompile(`^#[0-9a-fA-F]{6}$`)
)

// Load reads and checks every pack data file in root (the project).
// icbs is the already loaded ICB list. Every problem found is returned, as a
// diag.List.
func Load(root fs.FS, icbs *icb.Set) (*Data, error) {
	d := &Data{ICBs: icbs, raw: map[string][]byte{}}
	var errs diag.List
	add := func(err error) {
		if err != nil {
			errs = append(errs, diag.Flatten(err, "")...)
		}
	}
	read := func(name string) []byte {
		src, err := fs.ReadFile(root, name)
		var de *diag.Error
		switch {
		case errors.As(err, &de):
			errs = append(errs, de) // it says what is wrong with the file
			return nil
		case err != nil:
			errs = append(errs, diag.Errorf(diag.Pos{File: name}, "cannot read: %v", unwrap(err)))
			return nil
		}
		d.raw[name] = src
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
	if src := read(IndicatorsFile); src != nil {
		set, err := indicator.Parse(IndicatorsFile, src)
		add(err)
		if set != nil {
			d.Indicators = set.All
		}
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

func parseManifest(root fs.FS, name string, src []byte, read func(string) []byte) (*Manifest, error) {
	var m Manifest
	doc, err := yamldoc.Decode(name, src, 0, &m)
	if err != nil {
		return nil, err
	}
	var errs diag.List
	at := func(p string) diag.Pos { return doc.Pos(p) }
	if !semverPattern.MatchString(m.Version) {
		errs = append(errs, diag.Errorf(at("$.version"), "version %q must be semantic: MAJOR.MINOR.PATCH, like 1.2.0", m.Version))
	}
	var ok bool
	if m.ReleasedAt, ok = parseDay(m.Released); !ok {
		errs = append(errs, diag.Errorf(at("$.released"), "released %q must be a date, YYYY-MM-DD", m.Released))
	}
	if m.Logo != "" && (!strings.HasSuffix(m.Logo, ".png") || strings.Contains(m.Logo, "/") || strings.HasPrefix(m.Logo, ".")) {
		errs = append(errs, diag.Errorf(at("$.logo"), "logo %q must be the name of a PNG file in packs/, like logo.png", m.Logo))
	}
	if strings.TrimSpace(m.Owner) == "" || strings.TrimSpace(m.Approver) == "" {
		errs = append(errs, diag.Errorf(at("$"), "owner and approver are required (they appear in every document's control table)"))
	}
	if len(m.Documents) == 0 {
		errs = append(errs, diag.Errorf(at("$.documents"), "the pack lists no documents"))
	}
	seen := map[string]bool{}
	for i := range m.Documents {
		d := &m.Documents[i]
		p := fmt.Sprintf("$.documents[%d]", i)
		d.Number = i + 1
		switch {
		case !idPattern.MatchString(d.ID):
			errs = append(errs, diag.Errorf(at(p+".id"), "document id %q must be lower-case letters and digits joined by hyphens", d.ID))
			continue
		case seen[d.ID]:
			errs = append(errs, diag.Errorf(at(p+".id"), "document %q is listed twice", d.ID))
			continue
		}
		seen[d.ID] = true
		if d.Title == "" || d.ListedAs == "" || d.Summary == "" {
			errs = append(errs, diag.Errorf(at(p), "document %q needs title, listed_as and summary", d.ID))
		}
		if d.LastReviewed == "" && d.NextReview == "" {
			errs = append(errs, diag.Errorf(at(p), "document %q needs last_reviewed and next_review: the day its clinical content was last reviewed and the day the next review is due", d.ID))
		}
		rv, rerrs := review.Parse(d.LastReviewed, d.NextReview, at(p+".last_reviewed"), at(p+".next_review"))
		errs = append(errs, rerrs...)
		d.Review = rv
		if len(d.SignOff) == 0 {
			errs = append(errs, diag.Errorf(at(p), "document %q needs sign_off: the roles at the practice who sign it before use", d.ID))
		}
		for j, r := range d.SignOff {
			if strings.TrimSpace(r) == "" {
				errs = append(errs, diag.Errorf(at(fmt.Sprintf("%s.sign_off[%d]", p, j)), "an empty role"))
			}
		}
		d.File = path.Join(DocumentsDir, d.ID+".md")
		if _, err := fs.Stat(root, d.File); err != nil {
			errs = append(errs, diag.Errorf(at(p+".id"), "document %q: %s does not exist", d.ID, d.File))
			continue
		}
		d.Source = read(d.File)
	}
	for i := range m.Workbooks {
		w := &m.Workbooks[i]
		p := fmt.Sprintf("$.workbooks[%d]", i)
		w.Number = len(m.Documents) + i + 1
		switch {
		case !slices.Contains(WorkbookKinds, w.ID):
			msg := fmt.Sprintf("unknown workbook %q: the generator builds %s", w.ID, strings.Join(WorkbookKinds, " and "))
			if s := diag.Suggest(w.ID, WorkbookKinds); s != "" {
				msg += fmt.Sprintf("; did you mean %q?", s)
			}
			errs = append(errs, diag.Errorf(at(p+".id"), "%s", msg))
		case seen[w.ID]:
			errs = append(errs, diag.Errorf(at(p+".id"), "%q is listed twice", w.ID))
		case w.Title == "" || w.ListedAs == "" || w.Summary == "":
			errs = append(errs, diag.Errorf(at(p), "workbook %q needs title, listed_as and summary", w.ID))
		case w.LastReviewed == "" && w.NextReview == "":
			errs = append(errs, diag.Errorf(at(p), "workbook %q needs last_reviewed and next_review", w.ID))
		}
		rv, rerrs := review.Parse(w.LastReviewed, w.NextReview, at(p+".last_reviewed"), at(p+".next_review"))
		errs = append(errs, rerrs...)
		w.Review = rv
		seen[w.ID] = true
	}
	if len(m.Changelog) == 0 || m.Changelog[0].Version != m.Version {
		errs = append(errs, diag.Errorf(at("$.changelog"), "the changelog must start with an entry for version %s", m.Version))
	}
	for i, c := range m.Changelog {
		p := fmt.Sprintf("$.changelog[%d]", i)
		if !semverPattern.MatchString(c.Version) {
			errs = append(errs, diag.Errorf(at(p+".version"), "version %q must be MAJOR.MINOR.PATCH", c.Version))
		}
		if _, ok := parseDay(c.Date); !ok {
			errs = append(errs, diag.Errorf(at(p+".date"), "date %q must be YYYY-MM-DD", c.Date))
		}
		if len(c.Changes) == 0 {
			errs = append(errs, diag.Errorf(at(p), "changelog entry %s lists no changes", c.Version))
		}
	}
	return &m, errs.Err()
}

// Reviews lists every document and workbook with its review dates, for
// the review gate.
func (m *Manifest) Reviews() []review.Item {
	var items []review.Item
	for _, d := range m.Documents {
		items = append(items, review.Item{What: d.Title, Dates: d.Review})
	}
	for _, w := range m.Workbooks {
		items = append(items, review.Item{What: w.Title, Dates: w.Review})
	}
	return items
}

func parseMonitoring(name string, src []byte) ([]Drug, error) {
	rows, errs := csvtab.Read(name, src, MonitoringColumns)
	var drugs []Drug
	seen := map[string]bool{}
	for _, row := range rows {
		f := row.Fields
		d := Drug{Name: f[0], Group: f[1], Class: f[2], Tests: f[3], Interval: f[4], Notes: f[5], Source: f[7], Research: f[8], SourceAt: row.Pos(7)}
		switch f[6] {
		case "true":
			d.Verified = true
		case "false":
		default:
			errs = append(errs, diag.Errorf(row.Pos(6), "verified must be true or false, not %q", f[6]))
		}
		switch {
		case d.Name == "" || strings.ToLower(d.Name) != d.Name:
			errs = append(errs, diag.Errorf(row.Pos(0), "drug %q must be a lower-case generic name", d.Name))
			continue
		case seen[d.Name]:
			errs = append(errs, diag.Errorf(row.Pos(0), "drug %q is listed twice", d.Name))
			continue
		}
		seen[d.Name] = true
		for i, v := range []string{d.Group, d.Tests, d.Interval, d.Source} {
			if v == "" {
				errs = append(errs, diag.Errorf(row.Pos([]int{1, 3, 4, 7}[i]), "drug %q: missing %s", d.Name, MonitoringColumns[[]int{1, 3, 4, 7}[i]]))
			}
		}
		drugs = append(drugs, d)
	}
	return drugs, errs.Err()
}

func (d *Data) checkDrug(at diag.Pos, name string, seen map[string]bool) diag.List {
	if seen[name] {
		return diag.List{diag.Errorf(at, "drug %q is listed twice", name)}
	}
	seen[name] = true
	if d.drug(name) != nil {
		return nil
	}
	var names []string
	for _, dr := range d.Drugs {
		names = append(names, dr.Name)
	}
	msg := fmt.Sprintf("unknown drug %q (the pack's drugs are listed in %s)", name, MonitoringFile)
	if s := diag.Suggest(name, names); s != "" {
		msg += fmt.Sprintf("; did you mean %q?", s)
	}
	return diag.List{diag.Errorf(at, "%s", msg)}
}

func (d *Data) drug(name string) *Drug {
	for i := range d.Drugs {
		if d.Drugs[i].Name == name {
			return &d.Drugs[i]
		}
	}
	return nil
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
