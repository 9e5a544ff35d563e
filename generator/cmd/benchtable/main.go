// Command benchtable measures whole builds of the same synthetic Markdown
// corpus by bcs, by Hugo (when installed) and by a bare floor (read, front
// matter split, goldmark with chroma highlighting, write: no templates, no
// links, no site graph), and prints a table: wall, CPU, peak RSS, pages/s,
// and ratios to Hugo, to the floor and to bcs's own cold build. bcs runs
// three ways: cold (-no-cache), with a warm highlight cache into a fresh
// folder, and again with nothing changed. Runs are interleaved (bcs, Hugo,
// floor, bcs warm, bcs no change, bcs, ...) and the table gives medians.
// bcs uses templates equivalent to the Hugo reference site's (see package
// benchcorpus). A second table gives the figures that come from Go
// benchmarks: the one-page edit through the preview server, the packs and
// the form receiver.
//
//	go run ./generator/cmd/benchtable -shared ../shared/bench -sizes 1000,10000 -runs 3
//
// It is a development tool for `make bench`, run from the repository root;
// only it reads ../shared/bench (the corpus generator and the Hugo site).
package main

import (
	"bytes"
	"errors"
	"flag"
	"fmt"
	"io/fs"
	"os"
	"os/exec"
	"path/filepath"
	"runtime"
	"slices"
	"strconv"
	"strings"
	"sync"
	"syscall"
	"time"

	"github.com/alecthomas/chroma/v2"
	chromahtml "github.com/alecthomas/chroma/v2/formatters/html"
	"github.com/alecthomas/chroma/v2/lexers"
	"github.com/alecthomas/chroma/v2/styles"
	"github.com/yuin/goldmark"
	"github.com/yuin/goldmark/ast"
	"github.com/yuin/goldmark/extension"
	"github.com/yuin/goldmark/renderer"
	"github.com/yuin/goldmark/util"

	"github.com/bcs/publish/generator/internal/benchcorpus"
)

func main() {
	if len(os.Args) == 4 && os.Args[1] == "floor" {
		if err := floor(os.Args[2], os.Args[3]); err != nil {
			fmt.Fprintln(os.Stderr, "floor:", err)
			os.Exit(1)
		}
		return
	}
	shared := flag.String("shared", "../shared/bench", "folder with make-corpus.py and hugo-site/")
	sizes := flag.String("sizes", "1000,10000", "corpus sizes, in pages")
	runs := flag.Int("runs", 3, "cold builds per tool and size (interleaved)")
	goBench := flag.Bool("gobench", true, "also run the Go benchmarks of the one-page edit (on the largest corpus), the packs and the form receiver")
	flag.Parse()
	if err := run(*shared, *sizes, *runs, *goBench); err != nil {
		fmt.Fprintln(os.Stderr, "benchtable:", err)
		os.Exit(1)
	}
}

// measure is one process run.
type measure struct {
	wall, cpu time.Duration
	rssKB     int64
	stdout    string
}

func runProcess(dir string, name string, args ...string) (measure, error) {
	cmd := exec.Command(name, args...)
	cmd.Dir = dir
	var stdout, stderr bytes.Buffer
	cmd.Stdout, cmd.Stderr = &stdout, &stderr
	start := time.Now()
	err := cmd.Run()
	m := measure{wall: time.Since(start), stdout: stdout.String()}
	if err != nil {
		return m, fmt.Errorf("%s %s: %v\n%s", name, strings.Join(args, " "), err, stderr.String())
	}
	m.cpu = cmd.ProcessState.UserTime() + cmd.ProcessState.SystemTime()
	if ru, ok := cmd.ProcessState.SysUsage().(*syscall.Rusage); ok {
		m.rssKB = ru.Maxrss
	}
	return m, nil
}

func run(shared, sizeList string, runs int, goBench bool) error {
	repo, err := os.Getwd()
	if err != nil {
		return err
	}
	tmp, err := os.MkdirTemp("", "bcs-benchtable-")
	if err != nil {
		return err
	}
	defer os.RemoveAll(tmp)
	self, err := os.Executable()
	if err != nil {
		return err
	}
	bcs := filepath.Join(tmp, "bcs")
	if out, err := exec.Command("go", "build", "-o", bcs, "./generator/cmd/bcs").CombinedOutput(); err != nil {
		return fmt.Errorf("go build: %v\n%s", err, out)
	}
	hugo, hugoErr := exec.LookPath("hugo")
	if hugoErr != nil {
		fmt.Println("Hugo is not installed (apt-get install hugo): its rows and the ratios to it are left out.")
	}
	var rows []string
	largest := ""
	for _, s := range strings.Split(sizeList, ",") {
		n, err := strconv.Atoi(strings.TrimSpace(s))
		if err != nil {
			return fmt.Errorf("size %q: %v", s, err)
		}
		corpus := filepath.Join(tmp, fmt.Sprintf("corpus-%d", n))
		if out, err := exec.Command("python3", filepath.Join(shared, "make-corpus.py"), corpus, strconv.Itoa(n)).CombinedOutput(); err != nil {
			return fmt.Errorf("make-corpus.py: %v\n%s", err, out)
		}
		largest = corpus
		project := filepath.Join(tmp, fmt.Sprintf("project-%d", n))
		// No pack.yaml, so no packs: Hugo builds none.
		pages, err := benchcorpus.Project(repo, corpus, project, benchcorpus.Options{Packs: []string{"indicators.yaml", "icbs.yaml"}})
		if err != nil {
			return err
		}
		pages += 2 // the home and 404 pages
		hugoSite := filepath.Join(tmp, "hugo-site")
		if hugoErr == nil {
			if err := os.CopyFS(hugoSite, os.DirFS(filepath.Join(shared, "hugo-site"))); err != nil && !errors.Is(err, fs.ErrExist) {
				return err
			}
		}
		// The warm runs use a cache one build has filled.
		cache := filepath.Join(tmp, fmt.Sprintf("cache-%d", n))
		if _, err := runProcess(repo, bcs, "build", "-root", project, "-cache", cache, "-out", filepath.Join(tmp, fmt.Sprintf("prime-%d", n))); err != nil {
			return err
		}
		results := map[string][]measure{}
		for r := range runs {
			fresh := func(name string) string {
				d := filepath.Join(tmp, fmt.Sprintf("out-%s-%d-%d", name, n, r))
				os.RemoveAll(d)
				return d
			}
			add := func(tool string, name string, args ...string) error {
				m, err := runProcess(repo, name, args...)
				results[tool] = append(results[tool], m)
				return err
			}
			if err := add(toolCold, bcs, "build", "-no-cache", "-root", project, "-out", fresh("bcs")); err != nil {
				return err
			}
			if hugoErr == nil {
				os.RemoveAll(filepath.Join(hugoSite, "resources"))
				if err := add(toolHugo, hugo, "--quiet", "-s", hugoSite, "--contentDir", corpus, "-d", fresh("hugo"), "--cacheDir", fresh("hugo-cache")); err != nil {
					return err
				}
			}
			if err := add(toolFloor, self, "floor", corpus, fresh("floor")); err != nil {
				return err
			}
			warm := fresh("warm")
			if err := add(toolWarm, bcs, "build", "-root", project, "-cache", cache, "-out", warm); err != nil {
				return err
			}
			if err := add(toolSame, bcs, "build", "-root", project, "-cache", cache, "-out", warm); err != nil {
				return err
			}
			if last := results[toolSame][len(results[toolSame])-1]; !strings.Contains(last.stdout, "up to date") {
				return fmt.Errorf("a second build with nothing changed did work: %s", last.stdout)
			}
		}
		med := map[string]measure{}
		for tool, ms := range results {
			med[tool] = median(ms)
		}
		for _, tool := range []string{toolCold, toolWarm, toolSame, toolHugo, toolFloor} {
			m, ok := med[tool]
			if !ok {
				continue
			}
			ratio := func(other string, get func(measure) float64) string {
				o, ok := med[other]
				if !ok || tool == other {
					return "-"
				}
				return fmt.Sprintf("%.2f", get(m)/get(o))
			}
			wall := func(m measure) float64 { return m.wall.Seconds() }
			rss := func(m measure) float64 { return float64(m.rssKB) }
			rows = append(rows, fmt.Sprintf("| %d | %s | %.2f s | %.2f s | %d MiB | %.0f | %s | %s | %s | %s |", n, tool, m.wall.Seconds(), m.cpu.Seconds(), m.rssKB/1024,
				float64(pages)/m.wall.Seconds(), ratio(toolHugo, wall), ratio(toolFloor, wall), ratio(toolCold, wall), ratio(toolHugo, rss)))
		}
	}
	fmt.Printf("\nWhole builds, one process each, medians of %d interleaved runs, %d CPUs (%s/%s):\n\n", runs, runtime.NumCPU(), runtime.GOOS, runtime.GOARCH)
	fmt.Println("| pages | build | wall | CPU | peak RSS | pages/s | wall / Hugo | wall / floor | wall / bcs cold | RSS / Hugo |")
	fmt.Println("|---:|---|---:|---:|---:|---:|---:|---:|---:|---:|")
	for _, r := range rows {
		fmt.Println(r)
	}
	fmt.Printf("\n%s: bcs build -no-cache into a fresh folder. %s: the Markdown cache (converted pieces and highlighted code) filled by an earlier build, a fresh folder.\n", toolCold, toolWarm)
	fmt.Printf("%s: bcs build again with nothing changed. %s: hugo into a fresh folder with a fresh cache. %s: read, goldmark + chroma, write.\n", toolSame, toolHugo, toolFloor)
	if goBench {
		return otherFigures(repo, largest)
	}
	return nil
}

// The builds in the table.
const (
	toolCold  = "bcs, cold"
	toolWarm  = "bcs, warm cache"
	toolSame  = "bcs, no change"
	toolHugo  = "Hugo 0.111, cold"
	toolFloor = "floor"
)

// otherFigures runs the Go benchmarks behind the figures that are not whole
// builds, and prints their medians.
func otherFigures(repo, corpus string) error {
	type figure struct {
		what, pkg, bench, benchtime, metric, unit string
		env                                       []string
		scale                                     float64
	}
	figures := []figure{
		{what: "one-page body edit to browser reload, 10,000-page corpus (median)", pkg: "./generator/internal/preview/", bench: "EditToReload/corpus",
			benchtime: "50x", metric: "ms-median", unit: "ms", env: []string{"BCS_BENCH_CORPUS=" + corpus}, scale: 1},
		{what: "one-page body edit to browser reload, 10,000-page corpus (90th percentile)", pkg: "./generator/internal/preview/", bench: "EditToReload/corpus",
			benchtime: "50x", metric: "ms-p90", unit: "ms", env: []string{"BCS_BENCH_CORPUS=" + corpus}, scale: 1},
		{what: "one-page body edit to browser reload, the real site (median)", pkg: "./generator/internal/preview/", bench: "EditToReload/real",
			benchtime: "50x", metric: "ms-median", unit: "ms", scale: 1},
		{what: "all 42 ICB packs, cold (documents, workbooks, Power BI, ZIPs)", pkg: "./generator/internal/site/", bench: "PacksCold",
			benchtime: "3x", metric: "ns/op", unit: "ms", scale: 1e-6},
		{what: "all packs, a pack file saved unchanged", pkg: "./generator/internal/site/", bench: "PacksNoChange",
			benchtime: "20x", metric: "ns/op", unit: "ms", scale: 1e-6},
		{what: "form receiver, stored durably, 16 clients, -store-only", pkg: "./generator/internal/receiver/", bench: "Receive/store-only",
			benchtime: "2000x", metric: "submissions/s", unit: "submissions/s", scale: 1},
		{what: "form receiver, outbox on (email and webhook jobs in the same transaction, worker delivering), 16 clients", pkg: "./generator/internal/receiver/", bench: "Receive/outbox",
			benchtime: "2000x", metric: "submissions/s", unit: "submissions/s", scale: 1},
	}
	cache := map[string][]string{} // package+bench -> output lines
	fmt.Println("\nOther figures, medians of three runs of the Go benchmarks:")
	fmt.Println()
	fmt.Println("| figure | value |")
	fmt.Println("|---|---:|")
	for _, f := range figures {
		key := f.pkg + f.bench
		lines, ok := cache[key]
		if !ok {
			cmd := exec.Command("go", "test", "-run", "^$", "-bench", "^Benchmark"+strings.ReplaceAll(f.bench, "/", "$/^")+"$", "-benchtime", f.benchtime, "-count", "3", "-timeout", "30m", f.pkg)
			cmd.Dir = repo
			cmd.Env = append(os.Environ(), f.env...)
			out, err := cmd.CombinedOutput()
			if err != nil {
				return fmt.Errorf("%s: %v\n%s", strings.Join(cmd.Args, " "), err, out)
			}
			lines = strings.Split(string(out), "\n")
			cache[key] = lines
		}
		var vals []float64
		for _, l := range lines {
			fields := strings.Fields(l)
			for i := 1; i < len(fields); i++ {
				if fields[i] == f.metric && strings.HasPrefix(fields[0], "Benchmark") {
					if v, err := strconv.ParseFloat(fields[i-1], 64); err == nil {
						vals = append(vals, v*f.scale)
					}
				}
			}
		}
		if len(vals) == 0 {
			return fmt.Errorf("no %s in the output of %s:\n%s", f.metric, f.bench, strings.Join(lines, "\n"))
		}
		slices.Sort(vals)
		fmt.Printf("| %s | %.1f %s |\n", f.what, vals[len(vals)/2], f.unit)
	}
	return nil
}

func median(ms []measure) measure {
	pick := func(get func(measure) int64) int64 {
		v := make([]int64, len(ms))
		for i, m := range ms {
			v[i] = get(m)
		}
		slices.Sort(v)
		return v[len(v)/2]
	}
	return measure{
		wall:  time.Duration(pick(func(m measure) int64 { return int64(m.wall) })),
		cpu:   time.Duration(pick(func(m measure) int64 { return int64(m.cpu) })),
		rssKB: pick(func(m measure) int64 { return m.rssKB }),
	}
}

func write(name, data string) error {
	if err := os.MkdirAll(filepath.Dir(name), 0o755); err != nil {
		return err
	}
	return os.WriteFile(name, []byte(data), 0o644)
}

// floor is the bare floor: every Markdown file read, its front matter cut
// off, converted by goldmark (tables, strikethrough, linkify) with fenced
// code highlighted by chroma, and written to out/<path>/index.html, on all
// cores. Nothing else: no templates, no site graph, no link check.
func floor(corpus, out string) error {
	var files []string
	err := filepath.WalkDir(corpus, func(p string, d fs.DirEntry, err error) error {
		if err == nil && !d.IsDir() && strings.HasSuffix(p, ".md") {
			files = append(files, p)
		}
		return err
	})
	if err != nil {
		return err
	}
	md := goldmark.New(
		goldmark.WithExtensions(extension.Table, extension.Strikethrough, extension.Linkify),
		goldmark.WithRendererOptions(renderer.WithNodeRenderers(util.Prioritized(highlighter{}, 100))),
	)
	var wg sync.WaitGroup
	errs := make(chan error, len(files))
	next := make(chan string)
	for range runtime.GOMAXPROCS(0) {
		wg.Go(func() {
			var buf bytes.Buffer
			for p := range next {
				src, err := os.ReadFile(p)
				if err != nil {
					errs <- err
					continue
				}
				if rest, ok := bytes.CutPrefix(src, []byte("---\n")); ok {
					if i := bytes.Index(rest, []byte("\n---\n")); i >= 0 {
						src = rest[i+5:]
					}
				}
				buf.Reset()
				if err := md.Convert(src, &buf); err != nil {
					errs <- err
					continue
				}
				rel, _ := filepath.Rel(corpus, strings.TrimSuffix(p, ".md"))
				if err := write(filepath.Join(out, rel, "index.html"), buf.String()); err != nil {
					errs <- err
				}
			}
		})
	}
	for _, f := range files {
		next <- f
	}
	close(next)
	wg.Wait()
	close(errs)
	return <-errs
}

// highlighter renders fenced code blocks with chroma, with CSS classes.
type highlighter struct{}

var formatter = chromahtml.New(chromahtml.WithClasses(true))

func (highlighter) RegisterFuncs(r renderer.NodeRendererFuncRegisterer) {
	r.Register(ast.KindFencedCodeBlock, func(w util.BufWriter, src []byte, n ast.Node, entering bool) (ast.WalkStatus, error) {
		if !entering {
			return ast.WalkContinue, nil
		}
		block := n.(*ast.FencedCodeBlock)
		var code bytes.Buffer
		for i := 0; i < block.Lines().Len(); i++ {
			s := block.Lines().At(i)
			code.Write(s.Value(src))
		}
		lexer := lexers.Get(string(block.Language(src)))
		if lexer == nil {
			lexer = lexers.Fallback
		}
		it, err := chroma.Coalesce(lexer).Tokenise(nil, code.String())
		if err != nil {
			return ast.WalkStop, err
		}
		return ast.WalkSkipChildren, formatter.Format(w, styles.Fallback, it)
	})
}
