package benchcorpus

import (
	"fmt"
	"strings"
)

// Page returns the source of one synthetic page of the shape
// make-corpus.py writes (front matter; about 700 words under headings, a
// list, a table, internal and external links, a blockquote and a Go code
// block), numbered i so that pages differ. The stage benchmarks use it, so
// that they need nothing outside the repository.
func Page(i int) []byte {
	var b strings.Builder
	fmt.Fprintf(&b, "---\ntitle: \"Synthetic page %d\"\ndescription: \"A page of the benchmark corpus, number %d.\"\ndate: 2024-01-%02dT09:00:00Z\nweight: %d\n---\n", i, i, i%28+1, i%100)
	words := strings.Fields("care visit plan review carer family nurse rota budget hospital discharge mobility hydration nutrition memory consent choice")
	para := func(n int) string {
		var p []string
		for j := range n {
			w := words[(i*7+j*3)%len(words)]
			switch j % 11 {
			case 3:
				w = "**" + w + "**"
			case 7:
				w = "_" + w + "_"
			}
			p = append(p, w)
		}
		return strings.Join(p, " ") + "."
	}
	for s := range 4 {
		fmt.Fprintf(&b, "\n## Section %d of page %d\n\n%s %s\n\n%s\n", s, i, para(40), para(30), para(45))
		if s == 1 {
			for j := range 5 {
				fmt.Fprintf(&b, "- %s\n", para(8+j))
			}
			fmt.Fprintf(&b, "\n| Service | Hours | Cost |\n|---|---:|---:|\n| Visits | %d | %d |\n| Nights | %d | %d |\n", i%40, i%400, i%12, i%900)
		}
		if s == 2 {
			fmt.Fprintf(&b, "\nSee [the previous page](/guides/page-%05d/) and [the guide](https://www.nhs.uk/conditions/social-care-and-support-guide/).\n\n> %s\n", max(i-1, 0), para(20))
		}
	}
	fmt.Fprintf(&b, "\n```go\n// weeklyHours%d converts a weekly visit plan into billable hours.\nfunc weeklyHours%d(visits []Visit) (hours float64) {\n\tfor _, v := range visits {\n\t\tif v.Cancelled {\n\t\t\tcontinue\n\t\t}\n\t\thours += v.End.Sub(v.Start).Hours() * %d.0 / 100\n\t}\n\treturn hours\n}\n```\n", i, i, i%100)
	return []byte(b.String())
}
