package main

import (
	"context"
	"flag"
	"fmt"
	"io"
	"os"
	"path/filepath"
	"time"

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
	if err := parseFlags(fl, args, stderr); err != nil {
		return err
	}
	if *out == "" {
		*out = filepath.Join(*root, "public")
	}
	start := time.Now()
	s, err := site.Build(ctx, os.DirFS(*root), site.Options{Drafts: *drafts, Future: *future, Now: start})
	if err != nil {
		return err
	}
	n, err := publish.Write(*out, s.Files)
	if err != nil {
		return fmt.Errorf("writing %s: %w (the previous site there is unchanged)", *out, err)
	}
	fmt.Fprintf(stdout, "built %d pages, wrote %d files to %s in %s\n", len(s.Pages), n, *out, time.Since(start).Round(time.Millisecond))
	return nil
}
