package pack

import (
	"fmt"
	"regexp"
	"slices"
	"strings"

	"github.com/bcs/publish/generator/internal/diag"
	"github.com/bcs/publish/generator/internal/yamldoc"
)

// A formulary file (packs/formulary/<area>.yaml) holds one formulary's
// alignment: the area it covers (a whole ICB, or some of its places), its
// status vocabulary as the formulary publishes it, each pack drug's status,
// local monitoring, the preferred anticoagulant and contacts. The national
// file (national.yaml) holds what applies everywhere unless an area says
// otherwise; it covers no area and has no formulary or statuses, since
// England has no national formulary vocabulary.

// Formulary names an area's formulary.
type Formulary struct {
	Name   string `yaml:"name"`
	URL    string `yaml:"url"`
	Covers Covers `yaml:"covers"`
	Fact   `yaml:",inline"`
}

// Covers is the area a formulary file serves.
type Covers struct {
	ICB    string   `yaml:"icb"`    // the ICB's ODS code
	Places []string `yaml:"places"` // its places' codes; empty: the whole ICB
}

// Status is one label of a formulary's status vocabulary.
type Status struct {
	Label   string `yaml:"label"`
	Colour  string `yaml:"colour"` // #rrggbb, the colour the formulary shows
	Meaning string `yaml:"meaning"`
	Fact    `yaml:",inline"`
}

// DrugStatus is a pack drug's status in a formulary: one status, or one
// per use where the formulary splits it (mycophenolate: Red for kidney
// transplant, Amber for other uses in adults).
type DrugStatus struct {
	Drug       string `yaml:"drug"`        // as in packs/monitoring.csv
	Status     string `yaml:"status"`      // a label of the vocabulary
	Uses       []Use  `yaml:"uses"`        // instead of status: the status of each use
	Detail     string `yaml:"detail"`      // published: uses, indications, brands the status depends on
	SharedCare string `yaml:"shared_care"` // the local shared care protocol's address
	Fact       `yaml:",inline"`
}

// Use is a drug's status for one use.
type Use struct {
	Status string `yaml:"status"` // a label of the vocabulary
	Use    string `yaml:"use"`    // e.g. "kidney transplant"
}

// Label is the drug's status in words: "Amber", or "Red for kidney
// transplant; Amber for other uses in adults".
func (s DrugStatus) Label() string {
	if len(s.Uses) == 0 {
		return s.Status
	}
	var parts []string
	for _, u := range s.Uses {
		parts = append(parts, u.Status+" for "+u.Use)
	}
	return strings.Join(parts, "; ")
}

// labels are the vocabulary labels the status uses.
func (s DrugStatus) labels() []string {
	if len(s.Uses) == 0 {
		return []string{s.Status}
	}
	var out []string
	for _, u := range s.Uses {
		out = append(out, u.Status)
	}
	return out
}

// Anticoagulant is the preferred anticoagulant and when it was decided.
type Anticoagulant struct {
	Preferred string `yaml:"preferred"`
	Decided   string `yaml:"decided"` // YYYY-MM or YYYY-MM-DD
	Fact      `yaml:",inline"`
}

// Override replaces a national monitoring interval for one drug.
type Override struct {
	Drug     string `yaml:"drug"`
	Interval string `yaml:"interval"` // replaces interval_stable
	Fact     `yaml:",inline"`
}

// Contact is a local contact.
type Contact struct {
	Name  string `yaml:"name"`
	Email string `yaml:"email"`
	Phone string `yaml:"phone"`
	URL   string `yaml:"url"`
	Fact  `yaml:",inline"`
}

// Contacts are the local contacts a pack names.
type Contacts struct {
	MOTeam     *Contact `yaml:"mo_team"`     // medicines optimisation team
	MSO        *Contact `yaml:"mso"`         // medication safety officer
	SharedCare *Contact `yaml:"shared_care"` // shared care protocols
}

// Alignment is one formulary file.
type Alignment struct {
	Formulary     *Formulary     `yaml:"formulary"`
	Statuses      []Status       `yaml:"statuses"`
	Drugs         []DrugStatus   `yaml:"drugs"`
	Anticoagulant *Anticoagulant `yaml:"anticoagulant"`
	Monitoring    []Override     `yaml:"monitoring"`
	Contacts      Contacts       `yaml:"contacts"`

	Slug string // the file's name without .yaml: the area's name in URLs
	File string // packs/formulary/<slug>.yaml
	doc  *yamldoc.Doc
}

var slugPattern = regexp.MustCompile(`^[a-z0-9]+(-[a-z0-9]+)*$`)

// parseAlignment decodes and checks one formulary file. The national file
// may hold only what applies everywhere.
func (d *Data) parseAlignment(name string, src []byte, national bool) (*Alignment, error) {
	var a Alignment
	doc, err := yamldoc.Decode(name, src, 0, &a)
	if err != nil {
		return nil, err
	}
	a.File, a.doc = name, doc
	var errs diag.List
	fact := func(p string, f Fact) { errs = append(errs, f.check(doc, p)...) }
	if national {
		for key, set := range map[string]bool{"formulary": a.Formulary != nil, "statuses": a.Statuses != nil, "drugs": a.Drugs != nil, "monitoring": a.Monitoring != nil} {
			if set {
				errs = append(errs, diag.Errorf(doc.Pos("$."+key), "%s: belongs in an area's own formulary file: England has no national formulary, and national monitoring lives in %s", key, MonitoringFile))
			}
		}
	} else if a.Formulary == nil {
		errs = append(errs, diag.Errorf(doc.Pos("$"), "formulary: is required: the formulary's name, address and the area it covers (covers: icb: and, for part of an ICB, places:)"))
	}
	if f := a.Formulary; f != nil {
		fact("$.formulary", f.Fact)
		if f.Name == "" {
			errs = append(errs, diag.Errorf(doc.Pos("$.formulary"), "formulary: missing name"))
		}
		if f.URL != "" && !isURL(f.URL) {
			errs = append(errs, diag.Errorf(doc.Pos("$.formulary.url"), "url %q must be an http(s) address", f.URL))
		}
		if f.Covers.ICB == "" && !national {
			errs = append(errs, diag.Errorf(doc.Pos("$.formulary"), "formulary: missing covers: icb: (the ODS code of the ICB it serves)"))
		}
	}
	labels := map[string]bool{}
	for i, s := range a.Statuses {
		p := fmt.Sprintf("$.statuses[%d]", i)
		fact(p, s.Fact)
		switch {
		case s.Label == "":
			errs = append(errs, diag.Errorf(doc.Pos(p), "status: missing label"))
		case labels[strings.ToLower(s.Label)]:
			errs = append(errs, diag.Errorf(doc.Pos(p+".label"), "status %q is listed twice", s.Label))
		}
		labels[strings.ToLower(s.Label)] = true
		if !colourPattern.MatchString(s.Colour) {
			errs = append(errs, diag.Errorf(doc.Pos(p+".colour"), "colour %q must be #rrggbb, like \"#ffb81c\"", s.Colour))
		}
		if s.Meaning == "" {
			errs = append(errs, diag.Errorf(doc.Pos(p), "status %q: missing meaning", s.Label))
		}
	}
	seen := map[string]bool{}
	for i, s := range a.Drugs {
		p := fmt.Sprintf("$.drugs[%d]", i)
		fact(p, s.Fact)
		errs = append(errs, d.checkDrug(doc.Pos(p+".drug"), s.Drug, seen)...)
		if (s.Status == "") == (len(s.Uses) == 0) {
			errs = append(errs, diag.Errorf(doc.Pos(p), "%s: give either status: or uses: (a status for each use)", s.Drug))
		}
		for j, label := range s.labels() {
			at := doc.Pos(p + ".status")
			if len(s.Uses) > 0 {
				at = doc.Pos(fmt.Sprintf("%s.uses[%d].status", p, j))
				if s.Uses[j].Use == "" {
					errs = append(errs, diag.Errorf(doc.Pos(fmt.Sprintf("%s.uses[%d]", p, j)), "%s: uses: each needs use: (what the status applies to)", s.Drug))
				}
			}
			if label == "" || slices.ContainsFunc(a.Statuses, func(v Status) bool { return v.Label == label }) {
				continue
			}
			var ls []string
			for _, v := range a.Statuses {
				ls = append(ls, v.Label)
			}
			msg := fmt.Sprintf("status %q is not in this formulary's vocabulary (statuses: %s)", label, strings.Join(ls, ", "))
			if g := diag.Suggest(label, ls); g != "" {
				msg += fmt.Sprintf("; did you mean %q?", g)
			}
			errs = append(errs, diag.Errorf(at, "%s", msg))
		}
		if s.SharedCare != "" && !isURL(s.SharedCare) {
			errs = append(errs, diag.Errorf(doc.Pos(p+".shared_care"), "shared_care %q must be the protocol's http(s) address", s.SharedCare))
		}
	}
	if ac := a.Anticoagulant; ac != nil {
		fact("$.anticoagulant", ac.Fact)
		if ac.Preferred == "" {
			errs = append(errs, diag.Errorf(doc.Pos("$.anticoagulant"), "anticoagulant: missing preferred"))
		}
		if _, ok := parseMonth(ac.Decided); !ok {
			errs = append(errs, diag.Errorf(doc.Pos("$.anticoagulant.decided"), "decided %q must be the date of the decision, YYYY-MM-DD (or YYYY-MM)", ac.Decided))
		}
	}
	seen = map[string]bool{}
	for i, o := range a.Monitoring {
		p := fmt.Sprintf("$.monitoring[%d]", i)
		fact(p, o.Fact)
		errs = append(errs, d.checkDrug(doc.Pos(p+".drug"), o.Drug, seen)...)
		if o.Interval == "" {
			errs = append(errs, diag.Errorf(doc.Pos(p), "monitoring override for %s: missing interval", o.Drug))
		}
	}
	for _, r := range contactRoles {
		c := a.Contacts.byKey(r.key)
		if c == nil {
			continue
		}
		p := "$.contacts." + r.key
		fact(p, c.Fact)
		if c.Name == "" {
			errs = append(errs, diag.Errorf(doc.Pos(p), "contact %s: missing name", r.key))
		}
		if c.URL != "" && !isURL(c.URL) {
			errs = append(errs, diag.Errorf(doc.Pos(p+".url"), "url %q must be an http(s) address", c.URL))
		}
		if c.Email != "" && (!strings.Contains(c.Email, "@") || strings.ContainsAny(c.Email, " <>\"")) {
			errs = append(errs, diag.Errorf(doc.Pos(p+".email"), "email %q is not an address", c.Email))
		}
	}
	return &a, errs.Err()
}

// drugStatus returns the file's status of a drug, or nil.
func (a *Alignment) drugStatus(name string) *DrugStatus {
	for i := range a.Drugs {
		if a.Drugs[i].Drug == name {
			return &a.Drugs[i]
		}
	}
	return nil
}

// status returns the vocabulary entry with a label, or nil.
func (a *Alignment) status(label string) *Status {
	for i := range a.Statuses {
		if a.Statuses[i].Label == label {
			return &a.Statuses[i]
		}
	}
	return nil
}

// The contact roles a pack names, by their key under contacts: in a
// formulary file.
const (
	RoleMOTeam     = "mo_team"
	RoleMSO        = "mso"
	RoleSharedCare = "shared_care"
)

// contactRoles are the contacts in the order documents show them, with the
// title each is shown under: the one list of them (the workbooks use
// RoleTitle).
var contactRoles = []struct{ key, title string }{
	{RoleMOTeam, "Medicines optimisation team"},
	{RoleMSO, "Medication safety officer"},
	{RoleSharedCare, "Shared care protocols"},
}

// RoleTitle is the title a contact role is shown under ("" for a key that
// is not a role).
func RoleTitle(key string) string {
	for _, r := range contactRoles {
		if r.key == key {
			return r.title
		}
	}
	return ""
}

func (c Contacts) byKey(key string) *Contact {
	switch key {
	case RoleMOTeam:
		return c.MOTeam
	case RoleMSO:
		return c.MSO
	case RoleSharedCare:
		return c.SharedCare
	}
	return nil
}
