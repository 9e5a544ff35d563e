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
	"time"

	"github.com/bcs/publish/generator/internal/icb"
)

// ICBPack is one area's resolved alignment: every value its pack shows. It
// holds confirmed values only; whatever is not confirmed, or not recorded,
// is in Checks, which documents and pages show as one list of what to check
// with the ICB before use.
type ICBPack struct {
	Area      Area
	ICB       icb.ICB    // the area's ICB
	Formulary *Formulary // nil when no formulary is confirmed for the area
	Statuses  []Status   // the formulary's vocabulary: the confirmed labels
	Drugs     []DrugRow  // in monitoring file order
	// Anticoagulant is the preferred anticoagulant: the area's own when
	// confirmed, else the national commissioning recommendation; nil when
	// neither is confirmed.
	Anticoagulant *Anticoagulant
	AnticoagOwn   bool
	Contacts      []ContactRow // confirmed contacts
	Local         []Sourced    // the confirmed local values, in document order
	National      []Sourced    // the confirmed national values the pack relies on
	Checks        []Check      // what to check with the ICB before use
}

// DrugRow is one pack drug for an area: its status and its monitoring.
type DrugRow struct {
	Drug
	Label       string      // the confirmed status in words ("Red for kidney transplant; Amber for ..."); "": check with the ICB
	Statuses    []Status    // the vocabulary entries it uses
	Local       *DrugStatus // the confirmed local entry (detail, protocol, source)
	Override    *Override   // a confirmed local monitoring interval
	NationalInt string      // the national interval when Override replaces it
}

// ContactRow is a confirmed local contact with its role.
type ContactRow struct {
	Role string // "Medicines optimisation team", ...
	Key  string // mo_team, mso, shared_care
	Contact
}

// Resolve returns the pack values of an area.
func (d *Data) Resolve(a Area) *ICBPack {
	own := a.Own
	if own == nil {
		own = &Alignment{}
	}
	n := d.National
	p := &ICBPack{Area: a, ICB: a.ICB}
	local := func(topic, what, value string, f Fact) {
		p.Local = append(p.Local, Sourced{Topic: topic, What: what, Value: value, Fact: f})
	}
	where := ""
	if f := own.Formulary; f != nil {
		if f.Confirmed {
			p.Formulary, where = f, f.URL
			local(TopicFormulary, "Formulary", f.Name, f.Fact)
		} else {
			p.Checks = append(p.Checks, Check{Topic: TopicFormulary, What: "Which formulary applies to this area", Why: NotConfirmed})
		}
	} else {
		p.Checks = append(p.Checks, Check{Topic: TopicFormulary, What: "Which formulary applies to this area, and each medicine's status in it", Why: NotRecorded})
	}
	check := func(topic, what string, f *Fact) {
		why := NotRecorded
		if f != nil {
			why = NotConfirmed
		}
		p.Checks = append(p.Checks, Check{Topic: topic, What: what, Where: where, Why: why})
	}
	for _, s := range own.Statuses {
		if s.Confirmed {
			p.Statuses = append(p.Statuses, s)
			local(TopicStatuses, "Status label "+s.Label, s.Meaning, s.Fact)
		}
	}
	for _, dr := range d.Drugs {
		row := DrugRow{Drug: dr}
		if ds := own.drugStatus(dr.Name); ds != nil && ds.Confirmed {
			row.Label, row.Local = ds.Label(), ds
			value := row.Label
			if ds.Detail != "" {
				value += ": " + ds.Detail
			}
			local(dr.Name, "Status of "+dr.Name, value, ds.Fact)
			for _, label := range ds.labels() {
				st := *own.status(label)
				if slices.ContainsFunc(row.Statuses, func(s Status) bool { return s.Label == label }) {
					continue
				}
				row.Statuses = append(row.Statuses, st)
				if !st.Confirmed {
					check(dr.Name, "What the status "+st.Label+" means", &st.Fact)
				}
			}
		} else if ds != nil {
			check(dr.Name, "Formulary status of "+dr.Name, &ds.Fact)
		} else {
			check(dr.Name, "Formulary status of "+dr.Name, nil)
		}
		if i := slices.IndexFunc(own.Monitoring, func(o Override) bool { return o.Drug == dr.Name }); i >= 0 {
			o := own.Monitoring[i]
			if o.Confirmed {
				row.Override, row.NationalInt = &o, dr.Interval
				row.Interval = o.Interval
				local(dr.Name, "Monitoring of "+dr.Name, o.Interval, o.Fact)
			} else {
				check(dr.Name, "Local monitoring interval for "+dr.Name+" (the national interval is shown)", &o.Fact)
			}
		}
		if !dr.Verified {
			p.Checks = append(p.Checks, Check{Topic: dr.Name, What: "National monitoring of " + dr.Name, Where: firstURL(dr.Source), Why: NotConfirmed})
		}
		p.Drugs = append(p.Drugs, row)
	}
	switch ac := own.Anticoagulant; {
	case ac != nil && ac.Confirmed:
		p.Anticoagulant, p.AnticoagOwn = ac, true
		local(TopicAnticoagulant, "Preferred anticoagulant", ac.Preferred, ac.Fact)
	case ac != nil:
		check(TopicAnticoagulant, "Preferred anticoagulant for new patients", &ac.Fact)
	case n.Anticoagulant != nil && n.Anticoagulant.Confirmed:
		p.Anticoagulant = n.Anticoagulant
	}
	if ac := n.Anticoagulant; ac != nil && ac.Confirmed {
		p.National = append(p.National, Sourced{Topic: TopicAnticoagulant, What: "National anticoagulant recommendation", Value: ac.Preferred, Fact: ac.Fact})
	}
	for _, r := range contactRoles {
		c := own.Contacts.byKey(r.key)
		switch {
		case c != nil && c.Confirmed:
			p.Contacts = append(p.Contacts, ContactRow{Role: r.title, Key: r.key, Contact: *c})
			local(r.key, r.title, c.Name, c.Fact)
		case c != nil:
			check(r.key, r.title, &c.Fact)
		default:
			check(r.key, r.title, nil)
		}
	}
	return p
}

// The topics of values that are not drugs or contact roles.
const (
	TopicFormulary     = "formulary"
	TopicStatuses      = "statuses"
	TopicAnticoagulant = "anticoagulant"
)

// firstURL is the first address of a "a ; b" source list.
func firstURL(s string) string {
	first, _, _ := strings.Cut(s, ";")
	return strings.TrimSpace(first)
}

// Contact returns the confirmed contact for a role key (mo_team, mso,
// shared_care), or nil.
func (p *ICBPack) Contact(key string) *ContactRow {
	for i := range p.Contacts {
		if p.Contacts[i].Key == key {
			return &p.Contacts[i]
		}
	}
	return nil
}

// HasLocal reports whether the pack carries any confirmed local value.
func (p *ICBPack) HasLocal() bool { return len(p.Local) > 0 }

// Report counts what a pack rests on, for the build's summary and bcs pack.
type Report struct {
	Confirmed int       // confirmed local values
	ToCheck   int       // values to check with the ICB
	Old       []Sourced // confirmed local values read on pages dated more than three years before the day
}

// OldYears is the age of a source page that the report points out.
const OldYears = 3

// Report counts the pack's values on the day of the build.
func (p *ICBPack) Report(on time.Time) Report {
	r := Report{Confirmed: len(p.Local), ToCheck: len(p.Checks)}
	for _, s := range p.Local {
		if s.OlderThan(OldYears, on) {
			r.Old = append(r.Old, s)
		}
	}
	return r
}

// InputHash is a digest of every input an area's pack is built from: the
// shared pack files, the area's own formulary file, the area itself (ICB
// record and places), and salt (the generator's own version of its output
// format). Two builds with the same hash produce the same bundle.
func (d *Data) InputHash(a Area, salt string) string {
	h := sha256.New()
	fmt.Fprintf(h, "%s\x00", salt)
	own := ""
	if a.Own != nil {
		own = a.Own.File
	}
	for _, name := range slices.Sorted(maps.Keys(d.raw)) {
		if strings.HasPrefix(name, FormularyDir+"/") && name != NationalFile && name != own {
			continue // another area's file
		}
		fmt.Fprintf(h, "%s\x00%d\x00", name, len(d.raw[name]))
		h.Write(d.raw[name])
	}
	fmt.Fprintf(h, "%#v\x00%#v\x00%s", a.ICB, a.Places, a.Slug)
	for _, o := range a.Others {
		fmt.Fprintf(h, "\x00%s", o.Key())
	}
	return hex.EncodeToString(h.Sum(nil))
}

// FileDigest is a digest of one file of the pack data as read ("" for a
// file it did not read): what a page that shows only that file's facts
// depends on.
func (d *Data) FileDigest(name string) string {
	src, ok := d.raw[name]
	if !ok {
		return ""
	}
	sum := sha256.Sum256(src)
	return hex.EncodeToString(sum[:])
}

// ResearchNotes returns every research note of the pack data (formulary
// files, monitoring rows, ICB and place records): working material that no
// output may contain, listed so that tests can prove it.
func (d *Data) ResearchNotes() []string {
	var notes []string
	add := func(s string) {
		if s = strings.TrimSpace(s); s != "" {
			notes = append(notes, s)
		}
	}
	for _, a := range append([]*Alignment{d.National}, d.Files...) {
		if a == nil {
			continue
		}
		if a.Formulary != nil {
			add(a.Formulary.Research)
		}
		for _, s := range a.Statuses {
			add(s.Research)
		}
		for _, s := range a.Drugs {
			add(s.Research)
		}
		for _, o := range a.Monitoring {
			add(o.Research)
		}
		if a.Anticoagulant != nil {
			add(a.Anticoagulant.Research)
		}
		for _, r := range contactRoles {
			if c := a.Contacts.byKey(r.key); c != nil {
				add(c.Research)
			}
		}
	}
	for _, dr := range d.Drugs {
		add(dr.Research)
	}
	for _, r := range d.References {
		add(r.Research)
	}
	for _, c := range d.ICBs.All {
		add(c.Research)
		for _, p := range c.Places {
			add(p.Research)
		}
	}
	return notes
}

func unwrap(err error) error {
	var pe *fs.PathError
	if errors.As(err, &pe) {
		return pe.Err
	}
	return err
}
