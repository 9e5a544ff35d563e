package site

import (
	"context"
	"errors"
	"fmt"
	"io/fs"
	"maps"
	"path"
	"slices"
	"strings"
	"time"

	"github.com/bcs/publish/generator/internal/assets"
	"github.com/bcs/publish/generator/internal/config"
	"github.com/bcs/publish/generator/internal/diag"
	"github.com/bcs/publish/generator/internal/form"
	"github.com/bcs/publish/generator/internal/images"
	"github.com/bcs/publish/generator/internal/inputfs"
	"github.com/bcs/publish/generator/internal/layout"
	"github.com/bcs/publish/generator/internal/linkcheck"
	"github.com/bcs/publish/generator/internal/pack"
	"github.com/bcs/publish/generator/internal/packsite"
	"github.com/bcs/publish/generator/internal/page"
	"github.com/bcs/publish/generator/internal/review"
	"github.com/bcs/publish/generator/internal/view"
	"github.com/bcs/publish/generator/internal/work"
)

// Builder builds the site and keeps what it built, so that after a change
// it redoes only what the change affects. The first Update builds
// everything; `bcs build` makes exactly that one call, and the preview
// server then calls Update with the files its watcher saw change.
//
// What a change affects is not predicted here: every page's render records
// what it read besides its own page (reads.go), and an update renders again
// the new pages, the pages whose own source changed and the pages with a
// read whose value changed. What the Builder decides by path is only what to
// load again (plan): the settings, templates, assets, content files, packs.
// The links of the pages that changed, and of the pages linking to them, are
// checked again; the packs whose input hash changed are built again.
//
// A Builder is not safe for concurrent use. A failed Update keeps what it
// was asked to do and does it again, with the next changes, on the next call.
type Builder struct {
	root *inputfs.FS // the project, read and recorded through one layer
	opt  Options

	*snapshot // the site as last built; an update works on a copy (see update)

	links    *linkcheck.Index
	pending  map[string]bool // paths asked for and not yet done
	unsynced map[string]bool // output paths the link index saw in a failed update
	built    bool            // the first whole build has succeeded
}

// snapshot is everything an update reads from the last build and replaces.
// An update starts from a copy (clone), works on that, and the Builder
// takes it only when the update succeeds: a failed update drops it, and
// the last good site is what the Builder still holds. The link index is
// the exception, kept in step by b.unsynced (re-scanning is cheaper than
// copying it on every edit).
type snapshot struct {
	in      *inputs
	r       *renderer
	sources map[string]*page.Page // content rel -> parsed page, drafts and future ones included
	static  map[string]bool       // content rel of files copied as they are
	graph   *page.Graph           // the published pages, related
	forms   string                // what the forms say of their thank-you pages (formsRead)
	outs    map[string]*pageOut   // page rel -> what rendering it produced
	files   map[string][]byte
	packs   *packsite.Set            // the packs, their pages and their files
	images  map[string]*images.Image // content rel -> the section image made from it, for the images in use
	cms     *cmsConfig               // the CMS's config.yml as last made
}

// clone copies s deeply enough that an update can change the copy without
// touching s: the maps an update edits in place and the renderer it
// re-points. What an update replaces whole (inputs, files, packs) is shared.
func (s *snapshot) clone() *snapshot {
	c := *s
	c.sources, c.static, c.outs = maps.Clone(s.sources), maps.Clone(s.static), maps.Clone(s.outs)
	if s.r != nil {
		r := *s.r
		c.r = &r
	}
	return &c
}

// pageOut is what one page's render produced and what it read.
type pageOut struct {
	paths []string    // output files: the page, its alias redirects, its form export
	reads []view.Read // what it read besides its page (not kept by a Builder that builds once)
}

// Stats counts the work an Update did.
type Stats struct {
	Parsed   int // content files parsed
	Rendered int // pages rendered
	Checked  int // pages whose links were checked

	RenderedPages []string // the pages rendered (paths under content/), sorted
	PacksBuilt    int      // ICB packs built (the others were unchanged)
}

// Result is the site after an Update.
type Result struct {
	Files   map[string][]byte // every output file; never modified afterwards
	Pages   []*page.Page
	Changed []string // output paths added, changed or removed by this update, sorted
	Stats   Stats
	Packs   []PackReport // every ICB's pack, by ODS code
	Reviews []review.Due // clinical reviews due within review.DueWithin, soonest first
	// Unconfirmed are the settings still placeholders (config.Site.Unconfirmed),
	// which the build names on every run until they are checked.
	Unconfirmed []config.Placeholder
	// Until is when the first page left out for being dated in the future
	// falls due, so the site goes out of date; zero when there is none.
	Until time.Time
}

// NewBuilder returns a Builder for the project in root, which it reads
// through an inputfs.FS (root itself when it is one).
func NewBuilder(root fs.FS, opt Options) *Builder {
	in, ok := root.(*inputfs.FS)
	if !ok {
		in = inputfs.New(root)
	}
	return &Builder{root: in, opt: opt, links: linkcheck.NewIndex(), pending: map[string]bool{}, unsynced: map[string]bool{},
		snapshot: &snapshot{sources: map[string]*page.Page{}, static: map[string]bool{}, outs: map[string]*pageOut{}, files: map[string][]byte{},
			packs: &packsite.Set{}}}
}

// Update brings the site up to date after changes to the given project
// paths (slash-separated, relative to the root, e.g. content/a.md). The
// first call builds everything whatever it is given.
func (b *Builder) Update(ctx context.Context, changed []string) (*Result, error) {
	if b.built && b.opt.Sink != nil {
		return nil, errors.New("site: a Builder with a Sink builds once")
	}
	for _, c := range changed {
		b.pending[path.Clean(c)] = true
	}
	res, err := b.update(ctx)
	if err != nil {
		return nil, err
	}
	clear(b.pending)
	b.built = true
	return res, nil
}

// plan is what the pending paths ask to load again. Which pages to render
// again follows from what changed (renderSet), not from the paths.
type plan struct {
	inputs    bool     // reload settings, indicators, ICBs
	templates bool     // reload templates
	assets    bool     // rebuild assets
	content   []string // content paths to look at again
	packs     bool     // reload the pack data and rebuild what changed
}

func (b *Builder) plan() plan {
	var p plan
	if !b.built {
		return plan{inputs: true, templates: true, assets: true, packs: true, content: []string{ContentDir}}
	}
	for f := range b.pending {
		switch {
		case f == SettingsFile || f == IndicatorsFile || f == ICBsFile:
			p.inputs, p.assets, p.packs = true, true, true // the highlight style lives in site.yaml
		case under(f, pack.Dir):
			p.packs = true
		case under(f, TemplatesDir):
			p.templates = true
		case under(f, AssetsDir):
			p.assets = true
		case under(f, ContentDir):
			p.content = append(p.content, f)
		}
	}
	slices.Sort(p.content)
	return p
}

func under(f, dir string) bool { return f == dir || strings.HasPrefix(f, dir+"/") }

func (b *Builder) update(ctx context.Context) (_ *Result, err error) {
	// Work on a copy of the last snapshot; keep it only if the update
	// succeeds (a failed one leaves the Builder with the last good site).
	last := b.snapshot
	b.snapshot = last.clone()
	defer func() {
		if err != nil {
			b.snapshot = last
		}
	}()
	p := b.plan()
	var st Stats
	if p.inputs {
		in, err := loadInputs(b.root, b.opt.Cache)
		if err != nil {
			return nil, err
		}
		b.in = in
		b.r = &renderer{site: in.settings, indicators: in.indicators, md: in.md, now: b.opt.Now}
		p.templates = true // the template functions belong to the renderer
	}
	before := map[string]*page.Page{} // rel -> the page as it was, for what changed
	changedPages, staticChanged, err := b.readContent(ctx, p.content, before, &st)
	if err != nil {
		return nil, err
	}
	if p.packs {
		if err := b.syncPacks(ctx, before, changedPages); err != nil {
			return nil, err
		}
	}
	if err := b.checkPackClaims(); err != nil {
		return nil, err
	}
	pages, graph, err := b.link()
	if err != nil {
		return nil, err
	}
	gate, due, expires := reviewGate(pages, b.packs.Data, b.in.settings, b.opt.Now)
	if err := gate.Err(); err != nil {
		return nil, err
	}
	forms, err := resolveForms(pages, formLists(b.in.icbs, b.opt.Now))
	if err != nil {
		return nil, err
	}
	if err := b.checkOutputs(pages, forms); err != nil {
		return nil, err
	}
	imgChanged, err := b.sectionImages(ctx, pages, staticChanged)
	if err != nil {
		return nil, err
	}
	ch := b.changes(last, graph, changedPages, before)
	ch.set(view.ReadInputs, p.inputs)
	ch.images = imgChanged
	newAssets, err := b.loadLook(p, ch, last, graph, forms)
	if err != nil {
		return nil, err
	}
	render := b.renderSet(ch, pages, changedPages)
	direct := b.opt.Sink != nil && !b.built // the first build writes each page to the Sink and keeps no HTML
	outs, changed, err := b.renderPages(ctx, pages, render, forms, direct, &st)
	if err != nil {
		return nil, err
	}
	published := publishedSet(pages)
	if !b.built || ch.values[view.ReadSearch] || p.inputs {
		changed[SearchFile] = &outFile{path: SearchFile, data: searchJSON(b.r.Search(), b.packs.AreaURLs())}
	}
	if err := b.otherOutputs(changed, outs, pages, published, newAssets, staticChanged, imgChanged, p.packs, last, ch.graph || !b.built || p.inputs); err != nil {
		return nil, err
	}
	b.dropUnchanged(changed)
	if st.Checked, err = b.checkLinks(changed, pages); err != nil {
		return nil, err
	}
	files, err := b.commit(changed, outs, published, direct)
	if err != nil {
		return nil, err
	}
	b.graph = graph
	if p.packs {
		st.PacksBuilt = b.packs.Rebuilt
	}
	until := b.until()
	if !expires.IsZero() && (until.IsZero() || expires.Before(until)) {
		until = expires // the day a review passes, the build fails
	}
	return &Result{Files: files, Pages: pages, Changed: slices.Sorted(maps.Keys(changed)), Stats: st, Packs: b.packs.Reports,
		Reviews: due, Unconfirmed: b.in.settings.Unconfirmed(), Until: until}, nil
}

// link relates the published pages, content and generated, in a new graph.
func (b *Builder) link() ([]*page.Page, *page.Graph, error) {
	var pages []*page.Page
	for _, rel := range slices.Sorted(maps.Keys(mergeKeys(b.sources, b.packs.Pages))) {
		if pg := b.source(rel); b.published(pg) {
			pages = append(pages, pg)
		}
	}
	graph, err := page.Link(pages)
	return pages, graph, err
}

// loadLook rebuilds the assets and reloads the templates when the plan asks,
// points the renderer at this update's graph, forms, policy and packs, and
// records in ch which of the values pages read changed. It returns the new
// assets, or nil when they were not rebuilt.
func (b *Builder) loadLook(p plan, ch *changes, last *snapshot, graph *page.Graph, forms map[*page.Page]*form.Form) (*assets.Set, error) {
	r := b.r
	var newAssets *assets.Set
	if p.assets {
		var err error
		if newAssets, err = assets.Build(sub(b.root, AssetsDir), AssetsDir, b.in.highlightCSS, !b.opt.Preview); err != nil {
			return nil, err
		}
		for _, n := range newAssets.Names() {
			old := ""
			if r.assets != nil {
				old, _ = r.assets.URL(n)
			}
			if u, _ := newAssets.URL(n); u != old {
				ch.set(view.ReadAssets, true) // a page links an asset by a URL that moved
			}
		}
		r.assets = newAssets
		p.templates = true // their asset function reads the renderer they were loaded with
	}
	oldCSP := r.csp
	r.graph, r.forms, r.csp, r.faqs, r.search, r.packs, r.images = graph, forms, contentSecurityPolicy(formOrigins(forms)), &faqHub{}, &searchIndex{}, b.packs, b.images
	ch.set(view.ReadCSP, oldCSP != r.csp)
	b.forms = formsRead(forms)
	ch.set(view.ReadForms, b.forms != last.forms)
	if p.templates {
		oldTemplates := r.templates
		var err error
		if r.templates, err = layout.Load(sub(b.root, TemplatesDir), TemplatesDir, r.funcs()); err != nil {
			return nil, err
		}
		ch.templates = func(name string) bool {
			return oldTemplates == nil || oldTemplates.Reads(name) != r.templates.Reads(name)
		}
	}
	return newAssets, nil
}

// renderPages renders the pages in render on all cores; each page's files
// are made and scanned for links on the goroutine that rendered it (and
// with direct, written to the Sink). It returns what each rendered page
// produced and its files, by output path.
func (b *Builder) renderPages(ctx context.Context, pages []*page.Page, render map[string]bool, forms map[*page.Page]*form.Form, direct bool, st *Stats) (map[string]*pageOut, map[string]*outFile, error) {
	toRender := make([]*page.Page, 0, len(render))
	for _, pg := range pages {
		if render[pg.Rel] {
			toRender = append(toRender, pg)
		}
	}
	made := make([]madePage, len(toRender))
	var c diag.Collector
	err := work.Parallel(ctx, len(toRender), func(i int) error {
		var err error
		made[i], err = b.makePage(b.r, toRender[i], forms[toRender[i]], direct)
		return c.Add(err)
	})
	if err == nil {
		err = c.List().Err()
	}
	if err != nil {
		return nil, nil, err
	}
	st.Rendered = len(toRender)
	changed := map[string]*outFile{} // output path -> new content; nil: removed
	outs := map[string]*pageOut{}
	for i, pg := range toRender {
		st.RenderedPages = append(st.RenderedPages, pg.Rel)
		outs[pg.Rel] = made[i].out
		for _, f := range made[i].files {
			changed[f.path] = f
		}
	}
	return outs, changed, nil
}

// otherOutputs adds to changed every other output file this update makes
// or removes: the outputs of pages rendered again (outs) or no longer
// published that are gone, the assets, the static files (a file a section
// shows as its image is published only as the variants imageOutputs adds), the packs' files (packs:
// the packs were synced), the sitemap and robots.txt (structural: the
// site's shape or settings changed) and the headers file.
func (b *Builder) otherOutputs(changed map[string]*outFile, outs map[string]*pageOut, pages []*page.Page, published map[string]bool, newAssets *assets.Set, staticChanged, imgChanged map[string]bool, packs bool, last *snapshot, structural bool) error {
	set := func(name string, data []byte) { changed[name] = &outFile{path: name, data: data} }
	for rel, out := range b.outs {
		if !published[rel] || outs[rel] != nil {
			for _, f := range out.paths {
				if _, still := changed[f]; !still {
					changed[f] = nil
				}
			}
		}
	}
	if newAssets != nil {
		for f := range b.files {
			if strings.HasPrefix(f, AssetsDir+"/") {
				if _, ok := newAssets.Files[f]; !ok {
					changed[f] = nil
				}
			}
		}
		for f, data := range newAssets.Files {
			set(f, data)
		}
	}
	for rel := range mergeKeys(staticChanged, imgChanged) {
		if !b.static[rel] || b.images[rel] != nil { // gone, or published only as a section image's variants
			changed[rel] = nil
			continue
		}
		data, err := fs.ReadFile(b.root, path.Join(ContentDir, rel))
		if err != nil {
			return err
		}
		if strings.EqualFold(path.Ext(rel), ".svg") {
			if msg := svgProblem(data); msg != "" {
				return diag.Errorf(diag.Pos{File: path.Join(ContentDir, rel)}, "%s", msg)
			}
		}
		set(rel, data)
	}
	b.imageOutputs(changed, imgChanged, last)
	if packs {
		for f := range last.packs.Files {
			if _, ok := b.packs.Files[f]; !ok {
				changed[f] = nil
			}
		}
		for f, data := range b.packs.Files {
			set(f, data)
		}
	}
	if structural {
		set("sitemap.xml", sitemap(b.in.settings, pages))
		set("robots.txt", robots(b.in.settings))
	}
	// The CMS's files follow the pages, the settings, the packs' lists and
	// the stylesheet's name: looked at every update, its configuration
	// made again only when what it is made from changed (cmsFiles), and
	// dropped by dropUnchanged when they are the same.
	admin, err := b.cmsFiles(pages)
	if err != nil {
		return err
	}
	for f, data := range admin {
		set(f, data)
	}
	set("_headers", headers(b.r.csp, topDirs(b.files, changed)))
	return nil
}

// dropUnchanged keeps in changed only real changes: the preview reloads
// the pages that did change.
func (b *Builder) dropUnchanged(changed map[string]*outFile) {
	for f, o := range changed {
		if old, had := b.files[f]; (o == nil && !had) || (o != nil && !o.written && had && string(old) == string(o.data)) {
			delete(changed, f)
		}
	}
}

// commit makes the update's files (writing them to the Sink when direct)
// and keeps what each page rendered produced and read, forgetting the
// pages no longer published.
func (b *Builder) commit(changed map[string]*outFile, outs map[string]*pageOut, published map[string]bool, direct bool) (map[string][]byte, error) {
	files := maps.Clone(b.files)
	for f, o := range changed {
		switch {
		case o == nil:
			delete(files, f)
		case direct:
			if !o.written {
				if err := b.opt.Sink.Write(f, o.data); err != nil {
					return nil, err
				}
			}
			files[f] = nil // on the Sink only
		default:
			files[f] = o.data
		}
	}
	for rel := range b.outs {
		if !published[rel] {
			delete(b.outs, rel)
		}
	}
	maps.Copy(b.outs, outs)
	b.files = files
	return files, nil
}

// publishedSet is the rels of pages.
func publishedSet(pages []*page.Page) map[string]bool {
	m := make(map[string]bool, len(pages))
	for _, pg := range pages {
		m[pg.Rel] = true
	}
	return m
}

// syncPacks syncs the packs (packsOf) and records in changedPages (and in
// before, the page each replaces) the generated pages that changed.
func (b *Builder) syncPacks(ctx context.Context, before, changedPages map[string]*page.Page) error {
	st, err := b.packsOf(ctx)
	if err != nil {
		return err
	}
	for rel := range mergeKeys(st.Pages, b.packs.Pages) {
		if o, n := b.packs.Pages[rel], st.Pages[rel]; o != n {
			if _, ok := before[rel]; !ok {
				before[rel] = o
			}
			changedPages[rel] = n
		}
	}
	b.packs = st
	return nil
}

// checkPackClaims refuses a content file in the place of a pack download
// or of a generated pack page.
func (b *Builder) checkPackClaims() error {
	for _, f := range slices.Sorted(maps.Keys(b.packs.Files)) {
		if b.static[f] {
			what := "the packs' download"
			if f == RedirectsFile {
				what = "the host redirect file (the redirects of abolished ICBs' packs)"
			}
			return diag.Errorf(diag.Pos{File: path.Join(ContentDir, f)}, "the build writes %s itself, %s: remove this file", f, what)
		}
	}
	for _, rel := range slices.Sorted(maps.Keys(b.packs.Pages)) {
		if c := b.sources[rel]; c != nil {
			return diag.Errorf(diag.Pos{File: c.File}, "this file claims the place of the generated pack page %s: move it", b.packs.Pages[rel].URL)
		}
	}
	return nil
}

// checkOutputs refuses static files of a kind the site does not publish,
// and two sources of one output file.
func (b *Builder) checkOutputs(pages []*page.Page, forms map[*page.Page]*form.Form) error {
	var errs diag.List
	for _, rel := range slices.Sorted(maps.Keys(b.static)) {
		if msg := staticProblem(rel); msg != "" {
			errs = append(errs, diag.Errorf(diag.Pos{File: path.Join(ContentDir, rel)}, "%s", msg))
		}
	}
	if len(errs) == 0 {
		errs = claimOutputs(pages, b.static, b.packs.Files, forms)
	}
	return errs.Err()
}

// changes compares what pages read in the last snapshot with the graph and
// the changed pages of this update; the caller adds what it compares
// itself (the assets, the policy, the forms, the templates, the inputs).
func (b *Builder) changes(last *snapshot, graph *page.Graph, changedPages, before map[string]*page.Page) *changes {
	c := &changes{old: last.graph, new: graph, nav: map[string]bool{}, values: map[view.ReadKind]bool{}}
	if !b.built {
		return c // every page is new: nothing to compare (and 10,000 pages' facts to make for it)
	}
	for rel, n := range changedPages {
		o := before[rel]
		if b.navFacts(o) != b.navFacts(n) {
			c.nav[rel], c.graph = true, true
		}
		c.set(view.ReadHub, faqFacts(o) != faqFacts(n))
		c.set(view.ReadSearch, searchFacts(o) != searchFacts(n))
	}
	c.set(view.ReadHub, c.graph) // the hub follows the site's order and shows titles
	c.set(view.ReadSearch, c.graph || b.packs.Manifest != last.packs.Manifest || b.packs.AreaList != last.packs.AreaList)
	c.set(view.ReadPacks, b.packs.Digest != last.packs.Digest)
	c.set(view.ReadAreas, b.packs.AreaList != last.packs.AreaList)
	c.set(view.ReadManifest, b.packs.Manifest != last.packs.Manifest)
	return c
}

// renderSet decides which pages to render: the new ones, those whose own
// source changed, and those with a recorded read whose value changed.
func (b *Builder) renderSet(c *changes, pages []*page.Page, changedPages map[string]*page.Page) map[string]bool {
	render := map[string]bool{}
	scan := c.any()
	for _, pg := range pages {
		out := b.outs[pg.Rel]
		if out == nil || changedPages[pg.Rel] != nil || scan && slices.ContainsFunc(out.reads, c.changed) {
			render[pg.Rel] = true
		}
	}
	return render
}

// checkLinks tells the link index what changed (and puts back what a failed
// update showed it: b.unsynced), then reports the broken links of the site,
// naming the pages. It returns how many pages' links were checked.
func (b *Builder) checkLinks(changed map[string]*outFile, pages []*page.Page) (int, error) {
	sync := make(map[string]linkcheck.File, len(changed))
	for f, o := range changed {
		switch {
		case o == nil:
			sync[f] = linkcheck.File{}
		case o.scanned:
			sync[f] = o.link
		default:
			sync[f] = linkcheck.Scan(f, o.data)
		}
	}
	for f := range b.unsynced {
		if _, ok := sync[f]; !ok {
			data, had := b.files[f]
			if !had {
				data = nil
			}
			sync[f] = linkcheck.Scan(f, data)
		}
	}
	checked := b.links.Apply(sync)
	// The local copy of the CMS (Options.CMSScript) is served beside the
	// site by bcs serve -cms, not built into it.
	broken := slices.DeleteFunc(b.links.Broken(), func(l linkcheck.Broken) bool {
		return b.opt.CMSScript != "" && l.Page == AdminDir+"/index.html" && l.Href == b.opt.CMSScript
	})
	if err := reportBroken(broken, pages); err != nil {
		for f := range changed {
			b.unsynced[f] = true
		}
		return 0, err
	}
	clear(b.unsynced)
	return checked, nil
}

// Read is what the Builder's updates have read of the project so far (a
// name read again by a later update: what it gave then). After the first
// update it is every input of the site: what the build stamp replays.
func (b *Builder) Read() inputfs.Record { return b.root.Record() }

// External lists the external links of the site as last built, by address:
// not fetched (the build is offline), listed so that people can check
// them. It goes over every link of the site, so it is asked for, not made
// with every update (at 10,000 pages it was half of a one-page edit's time).
func (b *Builder) External() []linkcheck.External {
	return b.links.External()
}

// until is when the first page now left out for its future date is due.
func (b *Builder) until() time.Time {
	var t time.Time
	if b.opt.Future {
		return t
	}
	for _, p := range b.sources {
		if d := p.Date; !d.IsZero() && d.After(b.opt.Now) && (t.IsZero() || d.Before(t)) {
			t = d
		}
	}
	// The map of ICBs changes on its own days too: an announced merger.
	if b.in != nil && b.in.icbs != nil {
		if d := b.in.icbs.NextChange(b.opt.Now); !d.IsZero() && (t.IsZero() || d.Before(t)) {
			t = d
		}
	}
	return t
}

// outFile is one output file an update makes.
type outFile struct {
	path    string
	data    []byte         // nil once written to the Sink
	link    linkcheck.File // what the link check needs, when scanned is set
	scanned bool
	written bool // already on the Sink
}

// madePage is what rendering one page made.
type madePage struct {
	out   *pageOut
	files []*outFile
}

// makePage renders a page and makes its files: the page (with its form put
// in), its form's export and its alias redirects, each scanned for links.
// With direct set they are written to the Sink here, and not kept.
func (b *Builder) makePage(r *renderer, pg *page.Page, f *form.Form, direct bool) (madePage, error) {
	res, err := r.render(pg)
	if err != nil {
		return madePage{}, err
	}
	m := madePage{out: &pageOut{}}
	if !direct {
		m.out.reads = res.reads // a Builder writing to a Sink builds once: nothing to compare
	}
	add := func(name string, data []byte) error {
		o := &outFile{path: name, data: data, link: linkcheck.Scan(name, data), scanned: true}
		if direct {
			if err := b.opt.Sink.Write(name, data); err != nil {
				return err
			}
			o.data, o.written = nil, true
		}
		m.files = append(m.files, o)
		m.out.paths = append(m.out.paths, name)
		return nil
	}
	html := res.html
	if f != nil {
		var export []byte
		if html, export, err = r.finishForm(pg, f, html); err != nil {
			return madePage{}, err
		}
		if err := add(exportPath(f), export); err != nil {
			return madePage{}, err
		}
	}
	if err := add(pg.OutPath(), html); err != nil {
		return madePage{}, err
	}
	for _, a := range pg.Front.Aliases {
		if err := add(page.OutPath(a), redirectPage(b.in.settings, pg.URL)); err != nil {
			return madePage{}, err
		}
	}
	return m, nil
}

// source is the content page or generated page at rel, or nil.
func (b *Builder) source(rel string) *page.Page {
	if p := b.sources[rel]; p != nil {
		return p
	}
	return b.packs.Pages[rel]
}

// mergeKeys is the union of two maps' keys.
func mergeKeys[V any](a, b map[string]V) map[string]bool {
	m := map[string]bool{}
	for k := range a {
		m[k] = true
	}
	for k := range b {
		m[k] = true
	}
	return m
}

// published reports whether a page is in this build (drafts and future
// pages only when the options ask for them).
func (b *Builder) published(p *page.Page) bool {
	return p != nil && !p.Hidden(b.opt.Now, b.opt.Drafts, b.opt.Future)
}

// navFacts is everything about a page that other pages show (breadcrumbs,
// cards, menus, siblings, the sitemap): the value a view.ReadNav of it
// reads. "" for a page that is not published.
func (b *Builder) navFacts(p *page.Page) string {
	if p == nil || !b.published(p) {
		return ""
	}
	f := p.Front
	return fmt.Sprintf("%s|%s|%q|%q|%q|%q|%d|%v|%v|%v|%v|%q", p.Kind, p.URL, f.Title, f.LinkTitle, f.Description, f.Eyebrow,
		f.Weight, p.Date, p.Lastmod, f.Draft, f.NoIndex, f.Aliases)
}

// faqFacts is what the FAQ hub shows of a page's questions.
func faqFacts(p *page.Page) string {
	if p == nil {
		return ""
	}
	var b strings.Builder
	for _, s := range p.Front.Sections {
		for _, f := range s.FAQs {
			fmt.Fprintf(&b, "%q %q %q\n", f.ID, f.Question, f.Answer)
		}
	}
	return b.String()
}

// templateName is the template a page is rendered with.
func templateName(p *page.Page) string {
	if p.Front.Layout != "" {
		return p.Front.Layout
	}
	return string(p.Kind)
}
