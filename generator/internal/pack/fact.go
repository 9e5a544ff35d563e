package pack

import (
	"fmt"
	"regexp"
	"strconv"
	"time"

	"github.com/bcs/publish/generator/internal/diag"
	"github.com/bcs/publish/generator/internal/yamldoc"
)

// Fact is the provenance every published pack value carries: where it was
// read, the page's own date, the day it was checked, and whether it was
// confirmed there. Research holds how the value was found and any doubt: it
// is working material and is never published, by construction (no renderer
// is given it). A value that is not confirmed is never printed as a fact:
// documents and pages show it only as an item to check with the ICB.
type Fact struct {
	Source    string `yaml:"source"`    // the http(s) address where the value was read
	PageDate  string `yaml:"page_date"` // the page's own date: YYYY, YYYY-MM, YYYY-MM-DD, or CCG (a CCG's page, before 1 July 2022)
	Checked   string `yaml:"checked"`   // the day the value was checked at Source, YYYY-MM-DD
	Confirmed bool   `yaml:"confirmed"` // read at Source on Checked
	Research  string `yaml:"research"`  // never published
}

// CCGEra is the PageDate of a page published by a Clinical Commissioning
// Group: CCGs were abolished on 1 July 2022, so such a page is at least
// that old.
const CCGEra = "CCG"

// ccgEnd is the day CCGs were abolished.
var ccgEnd = time.Date(2022, 7, 1, 0, 0, 0, 0, time.UTC)

var pageDatePattern = regexp.MustCompile(`^[0-9]{4}(-[0-9]{2}(-[0-9]{2})?)?$`)

// check reports what is wrong with a fact at path p of doc.
func (f Fact) check(doc *yamldoc.Doc, p string) diag.List {
	var errs diag.List
	if f.Source != "" && !isURL(f.Source) {
		errs = append(errs, diag.Errorf(doc.Pos(p+".source"), "source %q must be the http(s) address where the value was read", f.Source))
	}
	if f.Confirmed && f.Source == "" {
		errs = append(errs, diag.Errorf(doc.Pos(p+".confirmed"), "a confirmed value needs its source: the address where it was read"))
	}
	if f.Checked != "" {
		if _, ok := parseDay(f.Checked); !ok {
			errs = append(errs, diag.Errorf(doc.Pos(p+".checked"), "checked %q must be the day the source was read, YYYY-MM-DD", f.Checked))
		}
	} else if f.Confirmed {
		errs = append(errs, diag.Errorf(doc.Pos(p+".confirmed"), "a confirmed value needs checked: the day its source was read, YYYY-MM-DD"))
	}
	if f.PageDate != "" && f.PageDate != CCGEra {
		if _, ok := pageDay(f.PageDate); !ok {
			errs = append(errs, diag.Errorf(doc.Pos(p+".page_date"), "page_date %q must be the page's own date (YYYY, YYYY-MM or YYYY-MM-DD) or %s for a page published by a CCG", f.PageDate, CCGEra))
		}
	}
	return errs
}

// pageDay is the latest day a page date can mean: a page dated 2019 may be
// from 31 December 2019.
func pageDay(s string) (time.Time, bool) {
	if s == CCGEra {
		return ccgEnd.AddDate(0, 0, -1), true
	}
	if !pageDatePattern.MatchString(s) {
		return time.Time{}, false
	}
	switch len(s) {
	case 4:
		y, _ := strconv.Atoi(s)
		return time.Date(y, 12, 31, 0, 0, 0, 0, time.UTC), true
	case 7:
		t, err := time.Parse("2006-01", s)
		return t.AddDate(0, 1, -1), err == nil
	}
	t, err := time.Parse(time.DateOnly, s)
	return t, err == nil
}

// OlderThan reports whether the page a fact was read on is dated more than
// years before the day (a page without a date is not counted).
func (f Fact) OlderThan(years int, on time.Time) bool {
	if f.PageDate == "" {
		return false
	}
	t, ok := pageDay(f.PageDate)
	return ok && t.Before(on.AddDate(-years, 0, 0))
}

// PageDateText is the page's date for readers: "May 2024", "2019", "a CCG
// page (before July 2022)", or "" when the page shows none.
func (f Fact) PageDateText() string {
	switch {
	case f.PageDate == "":
		return ""
	case f.PageDate == CCGEra:
		return "a CCG page (before July 2022)"
	}
	t, ok := pageDay(f.PageDate)
	if !ok {
		return f.PageDate
	}
	switch len(f.PageDate) {
	case 4:
		return f.PageDate
	case 7:
		return t.Format("January 2006")
	}
	return t.Format("2 January 2006")
}

// CheckedText is the day the value was checked, for readers.
func (f Fact) CheckedText() string {
	t, ok := parseDay(f.Checked)
	if !ok {
		return ""
	}
	return t.Format("2 January 2006")
}

// Sourced is one published value with its provenance, for the reference
// lists of documents and pages and the build's report.
type Sourced struct {
	Topic string // the drug's name, the contact's role key, or one of the Topic constants
	What  string // e.g. "Status of methotrexate"
	Value string // the value as published
	Fact
}

// Check is an item a practice must check with its ICB before relying on the
// pack: a value that is not confirmed or not recorded. It names what to
// check and where, never the unconfirmed value itself.
type Check struct {
	Topic string // as Sourced.Topic
	What  string // e.g. "Formulary status of lithium"
	Where string // where to look: the formulary's address when it is known, else ""
	Why   string // "not recorded for this area" or "not yet confirmed from a source"
}

// Check reasons.
const (
	NotRecorded    = "not recorded for this area yet"
	NotConfirmed   = "not yet confirmed from its source"
	NotInFormulary = "not found in the formulary's published pages"
)

func (c Check) String() string { return fmt.Sprintf("%s (%s)", c.What, c.Why) }
