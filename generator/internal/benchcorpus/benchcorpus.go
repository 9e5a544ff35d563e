// Package benchcorpus turns a synthetic corpus from ../shared/bench/make-corpus.py
// into a bcs project, for the benchmarks (the preview's edit-to-reload
// benchmark and the benchtable comparison with Hugo).
package benchcorpus

import (
	"io/fs"
	"os"
	"path/filepath"
	"strings"
)

// Project makes a project of the corpus in dir: its pages, without the
// `tags:` line make-corpus.py writes (this site has no tags), the
// repository's templates and assets, from packs/ the given files (all of
// it when packs is nil), and settings, a home page and a 404 page. repo is
// the repository root. It returns the number of corpus pages.
func Project(repo, corpus, dir string, packs []string) (int, error) {
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
	dirs := []string{"templates", "assets"}
	if packs == nil {
		dirs = append(dirs, "packs")
	}
	for _, d := range dirs {
		if err := os.CopyFS(filepath.Join(dir, d), os.DirFS(filepath.Join(repo, d))); err != nil {
			return 0, err
		}
	}
	for _, f := range packs {
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
		"content/site.yaml": "title: Bench\nbase_url: https://bench.example/\norganisation:\n  name: Bench\nmenus:\n  main:\n    - name: Guides\n      url: /guides/\n    - name: News\n      url: /news/\n",
	} {
		if err := write(filepath.Join(dir, name), data); err != nil {
			return 0, err
		}
	}
	return n, nil
}

func write(name, data string) error {
	if err := os.MkdirAll(filepath.Dir(name), 0o755); err != nil {
		return err
	}
	return os.WriteFile(name, []byte(data), 0o644)
}
