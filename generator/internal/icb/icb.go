// Package icb loads the Integrated Care Boards of England from
// packs/icbs.csv, keyed on their ODS code. It is the one list of ICBs that
// the contact form's choices and the starter packs share; nothing assumes
// how many there are.
package icb

import (
	"bytes"
	"encoding/csv"
	"errors"
	"io"
	"regexp"
	"slices"
	"strings"

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
	src = bytes.TrimPrefix(src, []byte("\uFEFF")) // Excel writes a BOM
	r := csv.NewReader(bytes.NewReader(src))
	r.FieldsPerRecord = -1 // checked per row, for a clearer message
	header, err := r.Read()
	if err != nil {
		return nil, csvError(name, err)
	}
	if !slices.Equal(header, Columns) {
		return nil, diag.Errorf(diag.Pos{File: name, Line: 1}, "the header must be exactly %s (found %s)", strings.Join(Columns, ","), strings.Join(header, ","))
	}
	s := &Set{byODS: map[string]int{}}
	var errs diag.List
	for {
		rec, err := r.Read()
		if errors.Is(err, io.EOF) {
			break
		}
		if err != nil {
			errs = append(errs, csvError(name, err))
			break
		}
		if len(rec) != len(Columns) {
			line, _ := r.FieldPos(0)
			errs = append(errs, diag.Errorf(diag.Pos{File: name, Line: line}, "each row needs %d fields (%s), this one has %d", len(Columns), strings.Join(Columns, ","), len(rec)))
			continue
		}
		at := func(col int) diag.Pos {
			line, c := r.FieldPos(col)
			return diag.Pos{File: name, Line: line, Col: c}
		}
		for i, v := range rec {
			if strings.TrimSpace(v) != v {
				errs = append(errs, diag.Errorf(at(i), "%s %q has spaces around it", Columns[i], v))
			}
		}
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
	if len(errs) == 0 && len(s.All) == 0 {
		errs = append(errs, diag.Errorf(diag.Pos{File: name}, "no ICBs listed"))
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

func csvError(name string, err error) *diag.Error {
	var pe *csv.ParseError
	if errors.As(err, &pe) {
		return diag.Errorf(diag.Pos{File: name, Line: pe.Line, Col: pe.Column}, "%v", pe.Err)
	}
	return diag.Errorf(diag.Pos{File: name}, "%v", err)
}
