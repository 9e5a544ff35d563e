package pack

import (
	"io/fs"
	"os"
	"path/filepath"
	"reflect"
	"regexp"
	"strings"
	"testing"
	"testing/fstest"
	"time"

	"github.com/bcs/publish/generator/internal/icb"
	"github.com/bcs/publish/generator/internal/indicator"
)

// project returns the repository's packs/ as a MapFS, with files replaced
// or added by patch (a nil value removes the file).
func project(t testing.TB, patch map[string]string) fstest.MapFS {
	t.Helper()
	m := fstest.MapFS{}
	root := filepath.Join("..", "..", "..")
	err := filepath.WalkDir(filepath.Join(root, "packs"), func(p string, d fs.DirEntry, err error) error {
		if err != nil || d.IsDir() {
			return err
		}
		data, err := os.ReadFile(p)
		rel, _ := filepath.Rel(root, p)
		m[filepath.ToSlash(rel)] = &fstest.MapFile{Data: data}
		return err
	})
	if err != nil {
		t.Fatal(err)
	}
	for name, data := range patch {
		if data == "\x00delete" {
			delete(m, name)
			continue
		}
		m[name] = &fstest.MapFile{Data: []byte(data)}
	}
	return m
}

func load(t testing.TB, fsys fstest.MapFS) (*Data, error) {
	t.Helper()
	set, err := icb.Parse(ICBsFile, fsys[ICBsFile].Data)
	if err != nil {
		t.Fatal(err)
	}
	return Load(fsys, set, nil)
}

// today is the day the tests build for: the April 2026 map is in force.
var today = time.Date(2026, 12, 2, 0, 0, 0, 0, time.UTC)

func area(t testing.TB, d *Data, key string) Area {
	t.Helper()
	a, err := d.Area(key, today)
	if err != nil {
		t.Fatal(err)
	}
	return a
}

// qe1 is a formulary file for QE1 (Lancashire and South Cumbria), which the
// tests put in place of the real one.
const qe1 = `formulary:
  name: Test formulary
  url: https://formulary.example.nhs.uk/
  covers: {icb: QE1}
  source: https://formulary.example.nhs.uk/key
  checked: 2026-12-01
  confirmed: true
statuses:
  - {label: Green, colour: "#007f3b", meaning: Primary care, source: https://formulary.example.nhs.uk/key, checked: 2026-12-01, confirmed: true}
  - {label: Amber, colour: "#ffb81c", meaning: Shared care, source: https://formulary.example.nhs.uk/key, checked: 2026-12-01, confirmed: false, research: "only the colour was seen"}
drugs:
  - drug: lithium
    status: Amber
    detail: Under the shared care protocol.
    source: https://formulary.example.nhs.uk/lithium
    page_date: "2019-05"
    checked: 2026-12-01
    confirmed: true
    research: "INTERNAL NOTE lithium"
  - drug: warfarin
    status: Green
    source: https://formulary.example.nhs.uk/warfarin
    checked: 2026-12-01
    confirmed: false
    research: "INTERNAL NOTE warfarin"
`

func TestRealData(t *testing.T) {
	d, err := load(t, project(t, nil))
	if err != nil {
		t.Fatal(err)
	}
	areas, err := d.Areas(today)
	if err != nil {
		t.Fatal(err)
	}
	local := 0
	icbs := map[string]bool{}
	for _, a := range areas {
		icbs[a.ICB.Code] = true
		p := d.Resolve(a)
		statuses := 0
		for _, r := range p.Drugs {
			if r.Local != nil {
				statuses++
			}
		}
		if statuses > 0 {
			local++
		}
		for _, doc := range d.Manifest.Documents {
			if _, err := d.Expand(&doc, p); err != nil {
				t.Errorf("%s %s: %v", a.Key(), doc.ID, err)
			}
		}
	}
	if len(icbs) != 36 {
		t.Errorf("packs for %d ICBs, want the 36 in force", len(icbs))
	}
	if local < 12 {
		t.Errorf("%d areas have a confirmed local drug status, want at least 12", local)
	}
	// Derbyshire's mycophenolate: Red for kidney transplant, Amber otherwise (the JAPC page).
	qj2 := d.Resolve(area(t, d, "QJ2"))
	if got := qj2.Drugs[3].Label; qj2.Drugs[3].Name != "mycophenolate mofetil" || !strings.HasPrefix(got, "Red for oral immunosuppression after kidney transplant") || !strings.Contains(got, "; Amber for non-transplant indications in adults") {
		t.Errorf("QJ2 mycophenolate = %q", got)
	}
	// Oxfordshire's vocabulary is its own, and applies to Oxfordshire only.
	ox := d.Resolve(area(t, d, "S0E4D/oxfordshire"))
	var labels []string
	for _, s := range ox.Statuses {
		labels = append(labels, s.Label)
	}
	if got := strings.Join(labels, ", "); got != "Red, Amber Continuation, Amber Shared Care Protocol, Green, Brown, Black, Non-Formulary" {
		t.Errorf("Oxfordshire statuses: %s", got)
	}
	bucks := d.Resolve(area(t, d, "S0E4D/buckinghamshire"))
	if bucks.Formulary == nil || bucks.Formulary.Name == ox.Formulary.Name {
		t.Errorf("Buckinghamshire follows %+v", bucks.Formulary)
	}
	// South Yorkshire's places keep their own lists: Doncaster's is not the ICB's.
	if sy := d.Resolve(area(t, d, "QF7")); sy.Formulary != nil {
		t.Errorf("South Yorkshire as a whole follows %s", sy.Formulary.Name)
	}
	qe := d.Resolve(area(t, d, "QE1"))
	if !qe.HasLocal() {
		t.Error("Lancashire and South Cumbria has no local values")
	}
	if qhl := d.Resolve(area(t, d, "QHL")); qhl.HasLocal() || len(qhl.Checks) < 12 {
		t.Errorf("QHL (national defaults): %d local values, %d checks", len(qhl.Local), len(qhl.Checks))
	}
}

// A value that is not confirmed is never stated: it becomes an item to
// check, and no document or table prints it.
func TestUnconfirmedIsNeverStated(t *testing.T) {
	d, err := load(t, project(t, map[string]string{"packs/formulary/lancashire-and-south-cumbria.yaml": qe1}))
	if err != nil {
		t.Fatal(err)
	}
	p := d.Resolve(area(t, d, "QE1"))
	var lithium, warfarin DrugRow
	for _, r := range p.Drugs {
		switch r.Name {
		case "lithium":
			lithium = r
		case "warfarin":
			warfarin = r
		}
	}
	if lithium.Label != "Amber" || warfarin.Label != "" {
		t.Errorf("lithium %q, warfarin %q", lithium.Label, warfarin.Label)
	}
	checks := map[string]string{}
	for _, c := range p.Checks {
		checks[c.What] = c.Why
	}
	for what, why := range map[string]string{
		"Formulary status of warfarin": NotConfirmed, "What the status Amber means": NotConfirmed,
		"Formulary status of methotrexate": NotRecorded, "Medication safety officer": NotRecorded,
	} {
		if checks[what] != why {
			t.Errorf("check %q = %q, want %q", what, checks[what], why)
		}
	}
	hrd := d.Manifest.Documents[2]
	ex, err := d.Expand(&hrd, p)
	if err != nil {
		t.Fatal(err)
	}
	md := string(ex.Markdown)
	for _, bad := range []string{"INTERNAL NOTE", "only the colour", "| warfarin | Green"} {
		if strings.Contains(md, bad) {
			t.Errorf("the SOP states %q:\n%s", bad, md)
		}
	}
	for _, want := range []string{"| Anticoagulants | warfarin | Check with your ICB |", "## " + CheckHeading, "| Formulary status of warfarin | " + NotConfirmed, "## Sources of the local values", "Status of lithium | Amber: Under the shared care protocol\\. |"} {
		if !strings.Contains(md, want) {
			t.Errorf("the SOP lacks %q:\n%s", want, md)
		}
	}
	if r := p.Report(today); r.Confirmed != len(p.Local) || len(r.Old) != 1 || r.Old[0].What != "Status of lithium" {
		t.Errorf("report = %+v", r)
	}
}

func TestOverrideApplied(t *testing.T) {
	d, err := load(t, project(t, map[string]string{"packs/formulary/lancashire-and-south-cumbria.yaml": qe1 + `monitoring:
  - drug: sulfasalazine
    interval: 3-monthly to 12 months, then 6-monthly in the second year
    source: https://example.nhs.uk/scp/sulfasalazine
    checked: 2026-12-01
    confirmed: true
`}))
	if err != nil {
		t.Fatal(err)
	}
	p := d.Resolve(area(t, d, "QE1"))
	doc := d.Manifest.Documents[2] // hrd-monitoring-sop
	ex, err := d.Expand(&doc, p)
	if err != nil {
		t.Fatal(err)
	}
	md := string(ex.Markdown)
	if !strings.Contains(md, `**Local:** 3\-monthly to 12 months, then 6\-monthly in the second year (national: at least every 12 weeks for the first 12 months`) {
		t.Errorf("the override is not in the monitoring table:\n%s", md)
	}
}

// Place areas: a formulary that covers some places of an ICB makes a pack
// of its own for them; the ICB's pack serves the rest.
func TestPlaceAreas(t *testing.T) {
	d, err := load(t, project(t, nil))
	if err != nil {
		t.Fatal(err)
	}
	tv := area(t, d, "S0E4D")
	var others, places []string
	for _, o := range tv.Others {
		others = append(others, o.Key())
	}
	for _, p := range tv.Places {
		places = append(places, p.Code)
	}
	if got := strings.Join(others, " "); got != "S0E4D/berkshire-west S0E4D/buckinghamshire S0E4D/oxfordshire" {
		t.Errorf("Thames Valley's place areas: %s", got)
	}
	if got := strings.Join(places, " "); got != "U2G6B" {
		t.Errorf("Thames Valley's own pack serves %s", got)
	}
	ox := area(t, d, "s0e4d/OXFORDSHIRE")
	if ox.Title() != "Oxfordshire (NHS Thames Valley Integrated Care Board)" || ox.FileKey() != "S0E4D-oxfordshire" {
		t.Errorf("%q %q", ox.Title(), ox.FileKey())
	}
	if _, err := d.Area("QU9", today); err == nil || !strings.Contains(err.Error(), "was abolished on 1 April 2026; its practices are now in S0E4D") {
		t.Errorf("QU9: %v", err)
	}
	// Before 1 April 2026 the Oxfordshire file covers a place of an ICB
	// that does not exist yet: no pack, and BOB's own pack serves 10Q.
	areas, err := d.Areas(time.Date(2026, 3, 31, 0, 0, 0, 0, time.UTC))
	if err != nil {
		t.Fatal(err)
	}
	for _, a := range areas {
		if a.ICB.Code == "S0E4D" {
			t.Errorf("%s has a pack on 31 March 2026", a.Key())
		}
	}
}

func TestDataErrors(t *testing.T) {
	file := "packs/formulary/test.yaml"
	tests := []struct {
		name  string
		patch map[string]string
		want  string
	}{
		{"unknown ICB", map[string]string{file: "formulary: {name: x, covers: {icb: QJ9}}\n"},
			`packs/formulary/test.yaml:1:36: no ICB with ODS code "QJ9" in packs/icbs.yaml; did you mean QJ2?`},
		{"file name", map[string]string{"packs/formulary/QE1.yaml": "formulary: {name: x, covers: {icb: QE1}}\n"},
			`packs/formulary/QE1.yaml: unexpected file: formulary files are named after their area`},
		{"unknown key", map[string]string{file: "formulary:\n  name: x\n  sorce: https://a.nhs.uk\n"},
			`packs/formulary/test.yaml:3:3: unknown key "sorce"; did you mean "source"?`},
		{"no formulary", map[string]string{file: "drugs: []\n"},
			`packs/formulary/test.yaml:1:1: formulary: is required`},
		{"unknown drug", map[string]string{file: "formulary: {name: x, covers: {icb: QE1}}\ndrugs:\n  - drug: methotrexat\n    status: Amber\n"},
			`packs/formulary/test.yaml:3:11: unknown drug "methotrexat" (the pack's drugs are listed in packs/monitoring.csv); did you mean "methotrexate"?`},
		{"status not in vocabulary", map[string]string{file: "formulary: {name: x, covers: {icb: QE1}}\nstatuses:\n  - {label: Amber, colour: \"#ffb81c\", meaning: m}\ndrugs:\n  - drug: lithium\n    status: Amberr\n"},
			`packs/formulary/test.yaml:6:13: status "Amberr" is not in this formulary's vocabulary (statuses: Amber); did you mean "Amber"?`},
		{"status and uses", map[string]string{file: "formulary: {name: x, covers: {icb: QE1}}\nstatuses:\n  - {label: Red, colour: \"#d5281b\", meaning: m}\ndrugs:\n  - drug: lithium\n    status: Red\n    uses: [{status: Red, use: x}]\n"},
			`packs/formulary/test.yaml:5:5: lithium: give either status: or uses:`},
		{"bad decided date", map[string]string{file: "formulary: {name: x, covers: {icb: QE1}}\nanticoagulant:\n  preferred: edoxaban\n  decided: 2024-13-01\n"},
			`packs/formulary/test.yaml:4:12: decided "2024-13-01" must be the date of the decision`},
		{"confirmed without source", map[string]string{file: "formulary:\n  name: x\n  covers: {icb: QE1}\n  checked: 2026-12-01\n  confirmed: true\n"},
			`packs/formulary/test.yaml:5:14: a confirmed value needs its source`},
		{"confirmed without checked", map[string]string{file: "formulary:\n  name: x\n  covers: {icb: QE1}\n  source: https://a.nhs.uk/\n  confirmed: true\n"},
			`packs/formulary/test.yaml:5:14: a confirmed value needs checked`},
		{"bad page date", map[string]string{file: "formulary:\n  name: x\n  covers: {icb: QE1}\n  page_date: May 2024\n"},
			`packs/formulary/test.yaml:4:14: page_date "May 2024" must be the page's own date`},
		{"source not an address", map[string]string{file: "formulary:\n  name: x\n  covers: {icb: QE1}\n  source: memory\n"},
			`packs/formulary/test.yaml:4:11: source "memory" must be the http(s) address`},
		{"bad colour", map[string]string{file: "formulary: {name: x, covers: {icb: QE1}}\nstatuses:\n  - {label: Green, colour: green, meaning: ok}\n"},
			`packs/formulary/test.yaml:3:28: colour "green" must be #rrggbb`},
		{"national formulary", map[string]string{NationalFile: "formulary: {name: x}\n"},
			`packs/formulary/national.yaml:1:13: formulary: belongs in an area's own formulary file`},
		{"duplicate key", map[string]string{file: "formulary: {name: x, covers: {icb: QE1}}\nformulary: {name: y}\n"},
			`packs/formulary/test.yaml:2:1: duplicate key "formulary"`},
		{"slug is a document id", map[string]string{"packs/formulary/scope-of-practice.yaml": "formulary: {name: x, covers: {icb: QE1, places: [\"01E\"]}}\n"},
			`packs/formulary/scope-of-practice.yaml:1:1: the file's name "scope-of-practice" is a document's id`},
		{"bad version", map[string]string{ManifestFile: regexp.MustCompile(`(?m)^version: .*$`).ReplaceAllString(readRepo(t, ManifestFile), "version: v1")},
			`packs/pack.yaml:11:10: version "v1" must be semantic`},
		{"missing document", map[string]string{"packs/documents/smr-consultation-template.md": "\x00delete"},
			`document "smr-consultation-template": packs/documents/smr-consultation-template.md does not exist`},
		{"monitoring verified flag", map[string]string{MonitoringFile: strings.Replace(readRepo(t, MonitoringFile), ",true,https://sps.nhs.uk/monitorings/leflunomide-monitoring", ",yes,https://sps.nhs.uk/monitorings/leflunomide-monitoring", 1)},
			`packs/monitoring.csv:3:`},
		{"unconfirmed reference", map[string]string{ReferencesFile: "references:\n  - id: a-page\n    publisher: P\n    title: T\n    supports: S\n    source: https://www.nice.org.uk/a\n"},
			`packs/references.yaml:2:5: reference "a-page" is not confirmed`},
		{"reference without supports", map[string]string{ReferencesFile: "references:\n  - id: a-page\n    publisher: P\n    title: T\n    source: https://www.nice.org.uk/a\n    checked: 2026-12-02\n    confirmed: true\n"},
			`packs/references.yaml:2:5: reference "a-page" needs publisher, title and supports`},
		{"monitoring source not a reference", map[string]string{MonitoringFile: strings.Replace(readRepo(t, MonitoringFile), "https://www.sps.nhs.uk/monitorings/warfarin-monitoring", "https://www.sps.nhs.uk/monitorings/warfarin-monitoring ; https://www.example.nhs.uk/warfarin", 1)},
			`packs/monitoring.csv:9:971: drug "warfarin": source https://www.example.nhs.uk/warfarin is not in packs/references.yaml`},
		{"document without review dates", map[string]string{ManifestFile: strings.Replace(readRepo(t, ManifestFile), "    last_reviewed: 2026-12-02\n    next_review: 2027-06-02\n", "", 1)},
			`packs/pack.yaml:23:5: document "scope-of-practice" needs last_reviewed and next_review`},
		{"review dates backwards", map[string]string{ManifestFile: strings.Replace(readRepo(t, ManifestFile), "next_review: 2027-06-02", "next_review: 2026-06-02", 1)},
			`packs/pack.yaml:28:18: next_review 2026-06-02 must come after last_reviewed 2026-12-02`},
		{"document without sign-off", map[string]string{ManifestFile: regexp.MustCompile(`(?s)    sign_off:\n(      - [^\n]*\n)+`).ReplaceAllLiteralString(readRepo(t, ManifestFile), "")},
			`needs sign_off: the roles at the practice who sign it before use`},
		{"logo not a PNG", map[string]string{"packs/logo.png": "GIF89a not a png"},
			`packs/logo.png: not a PNG image`},
		{"bad SNOMED id", map[string]string{SNOMEDFile: strings.Replace(readRepo(t, SNOMEDFile), "314530002,", "314530003,", 1)},
			`packs/snomed.csv:3:1: SNOMED CT id "314530003": the check digit is wrong`},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			_, err := load(t, project(t, tt.patch))
			if err == nil || !strings.Contains(err.Error(), tt.want) {
				t.Fatalf("error = %v\nwant it to contain %q", err, tt.want)
			}
		})
	}
}

// The map of the day decides which files fit: these are errors only once
// the ICBs are known for the day.
func TestAreaErrors(t *testing.T) {
	file := "packs/formulary/test.yaml"
	tests := []struct{ name, src, want string }{
		{"abolished ICB", "formulary: {name: x, covers: {icb: QU9}}\n", `packs/formulary/test.yaml:1:36: covers QU9, abolished on 1 April 2026: cover its successor (S0E4D) instead`},
		{"not a place of the ICB", "formulary: {name: x, covers: {icb: S0E4D, places: [\"10Q\", \"02X\"]}}\n", `packs/formulary/test.yaml:1:59: 02X is not a place of S0E4D on 2026-12-02`},
		{"place covered twice", "formulary: {name: x, covers: {icb: S0E4D, places: [\"10Q\"]}}\n", `place 10Q is already covered by packs/formulary/oxfordshire.yaml`},
		{"ICB covered twice", "formulary: {name: x, covers: {icb: QJ2}}\n", `QJ2 is already covered whole by packs/formulary/derbyshire.yaml`},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			d, err := load(t, project(t, map[string]string{file: tt.src}))
			if err != nil {
				t.Fatal(err)
			}
			_, err = d.Areas(today)
			if err == nil || !strings.Contains(err.Error(), tt.want) {
				t.Fatalf("error = %v\nwant it to contain %q", err, tt.want)
			}
		})
	}
}

func TestDocumentErrors(t *testing.T) {
	tests := []struct{ name, doc, want string }{
		{"unregistered code", "## A\n\nRecord {{snomed \"22298006\"}}.\n", `packs/documents/smr-consultation-template.md:3:10: SNOMED CT id 22298006 is not in packs/snomed.csv`},
		{"bad check digit", "## A\n\nText\n\nRecord {{snomed \"1239511000000101\"}}.\n", `packs/documents/smr-consultation-template.md:5:10: SNOMED CT id "1239511000000101": the check digit is wrong`},
		{"literal bad code", "## A\n\nCode 1239511000000101 here.\n", `packs/documents/smr-consultation-template.md:3:6: 1239511000000101 looks like a SNOMED CT id but is not valid`},
		{"literal unregistered code", "## A\n\nCode 22298006 here.\n", `packs/documents/smr-consultation-template.md:3:6: SNOMED CT id 22298006 is not in packs/snomed.csv`},
		{"unknown placeholder", "## A\n\n{{.ICB.Nme}}\n", `packs/documents/smr-consultation-template.md:3:7: can't evaluate field Nme`},
		{"unknown function", "## A\n\n{{statuz \"x\"}}\n", `packs/documents/smr-consultation-template.md:3: function "statuz" not defined`},
		{"unknown drug", "## A\n\n{{status \"aspirin\"}}\n", `packs/documents/smr-consultation-template.md:3:3: unknown drug "aspirin"`},
		{"huge range", "## A\n\n{{range 200000000}}x{{end}}\n", `packs/documents/smr-consultation-template.md:3:9: {{range 200000000}} repeats more than 1000 times`},
		{"nested huge range", "## A\n\n{{if true}}{{range 5}}{{range 2000}}y{{end}}{{end}}{{end}}\n", `packs/documents/smr-consultation-template.md:3:31: {{range 2000}} repeats more than 1000 times`},
		{"endless output", "## A\n\n{{range 1000}}{{range 1000}}{{range 1000}}x{{end}}{{end}}{{end}}\n", `packs/documents/smr-consultation-template.md: filled in for QE1, this document is over 8 MB`},
		{"unknown reference", "## A\n\nText.{{cite \"sps-amiodaron\"}}\n", `packs/documents/smr-consultation-template.md:3:8: no reference "sps-amiodaron" in packs/references.yaml; did you mean "sps-amiodarone"?`},
		{"cite nothing", "## A\n\nText.{{cite}}\n", `packs/documents/smr-consultation-template.md:3:8: cite needs the id of a reference`},
		{"field with brackets", "## A\n\n{{field \"Name [x]\"}}\n", `packs/documents/smr-consultation-template.md:3:3: a field's label is one line of plain words without square brackets`},
		{"field without label", "## A\n\n{{date \" \"}}\n", `packs/documents/smr-consultation-template.md:3:3: a date field needs a label`},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			d, err := load(t, project(t, map[string]string{"packs/documents/smr-consultation-template.md": tt.doc}))
			if err != nil {
				t.Fatal(err)
			}
			p := d.Resolve(area(t, d, "QE1"))
			_, err = d.Expand(&d.Manifest.Documents[1], p)
			if err == nil || !strings.Contains(err.Error(), tt.want) {
				t.Fatalf("error = %v\nwant it to contain %q", err, tt.want)
			}
		})
	}
}

func TestEscapeKeepsDataOutOfMarkup(t *testing.T) {
	d, err := load(t, project(t, map[string]string{"packs/formulary/lancashire-and-south-cumbria.yaml": strings.Replace(qe1, "name: Test formulary", `name: "<script>alert(1)</script> *bold* [x](javascript:alert(1)) | pipe"`, 1)}))
	if err != nil {
		t.Fatal(err)
	}
	p := d.Resolve(area(t, d, "QE1"))
	ex, err := d.Expand(&d.Manifest.Documents[0], p)
	if err != nil {
		t.Fatal(err)
	}
	if s := string(ex.Markdown); strings.Contains(s, "<script>") || strings.Contains(s, "](javascript") || strings.Contains(s, " *bold*") {
		t.Errorf("data reached the Markdown unescaped:\n%s", s)
	}
}

func readRepo(t testing.TB, name string) string {
	data, err := os.ReadFile(filepath.Join("..", "..", "..", name))
	if err != nil {
		t.Fatal(err)
	}
	return string(data)
}

// FuzzAlignment: no formulary file, however malformed, panics the decoder;
// it either loads or fails with positioned errors, and what loads resolves.
func FuzzAlignment(f *testing.F) {
	for _, name := range []string{"derbyshire.yaml", "oxfordshire.yaml", "doncaster.yaml", "national.yaml"} {
		f.Add([]byte(readRepo(f, "packs/formulary/"+name)))
	}
	f.Add([]byte(qe1))
	f.Add([]byte("formulary: {name: x, covers: {icb: QE1}}\ndrugs: [{drug: lithium, uses: [{status: Amber, use: x}]}]\nmonitoring: [{drug: lithium, interval: x}]"))
	f.Add([]byte("anticoagulant: {preferred: x, decided: '2024-02'}\ncontacts: {mso: {name: a, email: b}}"))
	d, err := load(f, project(f, nil))
	if err != nil {
		f.Fatal(err)
	}
	f.Fuzz(func(t *testing.T, src []byte) {
		a, err := d.parseAlignment("packs/formulary/test.yaml", src, false)
		if err != nil {
			if !strings.HasPrefix(err.Error(), "packs/formulary/test.yaml") {
				t.Fatalf("error without the file name: %v", err)
			}
			return
		}
		a.Slug = "test"
		c, ok := d.ICBs.Lookup(a.Formulary.Covers.ICB)
		if !ok {
			return
		}
		p := d.Resolve(Area{ICB: c, Slug: "test", Own: a})
		for _, doc := range d.Manifest.Documents {
			if _, err := d.Expand(&doc, p); err != nil {
				t.Fatalf("%s: %v", doc.ID, err)
			}
		}
	})
}

// TestLoadUsesTheSitesIndicators: given the indicator set the site parsed,
// Load uses it (one parse per build) and does not parse the file again: a
// file it cannot parse makes no error here, because the site reports it.
func TestLoadUsesTheSitesIndicators(t *testing.T) {
	fsys := project(t, map[string]string{IndicatorsFile: "indicators: [not, valid"})
	set, err := icb.Parse(ICBsFile, fsys[ICBsFile].Data)
	if err != nil {
		t.Fatal(err)
	}
	own := &indicator.Set{All: []indicator.Indicator{{ID: "only-one"}}}
	d, err := Load(fsys, set, own)
	if err != nil {
		t.Fatal(err)
	}
	if len(d.Indicators) != 1 || d.Indicators[0].ID != "only-one" {
		t.Errorf("indicators %v, want the set passed in", d.Indicators)
	}
	if _, err := Load(fsys, set, nil); err == nil || !strings.Contains(err.Error(), IndicatorsFile) {
		t.Errorf("with no set, the broken file: %v", err)
	}
}

// TestContactRolesDeclaredOnce: every contact a formulary file can give
// (the yaml keys of Contacts) has one title and one field, from one list.
func TestContactRolesDeclaredOnce(t *testing.T) {
	typ := reflect.TypeFor[Contacts]()
	if typ.NumField() != len(contactRoles) {
		t.Errorf("Contacts has %d fields, contactRoles %d roles", typ.NumField(), len(contactRoles))
	}
	for i := range typ.NumField() {
		key := typ.Field(i).Tag.Get("yaml")
		if RoleTitle(key) == "" {
			t.Errorf("contact %q has no title", key)
		}
		c := Contacts{}
		reflect.ValueOf(&c).Elem().Field(i).Set(reflect.ValueOf(&Contact{}))
		if c.byKey(key) == nil {
			t.Errorf("contact %q is not found by its key", key)
		}
	}
}
