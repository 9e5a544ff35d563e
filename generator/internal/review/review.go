// Package review is the clinical review gate. Every clinical text the
// project publishes (a pack document, a clinical page of the site) says
// when it was last reviewed and when its next review is due, as NHS.UK
// pages do. A build fails, naming the file and line, once a next review
// date has passed, and lists the texts whose review falls due within
// DueWithin, so the clinical team sees them coming.
package review

import (
	"cmp"
	"fmt"
	"slices"
	"time"

	"github.com/bcs/publish/generator/internal/diag"
)

// DueWithin is how far ahead a build lists the reviews falling due.
const DueWithin = 60 * 24 * time.Hour

// MaxYears bounds the interval between two reviews: a clinical text reviewed
// less often than this is not kept up to date.
const MaxYears = 3

// Dates are a text's review dates.
type Dates struct {
	Last time.Time // last reviewed
	Next time.Time // next review due
	At   diag.Pos  // where next_review is written
}

// IsZero reports whether the text carries no review dates.
func (d Dates) IsZero() bool { return d.Next.IsZero() }

// Parse reads the two dates (YYYY-MM-DD). Both are needed when either is
// given, the next review must come after the last and within MaxYears of
// it; lastAt and nextAt are where each is written, for errors.
func Parse(last, next string, lastAt, nextAt diag.Pos) (Dates, diag.List) {
	var errs diag.List
	if last == "" && next == "" {
		return Dates{}, nil
	}
	d := Dates{At: nextAt}
	var ok bool
	switch {
	case last == "":
		errs = append(errs, diag.Errorf(nextAt, "next_review needs last_reviewed beside it: the day the text was last reviewed, YYYY-MM-DD"))
	default:
		if d.Last, ok = day(last); !ok {
			errs = append(errs, diag.Errorf(lastAt, "last_reviewed %q must be a date, YYYY-MM-DD", last))
		}
	}
	switch {
	case next == "":
		errs = append(errs, diag.Errorf(lastAt, "last_reviewed needs next_review beside it: the day the next review is due, YYYY-MM-DD"))
	default:
		if d.Next, ok = day(next); !ok {
			errs = append(errs, diag.Errorf(nextAt, "next_review %q must be a date, YYYY-MM-DD", next))
		}
	}
	if len(errs) > 0 {
		return Dates{}, errs
	}
	switch {
	case !d.Next.After(d.Last):
		errs = append(errs, diag.Errorf(nextAt, "next_review %s must come after last_reviewed %s", next, last))
	case d.Next.After(d.Last.AddDate(MaxYears, 0, 0)):
		errs = append(errs, diag.Errorf(nextAt, "next_review %s is more than %d years after last_reviewed %s: a clinical text is reviewed at least every %d years", next, MaxYears, last, MaxYears))
	}
	return d, errs
}

func day(s string) (time.Time, bool) {
	t, err := time.Parse(time.DateOnly, s)
	return t, err == nil
}

// Item is one reviewed text.
type Item struct {
	What string // its title, as the reader knows it
	Dates
}

// Due is a review falling due soon.
type Due struct {
	Item
	Days int // days from the build's day to the review date (0: today)
}

// Gate checks items on the day today (its date in UTC): an error at the
// next_review of each whose review date has passed, and the list of those
// due within DueWithin, soonest first.
func Gate(items []Item, today time.Time) (diag.List, []Due) {
	y, m, dd := today.UTC().Date()
	day := time.Date(y, m, dd, 0, 0, 0, 0, time.UTC)
	var errs diag.List
	var due []Due
	for _, it := range items {
		if it.IsZero() {
			continue
		}
		switch days := int(it.Next.Sub(day).Hours() / 24); {
		case days < 0:
			errs = append(errs, diag.Errorf(it.At, "the review of %q was due on %s (%s ago): review it with a clinician, then set last_reviewed to the day of the review and next_review to the next one", it.What, it.Next.Format("2 January 2006"), ago(-days)))
		case time.Duration(days)*24*time.Hour <= DueWithin:
			due = append(due, Due{Item: it, Days: days})
		}
	}
	slices.SortStableFunc(due, func(a, b Due) int { return cmp.Compare(a.Days, b.Days) }) // file order among equals
	return errs, due
}

func ago(days int) string {
	if days == 1 {
		return "1 day"
	}
	return fmt.Sprintf("%d days", days)
}

// Expires is the first day on which one of items fails the gate (zero:
// none): a build is out of date from then on.
func Expires(items []Item) time.Time {
	var first time.Time
	for _, it := range items {
		if it.IsZero() {
			continue
		}
		if d := it.Next.AddDate(0, 0, 1); first.IsZero() || d.Before(first) {
			first = d
		}
	}
	return first
}
