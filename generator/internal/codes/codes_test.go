package codes

import (
	"strings"
	"testing"
)

func TestCheckSCTID(t *testing.T) {
	valid := []string{
		"138875005",        // SNOMED CT concept (the root)
		"116680003",        // Is a
		"22298006",         // Myocardial infarction
		"1239511000000100", // Structured medication review (UK extension)
		"900000000000207008",
	}
	for _, id := range valid {
		if msg := CheckSCTID(id); msg != "" {
			t.Errorf("CheckSCTID(%s) = %q, want valid", id, msg)
		}
		if got := verhoeffDigit(id[:len(id)-1]); got != id[len(id)-1] {
			t.Errorf("verhoeffDigit(%s) = %c", id[:len(id)-1], got)
		}
	}
	invalid := map[string]string{
		"138875006":           "check digit",
		"1239511000000101":    "check digit",
		"12345":               "6 to 18 digits",
		"0138875005":          "leading zero",
		"1234567890123456789": "6 to 18 digits",
		"13887x005":           "6 to 18 digits",
		"100000011":           "partition 01 is a description",
		"100000051":           "partition 05",
	}
	for id, want := range invalid {
		msg := CheckSCTID(id)
		if want == "leading zero" {
			want = "no leading zero"
		}
		if !strings.Contains(msg, want) {
			t.Errorf("CheckSCTID(%s) = %q, want it to say %q", id, msg, want)
		}
	}
}

func TestParseErrors(t *testing.T) {
	const header = "id,term,use,source\n"
	const readHeader = "read_v2_code,term,snomed_equivalent,status,source\n"
	tests := []struct {
		name, snomed, read, want string
	}{
		{"bad check digit", header + "138875006,Root,x,https://example.nhs.uk/a\n", readHeader + "44W8.,t,-,confirmed,s\n", "snomed.csv:2:1: SNOMED CT id \"138875006\": the check digit is wrong"},
		{"duplicate", header + "138875005,Root,x,s\n138875005,Root,x,s\n", readHeader + "44W8.,t,-,confirmed,s\n", "snomed.csv:3:1: SNOMED CT id 138875005 is listed twice (also on line 2)"},
		{"missing term", header + "138875005,,x,s\n", readHeader + "44W8.,t,-,confirmed,s\n", "snomed.csv:2:11: SNOMED CT id 138875005: missing term"},
		{"read maps to unknown", header + "138875005,Root,x,s\n", readHeader + "44W8.,t,116680003,confirmed,s\n", "read_v2.csv:2:9: Read v2 code 44W8. maps to SNOMED CT 116680003, which is not in snomed.csv"},
		{"bad read code", header + "138875005,Root,x,s\n", readHeader + "44W8,t,-,confirmed,s\n", "read_v2.csv:2:1: Read v2 code \"44W8\" must be 5 characters"},
		{"header", "id,term\n", readHeader, "snomed.csv:1: the header must be exactly id,term,use,source"},
		{"short row", header + "138875005,Root\n", readHeader + "44W8.,t,-,confirmed,s\n", "snomed.csv:2: each row needs 4 fields"},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			_, err := Parse("snomed.csv", []byte(tt.snomed), "read_v2.csv", []byte(tt.read))
			if err == nil || !strings.Contains(err.Error(), tt.want) {
				t.Fatalf("error = %v\nwant it to contain %q", err, tt.want)
			}
		})
	}
}

func TestParse(t *testing.T) {
	reg, err := Parse("snomed.csv", []byte("id,term,use,source\n138875005,Root,x,https://github.com/opensafely/x\n116680003,Is a,y,memory\n"),
		"read_v2.csv", []byte("read_v2_code,term,snomed_equivalent,status,source\n44W8.,Lithium,138875005 / 116680003,confirmed,s\n66Q..,W,116680003 - approximate,confirmed,s\n"))
	if err != nil {
		t.Fatal(err)
	}
	c, ok := reg.Concept("138875005")
	if !ok || !c.Verified || c.Term != "Root" {
		t.Errorf("Concept = %+v, %v", c, ok)
	}
	if c, _ := reg.Concept("116680003"); c.Verified {
		t.Error("a concept from memory is verified")
	}
	r, _ := reg.ReadCode("44W8.")
	if strings.Join(r.SNOMED, ",") != "138875005,116680003" || !r.Verified {
		t.Errorf("ReadCode = %+v", r)
	}
	if r, _ := reg.ReadCode("66Q.."); r.Verified {
		t.Error("an approximate mapping is verified")
	}
}
