package main

import (
	"context"
	"flag"
	"io"
	"time"

	"github.com/bcs/publish/generator/internal/preview"
)

func cmdServe(ctx context.Context, args []string, stdout, stderr io.Writer) error {
	fl := flag.NewFlagSet("serve", flag.ContinueOnError)
	fl.SetOutput(stderr)
	root := fl.String("root", ".", "project directory (holding content/, templates/, assets/, packs/)")
	addr := fl.String("addr", "127.0.0.1:1313", "address to listen on (loopback by default); requests are answered for localhost, loopback IPs and this address's host only")
	db := fl.String("db", "", "SQLite file for test posts of the site's forms (default: a temporary file)")
	cms := fl.String("cms", "", "folder of the CMS's scripts (generator/cms/decap, which make cms fetches) to serve at /admin/decap/ for /admin/, instead of loading the CMS from its CDN")
	quiet := fl.Duration("debounce", 10*time.Millisecond, "wait this long after the last edit of a batch before rebuilding")
	if err := parseFlags(fl, args, stderr); err != nil {
		return err
	}
	printUnconfirmed(stdout, unconfirmedSettings(*root))
	return preview.Run(ctx, preview.Config{Root: *root, Addr: *addr, DB: *db, Out: stdout, Quiet: *quiet, CMS: *cms})
}
