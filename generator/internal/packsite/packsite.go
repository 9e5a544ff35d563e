// Package packsite builds one ICB's starter pack from the pack data: each
// document filled in for the ICB, parsed once, and rendered twice (HTML for
// the site's document page, WordprocessingML for the .docx), then the
// bundle: a deterministic ZIP with the documents, a README and a
// manifest.json listing every file with its size and SHA-256.
package packsite

import (
	"bytes"
	"crypto/sha256"
	"encoding/hex"
	"encoding/json"
	"fmt"
	"html/template"
	"strings"

	"github.com/bcs/publish/generator/internal/bundle"
	"github.com/bcs/publish/generator/internal/diag"
	"github.com/bcs/publish/generator/internal/docx"
	"github.com/bcs/publish/generator/internal/markdown"
	"github.com/bcs/publish/generator/internal/pack"
	"github.com/bcs/publish/generator/internal/workbook"
)

// FormatVersion changes whenever this package's output changes for the same
// data, so that cached packs are rebuilt.
const FormatVersion = "packsite/2"

// Pack is one ICB's built pack.
type Pack struct {
	*pack.ICBPack
	Hash     string // pack.Data.InputHash: same hash, same bytes
	Version  string
	Docs     []Doc
	Books    []Book
	ZipName  string // bcs-mo-starter-pack-<ODS>-<version>.zip
	Zip      []byte
	ZipSHA   string
	Contents []Entry // what the ZIP holds, in order (the manifest's files)
}

// Doc is one document of the pack, filled in for the ICB.
type Doc struct {
	*pack.Document
	HTML     template.HTML // the body for the document's page
	Docx     []byte
	DocxName string   // e.g. bcs-hrd-monitoring-sop-QJ2-1.0.0.docx
	Codes    []string // SNOMED CT ids cited
}

// PowerBIDir is the bundle folder of the dashboard's Power BI files.
const PowerBIDir = "powerbi/"

// Book is one workbook of the pack, built for the ICB.
type Book struct {
	*pack.Workbook
	Xlsx     []byte
	FileName string // e.g. bcs-mhra-alert-tracker-QJ2-1.1.0.xlsx
}

// Entry is one file of the bundle.
type Entry struct {
	Name   string `json:"name"`
	Size   int    `json:"size"`
	SHA256 string `json:"sha256"`
}

// Options are the site facts a pack needs.
type Options struct {
	BaseURL  string   // makes site links in documents absolute
	Site     string   // organisation name, the documents' author
	Reserved []string // element ids of the page templates, kept out of heading ids
}

// Build builds the pack of the ICB with ODS code ods.
func Build(d *pack.Data, ods string, md *markdown.Converter, opt Options) (*Pack, error) {
	p, err := d.Resolve(ods)
	if err != nil {
		return nil, err
	}
	m := d.Manifest
	out := &Pack{ICBPack: p, Hash: Hash(d, ods, opt), Version: m.Version}
	out.ZipName = fmt.Sprintf("bcs-mo-starter-pack-%s-%s.zip", ods, m.Version)
	root := strings.TrimSuffix(out.ZipName, ".zip") + "/"
	var errs diag.List
	var files []bundle.File
	for i := range m.Documents {
		doc := &m.Documents[i]
		ex, err := d.Expand(doc, p)
		if err != nil {
			errs = append(errs, diag.Flatten(err, "")...)
			continue
		}
		src := markdown.Source{File: doc.File + " (filled in for " + ods + ")", Line: 1, Col: 1, Text: ex.Markdown, IDs: markdown.NewIDs(opt.Reserved...)}
		tree, err := md.Parse(src)
		if err != nil {
			errs = append(errs, diag.Flatten(err, "")...)
			continue
		}
		body, err := md.Render(src, tree)
		if err != nil {
			return nil, err
		}
		meta := docx.Meta{
			Title:    doc.Title,
			Subject:  doc.Summary,
			Author:   opt.Site,
			Header:   fmt.Sprintf("%s | %s | Version %s", doc.Title, p.ICB.Name, m.Version),
			Control:  Control(d, doc.Title, p),
			Date:     m.ReleasedAt,
			BaseURL:  opt.BaseURL,
			Keywords: "medicines optimisation; " + ods,
		}
		data, err := docx.Write(ex.Markdown, tree, meta)
		if err != nil {
			errs = append(errs, diag.Errorf(diag.Pos{File: doc.File}, "%v", err))
			continue
		}
		name := fmt.Sprintf("%02d-%s.docx", doc.Number, doc.ID)
		out.Docs = append(out.Docs, Doc{Document: doc, HTML: body, Docx: data, DocxName: fmt.Sprintf("bcs-%s-%s-%s.docx", doc.ID, ods, m.Version), Codes: ex.Codes})
		files = append(files, bundle.File{Name: root + "documents/" + name, Data: data})
	}
	if err := errs.Err(); err != nil {
		return nil, err
	}
	var powerBI []bundle.File // after the workbooks
	for i := range m.Workbooks {
		w := &m.Workbooks[i]
		meta := workbook.Meta{Pack: p, Version: m.Version, Date: m.ReleasedAt, Control: Control(d, w.Title, p), Author: opt.Site, Keywords: "medicines optimisation; " + ods}
		var data []byte
		switch w.ID {
		case pack.DashboardWorkbook:
			data, err = workbook.Dashboard(d.Indicators, meta)
		case pack.TrackerWorkbook:
			data, err = workbook.Tracker(meta)
		default:
			err = fmt.Errorf("no builder for workbook %q", w.ID)
		}
		if err != nil {
			return nil, fmt.Errorf("%s: workbook %s: %w", ods, w.ID, err)
		}
		name := fmt.Sprintf("%02d-%s.xlsx", w.Number, w.ID)
		out.Books = append(out.Books, Book{Workbook: w, Xlsx: data, FileName: fmt.Sprintf("bcs-%s-%s-%s.xlsx", w.ID, ods, m.Version)})
		files = append(files, bundle.File{Name: root + "workbooks/" + name, Data: data})
		if w.ID == pack.DashboardWorkbook {
			// Power BI needs an absolute path: the one the README suggests unzipping to.
			path := `C:\BCS\` + strings.TrimSuffix(root, "/") + `\workbooks\` + name
			pbi, err := workbook.PowerBI(root+PowerBIDir, path)
			if err != nil {
				return nil, fmt.Errorf("%s: Power BI files: %w", ods, err)
			}
			powerBI = pbi
		}
	}
	files = append(files, powerBI...)
	readme := Readme(d, out)
	files = append([]bundle.File{{Name: root + "README.txt", Data: readme}}, files...)
	for _, f := range files {
		sum := sha256.Sum256(f.Data)
		out.Contents = append(out.Contents, Entry{Name: strings.TrimPrefix(f.Name, root), Size: len(f.Data), SHA256: hex.EncodeToString(sum[:])})
	}
	manifest, err := Manifest(d, out)
	if err != nil {
		return nil, err
	}
	files = append(files, bundle.File{Name: root + "manifest.json", Data: manifest})
	if out.Zip, err = bundle.Zip(files, m.ReleasedAt); err != nil {
		return nil, err
	}
	sum := sha256.Sum256(out.Zip)
	out.ZipSHA = hex.EncodeToString(sum[:])
	return out, nil
}

// Hash is the input hash of an ICB's pack: the pack data it reads and the
// options, under this package's FormatVersion.
func Hash(d *pack.Data, ods string, opt Options) string {
	return d.InputHash(ods, FormatVersion+"\x00"+opt.BaseURL+"\x00"+opt.Site+"\x00"+strings.Join(opt.Reserved, ","))
}

// Control is a document's document control table.
func Control(d *pack.Data, title string, p *pack.ICBPack) [][2]string {
	m := d.Manifest
	return [][2]string{
		{"Title", title},
		{"Version", m.Version},
		{"ICB", fmt.Sprintf("%s (%s)", p.ICB.Name, p.ICB.ODS)},
		{"Formulary", p.Formulary.Name},
		{"Effective date", m.ReleasedAt.Format("2 January 2006")},
		{"Review date", m.ReviewAt.Format("2 January 2006")},
		{"Owner", m.Owner},
		{"Approver", m.Approver},
	}
}

// manifestJSON is manifest.json.
type manifestJSON struct {
	Pack       string  `json:"pack"`
	Version    string  `json:"version"`
	Released   string  `json:"released"`
	ICB        icbJSON `json:"icb"`
	Formulary  string  `json:"formulary"`
	Unverified int     `json:"unverified_values"`
	Files      []Entry `json:"files"`
}

type icbJSON struct {
	ODS    string `json:"ods_code"`
	Name   string `json:"name"`
	Region string `json:"region"`
}

// Manifest is the bundle's manifest.json.
func Manifest(d *pack.Data, p *Pack) ([]byte, error) {
	m := manifestJSON{
		Pack: "BCS medicines optimisation starter pack", Version: p.Version, Released: d.Manifest.Released,
		ICB:       icbJSON{ODS: p.ICB.ODS, Name: p.ICB.Name, Region: p.ICB.Region},
		Formulary: p.Formulary.Name, Unverified: len(p.Unverified), Files: p.Contents,
	}
	b, err := json.MarshalIndent(m, "", "  ")
	return append(b, '\n'), err
}

// Readme is the bundle's README.txt: what is in it, how to use it, and the changelog.
func Readme(d *pack.Data, p *Pack) []byte {
	var b bytes.Buffer
	m := d.Manifest
	fmt.Fprintf(&b, "BCS medicines optimisation starter pack, version %s (%s)\r\n", m.Version, m.ReleasedAt.Format("2 January 2006"))
	fmt.Fprintf(&b, "For practices in %s (%s), %s.\r\n\r\n", p.ICB.Name, p.ICB.ODS, p.ICB.Region)
	fmt.Fprintf(&b, "Aligned to: %s", p.Formulary.Name)
	if p.Formulary.URL != "" {
		fmt.Fprintf(&b, " <%s>", p.Formulary.URL)
	}
	b.WriteString("\r\n\r\nDocuments (Word .docx, editable in Word or LibreOffice):\r\n")
	for i, doc := range m.Documents {
		fmt.Fprintf(&b, "  %d. %s: %s\r\n", i+1, doc.Title, doc.Summary)
	}
	if len(m.Workbooks) > 0 {
		b.WriteString("\r\nWorkbooks (Excel .xlsx, editable in Excel or LibreOffice Calc), in workbooks/:\r\n")
		for _, w := range m.Workbooks {
			fmt.Fprintf(&b, "  %d. %s: %s\r\n", w.Number, w.Title, w.Summary)
		}
		b.WriteString("  Yellow cells are for typing; the rest is worked out by formulas and protected\r\n")
		fmt.Fprintf(&b, "  against accidental edits (Review > Unprotect Sheet, password: %s).\r\n", workbook.Password)
		b.WriteString("\r\nPower BI (in powerbi/): a Power BI project over the dashboard workbook\r\n")
		fmt.Fprintf(&b, "(open %s.pbip in Power BI Desktop) and a data source file (%s.pbids).\r\n", workbook.PowerBIProject, workbook.PowerBIProject)
		fmt.Fprintf(&b, "Both expect this folder at C:\\BCS\\%s (unzip the pack into C:\\BCS).\r\n", strings.TrimSuffix(p.ZipName, ".zip"))
		b.WriteString("Unzipped elsewhere? In Power BI\r\n")
		b.WriteString("Desktop choose Transform data > Edit parameters and set WorkbookPath to the\r\n")
		b.WriteString("dashboard workbook's full path; for the .pbids file, edit the path in it with Notepad.\r\n")
	}
	b.WriteString("\r\nBefore you use them:\r\n")
	b.WriteString("  - Replace the text in {{double braces}} with your practice's details.\r\n")
	fmt.Fprintf(&b, "  - %d values are marked \"to confirm locally\": they rest on memory or a typical\r\n    formulary, not a confirmed source. Check them with your ICB.\r\n", len(p.Unverified))
	b.WriteString("  - Have each document approved and signed as your practice's governance requires.\r\n")
	b.WriteString("\r\nmanifest.json lists every file with its size and SHA-256 checksum.\r\n")
	b.WriteString("\r\nChanges:\r\n")
	for _, c := range m.Changelog {
		fmt.Fprintf(&b, "  %s (%s)\r\n", c.Version, c.Date)
		for _, ch := range c.Changes {
			fmt.Fprintf(&b, "    - %s\r\n", ch)
		}
	}
	return b.Bytes()
}
