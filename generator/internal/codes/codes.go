// Package codes is the clinical code registry of the starter packs: the
// SNOMED CT concepts (packs/snomed.csv) and the Read v2 codes
// (packs/read_v2.csv) a document may cite, each with its term and source.
// A SNOMED CT identifier is checked for its form (6 to 18 digits, no leading
// zero), its partition (a concept id) and its Verhoeff check digit, so a
// mistyped code fails the build instead of reaching a clinical record.
package codes

import (
	"fmt"
	"regexp"
	"slices"
	"strings"

	"github.com/bcs/publish/generator/internal/csvtab"
	"github.com/bcs/publish/generator/internal/diag"
)

// Concept is one SNOMED CT concept.
type Concept struct {
	ID       string // SCTID
	Term     string
	Use      string // what the packs use it for
	Source   string
	Verified bool // false when the source is not an NHS or OpenSAFELY code list
	Pos      diag.Pos
}

// ReadCode is one Read v2 code with its SNOMED CT equivalents.
type ReadCode struct {
	Code     string
	Term     string
	SNOMED   []string // SCTIDs named in the equivalence, all in the registry
	Mapping  string   // the equivalence as written, with its caveats
	Status   string
	Source   string
	Verified bool // false when the status says the mapping is approximate or from memory
	Pos      diag.Pos
}

// Registry is the loaded code files.
type Registry struct {
	Concepts []Concept
	Read     []ReadCode
	byID     map[string]int
	byRead   map[string]int
}

// The files' headers.
var (
	SNOMEDColumns = []string{"id", "term", "use", "source"}
	ReadColumns   = []string{"read_v2_code", "term", "snomed_equivalent", "status", "source"}
)

var (
	sctidPattern = regexp.MustCompile(`^[1-9][0-9]{5,17}$`)
	readPattern  = regexp.MustCompile(`^[0-9A-Za-z][0-9A-Za-z.]{4}$`)
	digitRun     = regexp.MustCompile(`[0-9]{6,18}`)
)

// CheckSCTID says what is wrong with a SNOMED CT identifier, or "" when it
// is a well-formed concept id. It checks the form, the partition identifier
// (the two digits before the check digit: 00 for a concept in the
// international release, 10 for a concept in an extension such as the UK's)
// and the Verhoeff check digit. A passing id is well formed; whether it is
// active is a question for the terminology server.
func CheckSCTID(id string) string {
	if !sctidPattern.MatchString(id) {
		return "a SNOMED CT identifier is 6 to 18 digits with no leading zero"
	}
	switch part := id[len(id)-3 : len(id)-1]; part {
	case "00", "10":
	case "01", "02", "11", "12":
		return fmt.Sprintf("partition %s is a description or relationship id, not a concept: cite the concept id", part)
	default:
		return fmt.Sprintf("partition %s (the two digits before the check digit) is not a SNOMED CT partition", part)
	}
	if !verhoeffValid(id) {
		return fmt.Sprintf("the check digit is wrong (Verhoeff): the last digit would be %c for %s", verhoeffDigit(id[:len(id)-1]), id[:len(id)-1])
	}
	return ""
}

// verifiedSource: a code list published by NHS England/Digital or
// OpenSAFELY's curated copies of them.
func verifiedSource(src string) bool {
	return strings.HasPrefix(src, "https://github.com/opensafely/") || strings.Contains(src, ".nhs.uk/")
}

// Parse reads the SNOMED CT file and the Read v2 file. Every problem is
// reported, as a diag.List.
func Parse(snomedName string, snomedSrc []byte, readName string, readSrc []byte) (*Registry, error) {
	reg := &Registry{byID: map[string]int{}, byRead: map[string]int{}}
	rows, errs := csvtab.Read(snomedName, snomedSrc, SNOMEDColumns)
	for _, row := range rows {
		f := row.Fields
		c := Concept{ID: f[0], Term: f[1], Use: f[2], Source: f[3], Verified: verifiedSource(f[3]), Pos: row.Pos(0)}
		if msg := CheckSCTID(c.ID); msg != "" {
			errs = append(errs, diag.Errorf(row.Pos(0), "SNOMED CT id %q: %s", c.ID, msg))
			continue
		}
		if prev, dup := reg.byID[c.ID]; dup {
			errs = append(errs, diag.Errorf(row.Pos(0), "SNOMED CT id %s is listed twice (also on line %d)", c.ID, reg.Concepts[prev].Pos.Line))
			continue
		}
		if c.Term == "" {
			errs = append(errs, diag.Errorf(row.Pos(1), "SNOMED CT id %s: missing term", c.ID))
		}
		if c.Source == "" {
			errs = append(errs, diag.Errorf(row.Pos(3), "SNOMED CT id %s: missing source (where the code and term were confirmed)", c.ID))
		}
		reg.byID[c.ID] = len(reg.Concepts)
		reg.Concepts = append(reg.Concepts, c)
	}
	rows, rerrs := csvtab.Read(readName, readSrc, ReadColumns)
	errs = append(errs, rerrs...)
	for _, row := range rows {
		f := row.Fields
		rc := ReadCode{Code: f[0], Term: f[1], Mapping: f[2], Status: f[3], Source: f[4], Pos: row.Pos(0)}
		rc.Verified = strings.HasPrefix(rc.Status, "confirmed") && !strings.Contains(rc.Mapping, "approximate") && !strings.Contains(rc.Status, "memory")
		if !readPattern.MatchString(rc.Code) {
			errs = append(errs, diag.Errorf(row.Pos(0), "Read v2 code %q must be 5 characters of letters, digits and dots, like 44W8.", rc.Code))
			continue
		}
		if _, dup := reg.byRead[rc.Code]; dup {
			errs = append(errs, diag.Errorf(row.Pos(0), "Read v2 code %s is listed twice", rc.Code))
			continue
		}
		if rc.Term == "" || rc.Source == "" {
			errs = append(errs, diag.Errorf(row.Pos(0), "Read v2 code %s needs a term and a source", rc.Code))
		}
		for _, id := range digitRun.FindAllString(rc.Mapping, -1) {
			if _, ok := reg.byID[id]; !ok {
				errs = append(errs, diag.Errorf(row.Pos(2), "Read v2 code %s maps to SNOMED CT %s, which is not in %s", rc.Code, id, snomedName))
				continue
			}
			rc.SNOMED = append(rc.SNOMED, id)
		}
		reg.byRead[rc.Code] = len(reg.Read)
		reg.Read = append(reg.Read, rc)
	}
	if err := errs.Err(); err != nil {
		return nil, err
	}
	return reg, nil
}

// Concept returns the concept with an id.
func (r *Registry) Concept(id string) (Concept, bool) {
	i, ok := r.byID[id]
	if !ok {
		return Concept{}, false
	}
	return r.Concepts[i], true
}

// ReadCode returns a Read v2 code.
func (r *Registry) ReadCode(code string) (ReadCode, bool) {
	i, ok := r.byRead[code]
	if !ok {
		return ReadCode{}, false
	}
	return r.Read[i], true
}

// IDs returns every SCTID, sorted, for suggestions.
func (r *Registry) IDs() []string {
	ids := make([]string, 0, len(r.Concepts))
	for _, c := range r.Concepts {
		ids = append(ids, c.ID)
	}
	slices.Sort(ids)
	return ids
}

// DigitRuns finds the runs of 6 to 18 digits in text: anything that could be
// a SNOMED CT id written out by hand.
func DigitRuns(text string) [][]int { return digitRun.FindAllStringIndex(text, -1) }
