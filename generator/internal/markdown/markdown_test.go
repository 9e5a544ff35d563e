package markdown

import (
	"flag"
	"os"
	"path/filepath"
	"strings"
	"testing"

	"github.com/rogpeppe/go-internal/txtar"
)

var update = flag.Bool("update", false, "rewrite the golden files in testdata")

// TestGolden converts the "in.md" file of each testdata/*.txtar and compares
// the HTML with its "out.html" (or, for refused input, "err.txt").
func TestGolden(t *testing.T) {
	files, _ := filepath.Glob("testdata/*.txtar")
	if len(files) == 0 {
		t.Fatal("no golden files")
	}
	c := New()
	for _, file := range files {
		t.Run(filepath.Base(file), func(t *testing.T) {
			ar, err := txtar.ParseFile(file)
			if err != nil {
				t.Fatal(err)
			}
			var in []byte
			for _, f := range ar.Files {
				if f.Name == "in.md" {
					in = f.Data
				}
			}
			html, err := c.Convert(Source{File: "in.md", Line: 1, Col: 1, Text: in})
			name, got := "out.html", string(html)
			if err != nil {
				name, got = "err.txt", err.Error()+"\n"
			}
			if *update {
				ar.Files = []txtar.File{{Name: "in.md", Data: in}, {Name: name, Data: []byte(got)}}
				if err := os.WriteFile(file, txtar.Format(ar), 0o644); err != nil {
					t.Fatal(err)
				}
				return
			}
			var want string
			found := false
			for _, f := range ar.Files {
				if f.Name == name {
					want, found = string(f.Data), true
				}
			}
			if !found {
				t.Fatalf("no %s section in %s (run go test -update)", name, file)
			}
			if got != want {
				t.Errorf("%s mismatch\n--- got\n%s\n--- want\n%s", name, got, want)
			}
			if strings.Contains(got, "style=") {
				t.Errorf("output has an inline style attribute: %s", got)
			}
		})
	}
}

func TestInline(t *testing.T) {
	c := New()
	got, err := c.ConvertInline(Source{File: "f", Line: 1, Text: []byte("a *b* [c](/c/)")})
	if err != nil || string(got) != `a <em>b</em> <a href="/c/">c</a>` {
		t.Errorf("got %q, %v", got, err)
	}
	if _, err := c.ConvertInline(Source{File: "f", Line: 4, Col: 7, Text: []byte("- a\n- b")}); err == nil || !strings.HasPrefix(err.Error(), "f:4:7:") {
		t.Errorf("a list in an inline field: err = %v, want one at f:4:7", err)
	}
}

func TestSharedIDs(t *testing.T) {
	c := New()
	ids := NewIDs("main-content")
	a, _ := c.Convert(Source{File: "f", Line: 1, Text: []byte("# Main content\n# Intro"), IDs: ids})
	b, _ := c.Convert(Source{File: "f", Line: 1, Text: []byte("# Intro"), IDs: ids})
	if !strings.Contains(string(a), `id="main-content-1"`) || !strings.Contains(string(b), `id="intro-1"`) {
		t.Errorf("ids collide across pieces of a page:\n%s\n%s", a, b)
	}
}

func TestStyleCSS(t *testing.T) {
	css, err := StyleCSS("github")
	if err != nil || !strings.Contains(string(css), ".chroma") {
		t.Errorf("StyleCSS(github) = %.60q, %v", css, err)
	}
	if _, err := StyleCSS("no-such-style"); err == nil {
		t.Error("unknown style accepted")
	}
}

// TestLinkPolicy: what a link may point at, judged as the browser reads it.
func TestLinkPolicy(t *testing.T) {
	for _, c := range []struct {
		dest     string
		autolink bool
		anyWeb   bool
		want     string // "" is allowed; otherwise part of the message
	}{
		{"https://www.nice.org.uk/", false, false, ""},
		{"/contact/", false, false, ""},
		{"../two/", false, false, ""},
		{"#section", false, false, ""},
		{"mailto:a@example.org", false, false, ""},
		{"tel:+442079460000", false, false, ""},
		{"/a:b/?q=c:d", false, false, ""},
		{"http://example.org/", false, true, ""},
		{"http://example.org/", false, false, "uses http:, which is not encrypted"},
		{"javascript&#58;alert(1)", false, false, `unsafe link address "javascript:alert(1)"`},
		{"&#106;avascript:alert(1)", false, false, "unsafe link address"},
		{"&#x4A;AVASCRIPT:alert(1)", false, false, "unsafe link address"},
		{"java\tscript:alert(1)", false, false, "unsafe link address"},
		{"vbscript:x", false, false, "unsafe link address"},
		{"data:text/html,x", false, false, "unsafe link address"},
		{"file:///etc/passwd", false, false, "unsafe link address"},
		{"//evil.example/a", false, false, "protocol-relative"},
		{`\\\\evil.example\a`, false, false, "protocol-relative"}, // two backslashes once Markdown escapes are read
		{`/\evil.example`, false, false, "protocol-relative"},
		{"ftp://example.org/", true, false, "uses ftp:"},
		{"www.example.org", true, false, "bare address"},
	} {
		got := linkProblem([]byte(c.dest), c.autolink, c.anyWeb)
		if (c.want == "") != (got == "") || !strings.Contains(got, c.want) {
			t.Errorf("%q: %q, want %q", c.dest, got, c.want)
		}
	}
}

// TestBracketBound: a paragraph with more opening brackets than any page
// needs is refused at its first line; code blocks and separate paragraphs
// are not counted together.
func TestBracketBound(t *testing.T) {
	md := New()
	many := strings.Repeat("[a](", MaxBrackets+1)
	_, err := md.Parse(Source{File: "in.md", Line: 3, Col: 1, Text: []byte("Intro.\n\n" + many + "\n")})
	if err == nil || !strings.Contains(err.Error(), "in.md:5:1: this paragraph has more than 2000 opening brackets") {
		t.Errorf("err = %v", err)
	}
	half := strings.Repeat("[x] ", MaxBrackets/2+1)
	code := "```json\n" + strings.Repeat("[1],", MaxBrackets*2) + "\n```\n"
	if _, err := md.Parse(Source{File: "in.md", Line: 1, Col: 1, Text: []byte(half + "\n\n" + half + "\n\n" + code)}); err != nil {
		t.Errorf("two paragraphs under the bound and a code block: %v", err)
	}
}

// TestManyEqualHeadings: 20,000 headings of one text get ids one to
// 19,999 in order (and take linear time: BenchmarkEqualHeadings).
func TestManyEqualHeadings(t *testing.T) {
	ids := NewIDs("same-3")
	var got []string
	for range 6 {
		got = append(got, ids.Unique("same"))
	}
	if strings.Join(got, " ") != "same same-1 same-2 same-4 same-5 same-6" {
		t.Errorf("ids %v", got)
	}
}
