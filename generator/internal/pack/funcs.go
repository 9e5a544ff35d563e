package pack

import (
	"errors"
	"fmt"
	"slices"
	"strings"
	"text/template"
	"time"

	"github.com/bcs/publish/generator/internal/codes"
	"github.com/bcs/publish/generator/internal/diag"
	"github.com/bcs/publish/generator/internal/markdown"
)

// CheckInline stands in a sentence or a table cell wherever a value is not
// confirmed or not recorded: the one way such a value is shown. The list it
// points to (CheckHeading) ends every document.
const CheckInline = "check with your ICB before use (see the end of this document)"

// CheckHeading is the heading of the list of what to check.
const CheckHeading = "Check with your ICB before use"

// CheckShort marks a table or workbook cell whose value is not confirmed or
// not recorded.
const CheckShort = "Check with your ICB before use"

// funcs are the placeholder functions of a document; see README.md.
func (d *Data) funcs(p *ICBPack, cite func(string) (codes.Concept, error), use func(topic string), refs *citations) template.FuncMap {
	field := func(kind string) func(string) (string, error) {
		return func(label string) (string, error) {
			if strings.ContainsAny(label, "[]\n\r") || len(label) > markdown.MaxFieldLabel {
				return "", fmt.Errorf("a field's label is one line of plain words without square brackets, under %d characters: %q", markdown.MaxFieldLabel, label)
			}
			if strings.TrimSpace(label) == "" && kind != "check" {
				return "", fmt.Errorf("a %s field needs a label", kind)
			}
			return "[[" + kind + ": " + strings.TrimSpace(label) + "]]", nil
		}
	}
	return template.FuncMap{
		// cite "id": a numbered note citing a reference of references.yaml.
		"cite": func(ids ...string) (string, error) {
			if len(ids) == 0 {
				return "", fmt.Errorf("cite needs the id of a reference in %s", ReferencesFile)
			}
			var b strings.Builder
			for i, id := range ids {
				if i > 0 {
					b.WriteString(",") // 1,2: two notes, not note 12
				}
				r := d.Reference(id)
				if r == nil {
					msg := fmt.Sprintf("no reference %q in %s", id, ReferencesFile)
					var known []string
					for _, r := range d.References {
						known = append(known, r.ID)
					}
					if s := diag.Suggest(id, known); s != "" {
						msg += fmt.Sprintf("; did you mean %q?", s)
					}
					return "", errors.New(msg)
				}
				b.WriteString(refs.cite(r))
			}
			return b.String(), nil
		},
		// field "label", notes "label", date "label", check "label": form
		// fields the clinician fills in (Word content controls).
		"field": field("text"),
		"notes": field("notes"),
		"date":  field("date"),
		"check": field("check"),
		// alignment: a sentence saying what the pack is aligned to.
		"alignment": func() string { use(TopicFormulary); return Escape(AlignmentText(p)) },
		// formulary: the area's formulary as a link, or "the local formulary".
		"formulary": func() string {
			use(TopicFormulary)
			f := p.Formulary
			if f == nil {
				return "the local formulary"
			}
			if f.URL != "" {
				return "the " + link(f.Name, f.URL)
			}
			return "the " + Escape(f.Name)
		},
		// status "drug": the drug's confirmed status with its meaning and
		// detail, or what to do when it is not confirmed.
		"status": func(drug string) (string, error) {
			for _, r := range p.Drugs {
				if r.Name != drug {
					continue
				}
				use(drug)
				if r.Label == "" {
					return CheckInline, nil
				}
				s := "**" + Escape(r.Label) + "**"
				var meanings []string
				for _, st := range r.Statuses {
					if st.Confirmed {
						meanings = append(meanings, Escape(st.Label)+": "+Escape(strings.TrimSuffix(st.Meaning, ".")))
					}
				}
				if len(meanings) > 0 {
					s += " (" + strings.Join(meanings, "; ") + ")"
				}
				if r.Local.Detail != "" {
					s += ": " + Escape(strings.TrimSuffix(r.Local.Detail, "."))
				}
				s += "."
				if r.Local.SharedCare != "" {
					s += " " + link("Local shared care protocol", r.Local.SharedCare) + "."
				}
				return s, nil
			}
			return "", fmt.Errorf("unknown drug %q (the pack's drugs are listed in %s)", drug, MonitoringFile)
		},
		// statusTable: the formulary's status vocabulary (its confirmed labels).
		"statusTable": func() string {
			use(TopicStatuses)
			if len(p.Statuses) == 0 {
				return "The status labels of this area's formulary are not recorded in this pack: " + CheckInline + "."
			}
			rows := [][]string{{"Status", "Meaning"}}
			for _, s := range p.Statuses {
				rows = append(rows, []string{"**" + Escape(s.Label) + "**", Escape(s.Meaning)})
			}
			return table(rows)
		},
		// monitoringTable: every pack drug with its status and monitoring when stable.
		"monitoringTable": func() string {
			rows := [][]string{{"Group", "Drug", "Formulary status", "Tests", "Interval when stable"}}
			for _, r := range p.Drugs {
				use(r.Name)
				interval, tests := Escape(r.Interval), Escape(r.Tests)
				switch {
				case r.Override != nil:
					interval = "**Local:** " + interval + " (national: " + Escape(r.NationalInt) + ")"
				case !r.Verified:
					interval, tests = "Check before use", "Check before use"
				}
				status := "Check with your ICB"
				if r.Label != "" {
					status = Escape(r.Label)
				}
				rows = append(rows, []string{Escape(r.Group), Escape(r.Name), status, tests, interval})
			}
			return table(rows)
		},
		// drugNotes "group": the monitoring notes of every drug of a group, as a list.
		"drugNotes": func(group string) (string, error) {
			var b strings.Builder
			n := 0
			for _, r := range p.Drugs {
				if r.Group != group {
					continue
				}
				n++
				use(r.Name)
				notes := Escape(r.Notes)
				if !r.Verified {
					notes = "the national monitoring for this medicine is not yet confirmed from its source: " + CheckInline
				} else {
					var seen []*Reference
					for _, u := range strings.Split(r.Source, ";") {
						if ref := d.referenceFor(strings.TrimSpace(u)); ref != nil && !slices.Contains(seen, ref) {
							if len(seen) > 0 {
								notes += ","
							}
							seen = append(seen, ref)
							notes += refs.cite(ref)
						}
					}
				}
				fmt.Fprintf(&b, "- **%s** (%s): %s\n", Escape(r.Name), Escape(r.Class), notes)
			}
			if n == 0 {
				return "", fmt.Errorf("no drugs in group %q (groups are the group column of %s)", group, MonitoringFile)
			}
			return strings.TrimSuffix(b.String(), "\n"), nil
		},
		// anticoagulant: the preferred anticoagulant and when it was decided.
		"anticoagulant": func() string {
			use(TopicAnticoagulant)
			a := p.Anticoagulant
			if a == nil {
				return CheckInline
			}
			t, _ := parseMonth(a.Decided)
			when := t.Format("January 2006")
			if len(a.Decided) == len(time.DateOnly) {
				when = t.Format("2 January 2006")
			}
			return Escape(a.Preferred) + " (decided " + when + "; " + link("source", a.Source) + ")"
		},
		// contact "role": a confirmed local contact (mo_team, mso, shared_care),
		// or whom to ask when none is confirmed.
		"contact": func(role string) (string, error) {
			title := ""
			for _, r := range contactRoles {
				if r.key == role {
					title = r.title
				}
			}
			if title == "" {
				return "", fmt.Errorf("unknown contact %q: use mo_team, mso or shared_care", role)
			}
			use(role)
			c := p.Contact(role)
			if c == nil {
				return "your ICB's " + strings.ToLower(title[:1]) + title[1:] + "; " + CheckInline, nil
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
			if len(more) > 0 {
				s += " (" + strings.Join(more, "; ") + ")"
			}
			return s, nil
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
			anyRead := false
			for _, id := range ids {
				c, err := cite(id)
				if err != nil {
					return "", err
				}
				var reads []string
				for _, r := range d.Codes.Read {
					if !r.Verified {
						continue // an approximate or unsourced mapping is never printed
					}
					for _, s := range r.SNOMED {
						if s == id {
							reads = append(reads, Escape(r.Code))
						}
					}
				}
				read := strings.Join(reads, ", ")
				if read == "" {
					read = "none"
				} else {
					anyRead = true
				}
				rows = append(rows, []string{Escape(c.Term), c.ID, read, Escape(c.Use)})
			}
			if !anyRead { // a column that says "none" on every row says nothing
				for i := range rows {
					rows[i] = append(rows[i][:2], rows[i][3])
				}
			}
			return table(rows), nil
		},
		// read "code": a Read v2 code with its term.
		"read": func(code string) (string, error) {
			r, ok := d.Codes.ReadCode(code)
			if !ok {
				return "", fmt.Errorf("Read v2 code %q is not in %s", code, ReadFile)
			}
			if !r.Verified {
				return "", fmt.Errorf("Read v2 code %s is not confirmed from a code list in %s (its status or mapping says so): a document cites only confirmed codes", code, ReadFile)
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
