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
