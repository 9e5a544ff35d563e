package pack

import (
	"fmt"
	"strings"
	"text/template"
	"time"

	"github.com/bcs/publish/generator/internal/codes"
)

// ToConfirm is appended to every value that is not confirmed from its source.
const ToConfirm = " *(to confirm locally)*"

// funcs are the placeholder functions of a document; see README.md.
func (d *Data) funcs(p *ICBPack, cite func(string) (codes.Concept, error)) template.FuncMap {
	mark := func(f Fact) string {
		if f.Verified {
			return ""
		}
		return ToConfirm
	}
	return template.FuncMap{
		// formulary: the ICB's formulary as a link, with its note.
		"formulary": func() string {
			f := p.Formulary
			s := Escape(f.Name)
			if f.URL != "" {
				s = link(f.Name, f.URL)
			}
			return s + mark(f.Fact)
		},
		// status "drug": the drug's status in the ICB's formulary, with its meaning.
		"status": func(drug string) (string, error) {
			for _, r := range p.Drugs {
				if r.Name == drug {
					s := "**" + Escape(r.Status.Label) + "** (" + Escape(r.Status.Meaning) + ")"
					if r.StatusFact.Note != "" {
						s += " " + Escape(r.StatusFact.Note)
					}
					return s + mark(r.StatusFact), nil
				}
			}
			return "", fmt.Errorf("unknown drug %q (the pack's drugs are listed in %s)", drug, MonitoringFile)
		},
		// statusTable: the ICB's status vocabulary.
		"statusTable": func() string {
			rows := [][]string{{"Status", "Meaning"}}
			for _, s := range p.Statuses {
				rows = append(rows, []string{"**" + Escape(s.Label) + "**", Escape(s.Meaning) + mark(s.Fact)})
			}
			return table(rows)
		},
		// monitoringTable: every pack drug with its status and monitoring when stable.
		"monitoringTable": func() string {
			rows := [][]string{{"Group", "Drug", "Formulary status", "Tests", "Interval when stable"}}
			for _, r := range p.Drugs {
				interval := Escape(r.Interval)
				if r.Override != nil {
					interval = "**Local:** " + interval + mark(r.Override.Fact) + " (national: " + Escape(r.NationalInt) + ")"
				} else if !r.Verified {
					interval += ToConfirm
				}
				status := Escape(r.Status.Label)
				if r.StatusOwn {
					status += " (local)"
				}
				rows = append(rows, []string{Escape(r.Group), Escape(r.Name), status + mark(r.StatusFact), Escape(r.Tests), interval})
			}
			return table(rows)
		},
		// drugNotes "group": the monitoring notes of every drug of a group, as a list.
		"drugNotes": func(group string) (string, error) {
			var b strings.Builder
			for _, r := range p.Drugs {
				if r.Group == group {
					fmt.Fprintf(&b, "- **%s** (%s): %s%s\n", Escape(r.Name), Escape(r.Class), Escape(r.Notes), mark(Fact{Verified: r.Verified}))
				}
			}
			if b.Len() == 0 {
				return "", fmt.Errorf("no drugs in group %q (groups are the group column of %s)", group, MonitoringFile)
			}
			return strings.TrimSuffix(b.String(), "\n"), nil
		},
		// anticoagulant: the preferred anticoagulant and when it was decided.
		"anticoagulant": func() string {
			a := p.Anticoagulant
			t, _ := parseMonth(a.Decided)
			when := t.Format("January 2006")
			if len(a.Decided) == len(time.DateOnly) {
				when = t.Format("2 January 2006")
			}
			s := Escape(a.Preferred) + " (decided " + when
			if a.Source != "memory" {
				s += "; " + link("source", a.Source)
			}
			return s + ")" + mark(a.Fact)
		},
		// contact "role": a local contact (mo_team, mso, shared_care), or what to do when none is recorded.
		"contact": func(role string) (string, error) {
			if role != "mo_team" && role != "mso" && role != "shared_care" {
				return "", fmt.Errorf("unknown contact %q: use mo_team, mso or shared_care", role)
			}
			c := p.Contact(role)
			if c == nil {
				return "not recorded for this ICB: ask the ICB's medicines optimisation team" + ToConfirm, nil
			}
			s := Escape(c.Name)
			if c.URL != "" {
				s = link(c.Name, c.URL)
			}
			var more []string
			if c.Email != "" {
				more = append(more, link(c.Email, "mailto:"+c.Email))
			}
			if c.Phone != "" {
				more = append(more, Escape(c.Phone))
			}
			if c.Note != "" {
				more = append(more, Escape(c.Note))
			}
			if len(more) > 0 {
				s += " (" + strings.Join(more, "; ") + ")"
			}
			return s + mark(c.Fact), nil
		},
		// snomed "id": a SNOMED CT concept's term and id, checked against the registry.
		"snomed": func(id string) (string, error) {
			c, err := cite(id)
			if err != nil {
				return "", err
			}
			return Escape(c.Term) + " (SNOMED CT " + c.ID + ")", nil
		},
		// codeTable "id" ...: the concepts with their Read v2 equivalents and when to record each.
		"codeTable": func(ids ...string) (string, error) {
			rows := [][]string{{"Record", "SNOMED CT", "Read v2", "When"}}
			for _, id := range ids {
				c, err := cite(id)
				if err != nil {
					return "", err
				}
				var reads []string
				for _, r := range d.Codes.Read {
					for _, s := range r.SNOMED {
						if s == id {
							reads = append(reads, Escape(r.Code))
						}
					}
				}
				read := strings.Join(reads, ", ")
				if read == "" {
					read = "none"
				}
				rows = append(rows, []string{Escape(c.Term), c.ID, read, Escape(c.Use)})
			}
			return table(rows), nil
		},
		// read "code": a Read v2 code with its term.
		"read": func(code string) (string, error) {
			r, ok := d.Codes.ReadCode(code)
			if !ok {
				return "", fmt.Errorf("Read v2 code %q is not in %s", code, ReadFile)
			}
			return Escape(r.Term) + " (Read v2 " + Escape(r.Code) + ")", nil
		},
		// docTitle "id": the title of another document of the pack.
		"docTitle": func(id string) (string, error) {
			for _, doc := range d.Manifest.Documents {
				if doc.ID == id {
					return "*" + Escape(doc.Title) + "*", nil
				}
			}
			return "", fmt.Errorf("no document %q in %s", id, ManifestFile)
		},
	}
}

// link is a Markdown link with escaped text; the URL must be an http(s) or
// mailto address (checked when the data was loaded).
func link(text, url string) string {
	return "[" + Escape(text) + "](<" + strings.NewReplacer("<", "%3C", ">", "%3E", " ", "%20").Replace(url) + ">)"
}

// table builds a GFM table; the first row is the header. Cells are already
// escaped Markdown.
func table(rows [][]string) string {
	var b strings.Builder
	for i, r := range rows {
		b.WriteString("| " + strings.Join(r, " | ") + " |\n")
		if i == 0 {
			b.WriteString(strings.Repeat("| --- ", len(r)) + "|\n")
		}
	}
	return strings.TrimSuffix(b.String(), "\n")
}
