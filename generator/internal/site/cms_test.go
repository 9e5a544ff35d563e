package site

import (
	"context"
	"crypto/sha512"
	"encoding/base64"
	"encoding/json"
	"html"
	"net/http"
	"net/http/httptest"
	"os"
	"path/filepath"
	"regexp"
	"slices"
	"strings"
	"testing"
	"testing/fstest"

	"github.com/goccy/go-yaml"

	"github.com/bcs/publish/generator/internal/statichost"
)

// The release /admin/ loads from the CDN is the one make cms fetches:
// generator/cms/decap.json and the constants name the same version and
// the same script hash.
func TestPinnedCMS(t *testing.T) {
	src, err := os.ReadFile("../../cms/decap.json")
	if err != nil {
		t.Fatal(err)
	}
	var pin struct {
		Version      string `json:"version"`
		ScriptSHA384 string `json:"script_sha384"`
	}
	if err := json.Unmarshal(src, &pin); err != nil {
		t.Fatal(err)
	}
	if pin.Version != DecapVersion || pin.ScriptSHA384 != DecapIntegrity {
		t.Errorf("generator/cms/decap.json pins %s %s; site/cms.go %s %s", pin.Version, pin.ScriptSHA384, DecapVersion, DecapIntegrity)
	}
	if !strings.Contains(DecapScript, "@"+DecapVersion+"/") {
		t.Errorf("DecapScript %s is not release %s", DecapScript, DecapVersion)
	}
	// A copy fetched by make cms (fetch.mjs) has the pinned hash.
	local, err := os.ReadFile("../../cms/decap/decap-cms.js")
	if os.IsNotExist(err) {
		return // not fetched on this machine: the browser test fetches it
	} else if err != nil {
		t.Fatal(err)
	}
	sum := sha512.Sum384(local)
	if got := "sha384-" + base64.StdEncoding.EncodeToString(sum[:]); got != DecapIntegrity {
		t.Errorf("generator/cms/decap/decap-cms.js is %s, not the pinned %s", got, DecapIntegrity)
	}
}

// /admin/ of the real site: the page loads the pinned CMS (checked by the
// browser against its hash) and the preview's stylesheet; the
// configuration has a collection for the home page, one for each pillar
// section and one for the other pages, pointing at files that exist.
func TestAdmin(t *testing.T) {
	s := realSite(t)
	index := html.UnescapeString(string(s.Files["admin/index.html"]))
	for _, want := range []string{
		`<script src="` + DecapScript + `" integrity="` + DecapIntegrity + `" crossorigin="anonymous">`,
		`<link href="/admin/config.yml" type="text/yaml" rel="cms-config-url">`,
		`<meta name="robots" content="noindex">`,
		`<script src="/admin/preview.js">`,
	} {
		if !strings.Contains(index, want) {
			t.Errorf("admin/index.html lacks %s:\n%s", want, index)
		}
	}
	css := regexp.MustCompile(`registerPreviewStyle\("/(assets/site\.[0-9a-f]+\.css)"\)`).FindStringSubmatch(string(s.Files["admin/preview.js"]))
	if css == nil || s.Files[css[1]] == nil {
		t.Errorf("admin/preview.js does not load the built stylesheet: %s", s.Files["admin/preview.js"])
	}
	var c struct {
		Collections []struct {
			Name, Folder string
			Files        []struct{ File string }
		}
	}
	if err := yaml.Unmarshal(s.Files["admin/config.yml"], &c); err != nil {
		t.Fatal(err)
	}
	var names []string
	for _, col := range c.Collections {
		names = append(names, col.Name)
		if col.Folder != "" {
			if fi, err := os.Stat(filepath.Join("../../..", col.Folder)); err != nil || !fi.IsDir() {
				t.Errorf("collection %s: folder %s: %v", col.Name, col.Folder, err)
			}
		}
		for _, f := range col.Files {
			if _, err := os.Stat(filepath.Join("../../..", f.File)); err != nil {
				t.Errorf("collection %s: %v", col.Name, err)
			}
		}
	}
	if want := []string{"home", "medicines-optimisation", "packs", "pages"}; !slices.Equal(names, want) {
		t.Errorf("collections %v, want %v", names, want)
	}
	if strings.Contains(string(s.Files["sitemap.xml"]), "/admin/") {
		t.Error("the sitemap lists /admin/")
	}
}

// Served as a static host serves public/ (its _headers), every path of the
// real site but /admin/ has the site's strict Content-Security-Policy, the
// same one each page declares, with no inline styles and no outside
// script; /admin/ has the CMS's alone. A host sends every matching rule's
// headers, so a looser policy for /admin/ must not reach other paths, and
// the strict one must not reach /admin/ (the browser would enforce both).
func TestContentSecurityPolicy(t *testing.T) {
	s := realSite(t)
	dir := t.TempDir()
	for name, data := range s.Files {
		p := filepath.Join(dir, filepath.FromSlash(name))
		if err := os.MkdirAll(filepath.Dir(p), 0o755); err != nil {
			t.Fatal(err)
		}
		if err := os.WriteFile(p, data, 0o644); err != nil {
			t.Fatal(err)
		}
	}
	h, err := statichost.New(dir)
	if err != nil {
		t.Fatal(err)
	}
	declared := regexp.MustCompile(`<meta http-equiv="Content-Security-Policy" content="([^"]+)">`)
	meta := declared.FindSubmatch(s.Files["index.html"])
	if meta == nil {
		t.Fatal("index.html declares no policy")
	}
	strict := strings.ReplaceAll(string(meta[1]), "&#39;", "'") + "; frame-ancestors 'none'"
	for _, bad := range []string{"unsafe-inline", "unsafe-eval", "unpkg", "https:"} {
		if strings.Contains(strict, bad) {
			t.Fatalf("the site's policy allows %s: %s", bad, strict)
		}
	}
	policy := func(path string) []string {
		w := httptest.NewRecorder()
		h.ServeHTTP(w, httptest.NewRequest(http.MethodGet, path, nil))
		return w.Result().Header.Values("Content-Security-Policy")
	}
	paths := []string{"/", "/not-a-page", "/admin/"}
	for name := range s.Files {
		if name == statichost.HeadersFile || name == statichost.RedirectsFile {
			continue
		}
		paths = append(paths, "/"+strings.TrimSuffix(name, "index.html"))
	}
	slices.Sort(paths)
	admin := 0
	for _, p := range paths {
		want := strict
		if strings.HasPrefix(p, "/admin/") {
			want, admin = cmsPolicy("https://api.github.com"), admin+1
		}
		if got := policy(p); !slices.Equal(got, []string{want}) {
			t.Errorf("%s: Content-Security-Policy %q, want only %q", p, got, want)
		}
	}
	if admin != 4 { // /admin/ twice (the page and its index.html), config.yml, preview.js
		t.Errorf("%d paths under /admin/, want 4", admin)
	}
	// A page's own policy agrees with its header's.
	for name, data := range s.Files {
		if strings.HasSuffix(name, ".html") && !strings.HasPrefix(name, AdminDir+"/") && !s.isRedirect(name) {
			if got := declared.FindSubmatch(data); got == nil || string(got[1]) != string(meta[1]) {
				t.Errorf("%s declares another policy than index.html", name)
			}
		}
	}
}

// The CMS writes a page's front matter afresh when it saves it, and keeps
// no comment: explanations live in README.md, never in content/'s front
// matter, where the first save would drop them.
func TestNoCommentsInFrontMatter(t *testing.T) {
	pages, err := filepath.Glob("../../../content/*.md")
	if err != nil {
		t.Fatal(err)
	}
	more, _ := filepath.Glob("../../../content/*/*.md")
	comment := regexp.MustCompile(`(?m)^\s*#`)
	for _, f := range append(pages, more...) {
		src, err := os.ReadFile(f)
		if err != nil {
			t.Fatal(err)
		}
		fm, _, _ := strings.Cut(strings.TrimPrefix(string(src), "---\n"), "\n---\n")
		if loc := comment.FindStringIndex(fm); loc != nil {
			t.Errorf("%s:%d: a comment in the front matter, which the CMS drops: move it to README.md", f, strings.Count(fm[:loc[0]], "\n")+2)
		}
	}
	if len(pages)+len(more) < 10 {
		t.Fatalf("only %d pages found", len(pages)+len(more))
	}
}

// The CMS's configuration is made again only when what it is made from
// changes: an edit to a page's text reuses it (making it takes about
// 90 ms, too long for every keystroke's rebuild in the preview); a new
// page collection does not.
func TestCMSConfigRemadeOnlyWhenItsInputsChange(t *testing.T) {
	fsys := project(t, nil)
	b := NewBuilder(fsys, Options{Now: now})
	if _, err := b.Update(context.Background(), nil); err != nil {
		t.Fatal(err)
	}
	first := b.cms
	fsys["content/guide/one.md"] = &fstest.MapFile{Data: append(fsys["content/guide/one.md"].Data, "\nMore words.\n"...)}
	if _, err := b.Update(context.Background(), []string{"content/guide/one.md"}); err != nil {
		t.Fatal(err)
	}
	if b.cms != first {
		t.Error("a page's text edit made the CMS's configuration again")
	}
	fsys["content/more/_index.md"] = &fstest.MapFile{Data: []byte("---\ntitle: More\ndescription: A new section.\n---\n")}
	res, err := b.Update(context.Background(), []string{"content/more/_index.md"})
	if err != nil {
		t.Fatal(err)
	}
	if b.cms == first || !slices.Contains(res.Changed, "admin/config.yml") || !strings.Contains(string(res.Files["admin/config.yml"]), "folder: content/more") {
		t.Errorf("a new section did not reach the CMS's configuration (changed %v)", res.Changed)
	}
}
