package site

import (
	"context"
	"errors"
	"fmt"
	"html/template"
	"io/fs"
	"maps"
	"path"
	"slices"
	"strings"

	"github.com/bcs/publish/generator/internal/diag"
	"github.com/bcs/publish/generator/internal/pack"
	"github.com/bcs/publish/generator/internal/packsite"
	"github.com/bcs/publish/generator/internal/page"
)

// The starter packs are part of the site graph: every ICB's pack is a
// generated page (/packs/<ods>/) with one generated page per document
// (/packs/<ods>/<document>/), under the /packs/ pillar that content/packs/
// _index.md provides. Their downloads (the bundle and each .docx) and
// packs/SHA256SUMS are output files like any other, so one link check, one
// sitemap and one accessibility gate cover them.

// PacksURL is the site path of the packs index.
const PacksURL = "/packs/"

// packState is what the Builder keeps of the packs between updates.
type packState struct {
	data    *pack.Data
	built   map[string]*packsite.Pack // ODS code -> pack; rebuilt only when its input hash changes
	Rebuilt int                       // packs built by the update that made this state
}

// PackReport is what a build says about one ICB's pack.
type PackReport struct {
	ODS        string
	Name       string
	Unverified int
	Rebuilt    bool
}

// packURL is an ICB's pack page.
func packURL(ods string) string { return PacksURL + strings.ToLower(ods) + "/" }

// updatePacks loads the pack data and rebuilds the packs whose inputs
// changed. It returns the new state, the generated pages, the pack output
// files and the reports.
//
// A project without packs/pack.yaml has no packs (a site made only of
// pages, as in many tests); everything else about the packs is required.
func (b *Builder) updatePacks(ctx context.Context) (*packState, map[string]*page.Page, map[string][]byte, []PackReport, error) {
	if _, err := fs.Stat(b.root, pack.ManifestFile); errors.Is(err, fs.ErrNotExist) {
		return &packState{}, map[string]*page.Page{}, map[string][]byte{}, nil, nil
	}
	data, err := pack.Load(b.root, b.in.icbs)
	if err != nil {
		return nil, nil, nil, nil, err
	}
	opt := packsite.Options{BaseURL: b.in.settings.BaseURL, Site: b.in.settings.Organisation.Name, Reserved: reservedIDs}
	st := &packState{data: data, built: map[string]*packsite.Pack{}}
	codes := b.in.icbs.Codes()
	out := make([]*packsite.Pack, len(codes))
	rebuilt := make([]bool, len(codes))
	var c diag.Collector
	err = parallel(ctx, len(codes), func(i int) error {
		ods := codes[i]
		if old := b.packs.built[ods]; old != nil && old.Hash == packsite.Hash(data, ods, opt) {
			out[i] = old
			return nil
		}
		p, err := packsite.Build(data, ods, b.in.md, opt)
		out[i], rebuilt[i] = p, true
		return c.Add(err)
	})
	if err != nil {
		return nil, nil, nil, nil, err
	}
	if err := c.List().Err(); err != nil {
		return nil, nil, nil, nil, err
	}
	pages := map[string]*page.Page{}
	files := map[string][]byte{}
	var reports []PackReport
	var sums strings.Builder
	for i, p := range out {
		ods := codes[i]
		st.built[ods] = p
		reports = append(reports, PackReport{ODS: ods, Name: p.ICB.Name, Unverified: len(p.Unverified), Rebuilt: rebuilt[i]})
		dir := strings.TrimPrefix(packURL(ods), "/")
		files[dir+p.ZipName] = p.Zip
		for _, d := range p.Docs {
			files[dir+d.DocxName] = d.Docx
		}
		for _, w := range p.Books {
			files[dir+w.FileName] = w.Xlsx
		}
		fmt.Fprintf(&sums, "%s  %s%s\n", p.ZipSHA, strings.TrimPrefix(dir, "packs/"), p.ZipName)
		for _, pg := range packPages(p) {
			pages[pg.Rel] = pg
		}
	}
	files["packs/SHA256SUMS"] = []byte(sums.String())
	return st, pages, files, reports, nil
}

// packPages makes the generated pages of one pack: the ICB's page and one
// per document. Rel places them under content/packs/ for the page graph.
func packPages(p *packsite.Pack) []*page.Page {
	ods := strings.ToLower(p.ICB.ODS)
	icbPage := &page.Page{
		File: pack.FormularyDir + "/" + p.ICB.ODS + ".yaml", Rel: path.Join("packs", ods, "_index.md"), Kind: page.Pillar,
		URL: packURL(p.ICB.ODS), Generated: true, Data: p,
		Front: page.Front{
			Title:       p.ICB.Name + ": starter pack",
			LinkTitle:   shortICBName(p.ICB.Name),
			Description: fmt.Sprintf("The BCS medicines optimisation starter pack for practices in %s: %d documents aligned to %s, version %s.", p.ICB.Name, len(p.Docs), p.Formulary.Name, p.Version),
			Eyebrow:     "Starter pack " + p.ICB.ODS,
			Layout:      "pack",
		},
	}
	pages := []*page.Page{icbPage}
	for i := range p.Docs {
		d := &p.Docs[i]
		pages = append(pages, &page.Page{
			File: d.File, Rel: path.Join("packs", ods, d.ID+".md"), Kind: page.Cluster,
			URL: packURL(p.ICB.ODS) + d.ID + "/", Generated: true, HTML: d.HTML, Data: &docData{Pack: p, Doc: d},
			Front: page.Front{
				Title:       d.Title,
				Description: d.Summary + " For " + p.ICB.Name + ".",
				Eyebrow:     shortICBName(p.ICB.Name) + " starter pack",
				Weight:      d.Number,
				Layout:      "pack-document",
			},
		})
	}
	return pages
}

// docData is what a document page's template shows besides its body.
type docData struct {
	Pack *packsite.Pack
	Doc  *packsite.Doc
}

// shortICBName drops "NHS " and " Integrated Care Board" for breadcrumbs.
func shortICBName(name string) string {
	name = strings.TrimPrefix(name, "NHS ")
	return strings.TrimSuffix(strings.TrimSuffix(name, " Integrated Care Board"), " ICB")
}

// generatedFacts is what decides whether a generated page must be rendered
// again: its pack's input hash (same hash, same content) and its place.
func generatedFacts(p *page.Page) string {
	if p == nil {
		return ""
	}
	h := ""
	switch d := p.Data.(type) {
	case *packsite.Pack:
		h = d.Hash
	case *docData:
		h = d.Pack.Hash
	}
	return h + "|" + p.URL + "|" + p.Front.Title + "|" + fmt.Sprint(p.Front.Weight)
}

// PackView is what the pack templates see of one ICB's pack.
type PackView struct {
	ODS         string
	Name        string
	Region      string
	URL         string
	Version     string
	Released    string
	Formulary   pack.Formulary
	Download    FileLink
	Contents    []ContentRow
	Documents   []DocLink
	Workbooks   []WorkbookLink
	PowerBI     bool // the ZIP holds the dashboard's Power BI files
	Differences []pack.Difference
	Unverified  []string
	Statuses    []pack.Status
	Contacts    []pack.ContactRow
}

// FileLink is a download.
type FileLink struct {
	Name string
	URL  string
	Size string // "41 KB"
	SHA  string
}

// ContentRow is one file in a bundle.
type ContentRow struct {
	Name   string
	Size   string
	SHA256 string
}

// DocLink is one document of a pack.
type DocLink struct {
	Title   string
	Summary string
	URL     string // the HTML page
	Docx    FileLink
	Current bool
}

// WorkbookLink is one workbook of a pack.
type WorkbookLink struct {
	Title   string
	Summary string
	File    FileLink
}

// DocView is what a document page's template sees besides its body.
type DocView struct {
	Control [][2]string
	Docx    FileLink
}

func packView(p *packsite.Pack, current string) *PackView {
	dir := packURL(p.ICB.ODS)
	v := &PackView{
		ODS: p.ICB.ODS, Name: p.ICB.Name, Region: p.ICB.Region, URL: dir, Version: p.Version,
		Formulary:   p.Formulary,
		Download:    FileLink{Name: p.ZipName, URL: dir + p.ZipName, Size: size(len(p.Zip)), SHA: p.ZipSHA},
		Differences: p.Differences, Unverified: p.Unverified, Statuses: p.Statuses, Contacts: p.Contacts,
	}
	for _, w := range p.Books {
		v.Workbooks = append(v.Workbooks, WorkbookLink{Title: w.Title, Summary: w.Summary, File: FileLink{Name: w.FileName, URL: dir + w.FileName, Size: size(len(w.Xlsx))}})
	}
	for _, e := range p.Contents {
		if strings.HasPrefix(e.Name, packsite.PowerBIDir) {
			v.PowerBI = true
		}
		v.Contents = append(v.Contents, ContentRow{Name: e.Name, Size: size(e.Size), SHA256: e.SHA256})
	}
	for _, d := range p.Docs {
		v.Documents = append(v.Documents, DocLink{
			Title: d.Title, Summary: d.Summary, URL: dir + d.ID + "/", Current: d.ID == current,
			Docx: FileLink{Name: d.DocxName, URL: dir + d.DocxName, Size: size(len(d.Docx))},
		})
	}
	return v
}

// size formats a byte count for people.
func size(n int) string {
	switch {
	case n < 1024:
		return fmt.Sprintf("%d bytes", n)
	case n < 1024*1024:
		return fmt.Sprintf("%d KB", (n+512)/1024)
	}
	return fmt.Sprintf("%.1f MB", float64(n)/(1024*1024))
}

// PacksView is the packs index: every ICB by region, what a pack contains.
type PacksView struct {
	Version   string
	Released  string
	Documents []pack.Document
	Workbooks []pack.Workbook
	Regions   []RegionView
	Changelog []pack.Change
	Count     int
}

// RegionView is one NHS England region's ICBs.
type RegionView struct {
	Name string
	ID   string
	ICBs []ICBLink
}

// ICBLink is one ICB in the index.
type ICBLink struct {
	ODS   string
	Name  string
	URL   string
	Local bool // the ICB has its own formulary data, not only national defaults
}

func (r *renderer) packsView() *PacksView {
	if r.packs == nil || r.packs.data == nil {
		return nil
	}
	d := r.packs.data
	v := &PacksView{Version: d.Manifest.Version, Released: d.Manifest.ReleasedAt.Format("2 January 2006"), Documents: d.Manifest.Documents, Workbooks: d.Manifest.Workbooks, Changelog: d.Manifest.Changelog}
	for _, reg := range d.ICBs.Regions() {
		rv := RegionView{Name: reg.Name, ID: "region-" + strings.Trim(strings.Map(func(r rune) rune {
			if r >= 'a' && r <= 'z' || r >= '0' && r <= '9' {
				return r
			}
			return '-'
		}, strings.ToLower(reg.Name)), "-")}
		for _, c := range reg.ICBs {
			rv.ICBs = append(rv.ICBs, ICBLink{ODS: c.ODS, Name: c.Name, URL: packURL(c.ODS), Local: d.Local[c.ODS] != nil})
			v.Count++
		}
		v.Regions = append(v.Regions, rv)
	}
	return v
}

// packDocItems is the resources list generated from the pack's documents.
func (r *renderer) packDocItems() []template.HTML {
	if r.packs == nil || r.packs.data == nil {
		return nil
	}
	var items []template.HTML
	m := r.packs.data.Manifest
	var listed []string
	for _, d := range m.Documents {
		listed = append(listed, d.ListedAs)
	}
	for _, w := range m.Workbooks {
		listed = append(listed, w.ListedAs)
	}
	for _, l := range listed {
		items = append(items, template.HTML(`<a href="`+PacksURL+`">`+template.HTMLEscapeString(l)+`</a>`)) // #nosec: escaped text, fixed URL
	}
	return items
}

// sortedReports orders reports by ODS code.
func sortedReports(m map[string]PackReport) []PackReport {
	var out []PackReport
	for _, k := range slices.Sorted(maps.Keys(m)) {
		out = append(out, m[k])
	}
	return out
}
