package indicator

import (
	"os"
	"strings"
	"testing"
)

const one = "  - {id: A-1, name: n, title: t, summary: s, numerator: x, denominator: y, target: t, direction: lower, source: s, verified: true}\n"

func TestParseErrors(t *testing.T) {
	for src, want := range map[string]string{
		"indicators:\n" + one + one: `f.yaml:3:10: duplicate indicator id "A-1"`,
		"indicators:\n  - {id: B, name: n, numerator: x, denominator: y, target: t, direction: sideways, source: s}\n":                   `direction must be lower, higher or context, not "sideways"`,
		"indicators:\n  - {id: B, name: n, numerator: x, denominator: y, target: t, direction: lower}\n":                                 `indicator "B": missing source`,
		"indicators:\n  - {id: 9x, name: n, numerator: x, denominator: y, target: t, direction: lower, source: s}\n":                     `indicator id "9x" must start with a letter`,
		"indicators:\n  - {id: B, name: n, numerator: x, denominator: y, target: t, direction: lower, source: s, target_percent: 120}\n": `target_percent must be between 0 and 100`,
		"indicators:\n  - {id: B, nmae: n}\n": `unknown key "nmae"; did you mean "name"?`,
		"indicators:\n  - {id: B, name: n, summary: s, numerator: x, denominator: y, target: t, direction: lower, source: s}\n":                                `indicator "B": missing title`,
		"indicators:\n  - {id: B, name: n, title: \"Age >=65\", summary: s, numerator: x, denominator: y, target: t, direction: lower, source: s}\n":           `f.yaml:2:29: indicator "B": the title is for the public site, in plain English: no ids, code names or symbols like ">"`,
		"indicators:\n  - {id: B-2, name: n, title: t, summary: \"As B-2 but later\", numerator: x, denominator: y, target: t, direction: lower, source: s}\n": `the summary is for the public site, in plain English: no ids, code names or symbols like "B-2"`,
		"indicators:\n  - {id: B, name: n, title: t, summary: \"A MEDRVW_COD code\", numerator: x, denominator: y, target: t, direction: lower, source: s}\n":  `symbols like "_"`,
	} {
		_, err := Parse("f.yaml", []byte(src))
		if err == nil || !strings.Contains(err.Error(), want) {
			t.Errorf("Parse(%q):\n got %v\nwant %s", src, err, want)
		}
	}
}

// TestRepositoryFile checks the real indicator file, which the site and the
// workbooks share.
func TestRepositoryFile(t *testing.T) {
	src, err := os.ReadFile("../../../packs/indicators.yaml")
	if err != nil {
		t.Fatal(err)
	}
	s, err := Parse("packs/indicators.yaml", src)
	if err != nil {
		t.Fatal(err)
	}
	if len(s.All) < 30 {
		t.Errorf("only %d indicators", len(s.All))
	}
	if ind, ok := s.Lookup("ALERT-CLOSED-ON-TIME"); !ok || ind.TargetPercent == nil || *ind.TargetPercent != 100 || ind.Direction != Higher {
		t.Errorf("ALERT-CLOSED-ON-TIME = %+v", ind)
	}
	if ind, _ := s.Lookup("REPEAT-TAT"); ind.Verified {
		t.Error("REPEAT-TAT has no published source and must be unverified")
	}
	// PINCER AC as OpenSAFELY's implementation counts it: ACE inhibitors
	// (no ARB codelist) or loop diuretics, and a patient missing either test.
	ac, _ := s.Lookup("PINCER-AC")
	if strings.Contains(ac.Name+ac.Numerator+ac.Denominator, "ARB") || !strings.Contains(ac.Numerator, "no renal function test OR no electrolyte test") {
		t.Errorf("PINCER-AC = %q / %q", ac.Name, ac.Numerator)
	}
}
