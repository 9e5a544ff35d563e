package linkcheck

import (
	"fmt"
	"strings"
	"testing"
)

// benchPage is a page of a synthetic site of n pages: a menu, headings with
// ids, links to five other pages (two with a #fragment) and two external.
func benchPage(i, n int) []byte {
	var b strings.Builder
	b.WriteString(`<!DOCTYPE html><html lang="en"><head><link rel="stylesheet" href="/assets/site.css"></head><body><nav><ul>`)
	for m := range 6 {
		fmt.Fprintf(&b, `<li><a href="/s%d/p%d/">Section %d</a></li>`, m, m, m)
	}
	b.WriteString(`</ul></nav><main id="main">`)
	for h := range 6 {
		fmt.Fprintf(&b, `<h2 id="heading-%d">Heading %d</h2><p>Text with <em>words</em> in it, and more words.</p>`, h, h)
	}
	for k := 1; k <= 5; k++ {
		j := (i + k*37) % n
		frag := ""
		if k%2 == 0 {
			frag = fmt.Sprintf("#heading-%d", k)
		}
		fmt.Fprintf(&b, `<p><a href="/s%d/p%d/%s">Page %d</a></p>`, j%6, j, frag, j)
	}
	b.WriteString(`<p><a href="https://www.nhs.uk/">NHS</a> <a href="https://www.gov.uk/">GOV.UK</a></p></main></body></html>`)
	return []byte(b.String())
}

// BenchmarkScan is the link check's per-page work (run on the render
// goroutines): one page's ids and links.
func BenchmarkScan(b *testing.B) {
	p := benchPage(1, 1000)
	b.SetBytes(int64(len(p)))
	for b.Loop() {
		Scan("s1/p1/index.html", p)
	}
}

// BenchmarkApply is the link check's whole-site work on scanned pages, at
// two sizes: ns/page stays flat when the check is linear in the site.
func BenchmarkApply(b *testing.B) {
	for _, n := range []int{1000, 10000} {
		b.Run(fmt.Sprint(n), func(b *testing.B) {
			files := map[string]File{"assets/site.css": Scan("assets/site.css", []byte("x"))}
			for i := range n {
				name := fmt.Sprintf("s%d/p%d/index.html", i%6, i)
				files[name] = Scan(name, benchPage(i, n))
			}
			for b.Loop() {
				x := NewIndex()
				x.Apply(files)
				if bad := x.Broken(); len(bad) > 0 {
					b.Fatal(bad[0])
				}
			}
			b.ReportMetric(float64(b.Elapsed().Nanoseconds())/float64(b.N)/float64(n), "ns/page")
		})
	}
}
