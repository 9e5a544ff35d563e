package main

import (
	"bytes"
	"context"
	"errors"
	"flag"
	"fmt"
	"io"
	"io/fs"
	"maps"
	"os"
	"path/filepath"
	"runtime"
	"runtime/pprof"
	"slices"
	"strings"
	"time"

	"github.com/bcs/publish/generator/internal/config"
	"github.com/bcs/publish/generator/internal/images"
	"github.com/bcs/publish/generator/internal/pack"
	"github.com/bcs/publish/generator/internal/packsite"
	"github.com/bcs/publish/generator/internal/publish"
	"github.com/bcs/publish/generator/internal/site"
)

func cmdBuild(ctx context.Context, args []string, stdout, stderr io.Writer) error {
	fl := flag.NewFlagSet("build", flag.ContinueOnError)
	fl.SetOutput(stderr)
	root := fl.String("root", ".", "project directory (holding content/, templates/, assets/, packs/)")
	out := fl.String("out", "", "output directory (default: public/ in the project directory)")
	drafts := fl.Bool("drafts", false, "include pages marked draft: true")
	future := fl.Bool("future", false, "include pages dated in the future")
	external := fl.Bool("external", false, "list every external link with the pages that carry it (they are never fetched)")
	cpuprofile := fl.String("cpuprofile", "", "write a CPU profile of the build to this file (for go tool pprof)")
	memprofile := fl.String("memprofile", "", "write a heap profile, taken when the built site has been written, to this file")
	cacheDir := fl.String("cache", "", "cache folder: converted Markdown and what the last build was made from (default: .bcs-cache/ in the project directory)")
	noCache := fl.Bool("no-cache", false, "build everything from scratch: neither read nor write the cache")
	if err := parseFlags(fl, args, stderr); err != nil {
		return err
	}
	if *cpuprofile != "" {
		f, err := os.Create(*cpuprofile)
		if err != nil {
			return err
		}
		defer f.Close()
		if err := pprof.StartCPUProfile(f); err != nil {
			return err
		}
		defer pprof.StopCPUProfile()
	}
	if *out == "" {
		*out = filepath.Join(*root, "public")
	}
	if *cacheDir == "" {
		*cacheDir = filepath.Join(*root, site.CacheDir)
	}
	start := time.Now()
	absOut, err := filepath.Abs(*out)
	if err != nil {
		return err
	}
	opt := site.Options{Drafts: *drafts, Future: *future, Now: start, Release: true}
	var project fs.FS = os.DirFS(*root)
	var c *buildCache
	if !*noCache {
		var err error
		c, err = openCache(*cacheDir, *root, absOut, fmt.Sprintf("drafts=%v future=%v", *drafts, *future))
		switch {
		case err != nil:
			fmt.Fprintf(stderr, "bcs: not using the cache: %v\n", err)
		case !*external && c.current(start):
			// Nothing changed since the last build into the same folder: done.
			fmt.Fprintf(stdout, "%s is up to date: nothing it is built from has changed (checked in %s; bcs build -no-cache builds it again)\n",
				*out, time.Since(start).Round(time.Millisecond))
			printUnconfirmed(stdout, unconfirmedSettings(*root))
			return nil
		default:
			project, opt.Cache = c.project(), c.markdown(stderr)
			opt.Images = &images.Cache{Dir: filepath.Join(*cacheDir, site.ImagesCacheDir)}
		}
	}
	// Pages go to a fresh tree beside the output as they are rendered; it
	// replaces the output only when the whole build has succeeded.
	stage, err := publish.NewStage(*out)
	if err != nil {
		return fmt.Errorf("writing %s: %w (the previous site there is unchanged)", *out, err)
	}
	opt.Sink = stage
	s, err := site.Build(ctx, project, opt)
	if err == nil && ctx.Err() != nil {
		err = ctx.Err() // stopped between the last stage and the commit
	}
	if err != nil {
		stage.Abort()
		if ctx.Err() != nil {
			return fmt.Errorf("stopped (interrupted or terminated) before the build finished: %s is as it was", *out)
		}
		return err
	}
	n, err := stage.Commit()
	if err != nil {
		return fmt.Errorf("writing %s: %w (the previous site there is unchanged)", *out, err)
	}
	if c != nil {
		c.save(s.Read, s.Until, stderr)
	}
	if *memprofile != "" {
		writeHeapProfile(*memprofile, stderr) // what is still live at the end of the build
	}
	fmt.Fprintf(stdout, "built %d pages, wrote %d files to %s in %s\n", len(s.Pages), n, *out, time.Since(start).Round(time.Millisecond))
	printPackReport(stdout, s.Packs)
	for _, d := range s.Reviews {
		when := fmt.Sprintf("in %d days", d.Days)
		switch d.Days {
		case 0:
			when = "today"
		case 1:
			when = "tomorrow"
		}
		fmt.Fprintf(stdout, "review due %s: %q, next review %s (%s)\n", when, d.What, d.Next.Format("2 January 2006"), d.At)
	}
	printUnconfirmed(stdout, s.Unconfirmed)
	if *external {
		for _, e := range s.External {
			fmt.Fprintf(stdout, "external %s  (%d page(s): %s)\n", e.URL, len(e.Pages), strings.Join(e.Pages[:min(3, len(e.Pages))], ", "))
		}
	}
	fmt.Fprintf(stdout, "links: internal links and #fragments all resolve; %d external addresses not fetched", len(s.External))
	if !*external {
		fmt.Fprint(stdout, " (bcs build -external lists them)")
	}
	fmt.Fprintln(stdout)
	return nil
}

// printUnconfirmed names the settings that are still placeholders (listed
// under unconfirmed: in site.yaml, or needed and not set), on every build,
// so that nobody publishes a drama-range telephone number or a footer
// without the company's number without being told.
func printUnconfirmed(w io.Writer, list []config.Placeholder) {
	if len(list) == 0 {
		return
	}
	fmt.Fprintf(w, "unconfirmed settings in %s (placeholders, not yet checked):\n", site.SettingsFile)
	for _, p := range list {
		at := ""
		if p.At.Line > 0 {
			at = fmt.Sprintf(" (line %d)", p.At.Line)
		}
		fmt.Fprintf(w, "  %s — %s%s\n", p.Setting, p.Reason, at)
	}
}

// unconfirmedSettings reads the unconfirmed settings of the project in root
// when no build reads them (an up-to-date build, the preview's start). A
// settings file that does not parse gives none: whatever builds next
// reports its errors.
func unconfirmedSettings(root string) []config.Placeholder {
	src, err := os.ReadFile(filepath.Join(root, filepath.FromSlash(site.SettingsFile)))
	if err != nil {
		return nil
	}
	s, err := config.Parse(site.SettingsFile, src)
	if err != nil {
		return nil
	}
	return s.Unconfirmed()
}

// printPackReport says, per pack area, what the pack rests on: confirmed
// local values, values to check with the ICB, and confirmed values read on
// pages more than three years old. Packs on the national defaults alone
// share one line.
func printPackReport(w io.Writer, reports []site.PackReport) {
	if len(reports) == 0 {
		return
	}
	var national []string
	var local []site.PackReport
	for _, r := range reports {
		if r.Report.Confirmed == 0 {
			national = append(national, r.Key)
		} else {
			local = append(local, r)
		}
	}
	fmt.Fprintf(w, "packs: %d areas; %d with confirmed local values, %d on the national defaults only (bcs pack -icb KEY lists a pack's values)\n", len(reports), len(local), len(national))
	for _, r := range local {
		fmt.Fprintf(w, "  %-20s %2d confirmed, %2d to check with the ICB, %d from pages over %d years old  %s\n", r.Key, r.Report.Confirmed, r.Report.ToCheck, len(r.Report.Old), pack.OldYears, r.Name)
	}
	if len(national) > 0 {
		fmt.Fprintf(w, "  national defaults only: %s\n", strings.Join(national, " "))
	}
}

func cmdPack(ctx context.Context, args []string, stdout, stderr io.Writer) error {
	fl := flag.NewFlagSet("pack", flag.ContinueOnError)
	fl.SetOutput(stderr)
	root := fl.String("root", ".", "project directory")
	code := fl.String("icb", "", "the pack's area: an ICB's ODS code (QJ2) or a place area (S0E4D/oxfordshire) (required)")
	out := fl.String("out", ".", "directory to write the bundle and its documents to")
	if err := parseFlags(fl, args, stderr); err != nil {
		return err
	}
	if *code == "" {
		return fmt.Errorf("pack: -icb is required: an ICB's ODS code from packs/icbs.yaml (QJ2) or a place area (S0E4D/oxfordshire)")
	}
	today := time.Now()
	p, err := site.BuildPack(os.DirFS(*root), *code, today)
	if err != nil {
		return err
	}
	files := map[string][]byte{p.ZipName: p.Zip}
	for _, d := range p.Docs {
		files[d.DocxName] = d.Docx
	}
	for _, w := range p.Books {
		files[w.FileName] = w.Xlsx
	}
	if err := os.MkdirAll(*out, 0o755); err != nil {
		return err
	}
	for _, name := range slices.Sorted(maps.Keys(files)) {
		if err := os.WriteFile(filepath.Join(*out, name), files[name], 0o644); err != nil {
			return err
		}
		fmt.Fprintf(stdout, "wrote %s (%d bytes)\n", filepath.Join(*out, name), len(files[name]))
	}
	printPack(stdout, p, today)
	return nil
}

// printPack is bcs pack's report of one pack: what it is aligned to, each
// confirmed local value with its source and dates, and what to check.
func printPack(w io.Writer, p *packsite.Pack, today time.Time) {
	fmt.Fprintf(w, "%s (%s), version %s\n%s\n", p.Area.Title(), p.Area.Key(), p.Version, pack.AlignmentText(p.ICBPack))
	old := map[string]bool{}
	for _, s := range p.Report(today).Old {
		old[s.What] = true
	}
	fmt.Fprintf(w, "%d confirmed local values:\n", len(p.Local))
	for _, s := range p.Local {
		dated := s.PageDateText()
		if dated == "" {
			dated = "not dated"
		}
		flag := ""
		if old[s.What] {
			flag = fmt.Sprintf("  [source over %d years old]", pack.OldYears)
		}
		fmt.Fprintf(w, "  - %s: %s\n    %s (page %s; checked %s)%s\n", s.What, s.Value, s.Source, dated, s.CheckedText(), flag)
	}
	fmt.Fprintf(w, "%d to check with the ICB before use:\n", len(p.Checks))
	for _, c := range p.Checks {
		fmt.Fprintf(w, "  - %s\n", c)
	}
}

// writeHeapProfile writes the live heap (after a collection) to name.
func writeHeapProfile(name string, stderr io.Writer) {
	f, err := os.Create(name)
	if err == nil {
		runtime.GC()
		err = pprof.Lookup("allocs").WriteTo(f, 0)
		if cerr := f.Close(); err == nil {
			err = cerr
		}
	}
	if err != nil {
		fmt.Fprintf(stderr, "bcs: memory profile: %v\n", err)
	}
}

// cmdClinicalReview rewrites the clinical review record from the pack data
// and says whether a reviewer has signed the content as it now is.
func cmdClinicalReview(args []string, stdout, stderr io.Writer) error {
	fl := flag.NewFlagSet("clinical-review", flag.ContinueOnError)
	fl.SetOutput(stderr)
	root := fl.String("root", ".", "project directory")
	if err := parseFlags(fl, args, stderr); err != nil {
		return err
	}
	data, err := site.LoadPackData(os.DirFS(*root))
	if err != nil {
		return err
	}
	name := filepath.Join(*root, filepath.FromSlash(pack.RecordFile))
	old, err := os.ReadFile(name)
	if err != nil && !errors.Is(err, fs.ErrNotExist) {
		return err
	}
	record := data.WriteRecord(old)
	if !bytes.Equal(old, record) {
		if err := publish.WriteFileAtomic(name, record); err != nil {
			return err
		}
		fmt.Fprintf(stdout, "wrote %s\n", pack.RecordFile)
	} else {
		fmt.Fprintf(stdout, "%s is up to date\n", pack.RecordFile)
	}
	if data.SignedFor(record) {
		fmt.Fprintf(stdout, "signed: a reviewer has signed for fingerprint %s\n", data.Fingerprint())
	} else {
		fmt.Fprintf(stdout, "not signed: no reviewer has signed for fingerprint %s yet; a named reviewer adds a row under %q\n", data.Fingerprint(), pack.SignOffHeading)
	}
	return nil
}
