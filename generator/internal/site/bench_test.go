package site

import (
	"context"
	"fmt"
	"strings"
	"testing"
	"testing/fstest"

	"github.com/bcs/publish/generator/internal/packsite"
)

// syntheticProject is the base test project plus n cluster pages in 10
// sections, each with headings, a table, links to its neighbours and a
// highlighted code block: enough work per page to show parallel speed-up.
func syntheticProject(b *testing.B, n int) fstest.MapFS {
	fsys := project(b, nil)
	for s := range 10 {
		fsys[fmt.Sprintf("content/s%d/_index.md", s)] = &fstest.MapFile{Data: fmt.Appendf(nil, "---\ntitle: Section %d\ndescription: d\n---\n", s)}
	}
	var body strings.Builder
	for i := range 6 {
		fmt.Fprintf(&body, "## Heading %d\n\nSome *text* with a [link](/guide/one/) and \"quotes\" -- here.\n\n| a | b |\n|---|---|\n| 1 | 2 |\n\n", i)
	}
	body.WriteString("```go\nfunc main() {\n\tfor i := 0; i < 10; i++ {\n\t\tfmt.Println(i)\n\t}\n}\n```\n")
	for i := range n {
		fsys[fmt.Sprintf("content/s%d/p%d.md", i%10, i)] = &fstest.MapFile{Data: fmt.Appendf(nil,
			"---\ntitle: Page %d\ndescription: d\nweight: %d\n---\n%s\nSee [next](/s%d/p%d/#heading-2).\n", i, i, body.String(), (i+1)%n%10, (i+1)%n)}
	}
	return fsys
}

// BenchmarkBuild builds a 1,000-page synthetic site in memory. Compare
// -cpu 1,2 to see the parallel rendering's speed-up (make bench).
func BenchmarkBuild(b *testing.B) {
	fsys := syntheticProject(b, 1000)
	b.ResetTimer()
	for b.Loop() {
		if _, err := Build(context.Background(), fsys, Options{Now: now}); err != nil {
			b.Fatal(err)
		}
	}
}

// BenchmarkBuildRealContent builds the repository's own content.
func BenchmarkBuildRealContent(b *testing.B) {
	for b.Loop() {
		realSite(b)
	}
}

// BenchmarkPacksCold loads the pack data and builds every ICB's pack
// (documents, .docx files and bundles, without the pages), on all cores, as
// the first build does.
func BenchmarkPacksCold(b *testing.B) {
	fsys := repoFS(b)
	in, err := loadInputs(fsys, nil)
	if err != nil {
		b.Fatal(err)
	}
	bl := NewBuilder(fsys, Options{Now: now})
	bl.in = in
	b.ResetTimer()
	for b.Loop() {
		bl.packs = &packsite.Set{}
		if _, err := bl.packsOf(context.Background()); err != nil {
			b.Fatal(err)
		}
	}
}

// BenchmarkPacksNoChange is the builder's update after a pack file was
// saved without changes: the data is loaded and hashed, nothing is rebuilt.
func BenchmarkPacksNoChange(b *testing.B) {
	bl := NewBuilder(repoFS(b), Options{Now: now})
	if _, err := bl.Update(context.Background(), nil); err != nil {
		b.Fatal(err)
	}
	b.ResetTimer()
	for b.Loop() {
		res, err := bl.Update(context.Background(), []string{"packs/formulary/QJ2.yaml"})
		if err != nil || res.Stats.PacksBuilt != 0 {
			b.Fatal(err, res.Stats.PacksBuilt)
		}
	}
}

// BenchmarkTemplates is the template stage alone: one cluster page of the
// synthetic site executed through the repository's templates, its view
// (Markdown already converted) made once.
func BenchmarkTemplates(b *testing.B) {
	bl := NewBuilder(syntheticProject(b, 100), Options{Now: now})
	if _, err := bl.Update(context.Background(), nil); err != nil {
		b.Fatal(err)
	}
	pg := bl.sources["s1/p1.md"]
	v, err := bl.r.view(pg)
	if err != nil {
		b.Fatal(err)
	}
	for b.Loop() {
		if _, err := bl.r.templates.Execute(templateName(pg), v); err != nil {
			b.Fatal(err)
		}
	}
}

// BenchmarkBuildOneSection builds 2,000 cluster pages in one section with
// the site's own cluster template, reporting the bytes of one page: with
// every sibling listed this took 26 s and made 100 KB pages; a page now
// links its nearest ten, so time and size are linear in the section.
func BenchmarkBuildOneSection(b *testing.B) {
	fsys := project(b, nil)
	// The site's cluster navigation, without the partials the test project lacks.
	fsys["templates/cluster.html"] = &fstest.MapFile{Data: []byte(`{{define "main"}}<h1>{{.Title}}</h1>{{.Content}}<nav><h2>More in {{.Pillar.Title}}</h2><ul>{{range .Siblings}}<li><a href="{{.URL}}">{{.Title}}</a></li>{{end}}</ul>{{with .SiblingsLeftOut}}<p><a href="{{$.Pillar.URL}}">All the pages of {{$.Pillar.Title}}</a> ({{.}} more)</p>{{end}}</nav>{{end}}`)}
	for i := range 2000 {
		fsys[fmt.Sprintf("content/guide/p%04d.md", i)] = &fstest.MapFile{Data: fmt.Appendf(nil, "---\ntitle: Page %d\ndescription: d\nweight: %d\n---\nText.\n", i, i+10)}
	}
	var size int
	for b.Loop() {
		s, err := Build(context.Background(), fsys, Options{Now: now})
		if err != nil {
			b.Fatal(err)
		}
		size = len(s.Files["guide/p1000/index.html"])
	}
	b.ReportMetric(float64(size), "bytes/page")
}
