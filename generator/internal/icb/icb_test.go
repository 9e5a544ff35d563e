package icb

import (
	"os"
	"strings"
	"testing"
)

const header = "ods_code,name,region,source,nhser_region_code,ons_icb_code\n"

func TestParseRealFile(t *testing.T) {
	src, err := os.ReadFile("../../../packs/icbs.csv")
	if err != nil {
		t.Fatal(err)
	}
	s, err := Parse("packs/icbs.csv", src)
	if err != nil {
		t.Fatal(err)
	}
	if len(s.All) < 40 {
		t.Errorf("only %d ICBs", len(s.All))
	}
	c, ok := s.Lookup("QE1")
	if !ok || !strings.Contains(c.Name, "Lancashire") || c.Region != "North West" {
		t.Errorf("QE1 = %+v, %v", c, ok)
	}
	n := 0
	for _, r := range s.Regions() {
		n += len(r.ICBs)
	}
	if n != len(s.All) || len(s.Regions()) != 7 {
		t.Errorf("regions hold %d ICBs in %d regions", n, len(s.Regions()))
	}
}

func TestParseErrors(t *testing.T) {
	good := "QE1,NHS Lancashire and South Cumbria Integrated Care Board,North West,https://example.org/x,Y62,E54000048\n"
	for _, tc := range []struct{ name, src, want string }{
		{"header", "ods,name\n", "icbs.csv:1: the header must be exactly"},
		{"bad ods", header + strings.Replace(good, "QE1", "qe1", 1), "icbs.csv:2:1: ODS code \"qe1\" must be 3"},
		{"duplicate", header + good + good, "icbs.csv:3:1: ICB QE1 is listed twice"},
		{"field count", header + "QE1,x\n" + good, "icbs.csv:2: each row needs 6 fields"},
		{"source", header + strings.Replace(good, "https://example.org/x", "a book", 1), "icbs.csv:2:71: ICB QE1: source must be"},
		{"ons", header + strings.Replace(good, "E54000048", "E5", 1), "ONS code \"E5\""},
		{"region code", header + strings.Replace(good, "Y62", "62", 1), "region code \"62\""},
		{"empty name", header + strings.Replace(good, "NHS Lancashire and South Cumbria Integrated Care Board", "", 1), "ICB QE1: missing name"},
		{"spaces", header + strings.Replace(good, "North West", " North West", 1), "has spaces around it"},
		{"quote", header + "\"QE1,x\n", "icbs.csv:2"},
		{"empty", header, "no rows"},
	} {
		t.Run(tc.name, func(t *testing.T) {
			_, err := Parse("icbs.csv", []byte(tc.src))
			if err == nil || !strings.Contains(err.Error(), tc.want) {
				t.Errorf("error = %v, want it to contain %q", err, tc.want)
			}
		})
	}
}

func TestMemoryRowsAreUnverified(t *testing.T) {
	s, err := Parse("icbs.csv", []byte("\uFEFF"+header+"QE1,N,North West,memory,Y62,E54000048\n"))
	if err != nil {
		t.Fatal(err)
	}
	if s.All[0].Verified {
		t.Error("a row sourced from memory is verified")
	}
}

func FuzzParse(f *testing.F) {
	f.Add([]byte(header + "QE1,N,North West,memory,Y62,E54000048\n"))
	f.Add([]byte(header + "\"QE1,x\n"))
	f.Fuzz(func(t *testing.T, src []byte) {
		s, err := Parse("f.csv", src)
		if err == nil {
			for _, c := range s.All {
				if got, ok := s.Lookup(c.ODS); !ok || got != c {
					t.Fatalf("Lookup(%q) lost the row", c.ODS)
				}
			}
		}
	})
}
