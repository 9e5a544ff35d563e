package site

import (
	"context"
	"fmt"
	"io/fs"
	"os"
	"strings"
	"testing"
	"testing/fstest"

	"github.com/bcs/publish/generator/internal/view"
)

const clinicalSite = "title: Test site\nbase_url: https://example.org/\nclinical_sections: [guide]\norganisation:\n  name: Test Org\nmenus:\n  main:\n    - name: Guide\n      url: /guide/\n"

const guideIndex = "---\ntitle: Guide\ndescription: The guide.\nlast_reviewed: 2026-06-01\nnext_review: 2027-06-01\n---\nA guide.\n"

func reviewedPage(last, next string) string {
	return "---\ntitle: One\ndescription: A clinical page.\nlast_reviewed: " + last + "\nnext_review: " + next + "\n---\nText.\n"
}

// TestReviewGate: a clinical page whose review has passed stops the build
// at its next_review line; one due within 60 days builds and is listed; one
// further off builds and says when it was reviewed, as NHS.UK pages do.
func TestReviewGate(t *testing.T) {
	for _, c := range []struct {
		name, next string
		err        string
		due        int // -1: not listed
	}{
		{"passed", "2026-11-25", "content/guide/one.md:5:14: the review of \"One\" was due on 25 November 2026 (1 day ago)", -1},
		{"due soon", "2027-01-10", "", 45},
		{"due today", "2026-11-26", "", 0},
		{"fine", "2027-06-01", "", -1},
	} {
		t.Run(c.name, func(t *testing.T) {
			fsys := project(t, map[string]string{"content/site.yaml": clinicalSite, "content/guide/one.md": reviewedPage("2026-06-01", c.next),
				"content/guide/two.md": reviewedPage("2026-06-01", "2027-11-01"), "content/guide/_index.md": guideIndex})
			s, err := Build(context.Background(), fsys, Options{Now: now})
			if c.err != "" {
				if err == nil || !strings.Contains(err.Error(), c.err) {
					t.Fatalf("err = %v, want %s", err, c.err)
				}
				return
			}
			if err != nil {
				t.Fatal(err)
			}
			switch {
			case c.due < 0 && len(s.Reviews) != 0:
				t.Errorf("reviews due: %+v, want none", s.Reviews)
			case c.due >= 0 && (len(s.Reviews) != 1 || s.Reviews[0].Days != c.due || s.Reviews[0].What != "One" || s.Reviews[0].At.Line != 5):
				t.Errorf("reviews due: %+v, want One in %d days at line 5", s.Reviews, c.due)
			}
			if until := s.Until.Format("2006-01-02"); c.name == "due soon" && until != "2027-01-11" {
				t.Errorf("Until = %s, want the day after the review date", until)
			}
		})
	}
}

// TestClinicalPageNeedsReview: a page of a clinical section without review
// dates is an error naming it; pages elsewhere need none.
func TestClinicalPageNeedsReview(t *testing.T) {
	fsys := project(t, map[string]string{"content/site.yaml": clinicalSite, "content/guide/two.md": reviewedPage("2026-06-01", "2027-11-01"),
		"content/guide/_index.md": guideIndex})
	_, err := Build(context.Background(), fsys, Options{Now: now})
	if err == nil || !strings.Contains(err.Error(), "content/guide/one.md:2:8: this page is in a clinical section (site.yaml clinical_sections), so it needs last_reviewed and next_review") {
		t.Fatalf("err = %v", err)
	}
	if strings.Contains(err.Error(), "_index.md") || strings.Contains(err.Error(), "content/404.md") {
		t.Errorf("a page with dates, or outside the section, was reported: %v", err)
	}
}

// TestReviewDatesMalformed: bad review dates are errors at their lines.
func TestReviewDatesMalformed(t *testing.T) {
	fsys := project(t, map[string]string{"content/guide/one.md": reviewedPage("2026-06-01", "June 2027")})
	_, err := Build(context.Background(), fsys, Options{Now: now})
	if err == nil || !strings.Contains(err.Error(), "content/guide/one.md:5:14: next_review \"June 2027\" must be a date, YYYY-MM-DD") {
		t.Fatalf("err = %v", err)
	}
}

// TestRealClinicalPages: the site's clinical pages and the pack documents
// say when they were reviewed and when the next review is due.
func TestRealClinicalPages(t *testing.T) {
	s := realSite(t)
	for _, f := range []string{"medicines-optimisation/index.html", "medicines-optimisation/high-risk-drug-monitoring/index.html", "packs/qhm/hrd-monitoring-sop/index.html"} {
		contains(t, s, f, "Page last reviewed: 2 December 2026<br>Next review due: 2 June 2027")
	}
	contains(t, s, "medicines-optimisation/high-risk-drug-monitoring/index.html", "PRIMIS computes the national PINCER figures with its own definitions")
	contains(t, s, "packs/qhm/smr-consultation-template/index.html", `<span class="field field-text">Patient name</span>`, `<span class="field-check" aria-hidden="true">`,
		`<h2 id="references">References</h2>`, `role="doc-noteref"`, `<span class="field">Filled in by the practice</span>`)
}

// TestSectionSizeDoesNotGrowPages: a cluster page of a section of 300 pages
// is the size of one in a section of 30: it links its nearest siblings and
// says how many more the pillar lists.
func TestSectionSizeDoesNotGrowPages(t *testing.T) {
	size := func(n int) int {
		files := map[string]string{"templates/cluster.html": `{{define "main"}}<h1>{{.Title}}</h1>{{range .Siblings}}<a href="{{.URL}}">{{.Title}}</a>{{end}}{{with .SiblingsLeftOut}}<p>{{.}} more</p>{{end}}{{end}}`}
		for i := range n {
			files[fmt.Sprintf("content/guide/p%03d.md", i)] = fmt.Sprintf("---\ntitle: P%03d\ndescription: Page %d.\nweight: %d\n---\nText.\n", i, i, 10+i)
		}
		s := build(t, project(t, files))
		page := string(s.Files["guide/p015/index.html"])
		_, main, _ := strings.Cut(page, "<main>")
		if links := strings.Count(main, `<a href="/guide/`); links != view.MaxSiblings {
			t.Errorf("%d pages: the page links %d siblings, want %d", n, links, view.MaxSiblings)
		}
		if want := fmt.Sprintf("<p>%d more</p>", n+2-1-view.MaxSiblings); !strings.Contains(page, want) { // the section's own one and two
			t.Errorf("%d pages: no %q", n, want)
		}
		return len(strings.Replace(page, fmt.Sprint(n+2-1-view.MaxSiblings), "N", 1))
	}
	if a, b := size(30), size(300); a != b {
		t.Errorf("a page of a section of 30 is %d bytes, of 300 %d bytes", a, b)
	}
}

// TestSpecialFilesRefused: a named pipe, socket or device anywhere in the
// project is refused by its type, before anything opens it (a pipe would
// block the read for ever): in the pack data as in content.
func TestSpecialFilesRefused(t *testing.T) {
	fsys := repoProject(t)
	for name, mode := range map[string]fs.FileMode{
		"packs/formulary/pipe.yaml": fs.ModeNamedPipe, "content/notes.md": fs.ModeNamedPipe,
		"content/sock.png": fs.ModeSocket, "packs/documents/smr-consultation-template.md": fs.ModeDevice | fs.ModeCharDevice,
	} {
		t.Run(name, func(t *testing.T) {
			was := fsys[name]
			fsys[name] = &fstest.MapFile{Data: []byte("never read"), Mode: mode}
			defer func() {
				if was != nil {
					fsys[name] = was
				} else {
					delete(fsys, name)
				}
			}()
			_, err := Build(context.Background(), fsys, Options{Now: now})
			if err == nil || !strings.Contains(err.Error(), name+": this is a") || !strings.Contains(err.Error(), "not a file: the build reads only regular files") {
				t.Fatalf("err = %v", err)
			}
		})
	}
}

// TestFormOriginChangesEveryPagesPolicy: a form posting to another origin
// changes the site-wide Content-Security-Policy, so an update that makes
// the change renders every page again, as a whole build would.
func TestFormOriginChangesEveryPagesPolicy(t *testing.T) {
	fsys := repoProject(t)
	b := NewBuilder(fsys, Options{Now: now, Preview: true})
	if _, err := b.Update(context.Background(), nil); err != nil {
		t.Fatal(err)
	}
	contact := string(fsys["content/contact.md"].Data)
	fsys["content/contact.md"] = &fstest.MapFile{Data: []byte(strings.Replace(contact, "action: /api/contact", "action: https://forms.example.org/api/contact", 1))}
	res, err := b.Update(context.Background(), []string{"content/contact.md"})
	if err != nil {
		t.Fatal(err)
	}
	whole, err := Build(context.Background(), fsys, Options{Now: now, Preview: true})
	if err != nil {
		t.Fatal(err)
	}
	for _, f := range []string{"index.html", "faqs/index.html", "medicines-optimisation/index.html", "contact/index.html"} {
		if !strings.Contains(string(res.Files[f]), "https://forms.example.org") {
			t.Errorf("%s keeps the old policy after the update", f)
		}
		if string(res.Files[f]) != string(whole.Files[f]) {
			t.Errorf("%s differs from a whole build", f)
		}
	}
}

// repoProject is the repository's project (content, templates, assets,
// packs) in memory, to change one file of it.
func repoProject(t *testing.T) fstest.MapFS {
	t.Helper()
	repo := os.DirFS("../../..")
	fsys := fstest.MapFS{}
	for _, dir := range []string{"content", "templates", "assets", "packs"} {
		err := fs.WalkDir(repo, dir, func(name string, d fs.DirEntry, err error) error {
			if err != nil || d.IsDir() {
				return err
			}
			data, err := fs.ReadFile(repo, name)
			fsys[name] = &fstest.MapFile{Data: data}
			return err
		})
		if err != nil {
			t.Fatal(err)
		}
	}
	return fsys
}
