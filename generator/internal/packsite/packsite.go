// Package packsite owns the starter packs from the pack data to the site.
// Build makes one area's pack: each document filled in for the area,
// parsed once, and rendered twice (HTML for the site's document page,
// WordprocessingML for the .docx), the workbooks, then the bundle: a
// deterministic ZIP with the documents, a README and a manifest.json
// listing every file with its size and SHA-256. Sync makes the packs of a
// build (a Set: every area's pack, rebuilt only when its input hash
// changed, with the generated pages and the download files they add to the
// site), and View, Set.Index and Set.DocItems are what the pack templates
// see of them.
package packsite

import (
	"bytes"
	"crypto/sha256"
	"encoding/hex"
	"encoding/json"
	"fmt"
	"html/template"
	"strings"
	"time"

	"github.com/bcs/publish/generator/internal/bundle"
	"github.com/bcs/publish/generator/internal/diag"
	"github.com/bcs/publish/generator/internal/docx"
	"github.com/bcs/publish/generator/internal/markdown"
	"github.com/bcs/publish/generator/internal/pack"
	"github.com/bcs/publish/generator/internal/review"
	"github.com/bcs/publish/generator/internal/workbook"
)

// FormatVersion changes whenever this package's output changes for the same
// data, so that cached packs are rebuilt.
const FormatVersion = "packsite/4"

// Pack is one area's built pack.
type Pack struct {
	*pack.ICBPack
	Hash     string // pack.Data.InputHash: same hash, same bytes
	Version  string
	Docs     []Doc
	Books    []Book
	ZipName  string // bcs-mo-starter-pack-<area>-<version>.zip
	Zip      []byte
	ZipSHA   string
	Contents []Entry // what the ZIP holds, in order (the manifest's files)
}

// Doc is one document of the pack, filled in for the ICB.
type Doc struct {
	*pack.Document
	HTML       template.HTML // the body for the document's page
	Docx       []byte
	DocxName   string   // e.g. bcs-hrd-monitoring-sop-QJ2-1.0.0.docx
	Codes      []string // SNOMED CT ids cited
	References []string // ids of the references cited, in the order of their notes
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

// Build builds the pack of an area.
func Build(d *pack.Data, area pack.Area, md *markdown.Converter, opt Options) (*Pack, error) {
	p := d.Resolve(area)
	ods := area.FileKey()
	m := d.Manifest
	out := &Pack{ICBPack: p, Hash: Hash(d, area, opt), Version: m.Version}
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
		src := markdown.Source{File: doc.File + " (filled in for " + ods + ")", Line: 1, Col: 1, Text: ex.Markdown, IDs: markdown.NewIDs(opt.Reserved...), AnyWebLink: true}
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
			Header:   fmt.Sprintf("%s | %s | Version %s", doc.Title, area.Title(), m.Version),
			Footer:   Uncontrolled,
			Logo:     d.Logo,
			LogoAlt:  opt.Site + " logo",
			Control:  Control(d, doc.Title, doc.Review, p),
			History:  History(d),
			SignOff:  doc.SignOff,
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
		out.Docs = append(out.Docs, Doc{Document: doc, HTML: body, Docx: data, DocxName: fmt.Sprintf("bcs-%s-%s-%s.docx", doc.ID, ods, m.Version), Codes: ex.Codes, References: ex.References})
		files = append(files, bundle.File{Name: root + "documents/" + name, Data: data})
	}
	if err := errs.Err(); err != nil {
		return nil, err
	}
	var err error
	var powerBI []bundle.File // after the workbooks
	for i := range m.Workbooks {
		w := &m.Workbooks[i]
		meta := workbook.Meta{Pack: p, Version: m.Version, Date: m.ReleasedAt, Control: Control(d, w.Title, w.Review, p), Author: opt.Site, Keywords: "medicines optimisation; " + ods,
			Logo: d.Logo, LogoAlt: opt.Site + " logo"}
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

// Hash is the input hash of an area's pack: the pack data it reads and the
// options, under this package's FormatVersion. (What the pack rests on on a
// given day, ICBPack.Report, is asked of the pack; its bytes do not depend
// on the day.)
func Hash(d *pack.Data, area pack.Area, opt Options) string {
	return d.InputHash(area, FormatVersion+"\x00"+opt.BaseURL+"\x00"+opt.Site+"\x00"+strings.Join(opt.Reserved, ","))
}

// Uncontrolled is the footer of every document.
const Uncontrolled = "Uncontrolled when printed: check the version in use with the document owner"

// Control is a document's document control table. The practice's name is
// left empty: the .docx makes it a field the practice fills in.
func Control(d *pack.Data, title string, rv review.Dates, p *pack.ICBPack) [][2]string {
	m := d.Manifest
	return [][2]string{
		{"Title", title},
		{"Version", m.Version},
		{"Practice name", ""},
		{"Area", fmt.Sprintf("%s (%s)", p.Area.Title(), p.Area.Key())},
		{"Formulary", formularyName(p)},
		{"Effective date", m.ReleasedAt.Format("2 January 2006")},
		{"Clinical content last reviewed", rv.Last.Format("2 January 2006")},
		{"Next review due", rv.Next.Format("2 January 2006")},
		{"Owner", m.Owner},
		{"Approver", m.Approver},
	}
}

// History is the version history of the pack, newest first.
func History(d *pack.Data) [][3]string {
	var rows [][3]string
	for _, c := range d.Manifest.Changelog {
		day := c.Date
		if t, err := time.Parse(time.DateOnly, c.Date); err == nil {
			day = t.Format("2 January 2006")
		}
		rows = append(rows, [3]string{c.Version, day, strings.Join(c.Changes, " ")})
	}
	return rows
}

// formularyName is the formulary a pack is aligned to, for tables.
func formularyName(p *pack.ICBPack) string {
	if p.Formulary == nil {
		return "National defaults: the local formulary has not been checked yet"
	}
	return p.Formulary.Name
}

// manifestJSON is manifest.json.
type manifestJSON struct {
	Pack      string      `json:"pack"`
	Version   string      `json:"version"`
	Released  string      `json:"released"`
	Area      areaJSON    `json:"area"`
	Formulary *formJSON   `json:"formulary"`
	Local     int         `json:"confirmed_local_values"`
	Checks    []checkJSON `json:"check_with_your_icb"`
	Files     []Entry     `json:"files"`
}

type areaJSON struct {
	Key    string      `json:"key"`
	Name   string      `json:"name"`
	ICB    string      `json:"icb_ods_code"`
	ICBNm  string      `json:"icb_name"`
	Region string      `json:"region"`
	Places []placeJSON `json:"places"`
}

type placeJSON struct {
	Code string `json:"ods_code"`
	Name string `json:"name"`
}

type formJSON struct {
	Name    string `json:"name"`
	URL     string `json:"url,omitempty"`
	Source  string `json:"source"`
	Checked string `json:"checked"`
}

type checkJSON struct {
	What  string `json:"what"`
	Why   string `json:"why"`
	Where string `json:"where,omitempty"`
}

// Manifest is the bundle's manifest.json.
func Manifest(d *pack.Data, p *Pack) ([]byte, error) {
	a := p.Area
	m := manifestJSON{
		Pack: "BCS medicines optimisation starter pack", Version: p.Version, Released: d.Manifest.Released,
		Area:  areaJSON{Key: a.Key(), Name: a.Title(), ICB: a.ICB.Code, ICBNm: a.ICB.Name, Region: a.ICB.Region, Places: []placeJSON{}},
		Local: len(p.Local), Checks: []checkJSON{}, Files: p.Contents,
	}
	for _, pl := range a.Places {
		m.Area.Places = append(m.Area.Places, placeJSON{Code: pl.Code, Name: pl.Name})
	}
	if f := p.Formulary; f != nil {
		m.Formulary = &formJSON{Name: f.Name, URL: f.URL, Source: f.Source, Checked: f.Checked}
	}
	for _, c := range p.Checks {
		m.Checks = append(m.Checks, checkJSON{What: c.What, Why: c.Why, Where: c.Where})
	}
	b, err := json.MarshalIndent(m, "", "  ")
	return append(b, '\n'), err
}

// Readme is the bundle's README.txt: what is in it, how to use it, and the changelog.
func Readme(d *pack.Data, p *Pack) []byte {
	var b bytes.Buffer
	m := d.Manifest
	a := p.Area
	fmt.Fprintf(&b, "BCS medicines optimisation starter pack, version %s (%s)\r\n", m.Version, m.ReleasedAt.Format("2 January 2006"))
	fmt.Fprintf(&b, "For practices in %s (%s), %s.\r\n", a.Title(), a.Key(), a.ICB.Region)
	if len(a.Places) > 0 {
		var names []string
		for _, pl := range a.Places {
			names = append(names, pl.Name+" ("+pl.Code+")")
		}
		fmt.Fprintf(&b, "Places: %s.\r\n", pack.JoinAnd(names))
	}
	b.WriteString("\r\n")
	b.WriteString(wrap(pack.AlignmentText(p.ICBPack), 78))
	if f := p.Formulary; f != nil && f.URL != "" {
		fmt.Fprintf(&b, "Formulary: <%s>\r\n", f.URL)
	}
	b.WriteString("\r\nDocuments (Word .docx, editable in Word or LibreOffice):\r\n")
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
	b.WriteString("  - Fill in your practice's name in each document's control table.\r\n")
	fmt.Fprintf(&b, "  - %s: each document ends with a list of what is not recorded or\r\n", pack.CheckHeading)
	fmt.Fprintf(&b, "    not yet confirmed for this area (%d items in this pack). Check each one\r\n", len(p.Checks))
	b.WriteString("    with your ICB before the document is approved.\r\n")
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

// wrap breaks text into CRLF-ended lines of at most width characters.
func wrap(text string, width int) string {
	var b strings.Builder
	line := 0
	for _, w := range strings.Fields(text) {
		if line > 0 && line+1+len(w) > width {
			b.WriteString("\r\n")
			line = 0
		}
		if line > 0 {
			b.WriteByte(' ')
			line++
		}
		b.WriteString(w)
		line += len(w)
	}
	b.WriteString("\r\n")
	return b.String()
}
