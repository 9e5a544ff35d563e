// Package icb loads the Integrated Care Boards of England from
// packs/icbs.csv, keyed on their ODS code. It is the one list of ICBs that
// the contact form's choices and the starter packs share; nothing assumes
// how many there are.
package icb

import (
	"regexp"
	"slices"
	"strings"

	"github.com/bcs/publish/generator/internal/csvtab"
	"github.com/bcs/publish/generator/internal/diag"
)

// ICB is one Integrated Care Board.
type ICB struct {
	ODS      string // ODS code, e.g. QE1
	Name     string // e.g. NHS Lancashire and South Cumbria Integrated Care Board
	Region   string // NHS England region, e.g. North West
	NHSER    string // NHS England region code, e.g. Y62
	ONS      string // ONS ICB code, e.g. E54000048
	Source   string // where the row was confirmed, or "memory"
	Verified bool   // false when Source is "memory"
}

// Set is the loaded file, in file order.
type Set struct {
	All   []ICB
	byODS map[string]int
}

// Columns is the file's header, in order. Every column is required.
var Columns = []string{"ods_code", "name", "region", "source", "nhser_region_code", "ons_icb_code"}

var (
	odsPattern   = regexp.MustCompile(`^[A-Z0-9]{3}$`)
	nhserPattern = regexp.MustCompile(`^Y[0-9]{2}$`)
	onsPattern   = regexp.MustCompile(`^E54[0-9]{6}$`)
)

// Parse decodes and checks an ICB file. name is the file's path as the user
// knows it, used in errors. Every problem in the file is reported.
func Parse(name string, src []byte) (*Set, error) {
	rows, errs := csvtab.Read(name, src, Columns)
	s := &Set{byODS: map[string]int{}}
	for _, row := range rows {
		rec, at := row.Fields, row.Pos
		c := ICB{ODS: rec[0], Name: rec[1], Region: rec[2], Source: rec[3], NHSER: rec[4], ONS: rec[5]}
		c.Verified = c.Source != "memory"
		switch _, dup := s.byODS[c.ODS]; {
		case !odsPattern.MatchString(c.ODS):
			errs = append(errs, diag.Errorf(at(0), "ODS code %q must be 3 upper-case letters or digits, like QE1", c.ODS))
		case dup:
			errs = append(errs, diag.Errorf(at(0), "ICB %s is listed twice", c.ODS))
		}
		if c.Name == "" {
			errs = append(errs, diag.Errorf(at(1), "ICB %s: missing name", c.ODS))
		}
		if c.Region == "" {
			errs = append(errs, diag.Errorf(at(2), "ICB %s: missing region", c.ODS))
		}
		if c.Verified && !strings.HasPrefix(c.Source, "https://") {
			errs = append(errs, diag.Errorf(at(3), "ICB %s: source must be an https:// address where the row was confirmed, or \"memory\" (it is then reported as unverified)", c.ODS))
		}
		if !nhserPattern.MatchString(c.NHSER) {
			errs = append(errs, diag.Errorf(at(4), "ICB %s: NHS England region code %q must look like Y62", c.ODS, c.NHSER))
		}
		if !onsPattern.MatchString(c.ONS) {
			errs = append(errs, diag.Errorf(at(5), "ICB %s: ONS code %q must look like E54000048", c.ODS, c.ONS))
		}
		s.byODS[c.ODS] = len(s.All)
		s.All = append(s.All, c)
	}
	if err := errs.Err(); err != nil {
		return nil, err
	}
	return s, nil
}

// Lookup returns the ICB with an ODS code.
func (s *Set) Lookup(ods string) (ICB, bool) {
	i, ok := s.byODS[ods]
	if !ok {
		return ICB{}, false
	}
	return s.All[i], true
}

// Codes returns every ODS code, in file order.
func (s *Set) Codes() []string {
	out := make([]string, len(s.All))
	for i, c := range s.All {
		out[i] = c.ODS
	}
	return out
}

// Region is the ICBs of one NHS England region.
type Region struct {
	Name string
	ICBs []ICB // by name
}

// Regions groups the ICBs by region, regions and ICBs sorted by name.
func (s *Set) Regions() []Region {
	var out []Region
	for _, c := range s.All {
		i := slices.IndexFunc(out, func(r Region) bool { return r.Name == c.Region })
		if i < 0 {
			out = append(out, Region{Name: c.Region})
			i = len(out) - 1
		}
		out[i].ICBs = append(out[i].ICBs, c)
	}
	slices.SortFunc(out, func(a, b Region) int { return strings.Compare(a.Name, b.Name) })
	for _, r := range out {
		slices.SortFunc(r.ICBs, func(a, b ICB) int { return strings.Compare(a.Name, b.Name) })
	}
	return out
}
