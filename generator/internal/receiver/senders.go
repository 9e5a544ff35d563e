package receiver

import (
	"bytes"
	"cmp"
	"context"
	"crypto/tls"
	"crypto/x509"
	"encoding/json"
	"errors"
	"fmt"
	"io"
	"net"
	"net/http"
	"net/smtp"
	"net/textproto"
	"net/url"
	"strings"
	"time"
)

// The ways an SMTP connection is secured.
const (
	StartTLS    = "starttls" // plain connection upgraded with STARTTLS, which is then required (port 587)
	ImplicitTLS = "tls"      // TLS from the first byte (port 465)
	NoTLS       = "none"     // only to a server on this machine (a local relay)
)

// SMTP sends email jobs through an SMTP server.
type SMTP struct {
	Addr     string // host:port
	Security string // StartTLS, ImplicitTLS or NoTLS
	User     string // AUTH PLAIN when set
	Password string
	Hello    string         // the name given in EHLO: the site's host
	RootCAs  *x509.CertPool // nil: the system's
}

// Check says what is wrong with the settings, before any post arrives.
func (s *SMTP) Check() error {
	host, _, err := net.SplitHostPort(s.Addr)
	if err != nil {
		return fmt.Errorf("SMTP server %q: give host:port, like smtp.example.org:587", s.Addr)
	}
	switch s.Security {
	case StartTLS, ImplicitTLS:
	case NoTLS:
		if !IsLoopback(host) {
			return fmt.Errorf("SMTP server %s: without TLS only a server on this machine is allowed (127.0.0.1 or localhost)", s.Addr)
		}
	default:
		return fmt.Errorf("SMTP security %q: use starttls, tls or none", s.Security)
	}
	if s.User != "" && s.Password == "" {
		return errors.New("an SMTP user is given but no password: set BCS_SMTP_PASSWORD or -smtp-password-file")
	}
	return nil
}

// IsLoopback says whether host (a name or an IP literal, lower case) is
// localhost or a loopback address: names that always mean this machine,
// whatever DNS says. The receiver, its command and the preview share it.
func IsLoopback(host string) bool {
	if host == "localhost" {
		return true
	}
	ip := net.ParseIP(host)
	return ip != nil && ip.IsLoopback()
}

// Send delivers one email job: it connects, secures the connection, logs
// in, and hands over the stored message unchanged.
func (s *SMTP) Send(ctx context.Context, j Job) (string, error) {
	var env envelope
	if err := json.Unmarshal([]byte(j.Envelope), &env); err != nil || env.From == "" || len(env.To) == 0 {
		return "", Permanent(fmt.Errorf("the job's envelope %q cannot be read", j.Envelope))
	}
	host, _, _ := net.SplitHostPort(s.Addr)
	tlsConfig := &tls.Config{ServerName: host, RootCAs: s.RootCAs, MinVersion: tls.VersionTLS12}
	var d net.Dialer
	conn, err := d.DialContext(ctx, "tcp", s.Addr)
	if err != nil {
		return "", err
	}
	if deadline, ok := ctx.Deadline(); ok {
		conn.SetDeadline(deadline)
	}
	if s.Security == ImplicitTLS {
		tc := tls.Client(conn, tlsConfig)
		if err := tc.HandshakeContext(ctx); err != nil {
			conn.Close()
			return "", err
		}
		conn = tc
	}
	c, err := smtp.NewClient(conn, host)
	if err != nil {
		conn.Close()
		return "", smtpError(err)
	}
	defer c.Close()
	if err := c.Hello(cmp.Or(s.Hello, "localhost")); err != nil {
		return "", smtpError(err)
	}
	if s.Security == StartTLS {
		if ok, _ := c.Extension("STARTTLS"); !ok {
			return "", fmt.Errorf("%s does not offer STARTTLS, which is required", s.Addr)
		}
		if err := c.StartTLS(tlsConfig); err != nil {
			return "", smtpError(err)
		}
	}
	if s.User != "" {
		if err := c.Auth(smtp.PlainAuth("", s.User, s.Password, host)); err != nil {
			return "", smtpError(err)
		}
	}
	if err := c.Mail(env.From); err != nil {
		return "", smtpError(err)
	}
	for _, to := range env.To {
		if err := c.Rcpt(to); err != nil {
			return "", smtpError(err)
		}
	}
	w, err := c.Data()
	if err != nil {
		return "", smtpError(err)
	}
	if _, err := w.Write(j.Payload); err != nil {
		return "", smtpError(err)
	}
	if err := w.Close(); err != nil {
		return "", smtpError(err)
	}
	c.Quit()
	return fmt.Sprintf("accepted by %s for %s", s.Addr, strings.Join(env.To, ", ")), nil
}

// smtpError marks the server's 5xx answers permanent: it refused the
// message, the sender or the login, and will refuse them again.
func smtpError(err error) error {
	var te *textproto.Error
	if errors.As(err, &te) && te.Code >= 500 {
		return Permanent(err)
	}
	return err
}

// Webhook posts webhook jobs (Slack and Microsoft Teams incoming webhooks
// take the same {"text": ...} body) to URL, with the submission's id as the
// Idempotency-Key, so an endpoint that keeps keys can drop a repeat.
type Webhook struct {
	URL    string
	Client *http.Client // nil: one with a 30-second timeout
}

// Send posts one job.
func (w *Webhook) Send(ctx context.Context, j Job) (string, error) {
	req, err := http.NewRequestWithContext(ctx, http.MethodPost, w.URL, bytes.NewReader(j.Payload))
	if err != nil {
		return "", Permanent(err)
	}
	req.Header.Set("Content-Type", "application/json")
	req.Header.Set("Idempotency-Key", j.Submission)
	req.Header.Set("User-Agent", "bcs-receive")
	client := w.Client
	if client == nil {
		client = &http.Client{Timeout: 30 * time.Second}
	}
	resp, err := client.Do(req)
	if err != nil {
		var ue *url.Error
		if errors.As(err, &ue) {
			err = ue.Err // the address is a secret: keep it out of logs and the database
		}
		return "", err
	}
	defer resp.Body.Close()
	body, _ := io.ReadAll(io.LimitReader(resp.Body, 300))
	detail := fmt.Sprintf("%s: %s", resp.Status, strings.TrimSpace(string(body)))
	switch c := resp.StatusCode; {
	case c >= 200 && c < 300:
		return detail, nil
	case c == http.StatusRequestTimeout || c == http.StatusTooEarly || c == http.StatusTooManyRequests || c >= 500:
		return "", errors.New(detail)
	default:
		return "", Permanent(errors.New(detail))
	}
}
