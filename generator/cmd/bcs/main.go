// Command bcs is BCS's publishing tool: it builds the website from content/,
// templates/, assets/ and packs/ into public/.
//
// Usage:
//
//	bcs build [-root DIR] [-out DIR] [-drafts] [-future]
//	bcs serve [-root DIR] [-addr HOST:PORT] [-db FILE]
//	bcs receive [-addr HOST:PORT] [-forms DIR] [-db FILE] [-allow-origin URL]...
//	bcs submissions export|purge [-db FILE] ...
//
// Errors are printed as file:line:col: message, one per line, and the exit
// status is 1; a usage error exits with 2.
package main

import (
	"context"
	"errors"
	"flag"
	"fmt"
	"io"
	"os"
	"os/signal"
	"syscall"

	"github.com/bcs/publish/generator/internal/diag"
)

const usage = `usage: bcs <command> [flags]

commands:
  build        build the website into public/ (bcs build -h for flags)
  pack         build one ICB's starter pack into a folder (bcs pack -icb QJ2 -out dir)
  serve        preview the site with live reload on http://127.0.0.1:1313 (drafts included)
  receive      serve the endpoint the site's forms post to, storing submissions in SQLite
  submissions  staff tools: export submissions as CSV, purge old ones
  clinical-review  rewrite packs/CLINICAL-REVIEW.md from the pack data, keeping its sign-off
`

func main() {
	ctx, stop := signal.NotifyContext(context.Background(), os.Interrupt, syscall.SIGTERM)
	code := run(ctx, os.Args[1:], os.Stdout, os.Stderr)
	stop()
	os.Exit(code)
}

// run executes one command and returns the process exit status.
func run(ctx context.Context, args []string, stdout, stderr io.Writer) (code int) {
	defer func() {
		if r := recover(); r != nil {
			fmt.Fprintf(stderr, "bcs: internal error: %v\n(this is a bug in the generator, not in your content; please report it with the command you ran)\n", r)
			code = 3
		}
	}()
	if len(args) == 0 {
		fmt.Fprint(stderr, usage)
		return 2
	}
	var err error
	switch args[0] {
	case "build":
		err = cmdBuild(ctx, args[1:], stdout, stderr)
	case "pack":
		err = cmdPack(ctx, args[1:], stdout, stderr)
	case "serve":
		err = cmdServe(ctx, args[1:], stdout, stderr)
	case "receive":
		err = cmdReceive(ctx, args[1:], stdout, stderr)
	case "submissions":
		err = cmdSubmissions(ctx, args[1:], stdout, stderr)
	case "clinical-review":
		err = cmdClinicalReview(args[1:], stdout, stderr)
	case "help", "-h", "-help", "--help":
		fmt.Fprint(stdout, usage)
		return 0
	default:
		fmt.Fprintf(stderr, "bcs: unknown command %q\n%s", args[0], usage)
		return 2
	}
	return report(err, stderr)
}

// errUsage marks a command-line mistake; the flag package has printed it.
var errUsage = errors.New("usage")

func report(err error, stderr io.Writer) int {
	var list diag.List
	var one *diag.Error
	switch {
	case err == nil:
		return 0
	case errors.Is(err, errUsage):
		return 2
	case errors.As(err, &list):
		for _, e := range list.Sorted() {
			fmt.Fprintln(stderr, e)
		}
		fmt.Fprintf(stderr, "bcs: %d error(s); nothing was written\n", len(list.Sorted()))
	case errors.As(err, &one):
		fmt.Fprintln(stderr, one)
		fmt.Fprintln(stderr, "bcs: 1 error(s); nothing was written")
	default:
		fmt.Fprintf(stderr, "bcs: %v\n", err)
	}
	return 1
}

// parseFlags parses a command's flags; the command takes no arguments
// besides them.
func parseFlags(fl *flag.FlagSet, args []string, stderr io.Writer) error {
	if err := fl.Parse(args); err != nil {
		return errUsage
	}
	if fl.NArg() > 0 {
		fmt.Fprintf(stderr, "bcs %s: unexpected argument %q\n", fl.Name(), fl.Arg(0))
		return errUsage
	}
	return nil
}
