package preview

import (
	"fmt"
	"io/fs"
	"os"
	"path/filepath"
	"slices"
	"testing"
	"time"

	"github.com/bcs/publish/generator/internal/benchcorpus"
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
		// The project of the benchtable comparison: templates equivalent to
		// the Hugo reference site's, no packs.
		n, err := benchcorpus.Project("../../..", corpus, root, benchcorpus.Options{Packs: []string{"indicators.yaml", "icbs.yaml"}})
		if err != nil {
			b.Fatal(err)
		}
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
