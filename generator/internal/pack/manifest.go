package pack

import (
	"fmt"
	"io/fs"
	"path"
	"slices"
	"strings"
	"time"

	"github.com/bcs/publish/generator/internal/diag"
	"github.com/bcs/publish/generator/internal/review"
	"github.com/bcs/publish/generator/internal/yamldoc"
)

// The pack manifest, packs/pack.yaml: version, documents, workbooks, changelog.

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
