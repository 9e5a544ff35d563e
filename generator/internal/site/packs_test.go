package site

import (
	"bytes"
	"context"
	"io/fs"
	"os"
	"regexp"
	"strings"
	"testing"
	"testing/fstest"
	"time"

	"github.com/bcs/publish/generator/internal/icb"
	"github.com/bcs/publish/generator/internal/pack"
)

// realData loads the repository's ICBs and pack data.
func realData(t *testing.T) (*icb.Set, *pack.Data) {
	t.Helper()
	root := os.DirFS("../../..")
	src, err := fs.ReadFile(root, ICBsFile)
	if err != nil {
		t.Fatal(err)
	}
	set, err := icb.Parse(ICBsFile, src)
	if err != nil {
		t.Fatal(err)
	}
	data, err := pack.Load(root, set, nil)
	if err != nil {
		t.Fatal(err)
	}
	return set, data
}

// The packs follow the map of the day of the build: every ICB in force has
// a pack page, every place area too, and no abolished ICB has one.
func TestPacksFollowTheMapOfTheDay(t *testing.T) {
	s := realSite(t)
	set, _ := realData(t)
	index := string(s.Files["packs/index.html"])
	inForce := set.InForce(now)
	if len(inForce) != 36 {
		t.Errorf("%d ICBs in force", len(inForce))
	}
	listed := regexp.MustCompile(`<li id="icb-[A-Z0-9]+" data-search="[^"]*"><a href="/packs/([a-z0-9]+)/">`).FindAllStringSubmatch(index, -1)
	if len(listed) != len(inForce) {
		t.Errorf("/packs/ lists %d ICBs, want the %d in force", len(listed), len(inForce))
	}
	for _, c := range inForce {
		dir := "packs/" + strings.ToLower(c.Code) + "/"
		contains(t, s, dir+"index.html", "Download the pack", "Check with your ICB before use")
		contains(t, s, dir+"hrd-monitoring-sop/index.html")
		if !strings.Contains(index, `<a href="/`+dir+`">`+c.Name+`</a>`) {
			t.Errorf("/packs/ does not list %s", c.Code)
		}
	}
	for _, c := range set.Abolished(now) {
		dir := "packs/" + strings.ToLower(c.Code) + "/"
		contains(t, s, dir+"index.html", `<meta name="robots" content="noindex">`, "was abolished on 1 April 2026")
		for name := range s.Files {
			if strings.HasPrefix(name, dir) && name != dir+"index.html" {
				t.Errorf("abolished %s has %s", c.Code, name)
			}
		}
		if bytes.Contains(s.Files["sitemap.xml"], []byte("/"+dir+"<")) {
			t.Errorf("the sitemap lists %s", dir)
		}
	}
	// Place areas: their own pages and downloads, listed under their ICB.
	for _, dir := range []string{"packs/s0e4d/oxfordshire/", "packs/s0e4d/buckinghamshire/", "packs/s0e4d/berkshire-west/", "packs/qf7/doncaster/", "packs/qf7/rotherham/"} {
		contains(t, s, dir+"index.html", "Download the pack for")
		contains(t, s, dir+"scope-of-practice/index.html")
		if !strings.Contains(index, `<a href="/`+dir+`">`) {
			t.Errorf("/packs/ does not list %s", dir)
		}
		if !bytes.Contains(s.Files["sitemap.xml"], []byte("/"+dir+"<")) {
			t.Errorf("the sitemap lacks %s", dir)
		}
	}
	contains(t, s, "packs/s0e4d/oxfordshire/index.html", "Oxfordshire: starter pack", "Oxfordshire Formulary (APCO)", "Amber Shared Care Protocol", "a CCG page (before July 2022)", "over 3 years old")
	contains(t, s, "packs/s0e4d/index.html", `<a href="/packs/s0e4d/oxfordshire/">Oxfordshire starter pack</a>`, "This pack uses the national defaults")
}

func TestAbolishedICBPages(t *testing.T) {
	s := realSite(t)
	// QU9's places went to Thames Valley whole: each to its own area's pack.
	contains(t, s, "packs/qu9/index.html",
		"NHS Buckinghamshire, Oxfordshire and Berkshire West Integrated Care Board was abolished on 1 April 2026",
		"Practices in Oxfordshire, Buckinghamshire and Berkshire West are now in NHS Thames Valley Integrated Care Board",
		`<a href="/packs/s0e4d/oxfordshire/">`, `<a href="/packs/s0e4d/buckinghamshire/">`, `<a href="/packs/s0e4d/berkshire-west/">`)
	// Frimley was split three ways.
	contains(t, s, "packs/qnq/index.html", `<a href="/packs/s0e4d/">`, `<a href="/packs/s9b9j/surrey-heartlands/">`, `<a href="/packs/qrl/">`)
	red := string(s.Files[RedirectsFile])
	for _, want := range []string{"/packs/qu9/hrd-monitoring-sop/ /packs/s0e4d/hrd-monitoring-sop/ 301\n", "/packs/qmj/scope-of-practice/ /packs/z9b2z/scope-of-practice/ 301\n"} {
		if !strings.Contains(red, want) {
			t.Errorf("%s lacks %q", RedirectsFile, want)
		}
	}
	for _, split := range []string{"/packs/qnq/", "/packs/qm7/", "/packs/qjg/"} {
		if strings.Contains(red, split) {
			t.Errorf("%s redirects %s, whose practices went to more than one ICB", RedirectsFile, split)
		}
	}
}

// Built on 31 March 2026, the map is the old one: BOB has its pack, and
// the site is out of date from 1 April.
func TestPacksTheDayBeforeTheMergers(t *testing.T) {
	before := time.Date(2026, 3, 31, 12, 0, 0, 0, time.UTC)
	s, err := Build(context.Background(), os.DirFS("../../.."), Options{Now: before, Future: true}) // the site's pages are dated later
	if err != nil {
		t.Fatal(err)
	}
	contains(t, s, "packs/qu9/hrd-monitoring-sop/index.html")
	if _, ok := s.Files["packs/s0e4d/index.html"]; ok {
		t.Error("Thames Valley has a pack before it exists")
	}
	if strings.Contains(string(s.Files[RedirectsFile]), "/packs/") {
		t.Errorf("redirects before anything was abolished:\n%s", s.Files[RedirectsFile])
	}
}

// A build goes out of date on the day the map changes, as it does when a
// future-dated page falls due.
func TestUntilTheMapChanges(t *testing.T) {
	s, err := Build(context.Background(), project(t, nil), Options{Now: time.Date(2026, 3, 31, 12, 0, 0, 0, time.UTC)})
	if err != nil {
		t.Fatal(err)
	}
	if want := time.Date(2026, 4, 1, 0, 0, 0, 0, time.UTC); !s.Until.Equal(want) {
		t.Errorf("Until = %v, want %v (S1Y5D comes into force)", s.Until, want)
	}
}

// The contact form offers the ICBs in force on the day.
func TestFormListsTheICBsInForce(t *testing.T) {
	set, _ := realData(t)
	codes := func(on time.Time) string {
		var out []string
		for _, o := range formLists(set, on)["icbs"] {
			out = append(out, o.Value)
		}
		return " " + strings.Join(out, " ") + " "
	}
	before, after := codes(time.Date(2026, 3, 31, 0, 0, 0, 0, time.UTC)), codes(now)
	if !strings.Contains(before, " QU9 ") || strings.Contains(before, " S0E4D ") {
		t.Errorf("on 31 March 2026 the form offers %s", before)
	}
	if strings.Contains(after, " QU9 ") || !strings.Contains(after, " S0E4D ") || strings.Count(after, " ")-1 != 36 {
		t.Errorf("on %s the form offers %s", now.Format(time.DateOnly), after)
	}
}

// No page publishes a research note from the pack data.
func TestPackPagesCarryNoResearchNotes(t *testing.T) {
	s := realSite(t)
	var notes []string
	_, data := realData(t)
	for _, n := range data.ResearchNotes() {
		if len(n) > 30 {
			notes = append(notes, n[:30])
		}
	}
	if len(notes) < 50 {
		t.Fatalf("only %d research notes: the test would prove nothing", len(notes))
	}
	for name, b := range s.Files {
		if !strings.HasSuffix(name, ".html") && !strings.HasSuffix(name, ".json") {
			continue
		}
		text := string(b)
		for _, n := range notes {
			if strings.Contains(text, n) || strings.Contains(text, strings.ReplaceAll(n, "'", "&#39;")) {
				t.Errorf("%s publishes a research note: %q", name, n)
			}
		}
		for _, m := range []string{"to confirm locally", "from memory", "Not yet recorded"} {
			if strings.Contains(text, m) {
				t.Errorf("%s says %q", name, m)
			}
		}
	}
}

// The host redirect file is the build's: a content file of that name is an
// error naming it, not a silent overwrite.
func TestRedirectsFileIsTheBuilds(t *testing.T) {
	fsys := repoFS(t)
	fsys["content/_redirects"] = &fstest.MapFile{Data: []byte("/* https://evil.example/:splat 302\n")}
	_, err := Build(context.Background(), fsys, Options{Now: now})
	if err == nil || !strings.Contains(err.Error(), "content/_redirects: the build writes _redirects itself") {
		t.Fatalf("err = %v", err)
	}
}

// TestAbolishedPageFollowsItsSuccessor: an abolished ICB's page names the
// ICB its practices went to, so renaming the successor changes that page
// though nothing of the abolished ICB itself changed.
func TestAbolishedPageFollowsItsSuccessor(t *testing.T) {
	fsys := repoFS(t)
	icbs := string(fsys[ICBsFile].Data)
	const name = "NHS Central East Integrated Care Board"
	if !strings.Contains(icbs, name) {
		t.Fatalf("%s no longer names %s: choose another successor", ICBsFile, name)
	}
	runSteps(t, fsys, Options{Now: now}, []step{
		{name: "the successor renamed", edit: map[string]string{ICBsFile: strings.ReplaceAll(icbs, name, "NHS Central and East Integrated Care Board")}},
	})
}

// An ICB's page is written for a practice manager: what the pack is for and
// how to use it first, the checksums, the manifest and the Power BI file
// list only inside a closed "Technical details" disclosure.
func TestPackPageForAPracticeManager(t *testing.T) {
	s := realSite(t)
	for _, name := range []string{"packs/quy/index.html", "packs/s0e4d/oxfordshire/index.html"} {
		b := string(s.Files[name])
		details := strings.Index(b, `<details class="unverified">`)
		if details < 0 || !strings.Contains(b, "<summary>Files in the ZIP, checksums and Power BI</summary>") {
			t.Fatalf("%s has no Technical details disclosure", name)
		}
		if strings.Contains(b, "<details class=\"unverified\" open") {
			t.Errorf("%s opens its Technical details", name)
		}
		for _, technical := range []string{"SHA-256", "manifest.json", "powerbi", ".pbip", "SemanticModel", `class="checksum"`} {
			if i := strings.Index(b, technical); i >= 0 && i < details {
				t.Errorf("%s shows %q before its Technical details", name, technical)
			}
		}
		use := strings.Index(b, `<h3 id="use-heading">How to use it</h3>`)
		if use < 0 || use > details || !strings.Contains(b, `<a href="#check-heading">Check with your ICB before use</a>`) {
			t.Errorf("%s: the steps to use the pack are missing or come after the technical details", name)
		}
	}
}
