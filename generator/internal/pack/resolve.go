package pack

import (
	"crypto/sha256"
	"encoding/hex"
	"errors"
	"fmt"
	"io/fs"
	"maps"
	"slices"
	"strings"

	"github.com/bcs/publish/generator/internal/diag"
	"github.com/bcs/publish/generator/internal/icb"
)

// ICBPack is one ICB's resolved alignment: every value the ICB's pack
// shows, taken from the ICB's own file or else the national defaults, with
// Local set where the ICB's value applies.
type ICBPack struct {
	ICB           icb.ICB
	Formulary     Formulary
	FormularyOwn  bool
	Statuses      []Status
	StatusesOwn   bool
	Drugs         []DrugRow // in monitoring file order
	Anticoagulant Anticoagulant
	AnticoagOwn   bool
	Contacts      []ContactRow
	Differences   []Difference // how this ICB differs from the national defaults
	Unverified    []string     // what is not confirmed, in words
}

// DrugRow is one pack drug for an ICB: its status and its monitoring.
type DrugRow struct {
	Drug
	Status      Status // the vocabulary entry of the drug's status
	StatusFact  Fact   // where the status comes from
	StatusOwn   bool   // the ICB's own status, not the national default
	Override    *Override
	NationalInt string // the national interval when Override replaces it
}

// ContactRow is a local contact with its role.
type ContactRow struct {
	Role string // "Medicines optimisation team", ...
	Contact
	Own bool
}

// Difference is one value where an ICB's pack differs from the national one.
type Difference struct {
	What     string
	National string
	Local    string
	Source   string
	Verified bool
}

// contactRoles are the contacts in the order documents show them.
var contactRoles = []struct{ key, title string }{
	{"mo_team", "Medicines optimisation team"},
	{"mso", "Medication safety officer"},
	{"shared_care", "Shared care protocols"},
}

// Resolve returns the pack values for the ICB with the given ODS code.
func (d *Data) Resolve(ods string) (*ICBPack, error) {
	c, ok := d.ICBs.Lookup(ods)
	if !ok {
		msg := fmt.Sprintf("unknown ICB %q (ICBs are listed in %s)", ods, ICBsFile)
		if s := diag.Suggest(strings.ToUpper(ods), d.ICBs.Codes()); s != "" {
			msg += fmt.Sprintf("; did you mean %s?", s)
		}
		return nil, errors.New(msg)
	}
	n, own := d.National, d.Local[ods]
	if own == nil {
		own = &Alignment{}
	}
	p := &ICBPack{ICB: c, Formulary: *n.Formulary, Statuses: n.Statuses, Anticoagulant: *n.Anticoagulant}
	unverified := func(what string, f Fact) {
		if !f.Verified {
			p.Unverified = append(p.Unverified, what)
		}
	}
	differs := func(what, national, local string, f Fact) {
		p.Differences = append(p.Differences, Difference{What: what, National: national, Local: local, Source: f.Source, Verified: f.Verified})
	}
	if !c.Verified {
		p.Unverified = append(p.Unverified, "ICB details")
	}
	if f := own.Formulary; f != nil {
		p.Formulary, p.FormularyOwn = *f, true
		differs("Formulary", n.Formulary.Name, f.Name, f.Fact)
	}
	unverified("Formulary", p.Formulary.Fact)
	if own.Statuses != nil {
		p.Statuses, p.StatusesOwn = own.Statuses, true
		differs("Status vocabulary", labels(n.Statuses), labels(own.Statuses), own.Statuses[0].Fact)
	}
	for _, s := range p.Statuses {
		unverified("Status label "+s.Label, s.Fact)
	}
	for _, dr := range d.Drugs {
		row := DrugRow{Drug: dr}
		ds := n.drugStatus(dr.Name)
		if o := own.drugStatus(dr.Name); o != nil {
			ds, row.StatusOwn = o, true
			differs("Status of "+dr.Name, n.drugStatus(dr.Name).Status, o.Status+noteSuffix(o.Note), o.Fact)
		}
		row.StatusFact = ds.Fact
		i := slices.IndexFunc(p.Statuses, func(s Status) bool { return s.Label == ds.Status })
		if i < 0 { // Load refuses such data; this guards callers that skip it
			return nil, fmt.Errorf("%s: the status %q of %s is not in the vocabulary", ods, ds.Status, dr.Name)
		}
		row.Status = p.Statuses[i]
		unverified("Status of "+dr.Name, ds.Fact)
		if i := slices.IndexFunc(own.Monitoring, func(o Override) bool { return o.Drug == dr.Name }); i >= 0 {
			o := own.Monitoring[i]
			row.Override, row.NationalInt = &o, dr.Interval
			row.Interval = o.Interval
			differs("Monitoring of "+dr.Name, dr.Interval, o.Interval, o.Fact)
			unverified("Monitoring of "+dr.Name, o.Fact)
		} else if !dr.Verified {
			p.Unverified = append(p.Unverified, "Monitoring of "+dr.Name)
		}
		p.Drugs = append(p.Drugs, row)
	}
	if ac := own.Anticoagulant; ac != nil {
		p.Anticoagulant, p.AnticoagOwn = *ac, true
		differs("Preferred anticoagulant", n.Anticoagulant.Preferred+" ("+n.Anticoagulant.Decided+")", ac.Preferred+" ("+ac.Decided+")", ac.Fact)
	}
	unverified("Preferred anticoagulant", p.Anticoagulant.Fact)
	nc, oc := n.Contacts.all(), own.Contacts.all()
	for _, r := range contactRoles {
		ct, isOwn := nc[r.key], false
		if o := oc[r.key]; o != nil {
			ct, isOwn = o, true
			national := "not recorded"
			if nc[r.key] != nil {
				national = nc[r.key].Name
			}
			differs(r.title, national, o.Name, o.Fact)
		}
		if ct == nil {
			continue
		}
		p.Contacts = append(p.Contacts, ContactRow{Role: r.title, Contact: *ct, Own: isOwn})
		unverified(r.title, ct.Fact)
	}
	return p, nil
}

// Contact returns the contact for a role key (mo_team, mso, shared_care), or nil.
func (p *ICBPack) Contact(role string) *ContactRow {
	for _, r := range contactRoles {
		if r.key != role {
			continue
		}
		for i := range p.Contacts {
			if p.Contacts[i].Role == r.title {
				return &p.Contacts[i]
			}
		}
	}
	return nil
}

func noteSuffix(note string) string {
	if note == "" {
		return ""
	}
	return " (" + note + ")"
}

func labels(ss []Status) string {
	var l []string
	for _, s := range ss {
		l = append(l, s.Label)
	}
	return strings.Join(l, ", ")
}

// InputHash is a digest of every input an ICB's pack is built from: the
// shared pack files, the ICB's own file and its row of the ICB list, and
// salt (the generator's own version of its output format). Two builds with
// the same hash produce the same bundle.
func (d *Data) InputHash(ods, salt string) string {
	h := sha256.New()
	fmt.Fprintf(h, "%s\x00", salt)
	for _, name := range slices.Sorted(maps.Keys(d.raw)) {
		if strings.HasPrefix(name, FormularyDir+"/") && name != NationalFile && name != FormularyDir+"/"+ods+".yaml" {
			continue // another ICB's file
		}
		fmt.Fprintf(h, "%s\x00%d\x00", name, len(d.raw[name]))
		h.Write(d.raw[name])
	}
	c, _ := d.ICBs.Lookup(ods)
	fmt.Fprintf(h, "%#v", c)
	return hex.EncodeToString(h.Sum(nil))
}

func unwrap(err error) error {
	var pe *fs.PathError
	if errors.As(err, &pe) {
		return pe.Err
	}
	return err
}
