package main

import (
	"context"
	"crypto/x509"
	"errors"
	"flag"
	"fmt"
	"io"
	"log/slog"
	"net"
	"net/http"
	"net/url"
	"os"
	"path/filepath"
	"strings"
	"sync"
	"time"

	"github.com/bcs/publish/generator/internal/receiver"
	"github.com/bcs/publish/generator/internal/statichost"
)

// stringList is a repeatable string flag.
type stringList []string

func (s *stringList) String() string     { return strings.Join(*s, ",") }
func (s *stringList) Set(v string) error { *s = append(*s, v); return nil }

// The environment variables that carry delivery secrets: they never go in
// content/site.yaml or on a command line other users can read.
const (
	envSMTPPassword = "BCS_SMTP_PASSWORD"
	envWebhookURL   = "BCS_WEBHOOK_URL"
)

func cmdReceive(ctx context.Context, args []string, stdout, stderr io.Writer) error {
	fl := flag.NewFlagSet("receive", flag.ContinueOnError)
	fl.SetOutput(stderr)
	addr := fl.String("addr", "127.0.0.1:8081", "address to listen on (loopback by default; put a TLS proxy in front)")
	forms := fl.String("forms", "public/forms", "directory of the form exports written by bcs build")
	dbPath := fl.String("db", "submissions.db", "SQLite database of submissions and their deliveries (created if missing)")
	var origins stringList
	fl.Var(&origins, "allow-origin", "an origin allowed to post besides the site's base_url, e.g. http://localhost:1313 (repeatable)")
	maxBody := fl.Int64("max-body", receiver.DefaultMaxBody, "largest request body accepted, in bytes")
	per := fl.Duration("rate", 20*time.Second, "after the burst, one post per client per this long (0: no limit)")
	burst := fl.Int("burst", 5, "posts a client may send at once")
	trustProxy := fl.Bool("trust-proxy", false, "take the client address from the last X-Forwarded-For entry (only behind your own proxy)")
	siteDir := fl.String("site", "", "also serve this built site (public/) on the same address, as a static host would, to try the whole flow locally")
	smtpAddr := fl.String("smtp", "", "email each request to the team through this SMTP server, host:port (e.g. smtp.office365.com:587)")
	smtpSec := fl.String("smtp-security", receiver.StartTLS, "starttls (port 587), tls (port 465) or none (a relay on this machine only)")
	smtpUser := fl.String("smtp-user", "", "SMTP login; the password comes from $"+envSMTPPassword+" or -smtp-password-file")
	smtpPassFile := fl.String("smtp-password-file", "", "file holding the SMTP password (owner-only, outside the repository)")
	smtpCA := fl.String("smtp-ca", "", "PEM file of the certificate authorities to trust for the SMTP server (default: the system's)")
	webhookFile := fl.String("webhook-url-file", "", "file holding a Teams or Slack incoming-webhook address to post each request to (or $"+envWebhookURL+")")
	storeOnly := fl.Bool("store-only", false, "store requests without delivering them to anyone (trying the form locally)")
	attempts := fl.Int("max-attempts", receiver.DefaultMaxAttempts, "attempts at a delivery before it is parked for staff (bcs submissions parked)")
	backoff := fl.Duration("retry-after", receiver.DefaultBackoff, "wait after a first failed delivery; it doubles after each, up to an hour")
	if err := parseFlags(fl, args, stderr); err != nil {
		return err
	}
	log := slog.New(slog.NewTextHandler(stderr, nil))
	deliver, err := deliverer(*smtpAddr, *smtpSec, *smtpUser, *smtpPassFile, *smtpCA, *webhookFile, *storeOnly)
	if err != nil {
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
	cfg := receiver.Config{Forms: *forms, Store: store, AllowOrigins: origins, MaxBody: *maxBody,
		RatePer: *per, RateBurst: *burst, TrustProxy: *trustProxy, Log: log}
	if deliver != nil {
		deliver.Store, deliver.Log, deliver.MaxAttempts, deliver.Backoff = store, log, *attempts, *backoff
		cfg.Deliver = deliver
	}
	h, err := receiver.New(cfg)
	if err != nil {
		return err
	}
	if err := h.CheckDelivery(); err != nil {
		return err
	}
	mux := http.NewServeMux()
	for _, p := range h.Paths() {
		mux.Handle(p, h)
	}
	if *siteDir != "" {
		files, err := statichost.New(*siteDir)
		if err != nil {
			return err
		}
		mux.Handle("/", files)
	} else {
		mux.Handle("/", h) // answers 404 for anything but the forms
	}
	mux.HandleFunc("GET /healthz", func(w http.ResponseWriter, r *http.Request) { health(w, r, h) })
	srv := &http.Server{Handler: mux, ReadHeaderTimeout: 10 * time.Second, ReadTimeout: 30 * time.Second,
		WriteTimeout: 30 * time.Second, IdleTimeout: 2 * time.Minute, MaxHeaderBytes: 16 << 10}
	fmt.Fprintf(stdout, "bcs receive: listening on http://%s for %s, storing in %s\n", ln.Addr(), strings.Join(h.Paths(), ", "), *dbPath)
	if deliver != nil {
		fmt.Fprintf(stdout, "bcs receive: delivering each request by %s (up to %d attempts each)\n", strings.Join(deliver.Channels(), " and "), deliver.MaxAttempts)
	} else {
		fmt.Fprintln(stdout, "bcs receive: -store-only: requests are stored, not sent to anyone; `bcs submissions export` reads them")
	}
	if *siteDir != "" {
		fmt.Fprintf(stdout, "bcs receive: serving %s too: open http://%s/contact/\n", *siteDir, ln.Addr())
	}
	var wg sync.WaitGroup
	wctx, stopWorker := context.WithCancel(context.Background())
	defer stopWorker()
	if deliver != nil {
		wg.Go(func() { deliver.Run(wctx) })
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
	err = srv.Shutdown(shutdown)
	stopWorker() // after the last post is stored; an unsent job waits in the outbox
	wg.Wait()
	if err != nil {
		return err
	}
	if err := <-done; !errors.Is(err, http.ErrServerClosed) {
		return err
	}
	fmt.Fprintln(stdout, "bcs receive: stopped")
	return nil
}

// deliverer sets up delivery from the flags and the environment. Without
// -smtp or a webhook it refuses to start unless -store-only says that is
// meant: a receiver that silently tells nobody is how requests get lost.
func deliverer(smtpAddr, security, user, passFile, caFile, webhookFile string, storeOnly bool) (*receiver.Deliverer, error) {
	d := &receiver.Deliverer{Senders: map[string]receiver.Sender{}}
	if smtpAddr != "" {
		pass := os.Getenv(envSMTPPassword)
		if passFile != "" {
			var err error
			if pass, err = secretFile(passFile); err != nil {
				return nil, fmt.Errorf("-smtp-password-file: %w", err)
			}
		}
		s := &receiver.SMTP{Addr: smtpAddr, Security: security, User: user, Password: pass}
		if caFile != "" {
			pem, err := os.ReadFile(caFile)
			if err != nil {
				return nil, fmt.Errorf("-smtp-ca: %w", err)
			}
			s.RootCAs = x509.NewCertPool()
			if !s.RootCAs.AppendCertsFromPEM(pem) {
				return nil, fmt.Errorf("-smtp-ca %s: no PEM certificate in it", caFile)
			}
		}
		if err := s.Check(); err != nil {
			return nil, err
		}
		d.Senders[receiver.ChannelEmail] = s
	}
	hook := os.Getenv(envWebhookURL)
	if webhookFile != "" {
		var err error
		if hook, err = secretFile(webhookFile); err != nil {
			return nil, fmt.Errorf("-webhook-url-file: %w", err)
		}
	}
	if hook != "" {
		u, err := url.Parse(hook)
		if err != nil || (u.Scheme != "https" && !(u.Scheme == "http" && receiver.IsLoopback(strings.ToLower(u.Hostname())))) || u.Host == "" {
			return nil, errors.New("the webhook address must be an https:// URL (http:// only to this machine)")
		}
		d.Senders[receiver.ChannelWebhook] = &receiver.Webhook{URL: hook}
	}
	switch {
	case len(d.Senders) > 0 && storeOnly:
		return nil, errors.New("-store-only and a delivery (-smtp or a webhook) contradict each other: choose one")
	case len(d.Senders) > 0:
		return d, nil
	case storeOnly:
		return nil, nil
	}
	return nil, errors.New("no delivery is set up, so nobody would hear of a request: give -smtp host:port (README, \"The contact form\"), a webhook, or -store-only to only store requests")
}

// secretFile reads a password or webhook address from a file that only its
// owner can read and that is not inside the working directory (the
// repository, where it could be committed).
func secretFile(name string) (string, error) {
	abs, err := filepath.Abs(name)
	if err != nil {
		return "", err
	}
	wd, err := os.Getwd()
	if err != nil {
		return "", err
	}
	if rel, err := filepath.Rel(wd, abs); err == nil && rel != ".." && !strings.HasPrefix(rel, ".."+string(filepath.Separator)) {
		return "", fmt.Errorf("%s is inside %s, where it could be committed: keep secrets outside the repository", name, wd)
	}
	fi, err := os.Stat(abs)
	if err != nil {
		return "", err
	}
	if fi.Mode().Perm()&0o077 != 0 {
		return "", fmt.Errorf("%s can be read by other users (mode %v): chmod 600 it", name, fi.Mode().Perm())
	}
	b, err := os.ReadFile(abs)
	if err != nil {
		return "", err
	}
	v := strings.TrimSpace(string(b))
	if v == "" {
		return "", fmt.Errorf("%s is empty", name)
	}
	return v, nil
}

// health answers the load balancer: 200 while a post would be stored, 503
// with the reason when not. It reports the outbox, so a delivery backlog
// shows, but a backlog alone is not ill health: requests are safe in it.
func health(w http.ResponseWriter, r *http.Request, h *receiver.Handler) {
	w.Header().Set("Cache-Control", "no-store")
	w.Header().Set("Content-Type", "text/plain; charset=utf-8")
	ctx, cancel := context.WithTimeout(r.Context(), 2*time.Second)
	defer cancel()
	st, err := h.Healthy(ctx)
	if err != nil {
		w.WriteHeader(http.StatusServiceUnavailable)
		fmt.Fprintf(w, "not ok: %v\n", err)
		return
	}
	fmt.Fprintf(w, "ok\npending deliveries: %d\nparked deliveries: %d\n", st.Pending, st.Parked)
	if !st.Oldest.IsZero() {
		fmt.Fprintf(w, "oldest pending since: %s\n", st.Oldest.UTC().Format(time.RFC3339))
	}
}
