package icb

import (
	"fmt"
	"os"
	"strings"
	"testing"
	"time"
)

var (
	day20261202 = time.Date(2026, 12, 2, 0, 0, 0, 0, time.UTC)
	day20260331 = time.Date(2026, 3, 31, 23, 0, 0, 0, time.UTC)
)

func real(t *testing.T) *Set {
	t.Helper()
	src, err := os.ReadFile("../../../packs/icbs.yaml")
	if err != nil {
		t.Fatal(err)
	}
	s, err := Parse("packs/icbs.yaml", src)
	if err != nil {
		t.Fatal(err)
	}
	return s
}

func codes(cs []ICB) string {
	var out []string
	for _, c := range cs {
		out = append(out, c.Code)
	}
	return strings.Join(out, " ")
}

// The map of England on both sides of 1 April 2026, as the ODS succession
// data gives it.
func TestRealMap(t *testing.T) {
	s := real(t)
	if n := len(s.InForce(day20260331)); n != 42 {
		t.Errorf("%d ICBs in force on 31 March 2026, want 42", n)
	}
	now := s.InForce(day20261202)
	if len(now) != 36 {
		t.Errorf("%d ICBs in force on 2 December 2026, want 36: %s", len(now), codes(now))
	}
	gone := s.Abolished(day20261202)
	if got := codes(gone); len(gone) != 12 {
		t.Errorf("abolished: %s", got)
	}
	for _, code := range []string{"S0E4D", "S9B9J", "S1Y5D", "D7T5G", "T6Y0W", "Z9B2Z", "QRL"} {
		if c, ok := s.Lookup(code); !ok || !c.InForce(day20261202) {
			t.Errorf("%s is not in force", code)
		}
	}
	moves := func(code string) string {
		c, _ := s.Lookup(code)
		var out []string
		for _, m := range s.Moves(c, day20261202) {
			var pl, in []string
			for _, p := range m.Places {
				pl = append(pl, p.Code)
			}
			for _, p := range m.Into {
				in = append(in, p.Code)
			}
			out = append(out, fmt.Sprintf("%s:%s>%s", m.To.Code, strings.Join(pl, ","), strings.Join(in, ",")))
		}
		return strings.Join(out, " ")
	}
	for code, want := range map[string]string{
		"QU9": "S0E4D:10Q,14Y,15A>10Q,14Y,15A",
		"QNQ": "S0E4D:D4U1Y>U2G6B S9B9J:D4U1Y>92A QRL:D4U1Y>D9Y0V",
		"QM7": "S1Y5D:06K,06N>06K,06N D7T5G:07H>07H",
		"QJG": "T6Y0W:06L,07K>06L,07K D7T5G:06T>06T",
		"QMJ": "Z9B2Z:93C>93C",
	} {
		if got := moves(code); got != want {
			t.Errorf("moves of %s = %s, want %s", code, got, want)
		}
	}
	regions := s.Regions(day20261202)
	n := 0
	for _, r := range regions {
		n += len(r.ICBs)
	}
	if n != 36 || len(regions) != 7 {
		t.Errorf("regions hold %d ICBs in %d regions", n, len(regions))
	}
	tv, _ := s.Lookup("S0E4D")
	if got := len(tv.PlacesOn(day20261202)); got != 4 {
		t.Errorf("Thames Valley has %d places, want 4", got)
	}
}

// small is a map for the rule tests: A abolished on 31 March 2026,
// its two places going to B (new) and C (existing).
const small = `icbs:
  - code: QAA
    name: NHS A Integrated Care Board
    region: South East
    nhser: Y59
    valid_from: 2022-07-01
    valid_to: 2026-03-31
    source: https://example.nhs.uk/a
    checked: 2026-12-02
    successors:
      - {icb: S0B0B, places: ["10A"]}
      - {icb: QCC, places: ["10B"]}
    places:
      - {code: "10A", name: Aton, source: https://example.nhs.uk/p}
      - {code: "10B", name: Beton, source: https://example.nhs.uk/p}
  - code: S0B0B
    name: NHS B Integrated Care Board
    region: South East
    nhser: Y59
    valid_from: 2026-04-01
    source: https://example.nhs.uk/b
    checked: 2026-12-02
    places:
      - {code: "10A", name: Aton, source: https://example.nhs.uk/p}
  - code: QCC
    name: NHS C Integrated Care Board
    region: London
    nhser: Y56
    ons: E54000030
    valid_from: 2022-07-01
    source: https://example.nhs.uk/c
    checked: 2026-12-02
    places:
      - {code: "10C", name: Ceton, source: https://example.nhs.uk/p}
      - {code: "10B", name: Beton, valid_from: 2026-04-01, source: https://example.nhs.uk/p}
`

func TestRules(t *testing.T) {
	s, err := Parse("icbs.yaml", []byte(small))
	if err != nil {
		t.Fatal(err)
	}
	a, _ := s.Lookup("QAA")
	if !a.InForce(day20260331) || a.InForce(day20261202) || !a.Abolished(day20261202) {
		t.Error("QAA's validity")
	}
	c, _ := s.Lookup("QCC")
	if len(c.PlacesOn(day20260331)) != 1 || len(c.PlacesOn(day20261202)) != 2 {
		t.Error("QCC gains 10B on 1 April 2026")
	}
	if got := s.NextChange(day20260331); !got.Equal(time.Date(2026, 4, 1, 0, 0, 0, 0, time.UTC)) {
		t.Errorf("NextChange = %v", got)
	}
	if got := s.NextChange(day20261202); !got.IsZero() {
		t.Errorf("NextChange after the last change = %v", got)
	}
}

// A merger entered ahead of time takes effect on its day, by itself.
func TestFutureMerger(t *testing.T) {
	future := strings.Replace(small, "  - code: QCC\n", `  - code: QCC
    valid_to: 2027-03-31
    successors:
      - {icb: S0D0D}
`, 1) + `  - code: S0D0D
    name: NHS D Integrated Care Board
    region: London
    nhser: Y56
    valid_from: 2027-04-01
    source: https://example.nhs.uk/d
    checked: 2026-12-02
    places:
      - {code: "10C", name: Ceton, source: https://example.nhs.uk/p}
      - {code: "10B", name: Beton, source: https://example.nhs.uk/p}
`
	s, err := Parse("icbs.yaml", []byte(future))
	if err != nil {
		t.Fatal(err)
	}
	if got := codes(s.InForce(day20261202)); got != "S0B0B QCC" {
		t.Errorf("in force on 2 December 2026: %s", got)
	}
	if got := codes(s.InForce(time.Date(2027, 4, 1, 8, 0, 0, 0, time.UTC))); got != "S0B0B S0D0D" {
		t.Errorf("in force on 1 April 2027: %s", got)
	}
	if got := s.NextChange(day20261202); !got.Equal(time.Date(2027, 4, 1, 0, 0, 0, 0, time.UTC)) {
		t.Errorf("NextChange = %v", got)
	}
	// QAA's place 10B went to QCC, which is itself abolished by 2027: the
	// move follows it to S0D0D.
	a, _ := s.Lookup("QAA")
	var to []string
	for _, m := range s.Moves(a, time.Date(2027, 5, 1, 0, 0, 0, 0, time.UTC)) {
		to = append(to, m.To.Code)
	}
	if got := strings.Join(to, " "); got != "S0B0B S0D0D" {
		t.Errorf("QAA's places in May 2027 are in %s", got)
	}
}

func TestParseErrors(t *testing.T) {
	for _, tc := range []struct{ name, from, to, want string }{
		{"malformed code", "code: QCC", "code: qc", `icbs.yaml:25:11: ODS code "qc" must be 3 or 5`},
		{"duplicate", "code: S0B0B", "code: QCC", "icbs.yaml:25:11: ICB QCC is listed twice"},
		{"name", "name: NHS B Integrated Care Board", "name: B ICB", `icbs.yaml:17:11: ICB S0B0B: name "B ICB" must be the full name`},
		{"date", "valid_from: 2026-04-01\n    source: https://example.nhs.uk/b", "valid_from: 1 April 2026\n    source: https://example.nhs.uk/b", `icbs.yaml:20:17: ICB S0B0B: valid_from "1 April 2026" must be`},
		{"to before from", "valid_to: 2026-03-31", "valid_to: 2021-03-31", "icbs.yaml:7:15: ICB QAA: valid_to 2021-03-31 is before valid_from"},
		{"abolished without successors", "    successors:\n      - {icb: S0B0B, places: [\"10A\"]}\n      - {icb: QCC, places: [\"10B\"]}\n", "", "icbs.yaml:7:15: ICB QAA is abolished (valid_to 2026-03-31): list its successors"},
		{"successors without valid_to", "    valid_to: 2026-03-31\n", "", "icbs.yaml:10:7: ICB QAA has successors but no valid_to"},
		{"missing successor", "{icb: QCC, places", "{icb: QCX, places", `icbs.yaml:12:15: ICB QAA: successor "QCX" is not in this file; did you mean QCC?`},
		{"successor not in force", "valid_from: 2026-04-01\n    source: https://example.nhs.uk/b", "valid_from: 2026-05-01\n    source: https://example.nhs.uk/b", "icbs.yaml:11:15: ICB QAA: successor S0B0B is not in force on 2026-04-01"},
		{"place not taken", `{icb: QCC, places: ["10B"]}`, `{icb: QCC, places: ["10A"]}`, `icbs.yaml:12:29: ICB QAA: place 10A went to both S0B0B and QCC`},
		{"place not in successor", `{code: "10A", name: Aton, source: https://example.nhs.uk/p}
  - code: QCC`, `{code: "10Z", name: Zeton, source: https://example.nhs.uk/p}
  - code: QCC`, "icbs.yaml:11:31: place 10A went from QAA to S0B0B, but S0B0B does not list it"},
		{"place in two ICBs at once", `{code: "10B", name: Beton, valid_from: 2026-04-01,`, `{code: "10B", name: Beton,`, "icbs.yaml:34:7: place 10B is in both QAA and QCC on 2022-07-01"},
		{"into not a place", `{icb: QCC, places: ["10B"]}`, `{icb: QCC, places: ["10B"], into: ["10Q"]}`, "icbs.yaml:12:44: ICB QAA: 10Q is not a place of QCC on 2026-04-01"},
		{"place source", `{code: "10C", name: Ceton, source: https://example.nhs.uk/p}`, `{code: "10C", name: Ceton}`, "icbs.yaml:34:10: place 10C: source must be"},
		{"ons", "ons: E54000030", "ons: 30", `icbs.yaml:29:10: ICB QCC: ONS code "30"`},
		{"unknown key", "nhser: Y56", "nhser: Y56\n    merged: true", `unknown key "merged"`},
	} {
		t.Run(tc.name, func(t *testing.T) {
			src := strings.Replace(small, tc.from, tc.to, 1)
			if src == small {
				t.Fatalf("%q is not in the file", tc.from)
			}
			_, err := Parse("icbs.yaml", []byte(src))
			if err == nil || !strings.Contains(err.Error(), tc.want) {
				t.Errorf("error = %v\nwant it to contain %q", err, tc.want)
			}
		})
	}
}

func FuzzParse(f *testing.F) {
	f.Add([]byte(small))
	f.Add([]byte("icbs:\n  - code: QE1\n    places: [x]\n"))
	f.Fuzz(func(t *testing.T, src []byte) {
		s, err := Parse("f.yaml", src)
		if err != nil {
			return
		}
		for _, c := range s.All {
			if got, ok := s.Lookup(c.Code); !ok || got.Code != c.Code {
				t.Fatalf("Lookup(%q) lost the ICB", c.Code)
			}
			for _, on := range []time.Time{c.From, c.To, day20261202} {
				s.Moves(c, on)
				c.PlacesOn(on)
			}
		}
		s.NextChange(day20261202)
	})
}
