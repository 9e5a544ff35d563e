// Command benchtable compares cold builds of the same synthetic Markdown
// corpus by bcs, by Hugo (when installed) and by a bare floor (read, front
// matter split, goldmark with chroma highlighting, write: no templates, no
// links, no site graph), and prints a table: wall, CPU, peak RSS, pages/s,
// and each tool's ratio to Hugo and to the floor. Runs are interleaved
// (bcs, Hugo, floor, bcs, ...) and the table gives medians.
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
	flag.Parse()
	if err := run(*shared, *sizes, *runs); err != nil {
		fmt.Fprintln(os.Stderr, "benchtable:", err)
		os.Exit(1)
	}
}

// measure is one process run.
type measure struct {
	wall, cpu time.Duration
	rssKB     int64
}

func runProcess(dir string, name string, args ...string) (measure, error) {
	cmd := exec.Command(name, args...)
	cmd.Dir = dir
	var stderr bytes.Buffer
	cmd.Stderr = &stderr
	start := time.Now()
	err := cmd.Run()
	m := measure{wall: time.Since(start)}
	if err != nil {
		return m, fmt.Errorf("%s %s: %v\n%s", name, strings.Join(args, " "), err, stderr.String())
	}
	m.cpu = cmd.ProcessState.UserTime() + cmd.ProcessState.SystemTime()
	if ru, ok := cmd.ProcessState.SysUsage().(*syscall.Rusage); ok {
		m.rssKB = ru.Maxrss
	}
	return m, nil
}

func run(shared, sizeList string, runs int) error {
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
		fmt.Println("Hugo is not installed (apt-get install hugo): its column and the ratios to it are left out.")
	}
	var rows []string
	for _, s := range strings.Split(sizeList, ",") {
		n, err := strconv.Atoi(strings.TrimSpace(s))
		if err != nil {
			return fmt.Errorf("size %q: %v", s, err)
		}
		corpus := filepath.Join(tmp, fmt.Sprintf("corpus-%d", n))
		if out, err := exec.Command("python3", filepath.Join(shared, "make-corpus.py"), corpus, strconv.Itoa(n)).CombinedOutput(); err != nil {
			return fmt.Errorf("make-corpus.py: %v\n%s", err, out)
		}
		project := filepath.Join(tmp, fmt.Sprintf("project-%d", n))
		// No pack.yaml, so no packs: Hugo builds none.
		pages, err := benchcorpus.Project(repo, corpus, project, benchcorpus.Options{Packs: []string{"indicators.yaml", "icbs.csv"}})
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
		results := map[string][]measure{}
		for r := range runs {
			fresh := func(name string) string {
				d := filepath.Join(tmp, fmt.Sprintf("out-%s-%d-%d", name, n, r))
				os.RemoveAll(d)
				return d
			}
			m, err := runProcess(repo, bcs, "build", "-root", project, "-out", fresh("bcs"))
			if err != nil {
				return err
			}
			results["bcs"] = append(results["bcs"], m)
			if hugoErr == nil {
				os.RemoveAll(filepath.Join(hugoSite, "resources"))
				m, err := runProcess(repo, hugo, "--quiet", "-s", hugoSite, "--contentDir", corpus, "-d", fresh("hugo"), "--cacheDir", fresh("hugo-cache"))
				if err != nil {
					return err
				}
				results["hugo"] = append(results["hugo"], m)
			}
			m, err = runProcess(repo, self, "floor", corpus, fresh("floor"))
			if err != nil {
				return err
			}
			results["floor"] = append(results["floor"], m)
		}
		med := map[string]measure{}
		for tool, ms := range results {
			med[tool] = median(ms)
		}
		for _, tool := range []string{"bcs", "hugo", "floor"} {
			m, ok := med[tool]
			if !ok {
				continue
			}
			ratio := func(other string) string {
				o, ok := med[other]
				if !ok || tool == other {
					return "-"
				}
				return fmt.Sprintf("%.2f", m.wall.Seconds()/o.wall.Seconds())
			}
			rows = append(rows, fmt.Sprintf("| %d | %s | %.2f s | %.2f s | %d MiB | %.0f | %s | %s |", n, tool, m.wall.Seconds(), m.cpu.Seconds(), m.rssKB/1024,
				float64(pages)/m.wall.Seconds(), ratio("hugo"), ratio("floor")))
		}
	}
	fmt.Printf("\nCold builds, medians of %d interleaved runs, %d CPUs (%s/%s):\n\n", runs, runtime.NumCPU(), runtime.GOOS, runtime.GOARCH)
	fmt.Println("| pages | tool | wall | CPU | peak RSS | pages/s | wall / Hugo | wall / floor |")
	fmt.Println("|---:|---|---:|---:|---:|---:|---:|---:|")
	for _, r := range rows {
		fmt.Println(r)
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
