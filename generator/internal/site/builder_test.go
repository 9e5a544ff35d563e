package site

import (
	"bytes"
	"context"
	"fmt"
	"io/fs"
	"maps"
	"os"
	"path/filepath"
	"slices"
	"strings"
	"testing"
	"testing/fstest"
)

// step is one edit to the project and what the builder must redo for it.
type step struct {
	name     string
	edit     map[string]string // path -> new content; "" removes the file
	rendered []string          // the pages (under content/) rendered again
	changed  []string          // the output files that change
	err      string            // the update fails with this error
}

// runSteps applies each edit, updates the builder, checks what it redid,
// and checks that its output equals a fresh whole build of the same files.
func runSteps(t *testing.T, fsys fstest.MapFS, opt Options, steps []step) {
	t.Helper()
	b := NewBuilder(fsys, opt)
	if _, err := b.Update(context.Background(), nil); err != nil {
		t.Fatal(err)
	}
	for _, s := range steps {
		var paths []string
		for name, data := range s.edit {
			if data == "" {
				delete(fsys, name)
			} else {
				fsys[name] = &fstest.MapFile{Data: []byte(data)}
			}
			paths = append(paths, name)
		}
		res, err := b.Update(context.Background(), paths)
		if s.err != "" {
			if err == nil || !strings.Contains(err.Error(), s.err) {
				t.Errorf("%s: error %v, want %q", s.name, err, s.err)
			}
			continue
		}
		if err != nil {
			t.Errorf("%s: %v", s.name, err)
			continue
		}
		if s.rendered != nil && !slices.Equal(res.Stats.RenderedPages, s.rendered) {
			t.Errorf("%s: rendered %v, want %v", s.name, res.Stats.RenderedPages, s.rendered)
		}
		if s.changed != nil && !slices.Equal(res.Changed, s.changed) {
			t.Errorf("%s: changed %v, want %v", s.name, res.Changed, s.changed)
		}
		whole, err := Build(context.Background(), fsys, opt)
		if err != nil {
			t.Fatalf("%s: whole build: %v", s.name, err)
		}
		if !maps.EqualFunc(res.Files, whole.Files, bytes.Equal) {
			for name := range whole.Files {
				if !bytes.Equal(res.Files[name], whole.Files[name]) {
					t.Errorf("%s: %s differs from a whole build:\n%s\n---\n%s", s.name, name, res.Files[name], whole.Files[name])
				}
			}
			for name := range res.Files {
				if _, ok := whole.Files[name]; !ok {
					t.Errorf("%s: %s left over", s.name, name)
				}
			}
		}
	}
}

const two = "---\ntitle: Two\ndescription: The second cluster page.\nweight: 2\n---\n## Details\n"

func TestIncrementalRebuilds(t *testing.T) {
	all := []string{"404.md", "_index.md", "guide/_index.md", "guide/one.md", "guide/two.md"}
	runSteps(t, project(t, nil), Options{Now: now}, []step{
		{name: "body edit", edit: map[string]string{"content/guide/two.md": two + "New words.\n"},
			rendered: []string{"guide/two.md"}, changed: []string{"guide/two/index.html"}},
		{name: "same bytes again", edit: map[string]string{"content/guide/two.md": two + "New words.\n"},
			rendered: []string{"guide/two.md"}, changed: []string{}},
		{name: "title edit shows on the pillar and the sibling", edit: map[string]string{"content/guide/two.md": strings.Replace(two, "title: Two", "title: Second", 1)},
			rendered: []string{"guide/_index.md", "guide/one.md", "guide/two.md"}},
		{name: "pillar title: home, and the breadcrumbs below it", edit: map[string]string{"content/guide/_index.md": "---\ntitle: The guide\ndescription: The pillar.\n---\n"},
			rendered: []string{"_index.md", "guide/_index.md", "guide/one.md", "guide/two.md"}},
		{name: "a page template", edit: map[string]string{"templates/cluster.html": `{{define "main"}}<h1>{{.Title}}!</h1>{{.Content}}{{range .Siblings}}<a href="{{.URL}}">{{.Title}}</a>{{end}}{{end}}`},
			rendered: []string{"guide/one.md", "guide/two.md"}},
		{name: "a partial, with the page template that starts using it", edit: map[string]string{
			"templates/partials/siblings.html": `{{range .Siblings}}<a href="{{.URL}}">{{.Title}}</a>{{end}}`,
			"templates/cluster.html":           `{{define "main"}}<h1>{{.Title}}!</h1>{{.Content}}{{template "partials/siblings.html" .}}{{end}}`},
			rendered: []string{"guide/one.md", "guide/two.md"}},
		{name: "a partial: the pages whose template reaches it", edit: map[string]string{"templates/partials/siblings.html": `{{range .Siblings}}<a class="s" href="{{.URL}}">{{.Title}}</a>{{end}}`},
			rendered: []string{"guide/one.md", "guide/two.md"}},
		{name: "the base template", edit: map[string]string{"templates/base.html": `<!DOCTYPE html><html lang="en"><head><title>{{.HeadTitle}}</title><link rel="stylesheet" href="{{asset "site.css"}}"></head><body><main>{{block "main" .}}{{end}}</main></body></html>`},
			rendered: all},
		{name: "a stylesheet, hashed names: every page links the new name", edit: map[string]string{"assets/css/site.css": "body { color: navy; }"},
			rendered: all},
		{name: "a new page", edit: map[string]string{"content/guide/three.md": "---\ntitle: Three\ndescription: d\nweight: 3\n---\nSee [one](/guide/one/).\n"},
			rendered: []string{"guide/_index.md", "guide/one.md", "guide/three.md", "guide/two.md"}},
		{name: "removing a page others link to is an error", edit: map[string]string{"content/guide/two.md": ""},
			err: "content/guide/one.md:6:11: broken link /guide/two/#details: no such page or file"},
		{name: "fixing the link removes the page's output", edit: map[string]string{"content/guide/one.md": "---\ntitle: One\ndescription: The first cluster page.\nweight: 1\n---\nSee [three](/guide/three/).\n"},
			rendered: []string{"guide/_index.md", "guide/one.md", "guide/three.md"}},
		{name: "bad front matter fails and keeps the site", edit: map[string]string{"content/guide/three.md": "---\ntitle: [\n---\n"},
			err: "content/guide/three.md:2"},
		{name: "fixed with a new title: the neighbours follow", edit: map[string]string{"content/guide/three.md": "---\ntitle: Third\ndescription: d\nweight: 3\n---\n"},
			rendered: []string{"guide/_index.md", "guide/one.md", "guide/three.md"}},
		{name: "a draft leaves with the link to it", edit: map[string]string{"content/guide/three.md": "---\ntitle: Third\ndescription: d\ndraft: true\n---\n",
			"content/guide/one.md": "---\ntitle: One\ndescription: The first cluster page.\nweight: 1\n---\nAlone.\n"},
			rendered: []string{"guide/_index.md", "guide/one.md"}},
		{name: "site settings: everything", edit: map[string]string{"content/site.yaml": "title: Renamed\nbase_url: https://example.org/\norganisation:\n  name: Test Org\n"},
			rendered: []string{"404.md", "_index.md", "guide/_index.md", "guide/one.md"}},
		// A new top-level folder takes the strict policy in _headers (headers), and loses it when it goes.
		{name: "a static file", edit: map[string]string{"content/files/leaflet.pdf": "%PDF-1.4 hello"},
			rendered: []string{}, changed: []string{"_headers", "files/leaflet.pdf"}},
		{name: "a folder goes", edit: map[string]string{"content/files/leaflet.pdf": ""},
			rendered: []string{}, changed: []string{"_headers", "files/leaflet.pdf"}},
	})
}

func TestPreviewStylesheetEditChangesOnlyTheStylesheet(t *testing.T) {
	runSteps(t, project(t, nil), Options{Now: now, Preview: true}, []step{
		{name: "stylesheet", edit: map[string]string{"assets/css/site.css": "body { color: navy; }"},
			rendered: []string{}, changed: []string{"assets/site.css"}},
	})
}

func TestFAQHubFollowsQuestions(t *testing.T) {
	fsys := project(t, map[string]string{
		"content/faqs.md":        "---\ntitle: FAQs\ndescription: d\nlayout: faqs\n---\n",
		"templates/faqs.html":    `{{define "main"}}<h1>{{.Title}}</h1>{{range .FAQHub}}{{range .Pages}}{{range .FAQs}}<a href="{{.URL}}">{{.Question}}</a>{{end}}{{end}}{{end}}{{end}}`,
		"templates/cluster.html": `{{define "main"}}<h1>{{.Title}}</h1>{{range .Sections}}{{range .FAQs}}<details id="{{.ID}}"><summary>{{.Question}}</summary>{{.Answer}}</details>{{end}}{{end}}{{end}}`,
		"content/guide/one.md":   "---\ntitle: One\ndescription: d\nsections:\n  - heading: Q\n    faqs:\n      - question: Why?\n        answer: Because.\n---\n",
	})
	runSteps(t, fsys, Options{Now: now}, []step{
		{name: "a question changes", edit: map[string]string{"content/guide/one.md": "---\ntitle: One\ndescription: d\nsections:\n  - heading: Q\n    faqs:\n      - question: Why?\n        id: why\n        answer: Because it works.\n---\n"},
			rendered: []string{"faqs.md", "guide/one.md"}},
		{name: "a body edit elsewhere leaves the hub alone", edit: map[string]string{"content/guide/two.md": two + "More.\n"},
			rendered: []string{"guide/two.md"}},
	})
}

// repoFS is the repository's own project as a MapFS.
func repoFS(t testing.TB) fstest.MapFS {
	t.Helper()
	m := fstest.MapFS{}
	root := os.DirFS(filepath.Join("..", "..", ".."))
	for _, dir := range []string{ContentDir, TemplatesDir, AssetsDir, "packs"} {
		err := fs.WalkDir(root, dir, func(p string, d fs.DirEntry, err error) error {
			if err != nil || d.IsDir() {
				return err
			}
			data, err := fs.ReadFile(root, p)
			m[p] = &fstest.MapFile{Data: data}
			return err
		})
		if err != nil {
			t.Fatal(err)
		}
	}
	return m
}

func TestPackEditsRebuildOnlyTheirPacks(t *testing.T) {
	fsys := repoFS(t)
	qj2 := string(fsys["packs/formulary/derbyshire.yaml"].Data)
	places := string(fsys["packs/places.yaml"].Data)
	qj2Pages := []string{"packs/qj2/_index.md", "packs/qj2/discharge-reconciliation-workflow.md", "packs/qj2/hrd-monitoring-sop.md",
		"packs/qj2/repeat-prescribing-sop.md", "packs/qj2/scope-of-practice.md", "packs/qj2/smr-consultation-template.md"}
	// The index reads every pack (which areas have local choices); the
	// practice page lists the manifest's documents and the thank-you page
	// the areas, neither of which a formulary's wording changes.
	listers := []string{"packs/_index.md"}
	runSteps(t, fsys, Options{Now: now}, []step{
		{name: "the finder's words: the index only", edit: map[string]string{"packs/places.yaml": places + "  - {name: \"Clevedon\", la: E06000024, source: https://example.org/towns, checked: 2026-12-03}\n"},
			rendered: listers},
		{name: "a finder row naming no council fails and keeps the site", edit: map[string]string{"packs/places.yaml": places + "  - {name: \"Clevedon\", la: E06999999, source: https://example.org/towns, checked: 2026-12-03}\n"},
			err: `packs/places.yaml:` + fmt.Sprint(strings.Count(places, "\n")+1) + `:28: name "Clevedon": la "E06999999" is not one of the local_authorities`},
		{name: "one area's formulary: its pack only", edit: map[string]string{"packs/places.yaml": places, "packs/formulary/derbyshire.yaml": strings.Replace(qj2, "an individual funding request", "a funding request", 1)},
			rendered: slices.Sorted(slices.Values(append(slices.Clone(qj2Pages), listers...)))},
		{name: "a bad value fails and keeps the site", edit: map[string]string{"packs/formulary/derbyshire.yaml": strings.Replace(qj2, `{status: "Red", use`, `{status: "Purple", use`, 1)},
			err: `packs/formulary/derbyshire.yaml:61:18: status "Purple" is not in this formulary's vocabulary`},
		{name: "a new area file", edit: map[string]string{"packs/formulary/derbyshire.yaml": qj2, "packs/formulary/test-area.yaml": "formulary:\n  name: Test\n  covers: {icb: QHL}\ncontacts:\n  mso:\n    name: Birmingham MSO\n    email: mso@example.nhs.uk\n    source: https://example.nhs.uk/mso\n    checked: 2026-11-01\n    confirmed: true\n"}},
	})
	b := NewBuilder(fsys, Options{Now: now})
	first, err := b.Update(context.Background(), nil)
	if err != nil {
		t.Fatal(err)
	}
	if first.Stats.PacksBuilt != len(first.Packs) || len(first.Packs) < 36 {
		t.Errorf("first build built %d packs of %d", first.Stats.PacksBuilt, len(first.Packs))
	}
	fsys["packs/formulary/oxfordshire.yaml"] = &fstest.MapFile{Data: append(fsys["packs/formulary/oxfordshire.yaml"].Data, "\n# a comment\n"...)}
	res, err := b.Update(context.Background(), []string{"packs/formulary/oxfordshire.yaml"})
	if err != nil {
		t.Fatal(err)
	}
	if res.Stats.PacksBuilt != 1 {
		t.Errorf("an edit to Oxfordshire's file rebuilt %d packs, want 1", res.Stats.PacksBuilt)
	}
	fsys["packs/places.yaml"] = &fstest.MapFile{Data: append(fsys["packs/places.yaml"].Data, "  - {name: \"Clevedon\", la: E06000024, source: https://example.org/towns, checked: 2026-12-03}\n"...)}
	if res, err = b.Update(context.Background(), []string{"packs/places.yaml"}); err != nil {
		t.Fatal(err)
	}
	if res.Stats.PacksBuilt != 0 || !slices.Equal(res.Changed, []string{"packs/index.html"}) {
		t.Errorf("a finder edit rebuilt %d packs and changed %v, want none and the index", res.Stats.PacksBuilt, res.Changed)
	}
	res, err = b.Update(context.Background(), []string{"packs/documents/hrd-monitoring-sop.md"})
	if err != nil {
		t.Fatal(err)
	}
	if res.Stats.PacksBuilt != 0 || len(res.Changed) != 0 {
		t.Errorf("saving a document unchanged rebuilt %d packs and changed %v", res.Stats.PacksBuilt, res.Changed)
	}
	fsys["packs/documents/hrd-monitoring-sop.md"] = &fstest.MapFile{Data: append(fsys["packs/documents/hrd-monitoring-sop.md"].Data, "\nOne more line.\n"...)}
	res, err = b.Update(context.Background(), []string{"packs/documents/hrd-monitoring-sop.md"})
	if err != nil {
		t.Fatal(err)
	}
	if res.Stats.PacksBuilt != len(res.Packs) {
		t.Errorf("an edit to a shared document rebuilt %d packs, want all %d", res.Stats.PacksBuilt, len(res.Packs))
	}
}

// TestFailedUpdateDropsItsSnapshot: an update that fails leaves the
// Builder holding the very snapshot it had, unchanged: not a restored copy.
func TestFailedUpdateDropsItsSnapshot(t *testing.T) {
	fsys := project(t, nil)
	b := NewBuilder(fsys, Options{Now: now})
	if _, err := b.Update(context.Background(), nil); err != nil {
		t.Fatal(err)
	}
	last := b.snapshot
	sources, outs, r := maps.Clone(last.sources), maps.Clone(last.outs), *last.r
	fsys["content/guide/three.md"] = &fstest.MapFile{Data: []byte("---\ntitle: Three\ndescription: d\n---\nText.\n")}
	fsys["content/guide/two.md"] = &fstest.MapFile{Data: []byte("---\ntitle: [\n---\n")}
	if _, err := b.Update(context.Background(), []string{"content/guide/three.md", "content/guide/two.md"}); err == nil {
		t.Fatal("bad front matter was accepted")
	}
	if b.snapshot != last {
		t.Error("the Builder holds another snapshot after a failed update")
	}
	if !maps.Equal(last.sources, sources) || !maps.Equal(last.outs, outs) ||
		last.r.csp != r.csp || last.r.assets != r.assets || last.r.templates != r.templates || last.r.graph != r.graph {
		t.Error("the failed update changed the last good snapshot")
	}

	// A failure after the new pages are related (a broken link) leaves the
	// pages of the last snapshot related as they were: pages are shared
	// between snapshots and never changed.
	pillar := last.graph.Page("guide/_index.md")
	kids := slices.Clone(last.graph.Children(pillar))
	fsys["content/guide/two.md"] = fsys["content/guide/one.md"]
	fsys["content/guide/three.md"] = &fstest.MapFile{Data: []byte("---\ntitle: Three\ndescription: d\nweight: -1\n---\n[x](/nowhere/)\n")}
	if _, err := b.Update(context.Background(), []string{"content/guide/three.md", "content/guide/two.md"}); err == nil || !strings.Contains(err.Error(), "/nowhere/") {
		t.Fatalf("a broken link was accepted: %v", err)
	}
	if b.snapshot != last || !slices.Equal(last.graph.Children(pillar), kids) || last.graph.Page("guide/three.md") != nil {
		t.Error("the failed update changed how the last snapshot's pages relate")
	}
}
