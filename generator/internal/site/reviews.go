package site

import (
	"time"

	"github.com/bcs/publish/generator/internal/config"
	"github.com/bcs/publish/generator/internal/diag"
	"github.com/bcs/publish/generator/internal/pack"
	"github.com/bcs/publish/generator/internal/page"
	"github.com/bcs/publish/generator/internal/review"
)

// reviewGate applies the clinical review gate (package review) to the
// site's content pages and the pack's documents and workbooks on the day
// now: every page of a clinical section must carry its review dates, and
// no review date may have passed. It returns the reviews due soon and the
// day the first review passes.
func reviewGate(pages []*page.Page, data *pack.Data, settings *config.Site, now time.Time) (diag.List, []review.Due, time.Time) {
	var errs diag.List
	var items []review.Item
	for _, p := range pages {
		if p.Generated {
			continue
		}
		if p.Review.IsZero() {
			if settings.Clinical(p.Rel) {
				errs = append(errs, diag.Errorf(p.Doc.Pos("$.title"), "this page is in a clinical section (site.yaml clinical_sections), so it needs last_reviewed and next_review: the day a clinician last reviewed it and the day the next review is due, as YYYY-MM-DD"))
			}
			continue
		}
		items = append(items, review.Item{What: p.Front.Title, Dates: p.Review})
	}
	if data != nil && data.Manifest != nil {
		items = append(items, data.Manifest.Reviews()...)
	}
	passed, due := review.Gate(items, now)
	return append(errs, passed...), due, review.Expires(items)
}
