package pack

import (
	"io/fs"
	"os"
	"path/filepath"
	"strings"
	"testing"
	"testing/fstest"

	"github.com/bcs/publish/generator/internal/icb"
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
	return Load(fsys, set)
}

func TestRealData(t *testing.T) {
	d, err := load(t, project(t, nil))
	if err != nil {
		t.Fatal(err)
	}
	local := 0
	for _, c := range d.ICBs.All {
		p, err := d.Resolve(c.ODS)
		if err != nil {
			t.Fatal(err)
		}
		if len(p.Differences) > 0 {
			local++
		}
		for _, doc := range d.Manifest.Documents {
			if _, err := d.Expand(&doc, p); err != nil {
				t.Errorf("%s %s: %v", c.ODS, doc.ID, err)
			}
		}
	}
	if local < 3 {
		t.Errorf("%d ICBs differ from the national defaults, want at least 3", local)
	}
	qu9, _ := d.Resolve("QU9")
	var myco *DrugRow
	for i := range qu9.Drugs {
		if qu9.Drugs[i].Name == "mycophenolate mofetil" {
			myco = &qu9.Drugs[i]
		}
	}
	if myco == nil || !myco.StatusOwn || !myco.StatusFact.Verified || !strings.Contains(myco.StatusFact.Note, "Red for renal transplant") {
		t.Errorf("QU9 mycophenolate = %+v", myco)
	}
	qe1, _ := d.Resolve("QE1")
	if len(qe1.Differences) != 0 || len(qe1.Unverified) <= len(qu9.Unverified) {
		t.Errorf("QE1 (national defaults): %d differences, %d unverified (QU9 %d)", len(qe1.Differences), len(qe1.Unverified), len(qu9.Unverified))
	}
}

func TestOverrideApplied(t *testing.T) {
	d, err := load(t, project(t, map[string]string{"packs/formulary/QE1.yaml": `
monitoring:
  - drug: sulfasalazine
    interval: 3-monthly to 12 months, then 6-monthly in the second year
    source: https://example.nhs.uk/scp/sulfasalazine
    verified: true
`}))
	if err != nil {
		t.Fatal(err)
	}
	p, _ := d.Resolve("QE1")
	doc := d.Manifest.Documents[2] // hrd-monitoring-sop
	ex, err := d.Expand(&doc, p)
	if err != nil {
		t.Fatal(err)
	}
	md := string(ex.Markdown)
	if !strings.Contains(md, `**Local:** 3\-monthly to 12 months, then 6\-monthly in the second year (national: 3\-monthly to 12 months`) {
		t.Errorf("the override is not in the monitoring table:\n%s", md)
	}
	if len(p.Differences) != 1 || p.Differences[0].What != "Monitoring of sulfasalazine" {
		t.Errorf("differences = %+v", p.Differences)
	}
}

func TestDataErrors(t *testing.T) {
	tests := []struct {
		name  string
		patch map[string]string
		want  string
	}{
		{"unknown ODS file", map[string]string{"packs/formulary/QJ9.yaml": "formulary: {name: x, source: memory}\n"},
			`packs/formulary/QJ9.yaml: no ICB with ODS code "QJ9" in packs/icbs.csv: name the file after the ICB's ODS code; did you mean QJ2.yaml?`},
		{"unknown key", map[string]string{"packs/formulary/QE1.yaml": "formulary:\n  name: x\n  sorce: memory\n"},
			`packs/formulary/QE1.yaml:3:3: unknown key "sorce"; did you mean "source"?`},
		{"unknown drug", map[string]string{"packs/formulary/QE1.yaml": "drugs:\n  - drug: methotrexat\n    status: Amber\n    source: memory\n"},
			`packs/formulary/QE1.yaml:2:11: unknown drug "methotrexat" (the pack's drugs are listed in packs/monitoring.csv); did you mean "methotrexate"?`},
		{"status not in vocabulary", map[string]string{"packs/formulary/QE1.yaml": "drugs:\n  - drug: lithium\n    status: Purple\n    source: memory\n"},
			`packs/formulary/QE1.yaml:3:13: status "Purple" is not in the vocabulary (Green, Amber, Red, Black)`},
		{"bad decided date", map[string]string{"packs/formulary/QE1.yaml": "anticoagulant:\n  preferred: edoxaban\n  decided: 2024-13-01\n  source: memory\n"},
			`packs/formulary/QE1.yaml:3:12: decided "2024-13-01" must be the date of the decision`},
		{"memory cannot be verified", map[string]string{"packs/formulary/QE1.yaml": "formulary:\n  name: x\n  source: memory\n  verified: true\n"},
			`packs/formulary/QE1.yaml:4:13: a value from memory cannot be verified`},
		{"missing source", map[string]string{"packs/formulary/QE1.yaml": "contacts:\n  mso:\n    name: Jo\n"},
			`packs/formulary/QE1.yaml:3:5: missing source`},
		{"bad colour", map[string]string{"packs/formulary/QE1.yaml": "statuses:\n  - {label: Green, colour: green, meaning: ok, source: memory}\n"},
			`packs/formulary/QE1.yaml:2:28: colour "green" must be #rrggbb`},
		{"vocabulary lacks inherited status", map[string]string{"packs/formulary/QE1.yaml": "statuses:\n  - {label: Green, colour: \"#007f3b\", meaning: ok, source: memory}\n"},
			`packs/formulary/QE1.yaml:2:3: methotrexate inherits the national status "Amber", which this vocabulary does not have`},
		{"duplicate key", map[string]string{"packs/formulary/QE1.yaml": "formulary: {name: x, source: memory}\nformulary: {name: y, source: memory}\n"},
			`packs/formulary/QE1.yaml:2:1: duplicate key "formulary"`},
		{"bad version", map[string]string{ManifestFile: strings.Replace(readRepo(t, ManifestFile), "version: 1.1.0", "version: v1", 1)},
			`packs/pack.yaml:10:10: version "v1" must be semantic`},
		{"missing document", map[string]string{"packs/documents/smr-consultation-template.md": "\x00delete"},
			`document "smr-consultation-template": packs/documents/smr-consultation-template.md does not exist`},
		{"monitoring verified flag", map[string]string{MonitoringFile: strings.Replace(readRepo(t, MonitoringFile), ",true,https://www.sps.nhs.uk/monitorings/leflunomide-monitoring", ",yes,https://www.sps.nhs.uk/monitorings/leflunomide-monitoring", 1)},
			`packs/monitoring.csv:3:`},
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

func TestDocumentErrors(t *testing.T) {
	tests := []struct{ name, doc, want string }{
		{"unregistered code", "## A\n\nRecord {{snomed \"22298006\"}}.\n", `packs/documents/smr-consultation-template.md:3:10: SNOMED CT id 22298006 is not in packs/snomed.csv`},
		{"bad check digit", "## A\n\nText\n\nRecord {{snomed \"1239511000000101\"}}.\n", `packs/documents/smr-consultation-template.md:5:10: SNOMED CT id "1239511000000101": the check digit is wrong`},
		{"literal bad code", "## A\n\nCode 1239511000000101 here.\n", `packs/documents/smr-consultation-template.md:3:6: 1239511000000101 looks like a SNOMED CT id but is not valid`},
		{"literal unregistered code", "## A\n\nCode 22298006 here.\n", `packs/documents/smr-consultation-template.md:3:6: SNOMED CT id 22298006 is not in packs/snomed.csv`},
		{"unknown placeholder", "## A\n\n{{.ICB.Nme}}\n", `packs/documents/smr-consultation-template.md:3:7: can't evaluate field Nme`},
		{"unknown function", "## A\n\n{{statuz \"x\"}}\n", `packs/documents/smr-consultation-template.md:3: function "statuz" not defined`},
		{"unknown drug", "## A\n\n{{status \"aspirin\"}}\n", `packs/documents/smr-consultation-template.md:3:3: unknown drug "aspirin"`},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			d, err := load(t, project(t, map[string]string{"packs/documents/smr-consultation-template.md": tt.doc}))
			if err != nil {
				t.Fatal(err)
			}
			p, _ := d.Resolve("QE1")
			_, err = d.Expand(&d.Manifest.Documents[1], p)
			if err == nil || !strings.Contains(err.Error(), tt.want) {
				t.Fatalf("error = %v\nwant it to contain %q", err, tt.want)
			}
		})
	}
}

func TestEscapeKeepsDataOutOfMarkup(t *testing.T) {
	d, err := load(t, project(t, map[string]string{"packs/formulary/QE1.yaml": `
formulary:
  name: "<script>alert(1)</script> *bold* [x](javascript:alert(1)) | pipe"
  source: memory
`}))
	if err != nil {
		t.Fatal(err)
	}
	p, _ := d.Resolve("QE1")
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
// it either loads or fails with positioned errors.
func FuzzAlignment(f *testing.F) {
	for _, name := range []string{"QJ2.yaml", "QU9.yaml", "QF7.yaml", "national.yaml"} {
		f.Add([]byte(readRepo(f, "packs/formulary/"+name)))
	}
	f.Add([]byte("drugs: [{drug: lithium, status: Amber, source: memory}]\nmonitoring: [{drug: lithium, interval: x, source: memory}]"))
	f.Add([]byte("anticoagulant: {preferred: x, decided: '2024-02', source: memory}\ncontacts: {mso: {name: a, email: b, source: memory}}"))
	d, err := load(f, project(f, nil))
	if err != nil {
		f.Fatal(err)
	}
	f.Fuzz(func(t *testing.T, src []byte) {
		a, err := d.parseAlignment("packs/formulary/QE1.yaml", src, false)
		if err != nil {
			if !strings.HasPrefix(err.Error(), "packs/formulary/QE1.yaml") {
				t.Fatalf("error without the file name: %v", err)
			}
			return
		}
		d := *d
		d.Local = map[string]*Alignment{"QE1": a}
		if _, err := d.Resolve("QE1"); err != nil {
			t.Fatal(err)
		}
	})
}
