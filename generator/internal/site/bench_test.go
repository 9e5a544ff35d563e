package site

import (
	"context"
	"fmt"
	"strings"
	"testing"
	"testing/fstest"
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
		bl.packs = &packState{}
		if _, _, _, _, err := bl.updatePacks(context.Background()); err != nil {
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
