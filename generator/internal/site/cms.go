package site

import (
	"bytes"
	"fmt"
	"html/template"
	"maps"
	"path"
	"slices"
	"strings"

	"github.com/bcs/publish/generator/internal/cms"
	"github.com/bcs/publish/generator/internal/page"
)

// AdminDir is where the CMS is published: /admin/ (generator/internal/cms
// makes its configuration).
const AdminDir = "admin"

// The Decap CMS release /admin/ loads when no local copy is given
// (Options.CMSScript): pinned, and checked by the browser against its
// hash. generator/cms/decap.json pins the same release for make cms (its
// fetch.mjs checks the hashes), and TestPinnedCMS holds the two together.
const (
	DecapVersion   = "3.16.3"
	DecapScript    = "https://unpkg.com/decap-cms@" + DecapVersion + "/dist/decap-cms.js"
	DecapIntegrity = "sha384-A/Gdn928CNLufmnGWGs9RM4Q9o8bSNLeJERqBFrBjwzL7FRpoLT3MPF8Tl0+Wd2p"
	decapOrigin    = "https://unpkg.com"
)

// cmsPolicy is the Content-Security-Policy of /admin/ alone: the CMS is a
// single-page application that needs what no other page may have, styles
// written into the page (its components), WebAssembly (its Markdown
// parser), pictures from blob: addresses (uploads before they are saved),
// its own script's host and the Git host's API; the local backend (make
// cms) is on the loopback.
func cmsPolicy(backendAPI string) string {
	return "default-src 'self'; script-src 'self' " + decapOrigin + " 'wasm-unsafe-eval'; style-src 'self' 'unsafe-inline'; " +
		"img-src 'self' data: blob: https:; font-src 'self' data:; connect-src 'self' " + decapOrigin + " " + backendAPI +
		" http://localhost:" + cms.LocalPort + " http://127.0.0.1:" + cms.LocalPort + "; frame-src 'self' blob:; object-src 'none'; base-uri 'self'; form-action 'self'; frame-ancestors 'none'"
}

var adminTmpl = template.Must(template.New("admin").Parse(`<!DOCTYPE html>
<html lang="{{.Lang}}">
<head>
<meta charset="utf-8">
<meta name="viewport" content="width=device-width, initial-scale=1">
<meta name="robots" content="noindex">
<title>Edit the site · {{.Site}}</title>
<link href="/admin/config.yml" type="text/yaml" rel="cms-config-url">
</head>
<body>
<script src="{{.Script}}"{{if .Integrity}} integrity="{{.Integrity}}" crossorigin="anonymous"{{end}}></script>
<script src="/admin/preview.js"></script>
</body>
</html>
`))

// cmsConfig is the CMS's config.yml and a key of the cms.Inputs it was
// made from.
type cmsConfig struct {
	key  string
	data []byte
}

// cmsFiles are /admin/'s files: the page that loads the CMS, its
// configuration made from the schema, and the script that gives the CMS's
// preview the site's stylesheet.
func (b *Builder) cmsFiles(pages []*page.Page) (map[string][]byte, error) {
	s := b.in.settings
	in := cms.Inputs{
		Backend: map[string]string{"name": "github", "repo": s.CMS.Repo, "branch": s.CMS.Branch},
		SiteURL: strings.TrimSuffix(s.BaseURL, "/"),
		Blocks:  slices.Sorted(maps.Keys(s.Blocks)),
		Lists:   slices.Sorted(maps.Keys(formLists(b.in.icbs, b.opt.Now))),
		Titles:  map[string]string{},
	}
	for _, p := range pages {
		if !p.Generated && p.Front.Form != nil {
			in.Forms = append(in.Forms, p.Rel)
		}
		switch {
		case p.Generated:
		case p.Kind == page.Home:
			in.Home = p.Rel
		case p.Kind == page.Plain || p.Kind == page.NotFound:
			in.Plain = append(in.Plain, p.Rel)
			in.Titles[p.Rel] = p.Front.Title
		case p.Kind == page.Pillar:
			dir := path.Dir(p.Rel)
			in.Sections = append(in.Sections, cms.Section{Dir: dir, Title: p.LinkText(), Clinical: slices.Contains(s.ClinicalSections, dir)})
		}
	}
	slices.Sort(in.Plain)
	for _, id := range b.in.indicators.IDs() { // nil-safe: a site without packs/ has none
		ind, _ := b.in.indicators.Lookup(id)
		in.Indicators = append(in.Indicators, cms.Option{Label: ind.Title, Value: id})
	}
	if b.packs != nil && b.packs.Data != nil && b.packs.Data.Manifest != nil {
		m := b.packs.Data.Manifest
		for _, d := range m.Documents {
			in.Pack = append(in.Pack, cms.Option{Label: d.Title, Value: d.ID})
		}
		for _, w := range m.Workbooks {
			in.Pack = append(in.Pack, cms.Option{Label: w.Title, Value: w.ID})
		}
	}
	for _, name := range b.r.templates.Names() {
		if !slices.Contains([]page.Kind{page.Home, page.Pillar, page.Cluster, page.Plain, page.NotFound}, page.Kind(name)) {
			in.Layouts = append(in.Layouts, name)
		}
	}
	// Making config.yml takes about 90 ms (400 KB of YAML, the fields
	// repeated in each collection and file): an edit to a page's text
	// changes none of its inputs, and must not wait for it.
	if key := fmt.Sprintf("%#v", in); b.cms == nil || b.cms.key != key {
		c, err := cms.Make(in)
		if err != nil {
			return nil, fmt.Errorf("the CMS's configuration: %w", err)
		}
		data, err := c.Marshal()
		if err != nil {
			return nil, err
		}
		b.cms = &cmsConfig{key: key, data: data}
	}
	config := b.cms.data
	css, err := b.r.assets.URL("site.css")
	if err != nil {
		return nil, err
	}
	script, integrity := DecapScript, DecapIntegrity
	if b.opt.CMSScript != "" {
		script, integrity = b.opt.CMSScript, ""
	}
	var index bytes.Buffer
	if err := adminTmpl.Execute(&index, map[string]string{"Lang": s.Language, "Site": s.Title, "Script": script, "Integrity": integrity}); err != nil {
		return nil, err
	}
	preview := fmt.Sprintf("// Made by the build: the CMS's preview shows the page in the site's own stylesheet.\nCMS.registerPreviewStyle(%q);\n", css)
	return map[string][]byte{
		AdminDir + "/index.html": index.Bytes(),
		AdminDir + "/config.yml": config,
		AdminDir + "/preview.js": []byte(preview),
	}, nil
}
