// Package indicator loads the prescribing-safety and medicines-optimisation
// indicators from packs/indicators.yaml: the single source of truth for the
// site's benchmark tables and, later, the dashboard workbook.
package indicator

import (
	"fmt"
	"regexp"
	"strings"

	"github.com/bcs/publish/generator/internal/diag"
	"github.com/bcs/publish/generator/internal/markdown"
	"github.com/bcs/publish/generator/internal/yamldoc"
)

// Direction says which way an indicator should move.
type Direction string

// The directions an indicator may have.
const (
	Lower   Direction = "lower"   // lower is better
	Higher  Direction = "higher"  // higher is better
	Context Direction = "context" // watched for context; no good direction
)

// Unit says how an indicator's rate is worked out from its counts.
type Unit string

// The units an indicator may have.
const (
	Percent Unit = "percent"  // numerator / denominator, a share of whole counts (the default)
	Per1000 Unit = "per_1000" // numerator / denominator x 1,000 (denominator: registered patients)
	Ratio   Unit = "ratio"    // numerator / denominator, where the numerator is a quantity, not a count of the denominator
)

// Multiplier is what numerator / denominator is multiplied by.
func (u Unit) Multiplier() float64 {
	if u == Per1000 {
		return 1000
	}
	return 1
}

// Indicator is one measure: a rate of numerator over denominator.
type Indicator struct {
	ID            string    `yaml:"id"`
	Name          string    `yaml:"name"`    // the technical name: the workbook's
	Title         string    `yaml:"title"`   // the plain-English name: the site's
	Summary       string    `yaml:"summary"` // what it counts, in one plain sentence: the site's
	Numerator     string    `yaml:"numerator"`
	Denominator   string    `yaml:"denominator"`
	Target        string    `yaml:"target"`         // the target or direction as published, in words
	Direction     Direction `yaml:"direction"`      // machine-readable direction
	TargetPercent *float64  `yaml:"target_percent"` // numeric target where one is set
	Unit          Unit      `yaml:"unit"`           // percent (default), per_1000 or ratio
	Key           bool      `yaml:"key"`            // charted on the dashboard workbook
	Note          string    `yaml:"note"`           // a caveat for maintainers; not published
	Source        string    `yaml:"source"`
	Verified      bool      `yaml:"verified"` // false: rests on memory or local design
}

// Set is the loaded indicator file, in file order.
type Set struct {
	All  []Indicator
	byID map[string]int
}

type file struct {
	Indicators []Indicator `yaml:"indicators"`
}

var idPattern = regexp.MustCompile(`^[A-Za-z][A-Za-z0-9_-]*$`)

// plainless are the characters a plain-English title or summary has no use
// for: comparison signs (">=65") and the underscores of code cluster names
// (MEDRVW_COD).
const plainless = "<>=_"

// plainExample is what a title or summary should not hold: the character
// at i, or else the id.
func plainExample(v string, i int, id string) string {
	if i >= 0 {
		return v[i : i+1]
	}
	return id
}

// Parse decodes and validates an indicator file. name is the file's path as
// the user knows it, used in errors.
func Parse(name string, src []byte) (*Set, error) {
	var f file
	doc, err := yamldoc.Decode(name, src, 0, &f)
	if err != nil {
		return nil, err
	}
	s := &Set{byID: map[string]int{}}
	var errs diag.List
	titles := map[string]string{} // anchor -> id
	for i, ind := range f.Indicators {
		_, dup := s.byID[ind.ID]
		at := func(field string) diag.Pos { return doc.Pos(fmt.Sprintf("$.indicators[%d].%s", i, field)) }
		switch {
		case !idPattern.MatchString(ind.ID):
			errs = append(errs, diag.Errorf(at("id"), "indicator id %q must start with a letter and use letters, digits, - and _", ind.ID))
		case dup:
			errs = append(errs, diag.Errorf(at("id"), "duplicate indicator id %q", ind.ID))
		}
		for field, v := range map[string]string{"name": ind.Name, "title": ind.Title, "summary": ind.Summary, "numerator": ind.Numerator, "denominator": ind.Denominator, "target": ind.Target, "source": ind.Source} {
			if v == "" {
				errs = append(errs, diag.Errorf(at(field), "indicator %q: missing %s", ind.ID, field))
			}
		}
		for field, v := range map[string]string{"title": ind.Title, "summary": ind.Summary} {
			if i := strings.IndexAny(v, plainless); i >= 0 || strings.Contains(v, ind.ID) {
				errs = append(errs, diag.Errorf(at(field), "indicator %q: the %s is for the public site, in plain English: no ids, code names or symbols like %q (the technical definition is numerator and denominator)", ind.ID, field, plainExample(v, i, ind.ID)))
			}
		}
		if other, dup := titles[ind.Anchor()]; dup && ind.Title != "" {
			errs = append(errs, diag.Errorf(at("title"), "indicator %q: the title %q is also %q's: each indicator's title is its own heading on the site", ind.ID, ind.Title, other))
		}
		titles[ind.Anchor()] = ind.ID
		switch ind.Direction {
		case Lower, Higher, Context:
		default:
			errs = append(errs, diag.Errorf(at("direction"), "indicator %q: direction must be lower, higher or context, not %q", ind.ID, ind.Direction))
		}
		switch ind.Unit {
		case "":
			ind.Unit = Percent
		case Percent, Per1000, Ratio:
		default:
			errs = append(errs, diag.Errorf(at("unit"), "indicator %q: unit must be percent, per_1000 or ratio, not %q", ind.ID, ind.Unit))
		}
		if ind.TargetPercent != nil && ind.Unit != Percent {
			errs = append(errs, diag.Errorf(at("target_percent"), "indicator %q: target_percent needs unit percent", ind.ID))
		}
		if t := ind.TargetPercent; t != nil && (*t < 0 || *t > 100) {
			errs = append(errs, diag.Errorf(at("target_percent"), "indicator %q: target_percent must be between 0 and 100", ind.ID))
		}
		if !dup {
			s.byID[ind.ID] = len(s.All)
		}
		s.All = append(s.All, ind)
	}
	if len(errs) > 0 {
		return nil, errs
	}
	return s, nil
}

// Anchor is the indicator's fragment on the site's measures page, made
// from its title (its id is not for the public).
func (i Indicator) Anchor() string { return markdown.Slug(i.Title) }

// PublishedSource is the address of the indicator's published source, or
// "" when it has none (Verified false, or a source that is not an address:
// a note for maintainers, never published).
func (i Indicator) PublishedSource() string {
	if !i.Verified || !strings.HasPrefix(i.Source, "https://") || strings.ContainsAny(i.Source, " ;") {
		return ""
	}
	return i.Source
}

// Lookup returns the indicator with the given id.
func (s *Set) Lookup(id string) (Indicator, bool) {
	i, ok := s.byID[id]
	if !ok {
		return Indicator{}, false
	}
	return s.All[i], true
}

// IDs lists every indicator id in file order.
func (s *Set) IDs() []string {
	ids := make([]string, len(s.All))
	for i, ind := range s.All {
		ids[i] = ind.ID
	}
	return ids
}
