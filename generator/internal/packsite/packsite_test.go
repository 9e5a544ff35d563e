package packsite

import (
	"archive/zip"
	"bytes"
	"crypto/sha256"
	"encoding/hex"
	"encoding/json"
	"html"
	"io"
	"os"
	"os/exec"
	"path/filepath"
	"strings"
	"testing"
	"time"

	"github.com/xuri/excelize/v2"

	"github.com/bcs/publish/generator/internal/docx"
	"github.com/bcs/publish/generator/internal/icb"
	"github.com/bcs/publish/generator/internal/markdown"
	"github.com/bcs/publish/generator/internal/pack"
)

var (
	today = time.Date(2026, 12, 2, 0, 0, 0, 0, time.UTC)
	opt   = Options{BaseURL: "https://www.example.org/", Site: "BCS", Reserved: []string{"main-content"}}
)

func area(t testing.TB, d *pack.Data, key string) pack.Area {
	t.Helper()
	a, err := d.Area(key, today)
	if err != nil {
		t.Fatal(err)
	}
	return a
}

func build(t testing.TB, key string) *Pack {
	t.Helper()
	d := loadData(t)
	p, err := Build(d, area(t, d, key), markdown.New(), opt)
	if err != nil {
		t.Fatal(err)
	}
	return p
}

func loadData(t testing.TB) *pack.Data {
	t.Helper()
	root := os.DirFS(filepath.Join("..", "..", ".."))
	src, err := os.ReadFile(filepath.Join("..", "..", "..", pack.ICBsFile))
	if err != nil {
		t.Fatal(err)
	}
	set, err := icb.Parse(pack.ICBsFile, src)
	if err != nil {
		t.Fatal(err)
	}
	d, err := pack.Load(root, set, nil)
	if err != nil {
		t.Fatal(err)
	}
	return d
}

// TestEveryPack builds every document of every area in force and checks
// each bundle against its own manifest.
func TestEveryPack(t *testing.T) {
	d := loadData(t)
	md := markdown.New()
	areas, err := d.Areas(today)
	if err != nil {
		t.Fatal(err)
	}
	for _, a := range areas {
		c := struct{ ODS, Name string }{a.Key(), a.Title()}
		p, err := Build(d, a, md, opt)
		if err != nil {
			t.Fatalf("%s: %v", c.ODS, err)
		}
		if len(p.Docs) != len(d.Manifest.Documents) {
			t.Fatalf("%s: %d documents", c.ODS, len(p.Docs))
		}
		r, err := zip.NewReader(bytes.NewReader(p.Zip), int64(len(p.Zip)))
		if err != nil {
			t.Fatal(err)
		}
		root := strings.TrimSuffix(p.ZipName, ".zip") + "/"
		entries := map[string][]byte{}
		for _, f := range r.File {
			if !strings.HasPrefix(f.Name, root) || strings.Contains(f.Name, "..") {
				t.Errorf("%s: entry %q outside %s", c.ODS, f.Name, root)
			}
			rc, _ := f.Open()
			entries[strings.TrimPrefix(f.Name, root)], _ = io.ReadAll(rc)
			rc.Close()
		}
		var m manifestJSON
		if err := json.Unmarshal(entries["manifest.json"], &m); err != nil {
			t.Fatalf("%s: manifest.json: %v", c.ODS, err)
		}
		if m.Area.Key != c.ODS || m.Version != d.Manifest.Version || len(m.Files) != len(entries)-1 {
			t.Errorf("%s: manifest %+v for %d entries", c.ODS, m, len(entries))
		}
		for _, f := range m.Files {
			sum := sha256.Sum256(entries[f.Name])
			if hex.EncodeToString(sum[:]) != f.SHA256 || len(entries[f.Name]) != f.Size {
				t.Errorf("%s: %s does not match its manifest entry", c.ODS, f.Name)
			}
		}
		if !strings.Contains(string(entries["README.txt"]), c.Name) {
			t.Errorf("%s: the README does not name the ICB", c.ODS)
		}
		// Every pack has both workbooks, readable, and the Power BI project.
		for _, name := range []string{"workbooks/06-prescribing-safety-dashboard.xlsx", "workbooks/07-mhra-alert-tracker.xlsx"} {
			f, err := excelize.OpenReader(bytes.NewReader(entries[name]))
			if err != nil {
				t.Fatalf("%s: %s: %v", c.ODS, name, err)
			}
			if v, _ := f.GetCellValue("About", "A2"); !strings.Contains(v, c.Name) {
				t.Errorf("%s: %s is not for this ICB: %q", c.ODS, name, v)
			}
			f.Close()
		}
		for _, name := range []string{"powerbi/prescribing-safety-dashboard.pbip", "powerbi/prescribing-safety-dashboard.pbids", "powerbi/prescribing-safety-dashboard.SemanticModel/definition/tables/Monthly.tmdl"} {
			if len(entries[name]) == 0 {
				t.Errorf("%s: no %s", c.ODS, name)
			}
		}
		if !bytes.Contains(entries["powerbi/prescribing-safety-dashboard.pbids"], []byte(`\\`+strings.TrimSuffix(root, "/")+`\\workbooks`)) {
			t.Errorf("%s: the .pbids file does not point at this pack's workbook", c.ODS)
		}
	}
}

func TestDeterministic(t *testing.T) {
	a, b := build(t, "S0E4D/oxfordshire"), build(t, "S0E4D/oxfordshire")
	if !bytes.Equal(a.Zip, b.Zip) || a.Hash != b.Hash {
		t.Fatal("two builds of the same pack differ")
	}
	if c := build(t, "S0E4D"); c.Hash == a.Hash {
		t.Error("an ICB and its place area share an input hash")
	}
}

// TestLibreOffice opens every document of one ICB's pack in LibreOffice
// (converted to PDF) and reads the text back: proof that a real office suite
// opens the files, and that headers, footers, tables and lists survive.
func TestLibreOffice(t *testing.T) {
	soffice, err1 := exec.LookPath("soffice")
	pdftotext, err2 := exec.LookPath("pdftotext")
	pdfimages, err3 := exec.LookPath("pdfimages")
	if err1 != nil || err2 != nil || err3 != nil {
		if os.Getenv("REQUIRE_TOOLS") == "1" {
			t.Fatal("LibreOffice (soffice), pdftotext or pdfimages is missing, and REQUIRE_TOOLS=1")
		}
		t.Skip("SKIP: LibreOffice (soffice), pdftotext or pdfimages is not installed (apt-get install libreoffice-writer-nogui poppler-utils)")
	}
	data := loadData(t)
	// A per-place pack with many local values, and a whole ICB's pack.
	for _, key := range []string{"S0E4D/oxfordshire", "QHM"} {
		p := build(t, key)
		dir := t.TempDir()
		args := []string{"-env:UserInstallation=file://" + filepath.Join(dir, "profile"), "--headless", "--convert-to", "pdf", "--outdir", dir}
		for _, d := range p.Docs {
			name := filepath.Join(dir, d.DocxName)
			if err := os.WriteFile(name, d.Docx, 0o644); err != nil {
				t.Fatal(err)
			}
			args = append(args, name)
		}
		if out, err := exec.Command(soffice, args...).CombinedOutput(); err != nil {
			t.Fatalf("soffice: %v\n%s", err, out)
		}
		for _, d := range p.Docs {
			pdf := filepath.Join(dir, strings.TrimSuffix(d.DocxName, ".docx")+".pdf")
			out, err := exec.Command(pdftotext, pdf, "-").Output() // reading order: table cells stay whole
			if err != nil {
				t.Fatalf("%s %s: LibreOffice made no readable PDF: %v", key, d.ID, err)
			}
			text := strings.Join(strings.Fields(string(out)), " ")
			want := []string{d.Title + " | " + p.Area.Title() + " | Version", // header
				"Page 1 of", pack.CheckHeading, Uncontrolled,
				"Practice name " + docx.TextPlaceholder, "Version history", "Approval for use at the practice", docx.DatePlaceholder,
				"Next review due " + d.Review.Next.Format("2 January 2006"),
				"References The numbered notes in the text cite these sources."}
			switch d.ID {
			case "hrd-monitoring-sop":
				want = append(want, "Action table", "Specialist Pharmacy Service. Amiodarone monitoring.", "write that day in full on every prescription", "Searches to run")
				if key == "S0E4D/oxfordshire" {
					want = append(want, "Amber Shared Care Protocol", "Red for renal transplant", "Sources of the local values", "Oxfordshire Formulary (APCO)")
				}
			case "smr-consultation-template":
				want = append(want, "1239511000000100", "Read v2", "What matters to the patient", "\u2610 Read the record", "NHS England. Structured medication reviews.")
			case "scope-of-practice":
				want = append(want, "Only a prescriber signs a prescription", "Schedule 4 Part I", "senior clinical pharmacist")
			}
			for _, w := range want {
				if !strings.Contains(text, w) {
					t.Errorf("%s %s: the PDF text lacks %q", key, d.ID, w)
				}
			}
			// Every endnote is there, in the order of its number.
			if len(d.References) == 0 {
				t.Errorf("%s %s cites no sources", key, d.ID)
			}
			notes := text[strings.LastIndex(text, "The numbered notes in the text cite these sources."):]
			at := 0
			for i, id := range d.References {
				first := strings.Fields(data.Reference(id).Text())
				want := strings.Join(first[:min(6, len(first))], " ")
				j := strings.Index(notes[at:], want)
				if j < 0 {
					t.Errorf("%s %s: endnote %d (%s) is missing or out of order: %q", key, d.ID, i+1, id, want)
					continue
				}
				at += j + len(want)
			}
			// The logo in the header is drawn on every page.
			imgs, err := exec.Command(pdfimages, "-list", pdf).Output()
			if err != nil {
				t.Fatal(err)
			}
			pages := strings.Count(string(out), "\f")
			if n := strings.Count(string(imgs), " image "); n < pages {
				t.Errorf("%s %s: %d images on %d pages: the header logo is missing", key, d.ID, n, pages)
			}
		}
	}
}

// TestNoInternalNotes reads every published text of every pack (the HTML
// bodies, each .docx's XML, each workbook's cells, README.txt and
// manifest.json) and fails on any research note of the data files, or on a
// marker of unconfirmed or placeholder text.
func TestNoInternalNotes(t *testing.T) {
	d := loadData(t)
	notes := researchNotes(d)
	if len(notes) < 50 {
		t.Fatalf("only %d research notes found in the data: the test would prove nothing", len(notes))
	}
	markers := []string{"[memory]", "from memory", "rest on memory", "memory of", "to confirm locally", "(to confirm", "Not yet recorded", "{{", "}}", "stored copy", "stored text", "cut off", "research", "Your ICB's joint formulary", "(procedure)", "(regime/therapy)", "\u27e6", "[[text:", "[[check", "[[date:", "[[notes:"}
	areas, err := d.Areas(today)
	if err != nil {
		t.Fatal(err)
	}
	md := markdown.New()
	for _, a := range areas {
		p, err := Build(d, a, md, opt)
		if err != nil {
			t.Fatal(err)
		}
		texts := map[string]string{"README.txt": string(Readme(d, p))}
		man, _ := Manifest(d, p)
		texts["manifest.json"] = string(man)
		for _, doc := range p.Docs {
			texts[doc.ID+".html"] = string(doc.HTML)
			texts[doc.DocxName] = zipText(t, doc.Docx)
		}
		for _, w := range p.Books {
			f, err := excelize.OpenReader(bytes.NewReader(w.Xlsx))
			if err != nil {
				t.Fatal(err)
			}
			var b strings.Builder
			for _, sheet := range f.GetSheetList() {
				rows, _ := f.GetRows(sheet)
				for _, r := range rows {
					b.WriteString(strings.Join(r, "\t") + "\n")
				}
			}
			f.Close()
			texts[w.FileName] = b.String()
		}
		for name, text := range texts {
			for _, n := range notes {
				if strings.Contains(text, n) {
					t.Errorf("%s %s publishes a research note: %q", a.Key(), name, n)
				}
			}
			for _, m := range markers {
				if strings.Contains(strings.ToLower(text), strings.ToLower(m)) {
					i := strings.Index(strings.ToLower(text), strings.ToLower(m))
					t.Errorf("%s %s contains %q: ...%s...", a.Key(), name, m, text[max(0, i-60):min(len(text), i+60)])
				}
			}
		}
	}
}

// researchNotes are the beginnings of the research notes of the data:
// long enough to be unique, short enough to survive a wrapped line.
func researchNotes(d *pack.Data) []string {
	var notes []string
	for _, n := range d.ResearchNotes() {
		if len(n) > 30 {
			notes = append(notes, n[:30])
		}
	}
	return notes
}

// zipText is the text of every XML part of an Office file, tags removed.
func zipText(t *testing.T, data []byte) string {
	r, err := zip.NewReader(bytes.NewReader(data), int64(len(data)))
	if err != nil {
		t.Fatal(err)
	}
	var b strings.Builder
	for _, f := range r.File {
		if !strings.HasSuffix(f.Name, ".xml") {
			continue
		}
		rc, _ := f.Open()
		x, _ := io.ReadAll(rc)
		rc.Close()
		in := false
		for _, c := range string(x) {
			switch {
			case c == '<':
				in = true
			case c == '>':
				in = false
				b.WriteByte(' ')
			case !in:
				b.WriteRune(c)
			}
		}
	}
	return html.UnescapeString(b.String())
}
