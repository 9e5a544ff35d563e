package yamldoc

import (
	"strings"
	"testing"
)

type inner struct {
	Heading string `yaml:"heading"`
	Count   int    `yaml:"count"`
}

type outer struct {
	Title    string  `yaml:"title"`
	Sections []inner `yaml:"sections"`
}

func expectErr(t *testing.T, src string, offset int, want string) {
	t.Helper()
	var v outer
	_, err := Decode("x.yaml", []byte(src), offset, &v)
	if err == nil {
		t.Fatalf("no error for %q; want %q", src, want)
	}
	if err.Error() != want {
		t.Errorf("error for %q:\n got %s\nwant %s", src, err, want)
	}
}

func TestErrors(t *testing.T) {
	expectErr(t, "titel: A\n", 0, `x.yaml:1:1: unknown key "titel"; did you mean "title"?`)
	expectErr(t, "title: A\nsections:\n  - heding: x\n", 0, `x.yaml:3:5: unknown key "heding"; did you mean "heading"?`)
	expectErr(t, "title: A\nzzzzzz: 1\n", 0, `x.yaml:2:1: unknown key "zzzzzz"`)
	expectErr(t, "title: A\nsections:\n  - count: many\n", 10, `x.yaml:13:12: wrong type: wants a whole number, found "many"`)
	expectErr(t, "title: A\ntitle: B\n", 1, `x.yaml:3:1: duplicate key "title" (first set on line 2)`)
	expectErr(t, "- a\n- b\n", 0, `x.yaml:1:1: expected key: value pairs, found a list`)
}

func TestPos(t *testing.T) {
	var v outer
	doc, err := Decode("x.yaml", []byte("title: A\nsections:\n  - heading: one\n  - heading: two\n    count: 3\n"), 1, &v)
	if err != nil {
		t.Fatal(err)
	}
	for path, want := range map[string]string{
		"$.title":               "x.yaml:2:8",
		"$.sections[1].count":   "x.yaml:6:12",
		"$.sections[1].missing": "x.yaml:5:5", // falls back to the section
		"$.nothing":             "x.yaml:2:1", // falls back to the document
		"$.sections[0].heading": "x.yaml:4:14",
	} {
		if got := doc.Pos(path).String(); got != want {
			t.Errorf("Pos(%s) = %s, want %s", path, got, want)
		}
	}
}

// TestPlainData: anchors, aliases, merge keys and tags are refused at their
// positions; a tag with no value once crashed the YAML library.
func TestPlainData(t *testing.T) {
	var v struct {
		A any `yaml:"a"`
		B any `yaml:"b"`
	}
	for src, want := range map[string]string{
		"a: &x 1\n":          "f.yaml:1:4: YAML anchors",
		"a: 1\nb: *x\n":      "f.yaml:2:4: YAML aliases",
		"a:\n  <<: {b: 1}\n": "f.yaml:2:3: YAML merge keys",
		"a:\n ! #0000000":    "f.yaml:2:2: YAML tags",
		"a: !!str 1\n":       "f.yaml:1:4: YAML tags",
	} {
		_, err := Decode("f.yaml", []byte(src), 0, &v)
		if err == nil || !strings.Contains(err.Error(), want) {
			t.Errorf("Decode(%q): %v, want %q", src, err, want)
		}
	}
}

// TestPlainSyntaxErrors: the mistakes of hand editing are explained in
// plain words, with the line written correctly.
func TestPlainSyntaxErrors(t *testing.T) {
	for _, c := range []struct{ src, want string }{
		{"title: Our service: what we do\n",
			"x.yaml:2:1: the value of \"title\" has a colon followed by a space in it, which YAML reads as the start of another key. Put the whole value in double quotes:\n    title: \"Our service: what we do\""},
		{"sections:\n  - heading: Why \"us\": a note\n",
			"x.yaml:3:1: the value of \"heading\" has a colon followed by a space in it, which YAML reads as the start of another key. Put the whole value in double quotes:\n      heading: \"Why \\\"us\\\": a note\""},
		{"title: T\n\tsections: []\n",
			"x.yaml:3:1: this line is indented with a tab, and YAML indents with spaces only. Replace the tab with spaces, lining the key up with the line above it:\n    sections: []"},
		{"title: T\nsections:\n  - heading: A\n     count: 2\n",
			"x.yaml:5:1: \"count\" is indented 5 spaces, but \"heading\" on the line above it is indented 4: keys of one block line up exactly, and a key indented deeper would belong to the one above, which already has a value. Write:\n        count: 2"},
	} {
		expectErr(t, c.src, 1, c.want)
	}
	// What these do not cover keeps the library's words rather than advice
	// that would be wrong (a list item under its parent key is not out of step).
	var v outer
	_, err := Decode("x.yaml", []byte("title: T\nsections:\n  - heading: [a\n"), 0, &v)
	if err == nil || strings.Contains(err.Error(), "line up exactly") || strings.Contains(err.Error(), "double quotes") {
		t.Errorf("an unclosed list got plain advice that does not fit it: %v", err)
	}
}
