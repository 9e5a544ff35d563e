package site

import (
	"bytes"
	"context"
	"encoding/json"
	"fmt"
	"html/template"
	"maps"
	"os"
	"regexp"
	"slices"
	"strings"
	"sync"
	"testing"
	"testing/fstest"
	"time"

	"github.com/rogpeppe/go-internal/txtar"

	"github.com/bcs/publish/generator/internal/config"
	"github.com/bcs/publish/generator/internal/indicator"
	"github.com/bcs/publish/generator/internal/markdown"
	"github.com/bcs/publish/generator/internal/view"
)

var now = time.Date(2026, 11, 26, 12, 0, 0, 0, time.UTC)

// project returns the base test project from testdata/base.txtar with the
// given files added or replaced (a nil content removes the file).
func project(t testing.TB, changes map[string]string) fstest.MapFS {
	t.Helper()
	ar, err := txtar.ParseFile("testdata/base.txtar")
	if err != nil {
		t.Fatal(err)
	}
	fsys := fstest.MapFS{}
	for _, f := range ar.Files {
		fsys[f.Name] = &fstest.MapFile{Data: f.Data}
	}
	for name, data := range changes {
		if data == "" {
			delete(fsys, name)
			continue
		}
		fsys[name] = &fstest.MapFile{Data: []byte(data)}
	}
	return fsys
}

func build(t *testing.T, fsys fstest.MapFS) *Site {
	t.Helper()
	s, err := Build(context.Background(), fsys, Options{Now: now})
	if err != nil {
		t.Fatalf("build: %v", err)
	}
	return s
}

func contains(t *testing.T, s *Site, file string, wants ...string) {
	t.Helper()
	b, ok := s.Files[file]
	if !ok {
		t.Fatalf("%s not built; files: %v", file, slices.Sorted(maps.Keys(s.Files)))
	}
	for _, w := range wants {
		if !bytes.Contains(b, []byte(w)) {
			t.Errorf("%s does not contain %q", file, w)
		}
	}
}

func TestClusterStructure(t *testing.T) {
	s := build(t, project(t, map[string]string{
		"content/guide/three.md": "---\ntitle: Three\ndescription: d\nweight: 0\n---\n",
	}))
	contains(t, s, "guide/one/index.html",
		`<a href="/">Home</a><a href="/guide/">Guide</a><a href="/guide/one/">One</a>`,              // breadcrumbs
		`<a href="/guide/">Guide</a><a href="/guide/three/">Three</a><a href="/guide/two/">Two</a>`, // pillar, then siblings by weight
	)
	contains(t, s, "guide/index.html", `<a href="/guide/three/">Three</a><a href="/guide/one/">One</a><a href="/guide/two/">Two</a>`)
	contains(t, s, "sitemap.xml", "<loc>https://example.org/guide/three/</loc>")
	if _, ok := s.Files["404/index.html"]; ok {
		t.Error("404 page built at /404/")
	}
	if bytes.Contains(s.Files["sitemap.xml"], []byte("404")) {
		t.Error("404 page listed in the sitemap")
	}
}

func TestCollectsEveryError(t *testing.T) {
	_, err := Build(context.Background(), project(t, map[string]string{
		"content/guide/one.md": "---\ntitle: One\n---\n",
		"content/guide/two.md": "---\ntitle: Two\ndescription: d\ndate: yesterday\n---\n",
		"content/site.yaml":    "title: T\nbase_url: https://example.org/\norganisation: {name: O}\nmenus: {mian: []}\n",
	}), Options{Now: now})
	if err == nil {
		t.Fatal("no error")
	}
	for _, want := range []string{
		`content/site.yaml:4:9: unknown key "mian"; did you mean "main"?`,
	} {
		if !strings.Contains(err.Error(), want) {
			t.Errorf("errors do not include %q:\n%v", want, err)
		}
	}
	// Settings errors stop the build before pages; page errors are all reported together.
	_, err = Build(context.Background(), project(t, map[string]string{
		"content/guide/one.md": "---\ntitle: One\n---\n",
		"content/guide/two.md": "---\ntitle: Two\ndescription: d\ndate: yesterday\n---\n",
	}), Options{Now: now})
	for _, want := range []string{`content/guide/one.md:2:1: missing required field "description"`, `content/guide/two.md:4:7: malformed date "yesterday"`} {
		if err == nil || !strings.Contains(err.Error(), want) {
			t.Errorf("errors do not include %q:\n%v", want, err)
		}
	}
}

func TestUnknownIndicator(t *testing.T) {
	_, err := Build(context.Background(), project(t, map[string]string{
		"content/about.md": "---\ntitle: A\ndescription: d\nsections:\n  - heading: B\n    benchmarks: [X-2]\n---\n",
	}), Options{Now: now})
	if err == nil || !strings.Contains(err.Error(), `content/about.md:6:18: unknown indicator "X-2" (indicators live in packs/indicators.yaml); did you mean "X-1"?`) {
		t.Errorf("err = %v", err)
	}
}

// realSite builds the repository's own content.
func realSite(t testing.TB) *Site {
	t.Helper()
	s, err := Build(context.Background(), os.DirFS("../../.."), Options{Now: now})
	if err != nil {
		t.Fatalf("building the real content: %v", err)
	}
	return s
}

// No internal id on a public page: the text a visitor reads on any page
// names no indicator by its id, and no benchmark table prints a technical
// definition (code cluster names, comparison signs, "as ME-FBC but"): the
// measures page holds the definitions, without the ids. (A pack document
// may name a code cluster: the clinician records against it.)
func TestNoInternalIDOnAPublicPage(t *testing.T) {
	s := realSite(t)
	src, err := os.ReadFile("../../../" + IndicatorsFile)
	if err != nil {
		t.Fatal(err)
	}
	set, err := indicator.Parse(IndicatorsFile, src)
	if err != nil {
		t.Fatal(err)
	}
	ids := make([]string, len(set.All))
	for i, ind := range set.All {
		ids[i] = regexp.QuoteMeta(ind.ID)
	}
	idWord := regexp.MustCompile(`(^|[^A-Za-z0-9_-])(` + strings.Join(ids, "|") + `)($|[^A-Za-z0-9_-])`)
	technical := regexp.MustCompile(`_COD\b|&gt;=|&lt;=|\bas [A-Z]+-[A-Z]+ but\b`)
	benchmarks := regexp.MustCompile(`(?s)<table class="benchmarks">.*?</table>`)
	checked, tables := 0, 0
	for name, b := range s.Files {
		if !strings.HasSuffix(name, ".html") || s.isRedirect(name) {
			continue
		}
		text := visibleText(b)
		if m := idWord.FindStringSubmatch(text); m != nil {
			t.Errorf("%s shows the indicator id %s", name, m[2])
		}
		for _, table := range benchmarks.FindAll(b, -1) {
			if m := technical.FindString(visibleText(table)); m != "" {
				t.Errorf("%s: a benchmark table shows a technical definition: %q", name, m)
			}
			tables++
		}
		checked++
	}
	if checked < 300 || tables < 4 {
		t.Errorf("only %d pages and %d benchmark tables checked", checked, tables)
	}
	contains(t, s, "measures/index.html", "<h2 id=\"methotrexate-without-a-recent-liver-function-test-heading\">", "with no LFT in last 3 months",
		"No published source: check the measure and its target with your ICB")
	if bytes.Contains(s.Files["measures/index.html"], []byte(">memory<")) {
		t.Error("the measures page publishes a maintainer's source note")
	}
}

// The copy a reader sees: the client's sentence as written (its link is
// inside it), one apostrophe style on every page (the straight one the
// typed content uses), and no sentence that starts in lower case after a
// full stop (the home page had "formulary. so the work starts").
func TestCopy(t *testing.T) {
	s := realSite(t)
	space := regexp.MustCompile(`\s+`)
	practice := space.ReplaceAllString(visibleText(s.Files["medicines-optimisation/practice-level/index.html"]), " ")
	if !strings.Contains(practice, "Practices can request the pack standalone via the contact form .") && !strings.Contains(practice, "Practices can request the pack standalone via the contact form.") {
		t.Error("the practice-level page lacks the client's sentence \"Practices can request the pack standalone via the contact form.\"")
	}
	broken := regexp.MustCompile(`\b([a-z]+)\. [a-z]{2,} `)
	abbreviations := []string{"excl", "incl", "e.g", "i.e", "etc", "approx"}
	for name, b := range s.Files {
		if !strings.HasSuffix(name, ".html") || s.isRedirect(name) {
			continue
		}
		text := visibleText(b)
		if strings.Contains(text, "\u2019") {
			t.Errorf("%s uses a curly apostrophe: the site's style is the straight one", name)
		}
		if !strings.HasPrefix(name, "packs/") {
			for _, m := range broken.FindAllStringSubmatch(space.ReplaceAllString(text, " "), -1) {
				if !slices.Contains(abbreviations, m[1]) {
					t.Errorf("%s: a sentence starts in lower case: %q", name, m[0])
				}
			}
		}
	}
}

// visibleText is what a page shows: its markup without scripts, tags and
// attributes (character references left as they are).
func visibleText(b []byte) string {
	s := regexp.MustCompile(`(?s)<script.*?</script>|<[^>]*>`).ReplaceAllString(string(b), " ")
	return s
}

// TestRealContent checks the published site: every section of the client's
// page, the benchmarks drawn from the indicator data, and the accessibility
// and security properties every page must have.
func TestRealContent(t *testing.T) {
	s := realSite(t)
	seed := "medicines-optimisation/practice-level/index.html"
	contains(t, s, seed,
		"<h1 id=\"page-title\">Medicines optimisation for GP practices</h1>",
		"What a GP practice owns directly", "4–6 GP hours per week per 10,000 patients",
		"The practice MO weekly rhythm", "<dt>Tue–Wed</dt>", "clinical pharmacist SMR clinic — 8–10 patients/day, 30-min slots",
		"Practice-level MO benchmarks", "Repeat prescriptions turned round on time", "Safety alerts closed by their deadline",
		`<a href="/measures/#repeat-prescriptions-turned-round-on-time">`,
		"What BCS provides to client practices", `<a href="/packs/#find-heading" data-pack-doc="smr-consultation-template/">SMR consultation template (SNOMED CT coded)</a>`,
		"Practice MO — FAQs", "<details class=\"faq\" id=\"who-codes-the-work-for-qof-and-the-des\">",
		"Talk to our Service Development team", "30-minute discovery call.", `<a class="button" href="/contact/">`,
		`<a class="back" href="/medicines-optimisation/">Back to Medicines optimisation</a>`,
	)
	for _, url := range []string{"index.html", "medicines-optimisation/index.html", "medicines-optimisation/pcn-smr/index.html",
		"medicines-optimisation/high-risk-drug-monitoring/index.html", "medicines-optimisation/discharge-reconciliation/index.html",
		"contact/index.html", "contact/thanks/index.html", "faqs/index.html", "privacy/index.html", "forms/contact.json", "404.html", "sitemap.xml", "robots.txt"} {
		contains(t, s, url)
	}
	h1 := regexp.MustCompile(`<h1[ >]`)
	script := regexp.MustCompile(`<script[^>]*>`)
	external := regexp.MustCompile(`^<script src="/assets/js/[a-z]+\.[0-9a-f]{10}\.js" defer>$`)
	ld := regexp.MustCompile(`(?s)<script type="application/ld\+json">(.*?)</script>`)
	for name, b := range s.Files {
		if !strings.HasSuffix(name, ".html") || s.isRedirect(name) || strings.HasPrefix(name, AdminDir+"/") { // the CMS: TestAdmin
			continue
		}
		if n := len(h1.FindAll(b, -1)); n != 1 {
			t.Errorf("%s has %d h1 elements", name, n)
		}
		for _, tag := range script.FindAll(b, -1) {
			if string(tag) != `<script type="application/ld+json">` && !external.Match(tag) {
				t.Errorf("%s has an executable script: %s", name, tag)
			}
		}
		if bytes.Contains(b, []byte("style=")) || bytes.Contains(b, []byte("<style")) {
			t.Errorf("%s has inline style", name)
		}
		if !bytes.Contains(b, []byte(`<a class="skip-link" href="#main-content">`)) || !bytes.Contains(b, []byte(`<main id="main-content"`)) {
			t.Errorf("%s lacks the skip link or main landmark", name)
		}
		for _, m := range ld.FindAllSubmatch(b, -1) {
			var v map[string]any
			if err := json.Unmarshal(m[1], &v); err != nil || v["@context"] != "https://schema.org" {
				t.Errorf("%s: JSON-LD does not parse as schema.org: %v", name, err)
			}
		}
	}
	// Every page shares the default social image, an asset the build publishes.
	og := regexp.MustCompile(`<meta property="og:image" content="https://[^/]+/(assets/social\.[0-9a-f]{10}\.png)">`).FindSubmatch(s.Files["index.html"])
	if og == nil || len(s.Files[string(og[1])]) == 0 || !bytes.Contains(s.Files["index.html"], []byte(`<meta property="og:image:width" content="1200">`)) {
		t.Errorf("the home page's og:image is missing or not published: %q", og)
	}
	// The footer's legal line and the privacy notice come from the settings.
	src, err := os.ReadFile("../../../" + SettingsFile)
	if err != nil {
		t.Fatal(err)
	}
	settings, err := config.Parse(SettingsFile, src)
	if err != nil {
		t.Fatal(err)
	}
	contains(t, s, "index.html", `<p class="footer-legal">`+template.HTMLEscapeString(settings.Organisation.LegalLine())+`</p>`)
	contains(t, s, "privacy/index.html", fmt.Sprintf("for %d days from the day we receive it", settings.Submissions.RetentionDays), `<a href="/privacy/" aria-current="page">`)
	contains(t, s, "contact/index.html", `<a href="/privacy/">privacy notice</a>`, "Please do not include any patient information.", "Do not include patient details.")
	if bytes.Contains(s.Files["contact/index.html"], []byte("12 months")) {
		t.Error("the contact page states a retention period of its own: it belongs to the privacy notice, from the settings")
	}
	contains(t, s, "medicines-optimisation/practice-level/index.html", `"@type":"BreadcrumbList"`, `"@type":"Organization"`,
		`"@type":"FAQPage"`, `"name":"Who codes the work for QOF and the DES?"`,
		`"url":"https://www.bcs-pharmacy.co.uk/medicines-optimisation/practice-level/#who-codes-the-work-for-qof-and-the-des"`,
		`"text":"Yes for the practice-owned interventions (repeat prescribing, HRD monitoring, in-house reconciliation). SMR delivery against the DES target and ARRS-funded pharmacist provision sit at PCN level — but practice-level MO is fully possible and often the precursor to scaling at the network."`)
}

func (s *Site) isRedirect(name string) bool {
	return bytes.Contains(s.Files[name], []byte(`http-equiv="refresh"`))
}

// TestDeterministic builds the real content twice and compares every byte.
func TestDeterministic(t *testing.T) {
	a, b := realSite(t), realSite(t)
	if !maps.EqualFunc(a.Files, b.Files, bytes.Equal) {
		for name := range a.Files {
			if !bytes.Equal(a.Files[name], b.Files[name]) {
				t.Errorf("%s differs between two builds", name)
			}
		}
		t.Fatal("two builds of the same input differ")
	}
}

func TestPlainText(t *testing.T) {
	for in, want := range map[string]string{
		"<p>The practice&rsquo;s <em>own</em>\npatients.</p>\n<p>Second &amp; last.</p>": "The practice’s own patients. Second & last.",
		"<ul><li>a</li><li>b</li></ul>": "a b",
		"":                              "",
	} {
		if got := plainText(template.HTML(in)); got != want {
			t.Errorf("plainText(%q) = %q, want %q", in, got, want)
		}
	}
}

// memSink is a Sink that keeps what it is given.
type memSink struct {
	mu    sync.Mutex
	files map[string][]byte
}

func (m *memSink) Write(name string, data []byte) error {
	m.mu.Lock()
	defer m.mu.Unlock()
	if _, dup := m.files[name]; dup {
		return fmt.Errorf("%s written twice", name)
	}
	m.files[name] = slices.Clone(data)
	return nil
}

// TestSinkGetsTheSameSite builds the real site into a Sink: the Sink gets
// exactly the files an in-memory build makes, the result holds none of
// their contents, and the Builder refuses to build again.
func TestSinkGetsTheSameSite(t *testing.T) {
	want := realSite(t)
	sink := &memSink{files: map[string][]byte{}}
	b := NewBuilder(os.DirFS("../../.."), Options{Now: now, Sink: sink})
	res, err := b.Update(context.Background(), nil)
	if err != nil {
		t.Fatal(err)
	}
	if len(sink.files) != len(want.Files) {
		t.Errorf("the sink got %d files, an in-memory build makes %d", len(sink.files), len(want.Files))
	}
	for name, data := range want.Files {
		if got, ok := sink.files[name]; !ok || !bytes.Equal(got, data) {
			t.Errorf("%s: the sink got a different file (present %v)", name, ok)
		}
		if res.Files[name] != nil {
			t.Errorf("%s: the result kept the content", name)
		}
	}
	if _, err := b.Update(context.Background(), []string{"content/_index.md"}); err == nil {
		t.Error("a Builder with a Sink built twice")
	}
}

// TestUntil checks when a build goes out of date by itself: when the first
// page left out for its future date falls due, and never when future pages
// are built anyway.
func TestUntil(t *testing.T) {
	page := func(date string) string {
		return "---\ntitle: Later\ndescription: Not yet.\ndate: " + date + "\n---\nSoon.\n"
	}
	fsys := project(t, map[string]string{
		"content/later.md": page("2027-03-01"),
		"content/soon.md":  page("2026-12-24"),
		"content/past.md":  page("2025-01-01"),
	})
	s := build(t, fsys)
	if want := time.Date(2026, 12, 24, 0, 0, 0, 0, time.UTC); !s.Until.Equal(want) {
		t.Errorf("Until = %v, want %v", s.Until, want)
	}
	all, err := Build(context.Background(), fsys, Options{Now: now, Future: true})
	if err != nil {
		t.Fatal(err)
	}
	if !all.Until.IsZero() {
		t.Errorf("with future pages built, Until = %v, want none", all.Until)
	}
}

// TestCacheGivesTheSameSite builds the real site with an empty Markdown
// cache and again with the cache that build filled: both are the site a
// build without a cache makes, byte for byte, and the second finds every
// piece.
func TestCacheGivesTheSameSite(t *testing.T) {
	want := realSite(t)
	c := markdown.NewCache()
	for i, label := range []string{"empty cache", "warm cache"} {
		got, err := Build(context.Background(), os.DirFS("../../.."), Options{Now: now, Cache: c})
		if err != nil {
			t.Fatal(err)
		}
		if !maps.EqualFunc(got.Files, want.Files, bytes.Equal) {
			for name, data := range want.Files {
				if !bytes.Equal(got.Files[name], data) {
					t.Errorf("%s: %s differs", label, name)
				}
			}
		}
		if hits, misses := c.Stats(); i == 1 && (misses != 0 || hits == 0) {
			t.Errorf("%s: %d pieces or blocks converted again, %d found", label, misses, hits)
		}
		if i == 0 {
			c = reload(t, c)
		}
	}
}

// reload saves a cache and loads it back, as the next build does.
func reload(t *testing.T, c *markdown.Cache) *markdown.Cache {
	t.Helper()
	file := t.TempDir() + "/markdown.cache"
	if err := c.Save(file); err != nil {
		t.Fatal(err)
	}
	c, err := markdown.LoadCache(file)
	if err != nil {
		t.Fatal(err)
	}
	return c
}

// from_pack names the pack's own documents by id: the page lists their
// lines from pack.yaml, each carrying where it is inside a pack; an id the
// pack lacks is an error at its line that suggests the nearest; no pack
// data is an error too.
func TestFromPack(t *testing.T) {
	s := realSite(t)
	contains(t, s, "medicines-optimisation/discharge-reconciliation/index.html",
		`<a href="/packs/#find-heading" data-pack-doc="discharge-reconciliation-workflow/">Discharge reconciliation workflow for EMIS Web and SystmOne</a>`,
		`data-pack-links data-pack-areas="/packs/d7t5g/ `)
	fsys := repoFS(t)
	fsys["content/medicines-optimisation/pcn-smr.md"] = &fstest.MapFile{Data: bytes.Replace(fsys["content/medicines-optimisation/pcn-smr.md"].Data, []byte("from_pack: [smr-consultation-template,"), []byte("from_pack: [smr-consultaton-template,"), 1)}
	_, err := Build(context.Background(), fsys, Options{Now: now})
	if err == nil || !regexp.MustCompile(`content/medicines-optimisation/pcn-smr\.md:\d+:\d+: "smr-consultaton-template" is not a document or workbook of the starter pack \(ids in packs/pack\.yaml\); did you mean "smr-consultation-template"\?`).MatchString(err.Error()) {
		t.Errorf("err = %v", err)
	}
	_, err = Build(context.Background(), project(t, map[string]string{
		"content/about.md": "---\ntitle: A\ndescription: d\nsections:\n  - heading: B\n    from_pack: [scope-of-practice]\n---\n",
	}), Options{Now: now})
	if err == nil || !strings.Contains(err.Error(), `content/about.md:6:16: from_pack names starter pack documents, but there is no packs/pack.yaml`) {
		t.Errorf("err = %v", err)
	}
}

// The search index: every page but the generated and noindex ones, their
// sections (not the calls to action) and questions, linked to their
// anchors, and the pack's documents; small enough to load on a phone.
func TestSearchIndex(t *testing.T) {
	s := realSite(t)
	var idx struct {
		Entries []view.SearchEntry
		Areas   string
	}
	if err := json.Unmarshal(s.Files[SearchFile], &idx); err != nil {
		t.Fatal(err)
	}
	kinds := map[string]int{}
	for _, e := range idx.Entries {
		kinds[e.Kind]++
		switch {
		case strings.HasPrefix(e.URL, "/packs/") && e.URL != "/packs/" && e.Kind != "pack" && !strings.HasPrefix(e.URL, "/packs/#"):
			t.Errorf("a generated pack page is in the index: %+v", e)
		case e.URL == "/contact/thanks/" || e.URL == "/404.html":
			t.Errorf("a noindex page is in the index: %+v", e)
		case e.Title == "Talk to our Service Development team":
			t.Errorf("a call to action is in the index: %+v", e)
		}
		if e.Kind == "section" || e.Kind == "question" {
			page, id, _ := strings.Cut(e.URL, "#")
			html := s.Files[strings.TrimPrefix(page, "/")+"index.html"]
			if !bytes.Contains(html, []byte(` id="`+id+`"`)) {
				t.Errorf("%s: no element with id %q", page, id)
			}
		}
	}
	if kinds["page"] < 10 || kinds["section"] < 20 || kinds["question"] < 12 || kinds["pack"] != 7 {
		t.Errorf("entries by kind: %v", kinds)
	}
	if n := len(s.Files[SearchFile]); n > 64<<10 {
		t.Errorf("the index is %d bytes", n)
	}
	if !strings.Contains(idx.Areas, "/packs/quy/") {
		t.Errorf("areas = %q", idx.Areas)
	}
	contains(t, s, "search/index.html", `<a href="/medicines-optimisation/practice-level/#who-codes-the-work-for-qof-and-the-des">Who codes the work for QOF and the DES?</a>`,
		`<a href="/packs/#find-heading" data-pack-doc="hrd-monitoring-sop/">High-risk drug monitoring SOP</a>`)
}
