// Package finder is what the packs finder on /packs/ matches a practice's
// words against: packs/places.yaml (the short names people use for an ICB,
// the local authorities each place covers, other names inside a local
// authority) joined to the ICB map of the day. A practice manager who
// knows only their town, council, county, old CCG or old ICB name, or an
// abbreviation like BNSSG, finds the ICB in force today whose pack is
// theirs.
package finder

import (
	"fmt"
	"regexp"
	"slices"
	"strings"
	"time"

	"github.com/bcs/publish/generator/internal/diag"
	"github.com/bcs/publish/generator/internal/icb"
	"github.com/bcs/publish/generator/internal/yamldoc"
)

// File is the finder's data file, relative to the project root.
const File = "packs/places.yaml"

// Data is the loaded file.
type Data struct {
	Names  []ICBName
	LAs    []LocalAuthority
	Others []OtherName
}

// ICBName is an abbreviation or short name of an ICB, seen in use at Source.
type ICBName struct {
	ICB      string `yaml:"icb"`
	Name     string `yaml:"name"`
	Source   string `yaml:"source"`
	Checked  string `yaml:"checked"`
	Research string `yaml:"research"` // never published
}

// LocalAuthority is a local authority district and the places (sub-ICB
// locations, by ODS code) that cover all or part of it.
type LocalAuthority struct {
	Code     string   `yaml:"code"` // ONS code, e.g. E06000023
	Name     string   `yaml:"name"`
	County   string   `yaml:"county"` // the county of a two-tier district, or ""
	Places   []string `yaml:"places"`
	Source   string   `yaml:"source"`
	Checked  string   `yaml:"checked"`
	Research string   `yaml:"research"` // never published
}

// OtherName is a name inside a local authority: a former district, a town.
type OtherName struct {
	Name     string `yaml:"name"`
	LA       string `yaml:"la"` // the local authority's ONS code
	Source   string `yaml:"source"`
	Checked  string `yaml:"checked"`
	Research string `yaml:"research"` // never published
}

type file struct {
	Names  []ICBName        `yaml:"icb_names"`
	LAs    []LocalAuthority `yaml:"local_authorities"`
	Others []OtherName      `yaml:"other_names"`
}

var (
	laPattern     = regexp.MustCompile(`^E0[6-9][0-9]{6}$`)
	sourcePattern = regexp.MustCompile(`^https?://[^\s<>"]+$`)
)

// Parse decodes and checks the file against the ICB map: every ICB and
// place it names must be one of icbs' (on any day). name is the file's
// path as the user knows it, for errors.
func Parse(name string, src []byte, icbs *icb.Set) (*Data, error) {
	var f file
	doc, err := yamldoc.Decode(name, src, 0, &f)
	if err != nil {
		return nil, err
	}
	places := map[string]bool{}
	for _, c := range icbs.All {
		for _, pl := range c.Places {
			places[pl.Code] = true
		}
	}
	var errs diag.List
	sourced := func(at, what, source, checked string) {
		if !sourcePattern.MatchString(source) {
			errs = append(errs, diag.Errorf(doc.Pos(at+".source"), "%s: source must be the address where it was read", what))
		}
		if _, err := time.Parse(time.DateOnly, checked); err != nil {
			errs = append(errs, diag.Errorf(doc.Pos(at+".checked"), "%s: checked %q must be the day the source was read, YYYY-MM-DD", what, checked))
		}
	}
	seen := map[string]bool{}
	for i, n := range f.Names {
		at := fmt.Sprintf("$.icb_names[%d]", i)
		what := fmt.Sprintf("name %q of ICB %s", n.Name, n.ICB)
		if _, ok := icbs.Lookup(n.ICB); !ok {
			errs = append(errs, diag.Errorf(doc.Pos(at+".icb"), "%s: %s is not an ICB in %s", what, n.ICB, icb.File))
		}
		switch key := n.ICB + "\x00" + n.Name; {
		case strings.TrimSpace(n.Name) == "":
			errs = append(errs, diag.Errorf(doc.Pos(at+".name"), "ICB %s: empty name", n.ICB))
		case seen[key]:
			errs = append(errs, diag.Errorf(doc.Pos(at+".name"), "%s is listed twice", what))
		default:
			seen[key] = true
		}
		sourced(at, what, n.Source, n.Checked)
	}
	las := map[string]bool{}
	for i, la := range f.LAs {
		at := fmt.Sprintf("$.local_authorities[%d]", i)
		what := fmt.Sprintf("local authority %s (%s)", la.Code, la.Name)
		switch {
		case !laPattern.MatchString(la.Code):
			errs = append(errs, diag.Errorf(doc.Pos(at+".code"), "%s: the code must be an ONS local authority code in England, like E06000023", what))
		case las[la.Code]:
			errs = append(errs, diag.Errorf(doc.Pos(at+".code"), "%s is listed twice", what))
		}
		las[la.Code] = true
		if strings.TrimSpace(la.Name) == "" {
			errs = append(errs, diag.Errorf(doc.Pos(at+".name"), "%s: empty name", what))
		}
		if len(la.Places) == 0 {
			errs = append(errs, diag.Errorf(doc.Pos(at), "%s: no places: list the sub-ICB locations (ODS codes) that cover it", what))
		}
		for j, pl := range la.Places {
			if !places[pl] {
				errs = append(errs, diag.Errorf(doc.Pos(fmt.Sprintf("%s.places[%d]", at, j)), "%s: place %s is not a place of any ICB in %s", what, pl, icb.File))
			}
		}
		sourced(at, what, la.Source, la.Checked)
	}
	for i, o := range f.Others {
		at := fmt.Sprintf("$.other_names[%d]", i)
		what := fmt.Sprintf("name %q", o.Name)
		if strings.TrimSpace(o.Name) == "" {
			errs = append(errs, diag.Errorf(doc.Pos(at+".name"), "other_names[%d]: empty name", i))
		}
		if !las[o.LA] {
			errs = append(errs, diag.Errorf(doc.Pos(at+".la"), "%s: la %q is not one of the local_authorities", what, o.LA))
		}
		sourced(at, what, o.Source, o.Checked)
	}
	if len(errs) > 0 {
		return nil, errs
	}
	return &Data{Names: f.Names, LAs: f.LAs, Others: f.Others}, nil
}

// Words returns, for each ICB in force on the day (by ODS code), what the
// finder matches it by, each once, in a fixed order: its name and code;
// its places' names and codes; the names and codes of the ICBs abolished
// by the day whose places it took, and those places; the short names of
// all of these ICBs; the local authorities its places (or the places it
// took) cover, their counties and the other names inside them. d may be
// nil (no finder data): the ICB map alone still gives names and codes.
func (d *Data) Words(icbs *icb.Set, on time.Time) map[string][]string {
	words := map[string][]string{}
	reach := map[string][]string{} // place code -> the ICBs in force that have it, or took it
	add := func(m map[string][]string, k string, v ...string) {
		for _, s := range v {
			if s != "" && !slices.Contains(m[k], s) {
				m[k] = append(m[k], s)
			}
		}
	}
	nicknames := map[string][]string{} // ICB code -> its short names
	if d != nil {
		for _, n := range d.Names {
			add(nicknames, n.ICB, n.Name)
		}
	}
	for _, c := range icbs.InForce(on) {
		add(words, c.Code, c.Name, c.Code)
		add(words, c.Code, nicknames[c.Code]...)
		for _, pl := range c.PlacesOn(on) {
			add(words, c.Code, pl.Name, pl.Code)
			add(reach, pl.Code, c.Code)
		}
	}
	for _, c := range icbs.Abolished(on) {
		for _, m := range icbs.Moves(c, on) {
			add(words, m.To.Code, c.Name, c.Code)
			add(words, m.To.Code, nicknames[c.Code]...)
			for _, pl := range m.Places {
				add(words, m.To.Code, pl.Name, pl.Code)
				add(reach, pl.Code, m.To.Code)
			}
		}
	}
	if d == nil {
		return words
	}
	others := map[string][]string{}
	for _, o := range d.Others {
		add(others, o.LA, o.Name)
	}
	for _, la := range d.LAs {
		for _, pl := range la.Places {
			for _, code := range reach[pl] {
				add(words, code, la.Name, la.County)
				add(words, code, others[la.Code]...)
			}
		}
	}
	return words
}
