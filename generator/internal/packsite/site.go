package packsite

import (
	"context"
	"errors"
	"fmt"
	"html/template"
	"io/fs"
	"path"
	"slices"
	"strings"
	"time"

	"github.com/bcs/publish/generator/internal/diag"
	"github.com/bcs/publish/generator/internal/icb"
	"github.com/bcs/publish/generator/internal/indicator"
	"github.com/bcs/publish/generator/internal/markdown"
	"github.com/bcs/publish/generator/internal/pack"
	"github.com/bcs/publish/generator/internal/page"
	"github.com/bcs/publish/generator/internal/work"
)

// The starter packs are part of the site graph. Every pack area in force on
// the day of the build (an ICB, or the places of an ICB that keep their own
// formulary) is a generated page, /packs/<icb>/ or /packs/<icb>/<area>/,
// with one generated page per document below it, under the /packs/ pillar
// that content/packs/_index.md provides. An abolished ICB keeps a page at
// its old address that sends its practices to their packs now. Downloads
// (the bundle, each .docx and .xlsx), packs/SHA256SUMS and the host redirect
// file are output files like any other, so one link check, one sitemap and
// one accessibility gate cover them.

// FinderURL is the finder on the packs index.
const FinderURL = PacksURL + "#find-heading"

// PacksURL is the site path of the packs index.
const PacksURL = "/packs/"

// RedirectsFile is the host redirect file (Netlify and Cloudflare Pages
// format): an abolished ICB's document addresses point at its successor's
// when the successor is unique.
const RedirectsFile = "_redirects"

// Set is the packs of one build: the pack data, the areas in force on the
// day, each area's pack, and what they add to the site (generated pages
// and output files). Sync makes a new Set from the last one, building again
// only the packs whose input hash changed.
type Set struct {
	Data    *pack.Data
	Areas   []pack.Area      // in force on the day of the build
	Built   map[string]*Pack // area key -> pack
	Rebuilt int              // packs built by the Sync that made this Set

	Pages   map[string]*page.Page // content rel -> generated page (a page is kept from the last Set when PageFacts are equal)
	Files   map[string][]byte     // output path -> the downloads, SHA256SUMS and the redirect file
	Reports []AreaReport          // by area, in the order of Areas

	// What pages read of the packs (site/reads.go): every area's pack by
	// its input hash; the areas in force, named; the manifest.
	Digest, AreaList, Manifest string
}

// AreaReport is what a build says about one area's pack.
type AreaReport struct {
	Key     string // QJ2, or S0E4D/oxfordshire
	Name    string
	Report  pack.Report
	Rebuilt bool
}

// AreaURL is an area's pack page: /packs/<icb>/ or /packs/<icb>/<place area>/.
func AreaURL(a pack.Area) string { return PacksURL + strings.ToLower(a.Key()) + "/" }

// ICBURL is the address an ICB's pack has, or had.
func ICBURL(code string) string { return PacksURL + strings.ToLower(code) + "/" }

// Inputs is what Sync builds the packs from besides the pack data files.
type Inputs struct {
	Root       fs.FS // the project
	ICBs       *icb.Set
	Indicators *indicator.Set
	Markdown   *markdown.Converter
	Options    Options
	Now        time.Time // the day of the build: which areas are in force
	Release    bool      // the data must match packs/CLINICAL-REVIEW.md too (bcs build)
}

// Sync loads the pack data and makes the Set of packs for it, building
// again only the packs whose input hash differs from last's (nil: none
// built yet).
//
// A project without packs/pack.yaml has no packs (a site made only of
// pages, as in many tests); everything else about the packs is required.
func Sync(ctx context.Context, last *Set, in Inputs) (*Set, error) {
	st := &Set{Built: map[string]*Pack{}, Pages: map[string]*page.Page{}, Files: map[string][]byte{}}
	if _, err := fs.Stat(in.Root, pack.ManifestFile); errors.Is(err, fs.ErrNotExist) {
		return st, nil
	}
	data, err := pack.Load(in.Root, in.ICBs, in.Indicators)
	if err != nil {
		return nil, err
	}
	if in.Release {
		if err := data.CheckRecord(in.Root).Err(); err != nil {
			return nil, err
		}
	}
	areas, err := data.Areas(in.Now)
	if err != nil {
		return nil, err
	}
	st.Data, st.Areas = data, areas
	if last == nil {
		last = &Set{}
	}
	out := make([]*Pack, len(areas))
	rebuilt := make([]bool, len(areas))
	var c diag.Collector
	err = work.Parallel(ctx, len(areas), func(i int) error {
		a := areas[i]
		if old := last.Built[a.Key()]; old != nil && old.Hash == Hash(data, a, in.Options) {
			out[i] = old
			return nil
		}
		p, err := Build(data, a, in.Markdown, in.Options)
		out[i], rebuilt[i] = p, true
		return c.Add(err)
	})
	if err != nil {
		return nil, err
	}
	if err := c.List().Err(); err != nil {
		return nil, err
	}
	var sums, digest, list strings.Builder
	for i, p := range out {
		a := areas[i]
		st.Built[a.Key()] = p
		if rebuilt[i] {
			st.Rebuilt++
		}
		st.Reports = append(st.Reports, AreaReport{Key: a.Key(), Name: a.Title(), Report: p.Report(in.Now), Rebuilt: rebuilt[i]})
		dir := strings.TrimPrefix(AreaURL(a), "/")
		st.Files[dir+p.ZipName] = p.Zip
		for _, d := range p.Docs {
			st.Files[dir+d.DocxName] = d.Docx
		}
		for _, w := range p.Books {
			st.Files[dir+w.FileName] = w.Xlsx
		}
		fmt.Fprintf(&sums, "%s  %s%s\n", p.ZipSHA, strings.TrimPrefix(dir, "packs/"), p.ZipName)
		fmt.Fprintf(&digest, "%s %s\n", a.Key(), p.Hash)
		fmt.Fprintf(&list, "%s %q %v\n", a.Key(), a.Title(), a.IsPlace())
		for _, pg := range pagesOf(p) {
			st.Pages[pg.Rel] = pg
		}
	}
	for _, c := range data.ICBs.Abolished(in.Now) {
		pg := abolishedPage(data, c, areas, in.Now)
		st.Pages[pg.Rel] = pg
	}
	for rel, pg := range st.Pages {
		if o := last.Pages[rel]; o != nil && PageFacts(o) == PageFacts(pg) {
			st.Pages[rel] = o // unchanged: the page the site rendered last
		}
	}
	st.Files["packs/SHA256SUMS"] = []byte(sums.String())
	st.Files[RedirectsFile] = redirects(data, in.Now)
	fmt.Fprintf(&digest, "finder %s\n", data.FinderDigest) // the packs index's finder words
	st.Digest, st.AreaList, st.Manifest = digest.String(), list.String(), data.FileDigest(pack.ManifestFile)
	return st, nil
}

// pagesOf makes the generated pages of one pack: the area's page and one
// per document. Rel places them under content/packs/ for the page graph: a
// place area's page sits below its ICB's.
func pagesOf(p *Pack) []*page.Page {
	a := p.Area
	dir := path.Join("packs", strings.ToLower(a.Key()))
	file := pack.ICBsFile
	if a.Own != nil {
		file = a.Own.File
	}
	eyebrow := "Starter pack " + a.ICB.Code
	if a.IsPlace() {
		eyebrow = a.ICB.Short + " starter pack"
	}
	pages := []*page.Page{{
		File: file, Rel: path.Join(dir, "_index.md"), Kind: page.Pillar,
		URL: AreaURL(a), Generated: true, Data: p,
		Front: page.Front{
			Title:       packTitle(a),
			LinkTitle:   a.ShortTitle(),
			Description: packDescription(p),
			Eyebrow:     eyebrow,
			Layout:      "pack",
		},
	}}
	for i := range p.Docs {
		d := &p.Docs[i]
		pages = append(pages, &page.Page{
			File: d.File, Rel: path.Join(dir, d.ID+".md"), Kind: page.Cluster,
			URL: AreaURL(a) + d.ID + "/", Generated: true, HTML: d.HTML, Data: &DocPage{Pack: p, Doc: d},
			Front: page.Front{
				Title:       d.Title,
				Description: d.Summary + " For " + a.Title() + ".",
				Eyebrow:     a.ShortTitle() + " starter pack",
				Weight:      d.Number,
				Layout:      "pack-document",
			},
		})
	}
	return pages
}

// packTitle is a pack page's title.
func packTitle(a pack.Area) string {
	if a.IsPlace() {
		return a.PlaceNames() + ": starter pack"
	}
	return a.ICB.Name + ": starter pack"
}

// packDescription is the pack page's lead and description, for a practice
// manager: what the pack is and what the page tells them; what the pack is
// aligned to comes first on the page itself (Alignment).
func packDescription(p *Pack) string {
	return fmt.Sprintf("Editable SOPs, templates and workbooks for practices in %s: %d documents and %d workbooks to download, open in Word and Excel and adapt, with what is local in them and what to check with your ICB first. Version %s.",
		p.Area.Title(), len(p.Docs), len(p.Books), p.Version)
}

// AbolishedView is what an abolished ICB's page shows.
type AbolishedView struct {
	Name  string
	Code  string
	Ended string // "1 April 2026": the day it was abolished
	Moves []MoveView
}

// MoveView is where one group of an abolished ICB's practices went.
type MoveView struct {
	Places string // "Oxfordshire, Buckinghamshire and Berkshire West"
	To     string // the successor ICB's name
	Code   string
	Packs  []Link // the packs those practices use now
}

// abolishedPage is the page left at an abolished ICB's address: it says
// when it was abolished and where its practices are now, with the pack each
// former area uses. It is marked noindex and so left out of the sitemap.
func abolishedPage(d *pack.Data, c icb.ICB, areas []pack.Area, on time.Time) *page.Page {
	ended := c.To.AddDate(0, 0, 1).Format("2 January 2006")
	v := &AbolishedView{Name: c.Name, Code: c.Code, Ended: ended}
	moves := d.ICBs.Moves(c, on)
	var to []string
	for _, m := range moves {
		to = append(to, m.To.Short)
		var from []string
		for _, pl := range m.Places {
			from = append(from, pl.Name)
		}
		mv := MoveView{Places: pack.JoinAnd(from), To: m.To.Name, Code: m.To.Code}
		seen := map[string]bool{}
		for _, into := range m.Into {
			for _, a := range areas {
				if a.ICB.Code != m.To.Code || seen[a.Key()] || !slices.ContainsFunc(a.Places, func(p icb.Place) bool { return p.Code == into.Code }) {
					continue
				}
				seen[a.Key()] = true
				title := a.ICB.Name + " starter pack"
				if a.IsPlace() {
					title = a.PlaceNames() + " starter pack (" + a.ICB.Name + ")"
				}
				mv.Packs = append(mv.Packs, Link{Title: title, URL: AreaURL(a)})
			}
		}
		if len(mv.Packs) == 0 {
			mv.Packs = append(mv.Packs, Link{Title: m.To.Name + " starter pack", URL: ICBURL(m.To.Code)})
		}
		v.Moves = append(v.Moves, mv)
	}
	return &page.Page{
		File: pack.ICBsFile, Rel: path.Join("packs", strings.ToLower(c.Code), "_index.md"), Kind: page.Pillar,
		URL: ICBURL(c.Code), Generated: true, Data: v,
		Front: page.Front{
			Title:       c.Name + " was abolished on " + ended,
			LinkTitle:   c.Short + " (abolished)",
			Description: fmt.Sprintf("%s was abolished on %s. Its practices are now in %s: find the starter pack for your practice here.", c.Name, ended, pack.JoinAnd(to)),
			Eyebrow:     "Starter pack " + c.Code,
			Layout:      "pack-abolished",
			NoIndex:     true,
			Weight:      1000,
		},
	}
}

// redirects is the host redirect file: each abolished ICB whose practices
// all went to one ICB sends its old document addresses to that ICB's pack
// (the old pack page itself stays, explaining the change).
func redirects(d *pack.Data, on time.Time) []byte {
	var b strings.Builder
	b.WriteString("# Made by bcs build: the pack documents of abolished ICBs, sent to their successor's.\n")
	for _, c := range d.ICBs.Abolished(on) {
		moves := d.ICBs.Moves(c, on)
		if len(moves) != 1 {
			continue
		}
		for _, doc := range d.Manifest.Documents {
			fmt.Fprintf(&b, "%s%s/ %s%s/ 301\n", ICBURL(c.Code), doc.ID, ICBURL(moves[0].To.Code), doc.ID)
		}
	}
	return []byte(b.String())
}

// PackView is what the pack templates see of one area's pack.
type PackView struct {
	Key       string // QJ2, or S0E4D/oxfordshire
	Title     string // the area's name
	Short     string
	ICB       string // the ICB's name
	ICBCode   string
	ICBURL    string // the ICB's pack page (for a place area)
	IsPlace   bool
	Region    string
	Places    []icb.Place
	Others    []Link // for an ICB's pack: the place areas with packs of their own
	URL       string
	Version   string
	Alignment string // the sentence saying what the pack is aligned to
	Formulary *pack.Formulary
	Local     []SourcedRow
	Checks    []pack.Check
	Report    pack.Report
	Download  FileLink
	Contents  []ContentRow
	Documents []DocLink
	Workbooks []WorkbookLink
	PowerBI   bool // the ZIP holds the dashboard's Power BI files
}

// SourcedRow is a confirmed local value with its provenance, for people.
type SourcedRow struct {
	What, Value, Source, PageDate, Checked string
	Old                                    bool // the page is dated more than pack.OldYears years before the build
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
	ID      string // the workbook's id in pack.yaml: its line's anchor, #workbook-<id>
	Title   string
	Summary string
	File    FileLink
}

// DocView is what a document page's template sees besides its body.
type DocView struct {
	Control [][2]string
	Docx    FileLink
}

// View is what the pack templates see of p; current is the document whose
// page it is ("" on the pack's own page).
func View(p *Pack, current string, on time.Time) *PackView {
	a := p.Area
	dir := AreaURL(a)
	v := &PackView{
		Key: a.Key(), Title: a.Title(), Short: a.ShortTitle(), ICB: a.ICB.Name, ICBCode: a.ICB.Code, ICBURL: ICBURL(a.ICB.Code),
		IsPlace: a.IsPlace(), Region: a.ICB.Region, Places: a.Places, URL: dir, Version: p.Version,
		Alignment: pack.AlignmentText(p.ICBPack), Formulary: p.Formulary, Checks: p.Checks, Report: p.Report(on),
		Download: FileLink{Name: p.ZipName, URL: dir + p.ZipName, Size: size(len(p.Zip)), SHA: p.ZipSHA},
	}
	for _, o := range a.Others {
		v.Others = append(v.Others, Link{Title: o.PlaceNames(), URL: AreaURL(o)})
	}
	for _, s := range p.Local {
		v.Local = append(v.Local, SourcedRow{What: s.What, Value: s.Value, Source: s.Source, PageDate: s.PageDateText(), Checked: s.CheckedText(), Old: s.OlderThan(pack.OldYears, on)})
	}
	for _, w := range p.Books {
		v.Workbooks = append(v.Workbooks, WorkbookLink{ID: w.ID, Title: w.Title, Summary: w.Summary, File: FileLink{Name: w.FileName, URL: dir + w.FileName, Size: size(len(w.Xlsx))}})
	}
	for _, e := range p.Contents {
		if strings.HasPrefix(e.Name, PowerBIDir) {
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

// PacksView is the packs index: every ICB in force by region, with its
// places, what a pack contains, and the ICBs abolished.
type PacksView struct {
	Version   string
	Released  string
	Documents []pack.Document
	Workbooks []pack.Workbook
	Regions   []RegionView
	Changelog []pack.Change
	Count     int // ICBs in force
	Local     int // packs with confirmed local values
	National  int // packs on the national defaults
	Abolished []Link
}

// RegionView is one NHS England region's ICBs.
type RegionView struct {
	Name string
	ID   string
	ICBs []ICBLink
}

// ICBLink is one ICB in the index, with its places and their packs.
type ICBLink struct {
	Code   string
	Name   string
	URL    string
	Local  bool        // its own pack carries confirmed local values
	Places []icb.Place // every place of the ICB on the day
	Areas  []AreaLink  // the place areas with packs of their own
	Search string      // what the finder matches, separated by "|" (finder.Data.Words)
}

// AreaLink is a place area's pack in the index.
type AreaLink struct {
	Title string
	URL   string
	Local bool
}

// Index is the packs index's view of s on the day (nil without packs).
func (s *Set) Index(now time.Time) *PacksView {
	if s == nil || s.Data == nil {
		return nil
	}
	d := s.Data
	v := &PacksView{Version: d.Manifest.Version, Released: d.Manifest.ReleasedAt.Format("2 January 2006"), Documents: d.Manifest.Documents, Workbooks: d.Manifest.Workbooks, Changelog: d.Manifest.Changelog}
	local := func(a pack.Area) bool {
		p := s.Built[a.Key()]
		ok := p != nil && p.HasLocal()
		if ok {
			v.Local++
		} else {
			v.National++
		}
		return ok
	}
	words := d.Finder.Words(d.ICBs, now)
	for _, reg := range d.ICBs.Regions(now) {
		rv := RegionView{Name: reg.Name, ID: "region-" + strings.Trim(strings.Map(func(r rune) rune {
			if r >= 'a' && r <= 'z' || r >= '0' && r <= '9' {
				return r
			}
			return '-'
		}, strings.ToLower(reg.Name)), "-")}
		for _, c := range reg.ICBs {
			l := ICBLink{Code: c.Code, Name: c.Name, URL: ICBURL(c.Code), Places: c.PlacesOn(now), Search: strings.Join(words[c.Code], "|")}
			for _, a := range s.Areas {
				switch {
				case a.ICB.Code != c.Code:
				case a.IsPlace():
					l.Areas = append(l.Areas, AreaLink{Title: a.PlaceNames(), URL: AreaURL(a), Local: local(a)})
				default:
					l.Local = local(a)
				}
			}
			rv.ICBs = append(rv.ICBs, l)
			v.Count++
		}
		v.Regions = append(v.Regions, rv)
	}
	for _, c := range d.ICBs.Abolished(now) {
		v.Abolished = append(v.Abolished, Link{Title: c.Name + " (" + c.Code + ")", URL: ICBURL(c.Code)})
	}
	return v
}

// DocPage is a document page's Data: the pack and the document.
type DocPage struct {
	Pack *Pack
	Doc  *Doc
}

// PageFacts is what decides whether a generated page is the page of the
// last Set: its pack's input hash (same hash, same content), or for an
// abolished ICB's page all it says, and its place.
func PageFacts(p *page.Page) string {
	if p == nil {
		return ""
	}
	h := ""
	switch d := p.Data.(type) {
	case *Pack:
		h = d.Hash
	case *DocPage:
		h = d.Pack.Hash
	case *AbolishedView:
		h = fmt.Sprintf("%+v", *d) // where its practices went: other ICBs' names and packs
	}
	return h + "|" + p.URL + "|" + p.Front.Title + "|" + fmt.Sprint(p.Front.Weight)
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

// DocItems is the resources list made from the pack's documents and
// workbooks: all of them (ids nil) or those with ids, in that order (nil
// without packs). Each links to the finder on /packs/, and carries in
// data-pack-doc where it is inside a pack (a document's page, a workbook's
// line on the pack page), so that site.js can send it to the pack of the
// ICB the visitor chose. unknown is the index in ids of an id the pack
// lacks, or -1.
func (s *Set) DocItems(ids []string) (items []template.HTML, unknown int) {
	all := s.DocEntries()
	if all == nil {
		return nil, -1
	}
	pick := all
	if ids != nil {
		pick = nil
		for i, id := range ids {
			k := slices.IndexFunc(all, func(e DocEntry) bool { return e.ID == id })
			if k < 0 {
				return nil, i
			}
			pick = append(pick, all[k])
		}
	}
	for _, e := range pick {
		items = append(items, template.HTML(`<a href="`+FinderURL+`" data-pack-doc="`+template.HTMLEscapeString(e.At)+`">`+template.HTMLEscapeString(e.ListedAs)+`</a>`)) // #nosec: escaped text, fixed URL
	}
	return items, -1
}

// DocEntry is one of the pack's documents or workbooks as the site links
// it from outside a pack.
type DocEntry struct {
	ID, Title, Summary, ListedAs string
	At                           string // where it is inside a pack: a document's page ("<id>/"), a workbook's line ("#workbook-<id>")
}

// DocEntries lists the pack's documents, then its workbooks (nil without
// packs).
func (s *Set) DocEntries() []DocEntry {
	if s == nil || s.Data == nil || s.Data.Manifest == nil {
		return nil
	}
	var all []DocEntry
	m := s.Data.Manifest
	for _, d := range m.Documents {
		all = append(all, DocEntry{d.ID, d.Title, d.Summary, d.ListedAs, d.ID + "/"})
	}
	for _, w := range m.Workbooks {
		all = append(all, DocEntry{w.ID, w.Title, w.Summary, w.ListedAs, "#workbook-" + w.ID})
	}
	return all
}

// DocIDs lists the ids of the pack's documents and workbooks.
func (s *Set) DocIDs() []string {
	var ids []string
	for _, e := range s.DocEntries() {
		ids = append(ids, e.ID)
	}
	return ids
}

// AreaURLs lists the pack page of every area of the Set, space-separated:
// the packs a visitor's remembered choice may still name.
func (s *Set) AreaURLs() string {
	if s == nil {
		return ""
	}
	var urls []string
	for _, a := range s.Areas {
		urls = append(urls, AreaURL(a))
	}
	slices.Sort(urls)
	return strings.Join(urls, " ")
}

// Link is a titled URL.
type Link struct {
	Title string
	URL   string
}
