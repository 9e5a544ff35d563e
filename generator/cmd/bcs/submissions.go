package main

import (
	"context"
	"flag"
	"fmt"
	"io"
	"os"
	"path/filepath"
	"slices"
	"strconv"
	"strings"
	"text/tabwriter"
	"time"

	"github.com/bcs/publish/generator/internal/form"
	"github.com/bcs/publish/generator/internal/receiver"
)

const submissionsUsage = `usage: bcs submissions <command> [-db FILE] [flags]

  status [-n 50]         the latest submissions and how far each delivery got
  show ID                one submission: its answers and every delivery attempt
  parked                 the deliveries given up on, with the reason
  retry [ID ...] | -all  send parked deliveries again (bcs receive picks them up within 30 s)
  export [-o FILE.csv] [-email ADDRESS]
                         every submission (or one person's) as CSV, one column per field
  find -email ADDRESS    everything held about one email address
  erase -email ADDRESS   delete everything held about one email address
  purge [-older-than 365d]
                         delete submissions older than the retention period in the
                         site settings (submissions.retention_days), or than given
  check                  SQLite's full integrity check of the database file
`

func cmdSubmissions(ctx context.Context, args []string, stdout, stderr io.Writer) error {
	if len(args) == 0 {
		fmt.Fprint(stderr, submissionsUsage)
		return errUsage
	}
	cmd := args[0]
	fl := flag.NewFlagSet("submissions "+cmd, flag.ContinueOnError)
	fl.SetOutput(stderr)
	dbPath := fl.String("db", "submissions.db", "SQLite database of submissions")
	forms := fl.String("forms", "public/forms", "export, purge: the form exports, which give the fields and the retention period")
	out := fl.String("o", "", "export: write the CSV here, owner-only (default: standard output)")
	email := fl.String("email", "", "export, find, erase: one person's email address")
	olderThan := fl.String("older-than", "", "purge: delete submissions older than this, in days (365d) or a Go duration (8760h)")
	n := fl.Int("n", 50, "status: how many submissions")
	all := fl.Bool("all", false, "retry: every parked delivery")
	if err := fl.Parse(args[1:]); err != nil {
		return errUsage
	}
	run, ok := map[string]func(*receiver.Store) error{
		"status": func(s *receiver.Store) error { return status(ctx, s, *n, stdout) },
		"show": func(s *receiver.Store) error {
			if fl.NArg() != 1 {
				return usageErr(stderr, "bcs submissions show: give one submission id")
			}
			return show(ctx, s, fl.Arg(0), stdout)
		},
		"parked": func(s *receiver.Store) error { return parked(ctx, s, stdout) },
		"retry": func(s *receiver.Store) error {
			if *all == (fl.NArg() > 0) {
				return usageErr(stderr, "bcs submissions retry: give submission ids, or -all for every parked delivery")
			}
			k, err := s.Retry(ctx, time.Now(), fl.Args()...)
			if err == nil {
				fmt.Fprintf(stdout, "%d parked deliveries queued again; a running bcs receive sends them within 30 seconds\n", k)
			}
			return err
		},
		"export": func(s *receiver.Store) error { return export(ctx, s, *out, *email, *forms, stdout, stderr) },
		"find": func(s *receiver.Store) error {
			if *email == "" {
				return usageErr(stderr, "bcs submissions find: -email is required")
			}
			return find(ctx, s, *email, stdout)
		},
		"erase": func(s *receiver.Store) error {
			if *email == "" {
				return usageErr(stderr, "bcs submissions erase: -email is required")
			}
			k, err := s.Erase(ctx, *email)
			if err == nil {
				fmt.Fprintf(stdout, "erased %d submissions from %s, with their deliveries; the freed space is overwritten\n", k, *email)
			}
			return err
		},
		"purge": func(s *receiver.Store) error {
			age, from, err := retention(*olderThan, *forms)
			if err != nil {
				fmt.Fprintf(stderr, "bcs submissions purge: -older-than: %v\n", err)
				return errUsage
			}
			k, err := s.Purge(ctx, time.Now().Add(-age))
			if err == nil {
				fmt.Fprintf(stdout, "deleted %d submissions older than %s\n", k, from)
			}
			return err
		},
		"check": func(s *receiver.Store) error {
			if err := s.Check(ctx); err != nil {
				return err
			}
			fmt.Fprintln(stdout, "ok: the database passed SQLite's integrity check")
			return nil
		},
	}[cmd]
	if !ok {
		fmt.Fprintf(stderr, "bcs submissions: unknown command %q\n%s", cmd, submissionsUsage)
		return errUsage
	}
	if _, err := os.Stat(*dbPath); err != nil {
		return fmt.Errorf("no submissions database at %s", *dbPath)
	}
	store, err := receiver.Open(*dbPath)
	if err != nil {
		return err
	}
	defer store.Close()
	return run(store)
}

func usageErr(stderr io.Writer, msg string) error {
	fmt.Fprintln(stderr, msg)
	return errUsage
}

// status prints the latest n submissions, one line each, with the state of
// each of their deliveries.
func status(ctx context.Context, s *receiver.Store, n int, stdout io.Writer) error {
	var subs []receiver.Submission
	if err := s.All(ctx, func(sub receiver.Submission) error { subs = append(subs, sub); return nil }); err != nil {
		return err
	}
	subs = subs[max(0, len(subs)-n):]
	tw := tabwriter.NewWriter(stdout, 2, 8, 2, ' ', 0)
	fmt.Fprintln(tw, "ID\tRECEIVED (UTC)\tFORM\tFROM\tDELIVERIES")
	for _, sub := range subs {
		jobs, err := s.JobsOf(ctx, sub.ID)
		if err != nil {
			return err
		}
		var states []string
		for _, j := range jobs {
			states = append(states, fmt.Sprintf("%s %s (%d)", j.Channel, j.State, j.Attempts))
		}
		if len(states) == 0 {
			states = []string{"none (stored only)"}
		}
		fmt.Fprintf(tw, "%s\t%s\t%s\t%s\t%s\n", sub.ID, sub.ReceivedAt.UTC().Format("2006-01-02 15:04"), sub.Form, sub.Email, strings.Join(states, ", "))
	}
	return tw.Flush()
}

// show prints one submission and every attempt at delivering it.
func show(ctx context.Context, s *receiver.Store, id string, stdout io.Writer) error {
	sub, ok, err := s.Get(ctx, id)
	if err != nil {
		return err
	}
	if !ok {
		return fmt.Errorf("no submission %s: bcs submissions status lists them", id)
	}
	return printSubmission(ctx, s, sub, stdout)
}

func printSubmission(ctx context.Context, s *receiver.Store, sub receiver.Submission, stdout io.Writer) error {
	fmt.Fprintf(stdout, "submission %s, form %s, received %s\n", sub.ID, sub.Form, sub.ReceivedAt.UTC().Format(time.RFC3339))
	for _, a := range sub.Answers {
		fmt.Fprintf(stdout, "  %s: %s\n", a[0], strings.ReplaceAll(a[1], "\n", "\n    "))
	}
	jobs, err := s.JobsOf(ctx, sub.ID)
	if err != nil {
		return err
	}
	for _, j := range jobs {
		fmt.Fprintf(stdout, "  %s: %s after %d attempts\n", j.Channel, j.State, j.Attempts)
		if j.State == receiver.Pending && j.Attempts > 0 {
			fmt.Fprintf(stdout, "    next attempt %s\n", j.NextAt.UTC().Format(time.RFC3339))
		}
		atts, err := s.Attempts(ctx, j.ID)
		if err != nil {
			return err
		}
		for _, a := range atts {
			word := "failed"
			if a.OK {
				word = "sent"
			}
			fmt.Fprintf(stdout, "    %s %s: %s\n", a.At.UTC().Format(time.RFC3339), word, a.Detail)
		}
	}
	return nil
}

// parked lists the deliveries given up on.
func parked(ctx context.Context, s *receiver.Store, stdout io.Writer) error {
	k := 0
	tw := tabwriter.NewWriter(stdout, 2, 8, 2, ' ', 0)
	fmt.Fprintln(tw, "SUBMISSION\tCHANNEL\tATTEMPTS\tPARKED (UTC)\tLAST ERROR")
	err := s.Jobs(ctx, receiver.Parked, func(j receiver.Job) error {
		k++
		fmt.Fprintf(tw, "%s\t%s\t%d\t%s\t%s\n", j.Submission, j.Channel, j.Attempts, j.DoneAt.UTC().Format("2006-01-02 15:04"), j.LastError)
		return nil
	})
	if err != nil {
		return err
	}
	if k == 0 {
		fmt.Fprintln(stdout, "no parked deliveries")
		return nil
	}
	if err := tw.Flush(); err != nil {
		return err
	}
	fmt.Fprintf(stdout, "\n%d parked: fix the cause (the SMTP settings, the webhook), then bcs submissions retry -all\n", k)
	return nil
}

// find prints everything held about one email address.
func find(ctx context.Context, s *receiver.Store, email string, stdout io.Writer) error {
	var subs []receiver.Submission // read first: printing queries the store again
	if err := s.ByEmail(ctx, email, func(sub receiver.Submission) error { subs = append(subs, sub); return nil }); err != nil {
		return err
	}
	for _, sub := range subs {
		if err := printSubmission(ctx, s, sub, stdout); err != nil {
			return err
		}
	}
	fmt.Fprintf(stdout, "%d submissions from %s\n", len(subs), email)
	return nil
}

// export writes the CSV to out, or to stdout. A file is written whole to
// a new owner-only file, then renamed over out: an existing file's mode is
// not kept, and a failed export leaves the old file alone.
func export(ctx context.Context, s *receiver.Store, out, email, forms string, stdout, stderr io.Writer) error {
	fields, err := formFields(forms)
	if err != nil {
		return err
	}
	if out == "" {
		_, err := s.ExportCSV(ctx, stdout, email, fields...)
		return err
	}
	f, err := os.CreateTemp(filepath.Dir(out), ".export-*.csv") // mode 0600
	if err != nil {
		return err
	}
	defer os.Remove(f.Name())
	k, err := s.ExportCSV(ctx, f, email, fields...)
	if err == nil {
		err = f.Sync()
	}
	if cerr := f.Close(); err == nil {
		err = cerr
	}
	if err == nil {
		err = os.Rename(f.Name(), out)
	}
	if err != nil {
		return err
	}
	fmt.Fprintf(stderr, "exported %d submissions to %s (readable by you only: it holds personal data)\n", k, out)
	return nil
}

// formFields lists the fields of the forms exported in dir, in order and
// each once, so that an export has a column for each even if nobody has
// answered it; no exports (export run away from the site) gives none.
func formFields(dir string) ([]string, error) {
	exports, err := loadExports(dir)
	var fields []string
	for _, e := range exports {
		for _, f := range e.Definition.Fields {
			if !slices.Contains(fields, f.Name) {
				fields = append(fields, f.Name)
			}
		}
	}
	return fields, err
}

// loadExports reads the form exports the build wrote in dir, in name order;
// none (a folder away from the site) is no error.
func loadExports(dir string) ([]*form.Export, error) {
	files, _ := filepath.Glob(filepath.Join(dir, "*.json"))
	var exports []*form.Export
	for _, file := range files {
		src, err := os.ReadFile(file)
		if err != nil {
			return nil, err
		}
		_, e, err := form.Load(file, src)
		if err != nil {
			return nil, err
		}
		exports = append(exports, e)
	}
	return exports, nil
}

// retention is how old a submission must be for purge: -older-than, or
// else the retention period the form exports carry from the site settings.
func retention(olderThan, forms string) (time.Duration, string, error) {
	if olderThan != "" {
		d, err := parseAge(olderThan)
		return d, olderThan, err
	}
	exports, err := loadExports(forms)
	if err != nil {
		return 0, "", err
	}
	days := 0
	for _, e := range exports {
		if days != 0 && e.Site.RetentionDays != days {
			return 0, "", fmt.Errorf("the form exports in %s disagree on the retention period: rebuild the site", forms)
		}
		days = e.Site.RetentionDays
	}
	if days == 0 {
		return 0, "", fmt.Errorf("required when there are no form exports in %s to give the retention period, e.g. 365d", forms)
	}
	return time.Duration(days) * 24 * time.Hour, fmt.Sprintf("%dd (submissions.retention_days)", days), nil
}

// parseAge reads "365d" or a Go duration such as "8760h", from a minute to
// receiver.MaxAge: beyond that is a typing mistake (and would overflow).
func parseAge(s string) (time.Duration, error) {
	var d time.Duration
	if days, ok := strings.CutSuffix(s, "d"); ok {
		n, err := strconv.Atoi(days)
		if err != nil {
			return 0, fmt.Errorf("%q: write a whole number of days, like 365d", s)
		}
		if n > int(receiver.MaxAge/(24*time.Hour)) {
			return 0, fmt.Errorf("%q is more than %d days: check the number", s, receiver.MaxAge/(24*time.Hour))
		}
		d = time.Duration(n) * 24 * time.Hour
	} else {
		var err error
		if d, err = time.ParseDuration(s); err != nil {
			return 0, fmt.Errorf("%q: write days (365d) or a duration (8760h)", s)
		}
		if d > receiver.MaxAge {
			return 0, fmt.Errorf("%q is more than %d days: check the number", s, receiver.MaxAge/(24*time.Hour))
		}
	}
	if d <= 0 {
		return 0, fmt.Errorf("%q must be more than zero", s)
	}
	return d, nil
}
