// Package icb loads the Integrated Care Boards of England, with their
// history, from packs/icbs.yaml: each ICB's ODS code and name, the days it
// was in force, its places (the sub-ICB locations, the former CCG areas)
// and, once abolished, the successor that took each of its places.
//
// The map changes on fixed days (1 July 2022, 1 April 2026, and whatever is
// announced next), so nothing here has a count of ICBs and every question is
// asked for a day: which ICBs are in force on it, which places each has,
// where an abolished ICB's practices went. A change entered ahead of time
// takes effect by itself on its day.
package icb

import (
	"cmp"
	"fmt"
	"regexp"
	"slices"
	"strings"
	"time"

	"github.com/bcs/publish/generator/internal/diag"
	"github.com/bcs/publish/generator/internal/yamldoc"
)

// File is the ICB map, relative to the project root.
const File = "packs/icbs.yaml"

// ICB is one Integrated Care Board over its lifetime.
type ICB struct {
	Code   string // ODS code: QE1, or S0E4D for the ICBs of April 2026
	Name   string // e.g. NHS Lancashire and South Cumbria Integrated Care Board
	Short  string // the name without "NHS" and "Integrated Care Board"
	Region string // NHS England region, e.g. North West
	NHSER  string // NHS England region code, e.g. Y62
	ONS    string // ONS ICB code, e.g. E54000048; empty where none is published yet

	From time.Time // first day in force
	To   time.Time // last day in force; zero while it is in force

	Places     []Place     // every place it has had, each with its own days
	Successors []Successor // who took its places when it was abolished

	Source   string // where the ICB's record was read
	Checked  string // the day it was read, YYYY-MM-DD
	Research string // how the record was found, doubts: never published
}

// Place is a sub-ICB location: a part of an ICB (mostly a former CCG area),
// with its own ODS code.
type Place struct {
	Code     string    // ODS code of the sub-ICB location, e.g. 10Q
	Name     string    // e.g. Oxfordshire
	From     time.Time // first day in this ICB; zero: from the ICB's first day
	To       time.Time // last day in this ICB; zero: to the ICB's last day
	Research string    // never published
}

// Successor is an ICB that took some (or all) of an abolished ICB's places.
// A place that moved whole keeps its code in the successor. A place that
// was split between successors is listed under each of them with Into: the
// successor's places that took its practices.
type Successor struct {
	ICB    string   // the successor's ODS code
	Places []string // the place codes it took; all of them when empty
	Into   []string // for a split place: the successor's places that took part of it
}

// Move is where one group of an abolished ICB's practices went.
type Move struct {
	To     ICB
	Places []Place // the abolished ICB's places that went (wholly or in part) to To
	Into   []Place // the places of To that took them
}

// Set is the loaded file.
type Set struct {
	All    []ICB // in file order
	byCode map[string]int
}

// File is the document's shape; exported fields only for the decoder.
type file struct {
	ICBs []struct {
		Code       string `yaml:"code"`
		Name       string `yaml:"name"`
		Region     string `yaml:"region"`
		NHSER      string `yaml:"nhser"`
		ONS        string `yaml:"ons"`
		ValidFrom  string `yaml:"valid_from"`
		ValidTo    string `yaml:"valid_to"`
		Source     string `yaml:"source"`
		Checked    string `yaml:"checked"`
		Research   string `yaml:"research"` // how the record was found; never published
		Successors []struct {
			ICB    string   `yaml:"icb"`
			Places []string `yaml:"places"`
			Into   []string `yaml:"into"`
		} `yaml:"successors"`
		Places []struct {
			Code      string `yaml:"code"`
			Name      string `yaml:"name"`
			ValidFrom string `yaml:"valid_from"`
			ValidTo   string `yaml:"valid_to"`
			Source    string `yaml:"source"`   // where the code and name were read
			Research  string `yaml:"research"` // never published
		} `yaml:"places"`
	} `yaml:"icbs"`
}

var (
	codePattern  = regexp.MustCompile(`^[A-Z0-9]{3}([A-Z0-9]{2})?$`)
	nhserPattern = regexp.MustCompile(`^Y[0-9]{2}$`)
	onsPattern   = regexp.MustCompile(`^E54[0-9]{6}$`)
)

// Parse decodes and checks an ICB file. name is the file's path as the user
// knows it, used in errors. Every problem in the file is reported.
func Parse(name string, src []byte) (*Set, error) {
	var f file
	doc, err := yamldoc.Decode(name, src, 0, &f)
	if err != nil {
		return nil, err
	}
	at := doc.Pos
	var errs diag.List
	s := &Set{byCode: map[string]int{}}
	if len(f.ICBs) == 0 {
		errs = append(errs, diag.Errorf(at("$"), "no ICBs: the file needs a list under icbs:"))
	}
	for i, r := range f.ICBs {
		p := fmt.Sprintf("$.icbs[%d]", i)
		c := ICB{Code: r.Code, Name: r.Name, Region: r.Region, NHSER: r.NHSER, ONS: r.ONS, Source: r.Source, Checked: r.Checked, Research: r.Research}
		c.Short = ShortName(c.Name)
		switch _, dup := s.byCode[c.Code]; {
		case !codePattern.MatchString(c.Code):
			errs = append(errs, diag.Errorf(at(p+".code"), "ODS code %q must be 3 or 5 upper-case letters or digits, like QE1 or S0E4D", c.Code))
		case dup:
			errs = append(errs, diag.Errorf(at(p+".code"), "ICB %s is listed twice", c.Code))
		}
		if !strings.HasPrefix(c.Name, "NHS ") || !strings.HasSuffix(c.Name, " Integrated Care Board") {
			errs = append(errs, diag.Errorf(at(p+".name"), "ICB %s: name %q must be the full name, \"NHS ... Integrated Care Board\"", c.Code, c.Name))
		}
		if c.Region == "" {
			errs = append(errs, diag.Errorf(at(p), "ICB %s: missing region", c.Code))
		}
		if !nhserPattern.MatchString(c.NHSER) {
			errs = append(errs, diag.Errorf(at(p+".nhser"), "ICB %s: NHS England region code %q must look like Y62", c.Code, c.NHSER))
		}
		if c.ONS != "" && !onsPattern.MatchString(c.ONS) {
			errs = append(errs, diag.Errorf(at(p+".ons"), "ICB %s: ONS code %q must look like E54000048 (or be left out)", c.Code, c.ONS))
		}
		if !strings.HasPrefix(c.Source, "https://") || strings.ContainsAny(c.Source, " \t<>\"") {
			errs = append(errs, diag.Errorf(at(p+".source"), "ICB %s: source must be the https:// address where the record was read", c.Code))
		}
		if _, ok := day(c.Checked); !ok {
			errs = append(errs, diag.Errorf(at(p+".checked"), "ICB %s: checked %q must be the day the source was read, YYYY-MM-DD", c.Code, c.Checked))
		}
		var ok bool
		if c.From, ok = day(r.ValidFrom); !ok {
			errs = append(errs, diag.Errorf(at(p+".valid_from"), "ICB %s: valid_from %q must be its first day in force, YYYY-MM-DD", c.Code, r.ValidFrom))
		}
		if r.ValidTo != "" {
			if c.To, ok = day(r.ValidTo); !ok {
				errs = append(errs, diag.Errorf(at(p+".valid_to"), "ICB %s: valid_to %q must be its last day in force, YYYY-MM-DD", c.Code, r.ValidTo))
			} else if c.To.Before(c.From) {
				errs = append(errs, diag.Errorf(at(p+".valid_to"), "ICB %s: valid_to %s is before valid_from %s", c.Code, r.ValidTo, r.ValidFrom))
			}
		}
		seen := map[string]bool{}
		for j, pl := range r.Places {
			pp := fmt.Sprintf("%s.places[%d]", p, j)
			place := Place{Code: pl.Code, Name: pl.Name, Research: pl.Research}
			switch {
			case !codePattern.MatchString(pl.Code):
				errs = append(errs, diag.Errorf(at(pp+".code"), "place code %q must be the sub-ICB location's ODS code: 3 or 5 upper-case letters or digits, like 10Q", pl.Code))
			case seen[pl.Code]:
				errs = append(errs, diag.Errorf(at(pp+".code"), "place %s is listed twice in ICB %s", pl.Code, c.Code))
			}
			seen[pl.Code] = true
			if pl.Name == "" {
				errs = append(errs, diag.Errorf(at(pp), "place %s: missing name", pl.Code))
			}
			if !strings.HasPrefix(pl.Source, "https://") || strings.ContainsAny(pl.Source, " \t<>\"") {
				errs = append(errs, diag.Errorf(at(pp+".source"), "place %s: source must be the https:// address where its code and name were read", pl.Code))
			}
			if pl.ValidFrom != "" {
				if place.From, ok = day(pl.ValidFrom); !ok || place.From.Before(c.From) {
					errs = append(errs, diag.Errorf(at(pp+".valid_from"), "place %s: valid_from %q must be a day (YYYY-MM-DD) on or after the ICB's valid_from", pl.Code, pl.ValidFrom))
				}
			}
			if pl.ValidTo != "" {
				if place.To, ok = day(pl.ValidTo); !ok || (!c.To.IsZero() && place.To.After(c.To)) || (!place.From.IsZero() && place.To.Before(place.From)) {
					errs = append(errs, diag.Errorf(at(pp+".valid_to"), "place %s: valid_to %q must be a day (YYYY-MM-DD) within the ICB's days and after the place's valid_from", pl.Code, pl.ValidTo))
				}
			}
			c.Places = append(c.Places, place)
		}
		for _, sc := range r.Successors {
			c.Successors = append(c.Successors, Successor{ICB: sc.ICB, Places: sc.Places, Into: sc.Into})
		}
		switch {
		case c.To.IsZero() && len(c.Successors) > 0:
			errs = append(errs, diag.Errorf(at(p+".successors"), "ICB %s has successors but no valid_to: give the last day it was in force", c.Code))
		case !c.To.IsZero() && len(c.Successors) == 0:
			errs = append(errs, diag.Errorf(at(p+".valid_to"), "ICB %s is abolished (valid_to %s): list its successors, the ICBs its places went to", c.Code, r.ValidTo))
		}
		if _, dup := s.byCode[c.Code]; !dup {
			s.byCode[c.Code] = len(s.All)
		}
		s.All = append(s.All, c)
	}
	if len(errs) == 0 {
		errs = append(errs, s.checkHistory(at)...)
	}
	if err := errs.Err(); err != nil {
		return nil, err
	}
	return s, nil
}

// checkHistory checks what holds across ICBs: every successor exists and
// is in force the day after its predecessor's last day and holds the places
// it took; an abolished ICB's places all went somewhere, once; and no place
// is in two ICBs on the same day.
func (s *Set) checkHistory(at func(string) diag.Pos) diag.List {
	var errs diag.List
	for i, c := range s.All {
		p := fmt.Sprintf("$.icbs[%d]", i)
		if c.To.IsZero() {
			continue
		}
		next := c.To.AddDate(0, 0, 1)
		taken := map[string]string{}
		splitAt := map[string]bool{} // place code -> its last successor entry was a split
		for j, sc := range c.Successors {
			sp := fmt.Sprintf("%s.successors[%d]", p, j)
			succ, ok := s.Lookup(sc.ICB)
			if !ok {
				msg := fmt.Sprintf("ICB %s: successor %q is not in this file", c.Code, sc.ICB)
				if g := diag.Suggest(sc.ICB, s.Codes()); g != "" {
					msg += fmt.Sprintf("; did you mean %s?", g)
				}
				errs = append(errs, diag.Errorf(at(sp+".icb"), "%s", msg))
				continue
			}
			if succ.Code == c.Code || !succ.InForce(next) {
				errs = append(errs, diag.Errorf(at(sp+".icb"), "ICB %s: successor %s is not in force on %s, the day after %s's last day", c.Code, succ.Code, next.Format(time.DateOnly), c.Code))
				continue
			}
			places := sc.Places
			if len(places) == 0 {
				if len(c.Successors) > 1 {
					errs = append(errs, diag.Errorf(at(sp), "ICB %s has %d successors: say which places went to %s (places: [...])", c.Code, len(c.Successors), succ.Code))
					continue
				}
				for _, pl := range c.PlacesOn(c.To) {
					places = append(places, pl.Code)
				}
			}
			for k, code := range places {
				pos := at(fmt.Sprintf("%s.places[%d]", sp, k))
				if len(sc.Places) == 0 {
					pos = at(sp + ".icb")
				}
				if !slices.ContainsFunc(c.PlacesOn(c.To), func(pl Place) bool { return pl.Code == code }) {
					errs = append(errs, diag.Errorf(pos, "ICB %s: place %s is not one of its places on its last day", c.Code, code))
					continue
				}
				split := len(sc.Into) > 0
				if other, dup := taken[code]; dup && (!split || !splitAt[code]) {
					errs = append(errs, diag.Errorf(pos, "ICB %s: place %s went to both %s and %s: for a place split between successors, give each of them into: (the successor's places that took its practices)", c.Code, code, other, succ.Code))
				}
				taken[code], splitAt[code] = succ.Code, split
				if !split && !slices.ContainsFunc(succ.PlacesOn(next), func(pl Place) bool { return pl.Code == code }) {
					errs = append(errs, diag.Errorf(pos, "place %s went from %s to %s, but %s does not list it among its places on %s", code, c.Code, succ.Code, succ.Code, next.Format(time.DateOnly)))
				}
			}
			for k, code := range sc.Into {
				if !slices.ContainsFunc(succ.PlacesOn(next), func(pl Place) bool { return pl.Code == code }) {
					errs = append(errs, diag.Errorf(at(fmt.Sprintf("%s.into[%d]", sp, k)), "ICB %s: %s is not a place of %s on %s", c.Code, code, succ.Code, next.Format(time.DateOnly)))
				}
			}
		}
		for _, pl := range c.PlacesOn(c.To) {
			if _, ok := taken[pl.Code]; !ok && len(c.Successors) > 1 {
				errs = append(errs, diag.Errorf(at(p+".successors"), "ICB %s: no successor took place %s (%s)", c.Code, pl.Code, pl.Name))
			}
		}
	}
	// A place in two ICBs on the same day.
	type stay struct {
		icb      int
		from, to time.Time // to zero: open
	}
	stays := map[string][]stay{}
	for i, c := range s.All {
		for _, pl := range c.Places {
			from, to := c.placeDays(pl)
			for _, o := range stays[pl.Code] {
				if overlaps(from, to, o.from, o.to) {
					errs = append(errs, diag.Errorf(at(fmt.Sprintf("$.icbs[%d].places", i)), "place %s is in both %s and %s on %s: end one stay (valid_to) before the other starts", pl.Code, s.All[o.icb].Code, c.Code, later(from, o.from).Format(time.DateOnly)))
				}
			}
			stays[pl.Code] = append(stays[pl.Code], stay{i, from, to})
		}
	}
	return errs
}

func overlaps(af, at, bf, bt time.Time) bool {
	return (at.IsZero() || !at.Before(bf)) && (bt.IsZero() || !bt.Before(af))
}

func later(a, b time.Time) time.Time {
	if a.After(b) {
		return a
	}
	return b
}

// placeDays is the first and last day (zero: open) a place is in the ICB.
func (c ICB) placeDays(pl Place) (from, to time.Time) {
	from, to = c.From, c.To
	if !pl.From.IsZero() {
		from = pl.From
	}
	if !pl.To.IsZero() {
		to = pl.To
	}
	return from, to
}

// InForce reports whether the ICB is in force on the day.
func (c ICB) InForce(on time.Time) bool {
	on = Day(on)
	return !on.Before(c.From) && (c.To.IsZero() || !on.After(c.To))
}

// Abolished reports whether the ICB's last day is before the day.
func (c ICB) Abolished(on time.Time) bool {
	return !c.To.IsZero() && Day(on).After(c.To)
}

// PlacesOn returns the places the ICB has on the day, in file order.
func (c ICB) PlacesOn(on time.Time) []Place {
	on = Day(on)
	var out []Place
	for _, pl := range c.Places {
		from, to := c.placeDays(pl)
		if !on.Before(from) && (to.IsZero() || !on.After(to)) {
			out = append(out, pl)
		}
	}
	return out
}

// Place returns the place with a code among the ICB's places on the day.
func (c ICB) Place(code string, on time.Time) (Place, bool) {
	for _, pl := range c.PlacesOn(on) {
		if pl.Code == code {
			return pl, true
		}
	}
	return Place{}, false
}

// Lookup returns the ICB with an ODS code, in force or not.
func (s *Set) Lookup(code string) (ICB, bool) {
	i, ok := s.byCode[code]
	if !ok {
		return ICB{}, false
	}
	return s.All[i], true
}

// Codes returns every ODS code, in file order.
func (s *Set) Codes() []string {
	out := make([]string, len(s.All))
	for i, c := range s.All {
		out[i] = c.Code
	}
	return out
}

// InForce returns the ICBs in force on the day, in file order.
func (s *Set) InForce(on time.Time) []ICB {
	var out []ICB
	for _, c := range s.All {
		if c.InForce(on) {
			out = append(out, c)
		}
	}
	return out
}

// Abolished returns the ICBs abolished before the day, in file order.
func (s *Set) Abolished(on time.Time) []ICB {
	var out []ICB
	for _, c := range s.All {
		if c.Abolished(on) {
			out = append(out, c)
		}
	}
	return out
}

// Moves says where an abolished ICB's places went, following successors
// that were themselves abolished by the day, so every Move ends at an ICB
// in force on it. Moves are in the order the file gives the successors.
func (s *Set) Moves(c ICB, on time.Time) []Move {
	var out []Move
	add := func(to ICB, pl Place, into []Place) {
		i := slices.IndexFunc(out, func(m Move) bool { return m.To.Code == to.Code })
		if i < 0 {
			out = append(out, Move{To: to})
			i = len(out) - 1
		}
		if !slices.ContainsFunc(out[i].Places, func(p Place) bool { return p.Code == pl.Code }) {
			out[i].Places = append(out[i].Places, pl)
		}
		for _, p := range into {
			if !slices.ContainsFunc(out[i].Into, func(q Place) bool { return q.Code == p.Code }) {
				out[i].Into = append(out[i].Into, p)
			}
		}
	}
	var follow func(c ICB, pl Place, orig Place, depth int)
	follow = func(c ICB, pl, orig Place, depth int) {
		next := c.To.AddDate(0, 0, 1)
		for _, sc := range c.Successors {
			if len(sc.Places) > 0 && !slices.Contains(sc.Places, pl.Code) {
				continue
			}
			succ, _ := s.Lookup(sc.ICB)
			var into []Place
			if len(sc.Into) > 0 {
				for _, code := range sc.Into {
					if p, ok := succ.Place(code, next); ok {
						into = append(into, p)
					}
				}
			} else if p, ok := succ.Place(pl.Code, next); ok {
				into = []Place{p}
			}
			if succ.Abolished(on) && depth < len(s.All) {
				for _, p := range into {
					follow(succ, p, orig, depth+1)
				}
			} else {
				add(succ, orig, into)
			}
			if len(sc.Into) == 0 {
				return // a whole place has one successor
			}
		}
	}
	for _, pl := range c.PlacesOn(c.To) {
		follow(c, pl, pl, 0)
	}
	return out
}

// NextChange is the first day after on when the map changes (an ICB starts
// or ends, a place moves), or zero when nothing is entered ahead.
func (s *Set) NextChange(on time.Time) time.Time {
	on = Day(on)
	var next time.Time
	see := func(t time.Time) {
		if !t.IsZero() && t.After(on) && (next.IsZero() || t.Before(next)) {
			next = t
		}
	}
	for _, c := range s.All {
		see(c.From)
		if !c.To.IsZero() {
			see(c.To.AddDate(0, 0, 1))
		}
		for _, pl := range c.Places {
			see(pl.From)
			if !pl.To.IsZero() {
				see(pl.To.AddDate(0, 0, 1))
			}
		}
	}
	return next
}

// Region is the ICBs of one NHS England region.
type Region struct {
	Name string
	ICBs []ICB // by name
}

// Regions groups the ICBs in force on the day by region, regions and ICBs
// sorted by name.
func (s *Set) Regions(on time.Time) []Region {
	var out []Region
	for _, c := range s.InForce(on) {
		i := slices.IndexFunc(out, func(r Region) bool { return r.Name == c.Region })
		if i < 0 {
			out = append(out, Region{Name: c.Region})
			i = len(out) - 1
		}
		out[i].ICBs = append(out[i].ICBs, c)
	}
	slices.SortFunc(out, func(a, b Region) int { return strings.Compare(a.Name, b.Name) })
	for _, r := range out {
		slices.SortFunc(r.ICBs, func(a, b ICB) int { return cmp.Compare(a.Name, b.Name) })
	}
	return out
}

// ShortName drops "NHS " and " Integrated Care Board" from a full name.
func ShortName(name string) string {
	name = strings.TrimPrefix(name, "NHS ")
	return strings.TrimSuffix(strings.TrimSuffix(name, " Integrated Care Board"), " ICB")
}

// Day is the calendar day of t in UTC, the unit of every validity.
func Day(t time.Time) time.Time {
	y, m, d := t.UTC().Date()
	return time.Date(y, m, d, 0, 0, 0, 0, time.UTC)
}

func day(s string) (time.Time, bool) {
	t, err := time.Parse(time.DateOnly, s)
	return t, err == nil
}
