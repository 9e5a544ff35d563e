// Package benchcorpus turns a synthetic corpus from ../shared/bench/make-corpus.py
// into a bcs project, for the benchmarks (the preview's edit-to-reload
// benchmark and the benchtable comparison with Hugo).
package benchcorpus

import (
	"embed"
	"io/fs"
	"os"
	"path/filepath"
	"strings"
)

// reference holds templates equivalent to the reference Hugo site in
// ../shared/bench/hugo-site: a base layout with a menu, a page template
// (single.html: title, date, content) and a list template (list.html:
// title, content, the pages below with their descriptions).
//
//go:embed templates
var reference embed.FS

// referenceKinds says which reference template each page kind uses.
var referenceKinds = map[string]string{
	"home.html": "list.html", "pillar.html": "list.html",
	"cluster.html": "single.html", "page.html": "single.html", "404.html": "single.html",
}

// Options say what goes into a project besides the corpus.
type Options struct {
	// Packs are the files copied from the repository's packs/; nil copies
	// all of it (and so builds every ICB's pack).
	Packs []string
	// SiteTemplates takes the repository's own templates instead of the
	// ones equivalent to the Hugo reference site.
	SiteTemplates bool
}

// Project makes a project of the corpus in dir: its pages, without the
// `tags:` line make-corpus.py writes (this site has no tags), templates,
// the repository's assets, from packs/ what o asks for, and settings (with
// the reference site's menu), a home page and a 404 page. repo is the
// repository root. It returns the number of corpus pages.
func Project(repo, corpus, dir string, o Options) (int, error) {
	n := 0
	err := filepath.WalkDir(corpus, func(p string, d fs.DirEntry, err error) error {
		if err != nil || d.IsDir() {
			return err
		}
		rel, _ := filepath.Rel(corpus, p)
		src, err := os.ReadFile(p)
		if err != nil {
			return err
		}
		var kept []string
		for _, l := range strings.Split(string(src), "\n") {
			if !strings.HasPrefix(l, "tags:") {
				kept = append(kept, l)
			}
		}
		n++
		return write(filepath.Join(dir, "content", rel), strings.Join(kept, "\n"))
	})
	if err != nil {
		return 0, err
	}
	dirs := []string{"assets"}
	if o.Packs == nil {
		dirs = append(dirs, "packs")
	}
	if o.SiteTemplates {
		dirs = append(dirs, "templates")
	} else {
		for _, name := range []string{"base.html", "partials/menu.html"} {
			if err := copyReference(name, filepath.Join(dir, "templates", name)); err != nil {
				return 0, err
			}
		}
		for kind, name := range referenceKinds {
			if err := copyReference(name, filepath.Join(dir, "templates", kind)); err != nil {
				return 0, err
			}
		}
	}
	for _, d := range dirs {
		if err := os.CopyFS(filepath.Join(dir, d), os.DirFS(filepath.Join(repo, d))); err != nil {
			return 0, err
		}
	}
	for _, f := range o.Packs {
		src, err := os.ReadFile(filepath.Join(repo, "packs", f))
		if err != nil {
			return 0, err
		}
		if err := write(filepath.Join(dir, "packs", f), string(src)); err != nil {
			return 0, err
		}
	}
	for name, data := range map[string]string{
		"content/_index.md": "---\ntitle: Synthetic site\ndescription: A benchmark corpus.\n---\nPages in twenty sections.\n",
		"content/404.md":    "---\ntitle: Page not found\ndescription: Nothing here.\n---\nTry the [home page](/).\n",
		"content/site.yaml": siteYAML,
	} {
		if err := write(filepath.Join(dir, name), data); err != nil {
			return 0, err
		}
	}
	return n, nil
}

// copyReference writes the reference template name to dst.
func copyReference(name, dst string) error {
	b, err := reference.ReadFile("templates/" + name)
	if err != nil {
		return err
	}
	return write(dst, string(b))
}

func write(name, data string) error {
	if err := os.MkdirAll(filepath.Dir(name), 0o755); err != nil {
		return err
	}
	return os.WriteFile(name, []byte(data), 0o644)
}

// siteYAML has the reference Hugo site's title and menu.
const siteYAML = `title: Care Services Benchmark
base_url: https://example.org/
organisation:
  name: Care Services Benchmark
menus:
  main:
    - {name: Home care, url: /home-care/}
    - {name: Live-in care, url: /live-in-care/}
    - {name: Dementia care, url: /dementia-care/}
    - {name: Funding, url: /funding/}
    - {name: FAQs, url: /faqs/}
    - {name: Contact, url: /contact/}
`
