package pack

import (
	"bytes"
	"crypto/sha256"
	"encoding/hex"
	"fmt"
	"io/fs"
	"regexp"
	"slices"
	"strings"

	"github.com/bcs/publish/generator/internal/diag"
)

// RecordFile is the clinical review record: every group of clinical claims
// the pack makes, with its sources and the day each was checked, so that a
// named reviewer can sign the content before a release. The build makes
// the part above SignOffHeading from the pack data and fails when the file
// holds anything else there (bcs clinical-review rewrites it); what the
// reviewers write under the heading is theirs and is kept.
const RecordFile = "packs/CLINICAL-REVIEW.md"

// SignOffHeading starts the reviewers' part of RecordFile.
const SignOffHeading = "## Sign-off"

// clinicalFiles are the inputs whose content a clinical reviewer signs:
// the document texts and the data they draw clinical statements from.
func (d *Data) clinicalFiles() []string {
	names := []string{ManifestFile, MonitoringFile, ReferencesFile, SNOMEDFile, ReadFile, IndicatorsFile}
	for _, doc := range d.Manifest.Documents {
		names = append(names, doc.File)
	}
	return names
}

// Fingerprint identifies the clinical content: a reviewer who signs the
// record signs this fingerprint, and any change to the content changes it.
func (d *Data) Fingerprint() string {
	h := sha256.New()
	for _, name := range d.clinicalFiles() {
		fmt.Fprintf(h, "%s\x00%d\x00", name, len(d.raw[name]))
		h.Write(d.raw[name])
	}
	return hex.EncodeToString(h.Sum(nil))[:16]
}

var citePattern = regexp.MustCompile(`\{\{\s*cite((?:\s+"[^"]*")+)\s*\}\}`)
var quoted = regexp.MustCompile(`"([^"]*)"`)

// citedBy maps each reference id to the titles of the documents that cite
// it: by name in a {{cite}}, or through the monitoring notes a document
// shows with {{drugNotes}}.
func (d *Data) citedBy() map[string][]string {
	by := map[string][]string{}
	add := func(id, title string) {
		if !slices.Contains(by[id], title) {
			by[id] = append(by[id], title)
		}
	}
	for _, doc := range d.Manifest.Documents {
		for _, m := range citePattern.FindAllStringSubmatch(string(doc.Source), -1) {
			for _, q := range quoted.FindAllStringSubmatch(m[1], -1) {
				add(q[1], doc.Title)
			}
		}
		if !bytes.Contains(doc.Source, []byte("drugNotes")) {
			continue
		}
		for _, dr := range d.Drugs {
			if !dr.Verified {
				continue
			}
			for _, u := range strings.Split(dr.Source, ";") {
				if r := d.referenceFor(strings.TrimSpace(u)); r != nil {
					add(r.ID, doc.Title)
				}
			}
		}
	}
	return by
}

// Record is the generated part of RecordFile.
func (d *Data) Record() []byte {
	var b strings.Builder
	m := d.Manifest
	cell := func(s string) string { return strings.ReplaceAll(strings.ReplaceAll(s, "|", "\\|"), "\n", " ") }
	b.WriteString("# Clinical review record\n\n")
	b.WriteString("<!-- Made by `bcs clinical-review` from the pack data; the build fails if the part above \"" + SignOffHeading + "\" differs. Reviewers write only under that heading. -->\n\n")
	fmt.Fprintf(&b, "Pack version %s, released %s. Clinical content fingerprint: **%s** (the documents, %s, %s, %s, %s, %s and %s).\n\n",
		m.Version, m.ReleasedAt.Format("2 January 2006"), d.Fingerprint(), ManifestFile, MonitoringFile, ReferencesFile, SNOMEDFile, ReadFile, IndicatorsFile)
	b.WriteString("A reviewer signs for one fingerprint. Any change to the clinical content changes it, and the content needs a new signature before release.\n\n")

	b.WriteString("## Documents\n\n| Document | Last reviewed | Next review due | Sign-off at the practice |\n| --- | --- | --- | --- |\n")
	for _, doc := range m.Documents {
		fmt.Fprintf(&b, "| %s | %s | %s | %s |\n", cell(doc.Title), doc.Review.Last.Format("2006-01-02"), doc.Review.Next.Format("2006-01-02"), cell(strings.Join(doc.SignOff, "; ")))
	}
	for _, w := range m.Workbooks {
		fmt.Fprintf(&b, "| %s (workbook) | %s | %s | |\n", cell(w.Title), w.Review.Last.Format("2006-01-02"), w.Review.Next.Format("2006-01-02"))
	}

	b.WriteString("\n## Monitoring of the high-risk drugs\n\nEach drug's national monitoring, from " + MonitoringFile + ". A drug that is not confirmed is printed only as \"check before use\". The notes are the researchers' and are never published.\n\n| Drug | Group | Confirmed | Sources | Research notes |\n| --- | --- | --- | --- | --- |\n")
	for _, dr := range d.Drugs {
		var src []string
		for _, u := range strings.Split(dr.Source, ";") {
			u = strings.TrimSpace(u)
			id := u
			if r := d.referenceFor(u); r != nil {
				id = r.ID
			}
			if id != "" && !slices.Contains(src, id) {
				src = append(src, id)
			}
		}
		fmt.Fprintf(&b, "| %s | %s | %s | %s | %s |\n", cell(dr.Name), cell(dr.Group), map[bool]string{true: "yes", false: "no"}[dr.Verified], cell(strings.Join(src, ", ")), cell(dr.Research))
	}

	by := d.citedBy()
	b.WriteString("\n## Sources and what rests on them\n\nEvery source the documents cite, from " + ReferencesFile + ".\n\n| Source | Supports | Page dated | Checked | Cited by | Research notes |\n| --- | --- | --- | --- | --- | --- |\n")
	for _, r := range d.References {
		cited := strings.Join(by[r.ID], "; ")
		if cited == "" {
			cited = "not cited"
		}
		fmt.Fprintf(&b, "| `%s`: [%s](%s) | %s | %s | %s | %s | %s |\n", r.ID, cell(r.Text()), r.Source, cell(r.Supports), cell(r.PageDateText()), r.Checked, cell(cited), cell(r.Research))
	}

	b.WriteString("\n## Codes\n\nEvery SNOMED CT concept in " + SNOMEDFile + "; documents cite only those from an NHS or OpenSAFELY code list.\n\n| SNOMED CT | Term | Use | Source |\n| --- | --- | --- | --- |\n")
	for _, c := range d.Codes.Concepts {
		fmt.Fprintf(&b, "| %s | %s | %s | %s |\n", c.ID, cell(c.Term), cell(c.Use), c.Source)
	}

	b.WriteString("\n## Indicators\n\nThe prescribing safety dashboard's indicators, from " + IndicatorsFile + ". An indicator that is not confirmed is labelled so in the workbook. The site shows the plain-English title and summary; check that they say what the name, numerator and denominator count.\n\n| Indicator | Name | On the site | Confirmed | Source |\n| --- | --- | --- | --- | --- |\n")
	for _, ind := range d.Indicators {
		fmt.Fprintf(&b, "| %s | %s | %s | %s | %s |\n", ind.ID, cell(ind.Name), cell(ind.Title+": "+ind.Summary), map[bool]string{true: "yes", false: "no"}[ind.Verified], cell(ind.Source))
	}
	b.WriteString("\n")
	return []byte(b.String())
}

// RecordTemplate is the reviewers' part of a new RecordFile.
const RecordTemplate = SignOffHeading + `

A named clinical reviewer (a pharmacist or GP who did not write the change) checks each group above against its
sources, then adds a row. Sign for the fingerprint shown at the top.

| Reviewer | Role | Fingerprint reviewed | Date | Outcome |
| --- | --- | --- | --- | --- |
`

// WriteRecord returns RecordFile as it should be: the generated part,
// then the reviewers' part of old (the template when old has none).
func (d *Data) WriteRecord(old []byte) []byte {
	keep := []byte(RecordTemplate)
	if i := bytes.Index(old, []byte("\n"+SignOffHeading+"\n")); i >= 0 {
		keep = old[i+1:]
	}
	return append(d.Record(), keep...)
}

// CheckRecord reports a RecordFile whose generated part is out of date.
func (d *Data) CheckRecord(root fs.FS) diag.List {
	old, err := fs.ReadFile(root, RecordFile)
	if err != nil {
		return diag.List{diag.Errorf(diag.Pos{File: RecordFile}, "the clinical review record is missing: run `make clinical-review` to make it, then have it signed")}
	}
	if want := d.WriteRecord(old); !bytes.Equal(old, want) {
		line := 1
		for i := range min(len(old), len(want)) {
			if old[i] != want[i] {
				break
			}
			if old[i] == '\n' {
				line++
			}
		}
		return diag.List{diag.Errorf(diag.Pos{File: RecordFile, Line: line}, "the clinical review record is out of date with the pack data (it differs from here): run `make clinical-review`, then have the changed content reviewed and signed")}
	}
	return nil
}

// SignedFor reports whether a reviewer's row of RecordFile names the
// current fingerprint.
func (d *Data) SignedFor(record []byte) bool {
	i := bytes.Index(record, []byte("\n"+SignOffHeading+"\n"))
	return i >= 0 && bytes.Contains(record[i:], []byte("| "+d.Fingerprint()+" |"))
}
