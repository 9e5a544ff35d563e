package main

import (
	"context"
	"errors"
	"flag"
	"fmt"
	"io"
	"log/slog"
	"net"
	"net/http"
	"os"
	"strconv"
	"strings"
	"time"

	"github.com/bcs/publish/generator/internal/receiver"
)

// stringList is a repeatable string flag.
type stringList []string

func (s *stringList) String() string     { return strings.Join(*s, ",") }
func (s *stringList) Set(v string) error { *s = append(*s, v); return nil }

func cmdReceive(ctx context.Context, args []string, stdout, stderr io.Writer) error {
	fl := flag.NewFlagSet("receive", flag.ContinueOnError)
	fl.SetOutput(stderr)
	addr := fl.String("addr", "127.0.0.1:8081", "address to listen on (loopback by default; put a TLS proxy in front)")
	forms := fl.String("forms", "public/forms", "directory of the form exports written by bcs build")
	dbPath := fl.String("db", "submissions.db", "SQLite database of submissions (created if missing)")
	var origins stringList
	fl.Var(&origins, "allow-origin", "an origin allowed to post besides the site's base_url, e.g. http://localhost:1313 (repeatable)")
	maxBody := fl.Int64("max-body", receiver.DefaultMaxBody, "largest request body accepted, in bytes")
	per := fl.Duration("rate", 20*time.Second, "after the burst, one post per client per this long (0: no limit)")
	burst := fl.Int("burst", 5, "posts a client may send at once")
	trustProxy := fl.Bool("trust-proxy", false, "take the client address from X-Forwarded-For (only behind your own proxy)")
	siteDir := fl.String("site", "", "also serve this built site (public/) on the same address, to try the whole flow locally")
	if err := parseFlags(fl, args, stderr); err != nil {
		return err
	}
	store, err := receiver.Open(*dbPath)
	if err != nil {
		return err
	}
	defer store.Close()
	ln, err := net.Listen("tcp", *addr)
	if err != nil {
		return err
	}
	defer ln.Close()
	if *siteDir != "" {
		origins = append(origins, "http://"+ln.Addr().String())
	}
	log := slog.New(slog.NewTextHandler(stderr, nil))
	h, err := receiver.New(receiver.Config{Forms: *forms, Store: store, AllowOrigins: origins, MaxBody: *maxBody,
		RatePer: *per, RateBurst: *burst, TrustProxy: *trustProxy, Log: log})
	if err != nil {
		return err
	}
	mux := http.NewServeMux()
	for _, p := range h.Paths() {
		mux.Handle(p, h)
	}
	if *siteDir != "" {
		files := http.FileServer(http.Dir(*siteDir))
		mux.Handle("/", http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
			w.Header().Set("Cache-Control", "no-store")
			files.ServeHTTP(w, r)
		}))
	} else {
		mux.Handle("/", h) // answers 404 for anything but the forms
	}
	mux.HandleFunc("GET /healthz", func(w http.ResponseWriter, r *http.Request) {
		if err := store.Check(r.Context()); err != nil {
			http.Error(w, "database: "+err.Error(), http.StatusServiceUnavailable)
			return
		}
		io.WriteString(w, "ok\n")
	})
	srv := &http.Server{Handler: mux, ReadHeaderTimeout: 10 * time.Second, ReadTimeout: 30 * time.Second,
		WriteTimeout: 30 * time.Second, IdleTimeout: 2 * time.Minute, MaxHeaderBytes: 16 << 10}
	fmt.Fprintf(stdout, "bcs receive: listening on http://%s for %s, storing in %s\n", ln.Addr(), strings.Join(h.Paths(), ", "), *dbPath)
	if *siteDir != "" {
		fmt.Fprintf(stdout, "bcs receive: serving %s too: open http://%s/contact/\n", *siteDir, ln.Addr())
	}
	done := make(chan error, 1)
	go func() { done <- srv.Serve(ln) }()
	select {
	case err := <-done:
		return err
	case <-ctx.Done():
	}
	shutdown, cancel := context.WithTimeout(context.Background(), 10*time.Second)
	defer cancel()
	if err := srv.Shutdown(shutdown); err != nil {
		return err
	}
	if err := <-done; !errors.Is(err, http.ErrServerClosed) {
		return err
	}
	fmt.Fprintln(stdout, "bcs receive: stopped")
	return nil
}

func cmdSubmissions(ctx context.Context, args []string, stdout, stderr io.Writer) error {
	const usage = "usage: bcs submissions export [-db FILE] [-o FILE.csv]\n       bcs submissions purge [-db FILE] -older-than 365d\n"
	if len(args) == 0 {
		fmt.Fprint(stderr, usage)
		return errUsage
	}
	fl := flag.NewFlagSet("submissions "+args[0], flag.ContinueOnError)
	fl.SetOutput(stderr)
	dbPath := fl.String("db", "submissions.db", "SQLite database of submissions")
	out := fl.String("o", "", "export: write the CSV here (default: standard output)")
	olderThan := fl.String("older-than", "", "purge: delete submissions older than this, in days (365d) or a Go duration (8760h)")
	if err := fl.Parse(args[1:]); err != nil {
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
	switch args[0] {
	case "export":
		w := stdout
		if *out != "" {
			f, err := os.OpenFile(*out, os.O_WRONLY|os.O_CREATE|os.O_TRUNC, 0o600) // personal data: owner only
			if err != nil {
				return err
			}
			defer f.Close()
			w = f
		}
		n, err := store.ExportCSV(ctx, w)
		if err != nil {
			return err
		}
		if *out != "" {
			fmt.Fprintf(stderr, "exported %d submissions to %s\n", n, *out)
		}
		return nil
	case "purge":
		age, err := parseAge(*olderThan)
		if err != nil {
			fmt.Fprintf(stderr, "bcs submissions purge: -older-than: %v\n", err)
			return errUsage
		}
		n, err := store.Purge(ctx, time.Now().Add(-age))
		if err != nil {
			return err
		}
		fmt.Fprintf(stdout, "deleted %d submissions older than %s\n", n, *olderThan)
		return nil
	}
	fmt.Fprintf(stderr, "bcs submissions: unknown command %q\n%s", args[0], usage)
	return errUsage
}

// parseAge reads "365d" or a Go duration such as "8760h".
func parseAge(s string) (time.Duration, error) {
	if s == "" {
		return 0, errors.New("required, e.g. 365d")
	}
	var d time.Duration
	if days, ok := strings.CutSuffix(s, "d"); ok {
		n, err := strconv.Atoi(days)
		if err != nil {
			return 0, fmt.Errorf("%q: write a whole number of days, like 365d", s)
		}
		d = time.Duration(n) * 24 * time.Hour
	} else {
		var err error
		if d, err = time.ParseDuration(s); err != nil {
			return 0, fmt.Errorf("%q: write days (365d) or a duration (8760h)", s)
		}
	}
	if d <= 0 {
		return 0, fmt.Errorf("%q must be more than zero", s)
	}
	return d, nil
}
