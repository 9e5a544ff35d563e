package review

import (
	"strings"
	"testing"
	"time"

	"github.com/bcs/publish/generator/internal/diag"
)

func at(line int) diag.Pos { return diag.Pos{File: "packs/pack.yaml", Line: line, Col: 18} }

func TestParse(t *testing.T) {
	if d, errs := Parse("", "", at(1), at(2)); len(errs) > 0 || !d.IsZero() {
		t.Errorf("no dates: %v %v", d, errs)
	}
	d, errs := Parse("2026-12-02", "2027-12-02", at(1), at(2))
	if len(errs) > 0 || d.Next.Format(time.DateOnly) != "2027-12-02" || d.At != at(2) {
		t.Errorf("good dates: %v %v", d, errs)
	}
	for _, c := range []struct{ last, next, want string }{
		{"2026-12-02", "", "packs/pack.yaml:1:18: last_reviewed needs next_review"},
		{"", "2027-01-01", "packs/pack.yaml:2:18: next_review needs last_reviewed"},
		{"2026-12-02", "2027-13-01", "packs/pack.yaml:2:18: next_review \"2027-13-01\" must be a date"},
		{"2 Dec 2026", "2027-12-01", "packs/pack.yaml:1:18: last_reviewed \"2 Dec 2026\" must be a date"},
		{"2026-12-02", "2026-12-02", "must come after last_reviewed"},
		{"2026-12-02", "2030-12-03", "more than 3 years after"},
	} {
		_, errs := Parse(c.last, c.next, at(1), at(2))
		if len(errs) == 0 || !strings.Contains(errs.Error(), c.want) {
			t.Errorf("%q %q: %v, want %s", c.last, c.next, errs, c.want)
		}
	}
}

// TestGate: a passed review is an error at its line; one due within 60
// days is listed, soonest first; one further off is fine.
func TestGate(t *testing.T) {
	mk := func(what, next string, line int) Item {
		d, _ := Parse("2026-01-01", next, at(line-1), at(line))
		return Item{What: what, Dates: d}
	}
	items := []Item{mk("Fine", "2027-06-01", 10), mk("Passed", "2026-12-01", 20), mk("Due later", "2027-01-30", 30), mk("Due today", "2026-12-02", 40), {What: "No dates"}}
	today := time.Date(2026, 12, 2, 15, 4, 0, 0, time.UTC)
	errs, due := Gate(items, today)
	if len(errs) != 1 || !strings.Contains(errs.Error(), `packs/pack.yaml:20:18: the review of "Passed" was due on 1 December 2026 (1 day ago)`) {
		t.Errorf("errors: %v", errs)
	}
	if len(due) != 2 || due[0].What != "Due today" || due[0].Days != 0 || due[1].What != "Due later" || due[1].Days != 59 {
		t.Errorf("due: %+v", due)
	}
	if got := Expires(items).Format(time.DateOnly); got != "2026-12-02" {
		t.Errorf("expires %s, want the day after the earliest review date", got)
	}
	if _, due := Gate(items[:1], time.Date(2027, 4, 2, 0, 0, 0, 0, time.UTC)); len(due) != 1 || due[0].Days != 60 {
		t.Errorf("60 days ahead is due: %+v", due)
	}
	if _, due := Gate(items[:1], time.Date(2027, 4, 1, 0, 0, 0, 0, time.UTC)); len(due) != 0 {
		t.Errorf("61 days ahead is not yet due: %+v", due)
	}
}
