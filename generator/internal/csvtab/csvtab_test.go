package csvtab

import (
	"strings"
	"testing"
)

func TestRead(t *testing.T) {
	rows, errs := Read("f.csv", []byte("\uFEFFa,b\n1,2\n\"x, y\",3\n"), []string{"a", "b"})
	if len(errs) != 0 || len(rows) != 2 {
		t.Fatalf("rows %v, errors %v", rows, errs)
	}
	for src, want := range map[string]string{
		"a,b\n1\n":        "f.csv:2",
		"x,y\n":           "the header must be exactly a,b",
		"a,b\n1,\xff\n":   "f.csv:2:3: the file is not valid UTF-8",
		"a,b\n1,\"open\n": "f.csv:",
	} {
		if _, errs := Read("f.csv", []byte(src), []string{"a", "b"}); len(errs) == 0 || !strings.Contains(errs.Error(), want) {
			t.Errorf("Read(%q): %v, want %q", src, errs, want)
		}
	}
}

// FuzzRead: any bytes give rows or errors with positions, never a panic.
func FuzzRead(f *testing.F) {
	for _, s := range []string{"a,b\n1,2\n", "a,b\n\"1\n", "\uFEFFa,b\n", "a,b\n 1,2\n", "a,b\n1,2,3\n", "a,b\r\n1,2\r\n"} {
		f.Add(s)
	}
	f.Fuzz(func(t *testing.T, src string) {
		rows, errs := Read("f.csv", []byte(src), []string{"a", "b"})
		for _, e := range errs {
			if e.Pos.File != "f.csv" {
				t.Fatalf("error without its file: %v", e)
			}
		}
		for _, r := range rows {
			if len(r.Fields) != 2 {
				t.Fatalf("row %v accepted with %d fields", r, len(r.Fields))
			}
		}
	})
}
