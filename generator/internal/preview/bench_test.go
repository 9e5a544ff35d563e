package preview

import (
	"fmt"
	"io/fs"
	"os"
	"path/filepath"
	"slices"
	"strings"
	"testing"
	"time"
)

// BenchmarkEditToReload measures what a writer waits for: from writing a
// page's Markdown to the browser being told to reload it (the SSE change
// event naming the page), through the watcher, the debounce, the
// incremental rebuild and the stream. It reports the median and the 90th
// percentile in ms.
//
//   - real: the repository's own site.
//   - corpus: the synthetic site in $BCS_BENCH_CORPUS (make bench makes one of
//     10,000 pages with ../shared/bench/make-corpus.py); skipped without it.
func BenchmarkEditToReload(b *testing.B) {
	b.Run("real", func(b *testing.B) {
		root := b.TempDir()
		for _, d := range []string{"content", "templates", "assets", "packs"} {
			copyTree(b, filepath.Join("../../..", d), filepath.Join(root, d))
		}
		editLoop(b, root, "content/medicines-optimisation/pcn-smr.md", "/medicines-optimisation/pcn-smr/")
	})
	b.Run("corpus", func(b *testing.B) {
		corpus := os.Getenv("BCS_BENCH_CORPUS")
		if corpus == "" {
			b.Skip("set BCS_BENCH_CORPUS to a folder made by ../shared/bench/make-corpus.py (make bench does)")
		}
		root := b.TempDir()
		n := corpusProject(b, corpus, root)
		b.Logf("%d pages", n)
		editLoop(b, root, "content/guides/page-00016.md", "/guides/page-00016/")
	})
}

func editLoop(b *testing.B, root, file, url string) {
	r := start(b, root)
	ev := listen(b, r.url)
	ev.next(b, evReady)
	orig, err := os.ReadFile(filepath.Join(root, file))
	if err != nil {
		b.Fatal(err)
	}
	var times []time.Duration
	b.ResetTimer()
	for i := 0; b.Loop(); i++ {
		edited := append(slices.Clone(orig), fmt.Sprintf("\nEdit number %d.\n", i)...)
		t0 := time.Now()
		if err := os.WriteFile(filepath.Join(root, file), edited, 0o644); err != nil {
			b.Fatal(err)
		}
		for {
			c := ev.next(b, evChange)
			if slices.ContainsFunc(c["pages"].([]any), func(p any) bool { return p == url }) {
				break
			}
		}
		times = append(times, time.Since(t0))
	}
	b.StopTimer()
	slices.Sort(times)
	ms := func(d time.Duration) float64 { return float64(d.Microseconds()) / 1000 }
	b.ReportMetric(ms(times[len(times)/2]), "ms-median")
	b.ReportMetric(ms(times[len(times)*9/10]), "ms-p90")
}

// corpusProject makes a project of the synthetic corpus in dir: its pages,
// the repository's templates, assets and data, and settings whose menus
// point into the corpus. make-corpus.py writes `tags:`, which this site does
// not have, so that line is dropped.
func corpusProject(b *testing.B, corpus, root string) int {
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
		var lines []string
		for _, l := range strings.Split(string(src), "\n") {
			if !strings.HasPrefix(l, "tags:") {
				lines = append(lines, l)
			}
		}
		n++
		return writeFile(filepath.Join(root, "content", rel), strings.Join(lines, "\n"))
	})
	if err != nil {
		b.Fatal(err)
	}
	for _, d := range []string{"templates", "assets", "packs"} {
		copyTree(b, filepath.Join("../../..", d), filepath.Join(root, d))
	}
	files := map[string]string{
		"content/_index.md": "---\ntitle: Synthetic site\ndescription: A benchmark corpus.\n---\nPages in twenty sections.\n",
		"content/404.md":    "---\ntitle: Page not found\ndescription: Nothing here.\n---\nTry the [home page](/).\n",
		"content/site.yaml": "title: Bench\nbase_url: https://bench.example/\norganisation:\n  name: Bench\nmenus:\n  main:\n    - name: Guides\n      url: /guides/\n    - name: News\n      url: /news/\n",
	}
	for name, data := range files {
		if err := writeFile(filepath.Join(root, name), data); err != nil {
			b.Fatal(err)
		}
	}
	return n
}

func copyTree(b testing.TB, from, to string) {
	err := filepath.WalkDir(from, func(p string, d fs.DirEntry, err error) error {
		if err != nil || d.IsDir() {
			return err
		}
		rel, _ := filepath.Rel(from, p)
		data, err := os.ReadFile(p)
		if err != nil {
			return err
		}
		return writeFile(filepath.Join(to, rel), string(data))
	})
	if err != nil {
		b.Fatal(err)
	}
}

func writeFile(name, data string) error {
	if err := os.MkdirAll(filepath.Dir(name), 0o755); err != nil {
		return err
	}
	return os.WriteFile(name, []byte(data), 0o644)
}
