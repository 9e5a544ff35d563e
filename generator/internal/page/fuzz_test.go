package page

import "testing"

// FuzzParse: any content file gives a page or errors, never a panic.
func FuzzParse(f *testing.F) {
	for _, s := range []string{
		"---\ntitle: T\ndescription: D\n---\nBody\n",
		"---\ntitle: T\ndescription: D\nsections:\n  - eyebrow: E\n    faqs:\n      - question: Q\n        answer: A\n---\n",
		"---\ntitle: &a T\ndescription: *a\n---\n", "---\n\ttitle: T\n---\n", "---\ntitle: [\n---\n", "no front matter",
		"\uFEFF---\r\ntitle: T\r\ndescription: D\r\n---\r\n", "---\ntitle: T\ntitle: U\n---\n", "---\ndate: 2026-02-30\n---\n",
	} {
		f.Add(s)
	}
	f.Fuzz(func(t *testing.T, src string) {
		p, err := Parse("content/f.md", "f.md", []byte(src))
		if err == nil && p == nil {
			t.Fatal("no page and no error")
		}
	})
}
