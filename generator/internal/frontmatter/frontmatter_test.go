package frontmatter

import (
	"errors"
	"strings"
	"testing"

	"github.com/bcs/publish/generator/internal/diag"
)

func TestSplit(t *testing.T) {
	tests := []struct {
		name, src          string
		front, body        string
		frontLine, bodyLin int
		err                string
	}{
		{name: "basic", src: "---\ntitle: A\n---\nbody\n", front: "title: A\n", body: "body\n", frontLine: 2, bodyLin: 4},
		{name: "crlf", src: "---\r\ntitle: A\r\n---\r\nbody", front: "title: A\n", body: "body", frontLine: 2, bodyLin: 4},
		{name: "bom", src: "\xef\xbb\xbf---\na: 1\n---\n", front: "a: 1\n", body: "", frontLine: 2, bodyLin: 4},
		{name: "empty front", src: "---\n---\nx", front: "", body: "x", frontLine: 2, bodyLin: 3},
		{name: "dashes in body", src: "---\na: 1\n---\n---\n", front: "a: 1\n", body: "---\n", frontLine: 2, bodyLin: 4},
		{name: "missing", src: "title: A\n", err: "f.md:1:1: missing front matter"},
		{name: "unclosed", src: "---\ntitle: A\n", err: "f.md:1:1: front matter is not closed"},
		{name: "four dashes", src: "----\na: 1\n---\n", err: "missing front matter"},
		{name: "trailing blanks", src: "--- \na: 1\n---\t\nb", front: "a: 1\n", body: "b", frontLine: 2, bodyLin: 4},
		{name: "empty file", src: "", err: "missing front matter"},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			p, err := Split("f.md", []byte(tt.src))
			if tt.err != "" {
				if err == nil || !strings.Contains(err.Error(), tt.err) {
					t.Fatalf("err = %v, want %q", err, tt.err)
				}
				return
			}
			if err != nil {
				t.Fatal(err)
			}
			if string(p.Front) != tt.front || string(p.Body) != tt.body || p.FrontLine != tt.frontLine || p.BodyLine != tt.bodyLin {
				t.Errorf("got front %q (line %d) body %q (line %d); want %q (%d) %q (%d)",
					p.Front, p.FrontLine, p.Body, p.BodyLine, tt.front, tt.frontLine, tt.body, tt.bodyLin)
			}
		})
	}
}

type fuzzFront struct {
	Title   string   `yaml:"title"`
	Weight  int      `yaml:"weight"`
	Draft   bool     `yaml:"draft"`
	Aliases []string `yaml:"aliases"`
	Nested  []struct {
		Heading string `yaml:"heading"`
	} `yaml:"nested"`
}

// FuzzDecode checks that any input either decodes or fails with a user error
// that names the file and a line inside it; never a panic or a bare error.
func FuzzDecode(f *testing.F) {
	for _, seed := range []string{
		"---\ntitle: A\n---\nbody",
		"---\ntitle: [\n---\n",
		"---\ntitel: A\n---\n",
		"---\nweight: x\n---\n",
		"---\nnested:\n  - heading: h\n    extra: 1\n---\n",
		"---\n- a\n- b\n---\n",
		"---\na: &x 1\nb: *x\n---\n",
		"---\n\ttitle: tab\n---\n",
		"\xef\xbb\xbf---\r\ntitle: \"\\u00e9\"\r\n---\r\n",
		"---\n---\n---\n",
		"---\ntitle: A\ntitle: B\n---\n",
	} {
		f.Add([]byte(seed))
	}
	f.Fuzz(func(t *testing.T, src []byte) {
		var v fuzzFront
		_, _, err := Decode("f.md", src, &v)
		if err == nil {
			return
		}
		var one *diag.Error
		var list diag.List
		switch {
		case errors.As(err, &one):
			list = diag.List{one}
		case errors.As(err, &list):
		default:
			t.Fatalf("not a user error: %T %v", err, err)
		}
		lines := strings.Count(string(normalizeNewlines(src)), "\n") + 1
		for _, e := range list {
			if e.Pos.File != "f.md" || e.Pos.Line < 1 || e.Pos.Line > lines+1 || e.Msg == "" {
				t.Fatalf("bad position or message: %+v (input has %d lines)", e, lines)
			}
		}
	})
}
