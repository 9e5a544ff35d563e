package markdown

import (
	"strings"
	"testing"

	"golang.org/x/net/html"
)

// unsafeHTML returns the first element, attribute or address in out that
// could run script, or "".
func unsafeHTML(out string) string {
	z := html.NewTokenizer(strings.NewReader(out))
	for {
		switch z.Next() {
		case html.ErrorToken:
			return ""
		case html.StartTagToken, html.SelfClosingTagToken:
			t := z.Token()
			switch t.Data {
			case "script", "iframe", "object", "embed", "style", "form", "base", "meta", "link":
				return "<" + t.Data + ">"
			}
			for _, a := range t.Attr {
				v := strings.ToLower(strings.TrimSpace(a.Val))
				switch {
				case strings.HasPrefix(a.Key, "on"):
					return a.Key + "="
				case (a.Key == "href" || a.Key == "src") && (strings.HasPrefix(v, "javascript:") || strings.HasPrefix(v, "vbscript:") || strings.HasPrefix(v, "data:")):
					return a.Key + "=" + a.Val
				}
			}
		}
	}
}

// FuzzConvert feeds arbitrary text to the Markdown converter: it must never
// panic, and whatever it accepts must render without script, event handlers
// or script addresses (raw HTML and unsafe links are refused instead).
func FuzzConvert(f *testing.F) {
	for _, s := range []string{
		"# Title\n\nText with *emphasis*, `code` and a [link](/a/#b).\n",
		"<script>alert(1)</script>", "[x](javascript:alert(1))", "![x](JaVaScRiPt:1)", "<javascript:alert(1)>",
		"<!-- c -->", "| a | b |\n|---|---|\n| 1 | 2 |\n", "```go\nfunc main() {}\n```\n", "- a\n  - b\n    - c\n",
		"> > > deep", "[x][r]\n\n[r]: javascript:1", "<a href=\"x\" onclick=\"y\">", "&#106;avascript:1", "*[x](data:text/html,1)*",
	} {
		f.Add(s)
	}
	c := New()
	f.Fuzz(func(t *testing.T, text string) {
		out, err := c.Convert(Source{File: "f.md", Line: 1, Col: 1, Text: []byte(text), IDs: NewIDs()})
		if err != nil {
			return
		}
		if m := unsafeHTML(string(out)); m != "" {
			t.Fatalf("unsafe output %q from %q:\n%s", m, text, out)
		}
	})
}
