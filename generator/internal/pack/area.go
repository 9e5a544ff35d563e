package pack

import (
	"fmt"
	"slices"
	"strings"
	"time"

	"github.com/bcs/publish/generator/internal/diag"
	"github.com/bcs/publish/generator/internal/icb"
)

// Area is what one pack is built for: an ICB in force on the day of the
// build, or the places of that ICB that keep a formulary of their own (the
// unit of alignment is a formulary, and a formulary may serve only part of
// an ICB: Thames Valley's places keep the Oxfordshire, Buckinghamshire and
// Berkshire formularies). A practice downloads the pack of its place's area
// when there is one, else its ICB's.
type Area struct {
	ICB    icb.ICB
	Slug   string      // "" for the ICB's own pack; else its formulary file's name
	Places []icb.Place // the places whose practices use this pack
	Own    *Alignment  // the formulary file that applies; nil: national defaults only
	Others []Area      // for the ICB's pack: the place areas within the ICB
}

// Key identifies the area: the ICB's ODS code, then /slug for a place area.
func (a Area) Key() string {
	if a.Slug == "" {
		return a.ICB.Code
	}
	return a.ICB.Code + "/" + a.Slug
}

// FileKey is Key made safe for file names: QJ2, S0E4D-oxfordshire.
func (a Area) FileKey() string { return strings.ReplaceAll(a.Key(), "/", "-") }

// IsPlace reports whether the area is part of an ICB.
func (a Area) IsPlace() bool { return a.Slug != "" }

// PlaceNames is the area's places' names joined for a sentence.
func (a Area) PlaceNames() string {
	var names []string
	for _, p := range a.Places {
		names = append(names, p.Name)
	}
	return JoinAnd(names)
}

// Title names the area for people: the ICB's name, or "Oxfordshire (NHS
// Thames Valley Integrated Care Board)" for a place area.
func (a Area) Title() string {
	if !a.IsPlace() {
		return a.ICB.Name
	}
	return a.PlaceNames() + " (" + a.ICB.Name + ")"
}

// ShortTitle is the area's name without the ICB's: "Oxfordshire", or the
// ICB's short name.
func (a Area) ShortTitle() string {
	if !a.IsPlace() {
		return a.ICB.Short
	}
	return a.PlaceNames()
}

// JoinAnd joins words as English does: "a", "a and b", "a, b and c".
func JoinAnd(words []string) string {
	switch len(words) {
	case 0:
		return ""
	case 1:
		return words[0]
	}
	return strings.Join(words[:len(words)-1], ", ") + " and " + words[len(words)-1]
}

// Areas returns the areas of every ICB in force on the day, in the ICB
// file's order, each ICB's own area first and then its place areas in
// formulary file order. The errors are those of formulary files that do
// not fit the map of that day: one that covers an abolished ICB, a place
// that is not the ICB's, a place or an ICB covered twice.
func (d *Data) Areas(on time.Time) ([]Area, error) {
	var errs diag.List
	byICB := map[string][]*Alignment{}
	for _, a := range d.Files {
		f := a.Formulary
		c, _ := d.ICBs.Lookup(f.Covers.ICB)
		switch {
		case c.Abolished(on):
			msg := fmt.Sprintf("covers %s, abolished on %s", c.Code, c.To.AddDate(0, 0, 1).Format("2 January 2006"))
			var to []string
			for _, m := range d.ICBs.Moves(c, on) {
				to = append(to, m.To.Code)
			}
			errs = append(errs, diag.Errorf(a.doc.Pos("$.formulary.covers.icb"), "%s: cover its successor (%s) instead", msg, strings.Join(to, " or ")))
			continue
		case !c.InForce(on):
			continue // an ICB announced for a later day: its pack appears on that day
		}
		byICB[c.Code] = append(byICB[c.Code], a)
	}
	var out []Area
	for _, c := range d.ICBs.InForce(on) {
		places := c.PlacesOn(on)
		whole := Area{ICB: c}
		taken := map[string]string{}
		var parts []Area
		for _, a := range byICB[c.Code] {
			cov := a.Formulary.Covers
			if len(cov.Places) == 0 {
				if whole.Own != nil {
					errs = append(errs, diag.Errorf(a.doc.Pos("$.formulary.covers"), "%s is already covered whole by %s: one formulary file per area", c.Code, whole.Own.File))
					continue
				}
				whole.Own = a
				continue
			}
			part := Area{ICB: c, Slug: a.Slug, Own: a}
			for i, code := range cov.Places {
				at := a.doc.Pos(fmt.Sprintf("$.formulary.covers.places[%d]", i))
				pl, ok := c.Place(code, on)
				if !ok {
					var codes []string
					for _, p := range places {
						codes = append(codes, p.Code+" ("+p.Name+")")
					}
					errs = append(errs, diag.Errorf(at, "%s is not a place of %s on %s (its places: %s)", code, c.Code, on.Format(time.DateOnly), strings.Join(codes, ", ")))
					continue
				}
				if other, dup := taken[code]; dup {
					errs = append(errs, diag.Errorf(at, "place %s is already covered by %s: a place follows one formulary", code, other))
					continue
				}
				taken[code] = a.File
				part.Places = append(part.Places, pl)
			}
			if len(part.Places) > 0 {
				parts = append(parts, part)
			}
		}
		for _, pl := range places {
			if _, ok := taken[pl.Code]; !ok {
				whole.Places = append(whole.Places, pl)
			}
		}
		whole.Others = parts
		out = append(out, whole)
		out = append(out, parts...)
	}
	if err := errs.Err(); err != nil {
		return nil, err
	}
	return out, nil
}

// Area returns the area with a key (QJ2, or S0E4D/oxfordshire; case is
// ignored) among those in force on the day.
func (d *Data) Area(key string, on time.Time) (Area, error) {
	areas, err := d.Areas(on)
	if err != nil {
		return Area{}, err
	}
	var keys []string
	for _, a := range areas {
		if strings.EqualFold(a.Key(), key) || strings.EqualFold(a.FileKey(), key) {
			return a, nil
		}
		keys = append(keys, a.Key())
	}
	msg := fmt.Sprintf("no pack %q on %s", key, on.Format(time.DateOnly))
	if c, ok := d.ICBs.Lookup(strings.ToUpper(key)); ok && c.Abolished(on) {
		var to []string
		for _, m := range d.ICBs.Moves(c, on) {
			to = append(to, m.To.Code)
		}
		msg += fmt.Sprintf(": %s was abolished on %s; its practices are now in %s", c.Name, c.To.AddDate(0, 0, 1).Format("2 January 2006"), JoinAnd(to))
	} else if s := diag.Suggest(strings.ToUpper(key), keys); s != "" {
		msg += fmt.Sprintf("; did you mean %s?", s)
	}
	return Area{}, fmt.Errorf("%s", msg)
}

// checkFiles checks what a formulary file says of the map that holds
// whatever the day: its ICB exists, its slug is not a document's id.
func (d *Data) checkFiles() diag.List {
	var errs diag.List
	for _, a := range d.Files {
		f := a.Formulary
		if f == nil {
			continue
		}
		if _, ok := d.ICBs.Lookup(f.Covers.ICB); !ok && f.Covers.ICB != "" {
			msg := fmt.Sprintf("no ICB with ODS code %q in %s", f.Covers.ICB, ICBsFile)
			if s := diag.Suggest(f.Covers.ICB, d.ICBs.Codes()); s != "" {
				msg += fmt.Sprintf("; did you mean %s?", s)
			}
			errs = append(errs, diag.Errorf(a.doc.Pos("$.formulary.covers.icb"), "%s", msg))
		}
		if d.Manifest != nil && len(f.Covers.Places) > 0 && slices.ContainsFunc(d.Manifest.Documents, func(doc Document) bool { return doc.ID == a.Slug }) {
			errs = append(errs, diag.Errorf(a.doc.Pos("$"), "the file's name %q is a document's id: a place area's pack page would take that document's address; rename the file", a.Slug))
		}
	}
	return errs
}
