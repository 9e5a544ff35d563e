package packsite

import (
	"archive/zip"
	"bytes"
	"crypto/sha256"
	"encoding/hex"
	"encoding/json"
	"io"
	"os"
	"os/exec"
	"path/filepath"
	"strings"
	"testing"

	"github.com/xuri/excelize/v2"

	"github.com/bcs/publish/generator/internal/icb"
	"github.com/bcs/publish/generator/internal/markdown"
	"github.com/bcs/publish/generator/internal/pack"
)

var opt = Options{BaseURL: "https://www.example.org/", Site: "BCS", Reserved: []string{"main-content"}}

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
	d, err := pack.Load(root, set)
	if err != nil {
		t.Fatal(err)
	}
	return d
}

// TestEveryPack builds every document of every ICB and checks each bundle
// against its own manifest.
func TestEveryPack(t *testing.T) {
	d := loadData(t)
	md := markdown.New()
	for _, c := range d.ICBs.All {
		p, err := Build(d, c.ODS, md, opt)
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
		if m.ICB.ODS != c.ODS || m.Version != d.Manifest.Version || len(m.Files) != len(entries)-1 {
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
	a, err := Build(loadData(t), "QU9", markdown.New(), opt)
	if err != nil {
		t.Fatal(err)
	}
	b, err := Build(loadData(t), "QU9", markdown.New(), opt)
	if err != nil {
		t.Fatal(err)
	}
	if !bytes.Equal(a.Zip, b.Zip) || a.Hash != b.Hash {
		t.Fatal("two builds of the same pack differ")
	}
	c, _ := Build(loadData(t), "QJ2", markdown.New(), opt)
	if c.Hash == a.Hash {
		t.Error("two ICBs share an input hash")
	}
}

// TestLibreOffice opens every document of one ICB's pack in LibreOffice
// (converted to PDF) and reads the text back: proof that a real office suite
// opens the files, and that headers, footers, tables and lists survive.
func TestLibreOffice(t *testing.T) {
	soffice, err1 := exec.LookPath("soffice")
	pdftotext, err2 := exec.LookPath("pdftotext")
	if err1 != nil || err2 != nil {
		if os.Getenv("REQUIRE_TOOLS") == "1" {
			t.Fatal("LibreOffice (soffice) or pdftotext is missing, and REQUIRE_TOOLS=1")
		}
		t.Skip("SKIP: LibreOffice (soffice) or pdftotext is not installed (apt-get install libreoffice-writer-nogui poppler-utils)")
	}
	p, err := Build(loadData(t), "QU9", markdown.New(), opt)
	if err != nil {
		t.Fatal(err)
	}
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
		out, err := exec.Command(pdftotext, "-layout", pdf, "-").Output()
		if err != nil {
			t.Fatalf("%s: LibreOffice made no readable PDF: %v", d.ID, err)
		}
		text := strings.Join(strings.Fields(string(out)), " ")
		want := []string{d.Title + " | NHS Buckinghamshire, Oxfordshire and Berkshire West Integrated Care Board | Version", // header
			"Page 1 of", "Effective date", "Oxfordshire Formulary (APCO)"}
		switch d.ID {
		case "hrd-monitoring-sop":
			want = append(want, "Amber (local)", "Red for renal transplant", "1. Search monthly.", "6. Non-attendance.")
		case "smr-consultation-template":
			want = append(want, "1239511000000100", "Read v2", "1. Read the record")
		}
		for _, w := range want {
			if !strings.Contains(text, w) {
				t.Errorf("%s: the PDF text lacks %q", d.ID, w)
			}
		}
	}
}
