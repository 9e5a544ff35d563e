// Package smtptest runs a real SMTP server for tests: aiosmtpd (Debian's
// python3-aiosmtpd, an RFC 5321 server with STARTTLS and AUTH), started by
// smtpd.py beside this file, storing every accepted message in a folder that
// the test reads back. It is not a mock: what a client must get right for a
// real relay (EHLO, STARTTLS and certificate checks, AUTH, dot-stuffing,
// temporary failures) it must get right here.
//
// Start fails the test, never skips it, when the server is not installed:
// `make test` installs it (`make test-deps`, .ci/deps).
package smtptest

import (
	"bytes"
	"crypto/ecdsa"
	"crypto/elliptic"
	"crypto/rand"
	"crypto/x509"
	"crypto/x509/pkix"
	_ "embed"
	"encoding/json"
	"encoding/pem"
	"errors"
	"fmt"
	"io"
	"io/fs"
	"math/big"
	"net"
	"net/mail"
	"os"
	"os/exec"
	"path/filepath"
	"strconv"
	"strings"
	"sync"
	"syscall"
	"testing"
	"time"
)

// The script is embedded and written to each server's folder, so a test
// binary finds it wherever it runs (go test -trimpath, a copied binary).
//
//go:embed smtpd.py
var script []byte

// python runs the script. Debian's python3-aiosmtpd installs for Debian's own
// Python, so it is /usr/bin/python3 whatever python3 is first on PATH; -I keeps
// PYTHONPATH, PYTHONHOME and user site-packages (a pyenv's, say) out.
var python = []string{"/usr/bin/python3", "-I"}

// Missing is the failure when the server is not installed.
const Missing = "the real SMTP server for this test is missing: run 'make test-deps' (as root: apt-get install -y python3-aiosmtpd)"

// startTimeout bounds how long Start waits for the "listening" line.
const startTimeout = 20 * time.Second

// exitMissing is smtpd.py's exit status when aiosmtpd cannot be imported.
const exitMissing = 3

// Options say what the server offers and requires. The zero value is a plain
// server on 127.0.0.1: no TLS, no AUTH.
type Options struct {
	// TLS offers STARTTLS with a fresh self-signed certificate for 127.0.0.1,
	// ::1 and localhost (see Server.CertPool); AUTH is offered only after it.
	TLS bool
	// ImplicitTLS speaks TLS from the first byte (SMTPS, as on port 465), with
	// the same kind of certificate; no STARTTLS. Not with TLS.
	ImplicitTLS bool
	// User and Password, when User is set, require AUTH (PLAIN or LOGIN) with
	// them before MAIL; other credentials get 535. With TLS, STARTTLS is then
	// required before anything else.
	User, Password string
	// FailRcpt answers the first FailRcpt RCPT TO commands with 451 (a
	// temporary failure). Counted afresh by each Restart.
	FailRcpt int
}

// Message is one stored message.
type Message struct {
	From   string      // the envelope sender (MAIL FROM), "" for the null sender
	To     []string    // the envelope recipients (RCPT TO), in order
	Header mail.Header // Raw's header; nil if Raw does not parse as a message
	Raw    []byte      // the message exactly as sent, dot-stuffing undone
	Body   []byte      // Raw after the header; all of Raw if it does not parse
}

// Server is a running (or stopped) smtpd.py. Its methods are safe for
// concurrent use.
type Server struct {
	dir     string   // the server's folder: script, certificate, log
	maildir string   // where messages are stored
	args    []string // smtpd.py's arguments but --port
	pool    *x509.CertPool

	mu   sync.Mutex
	addr string
	proc *process // nil once stopped
	fail error    // the first unexpected exit, reported at clean-up
}

// process is one run of the script.
type process struct {
	cmd  *exec.Cmd
	done chan struct{} // closed when it has exited; err is then set
	err  error
	up   bool // it printed its "listening" line
	stop bool // Stop sent SIGTERM: exiting is expected
}

// Start starts a server on a free port of 127.0.0.1 and registers its Stop
// with t.Cleanup; the test fails at clean-up if the server had exited by
// itself or did not stop on SIGTERM. Start fails the test with Missing when
// the server is not installed, and with the server's stderr when it does not
// start within 20 s.
func Start(t testing.TB, opt Options) *Server {
	t.Helper()
	if opt.TLS && opt.ImplicitTLS {
		t.Fatal("smtptest: Options.TLS (STARTTLS) and Options.ImplicitTLS exclude each other")
	}
	dir := t.TempDir()
	s := &Server{dir: dir, maildir: filepath.Join(dir, "maildir")}
	if err := os.WriteFile(filepath.Join(dir, "smtpd.py"), script, 0o644); err != nil {
		t.Fatal(err)
	}
	s.args = []string{filepath.Join(dir, "smtpd.py"), "--maildir", s.maildir}
	if opt.TLS || opt.ImplicitTLS {
		cert, key, pool, err := selfSigned(dir)
		if err != nil {
			t.Fatal(err)
		}
		s.pool = pool
		s.args = append(s.args, "--tls-cert", cert, "--tls-key", key)
	}
	if opt.ImplicitTLS {
		s.args = append(s.args, "--implicit-tls")
	}
	if opt.User != "" {
		s.args = append(s.args, "--user", opt.User, "--password", opt.Password)
	}
	if opt.FailRcpt > 0 {
		s.args = append(s.args, "--fail-rcpt", strconv.Itoa(opt.FailRcpt))
	}
	// Registered after t.TempDir, so it runs before the folder is removed.
	t.Cleanup(func() {
		s.Stop()
		s.mu.Lock()
		defer s.mu.Unlock()
		if s.fail != nil {
			t.Errorf("smtptest: %v\n%s", s.fail, s.log())
		}
	})
	s.start(t, "0")
	return s
}

// start runs the script on port and waits for its "listening" line.
func (s *Server) start(t testing.TB, port string) {
	t.Helper()
	logf, err := os.OpenFile(filepath.Join(s.dir, "smtpd.log"), os.O_WRONLY|os.O_CREATE|os.O_APPEND, 0o644)
	if err != nil {
		t.Fatal(err)
	}
	defer logf.Close() // the child has its own copy
	line := &firstLine{ch: make(chan string, 1)}
	cmd := exec.Command(python[0], append(append(python[1:len(python):len(python)], s.args...), "--port", port)...)
	cmd.Stdout = line
	cmd.Stderr = logf
	if err := cmd.Start(); err != nil {
		if errors.Is(err, fs.ErrNotExist) {
			t.Fatal(Missing)
		}
		t.Fatalf("smtptest: %v", err)
	}
	p := &process{cmd: cmd, done: make(chan struct{})}
	go func() {
		p.err = cmd.Wait()
		s.mu.Lock()
		if p.up && !p.stop && s.fail == nil {
			s.fail = fmt.Errorf("smtpd.py exited by itself: %v", p.err)
		}
		s.mu.Unlock()
		close(p.done)
	}()

	timer := time.NewTimer(startTimeout)
	defer timer.Stop()
	select {
	case l := <-line.ch:
		addr, ok := strings.CutPrefix(l, "listening ")
		if _, _, err := net.SplitHostPort(addr); !ok || err != nil {
			s.kill(p)
			t.Fatalf("smtptest: smtpd.py printed %q, not \"listening 127.0.0.1:PORT\"\n%s", l, s.log())
		}
		s.mu.Lock()
		s.addr, s.proc, p.up = addr, p, true
		s.mu.Unlock()
	case <-p.done:
		var exit *exec.ExitError
		if errors.As(p.err, &exit) && exit.ExitCode() == exitMissing {
			t.Fatal(Missing)
		}
		t.Fatalf("smtptest: smtpd.py exited before listening: %v\n%s", p.err, s.log())
	case <-timer.C:
		s.kill(p)
		t.Fatalf("smtptest: smtpd.py did not start listening within %v\n%s", startTimeout, s.log())
	}
}

// kill ends a process that is no use, expecting its exit.
func (s *Server) kill(p *process) {
	s.mu.Lock()
	p.stop = true
	s.mu.Unlock()
	p.cmd.Process.Kill()
	<-p.done
}

// log is what the server wrote to stderr, over all its runs.
func (s *Server) log() string {
	b, _ := os.ReadFile(filepath.Join(s.dir, "smtpd.log"))
	if len(b) == 0 {
		return "(smtpd.py wrote nothing to stderr)"
	}
	return "smtpd.py's stderr:\n" + string(b)
}

// Addr is the server's host:port (127.0.0.1). It stays the same across
// Restart.
func (s *Server) Addr() string {
	s.mu.Lock()
	defer s.mu.Unlock()
	return s.addr
}

// CertPool holds the server's self-signed certificate, for a client's
// tls.Config RootCAs (with ServerName "127.0.0.1" or "localhost"); nil
// without TLS or ImplicitTLS.
func (s *Server) CertPool() *x509.CertPool { return s.pool }

// Stop stops the server with SIGTERM and waits for it to exit (killing it
// after 10 s). Connecting then fails; the stored messages stay. Stopping a
// stopped server does nothing.
func (s *Server) Stop() {
	s.mu.Lock()
	p := s.proc
	s.proc = nil
	if p != nil {
		p.stop = true
	}
	s.mu.Unlock()
	if p == nil {
		return
	}
	p.cmd.Process.Signal(syscall.SIGTERM)
	select {
	case <-p.done:
		if p.err != nil {
			s.failed(fmt.Errorf("smtpd.py stopped with %v on SIGTERM", p.err))
		}
	case <-time.After(10 * time.Second):
		p.cmd.Process.Kill()
		<-p.done
		s.failed(errors.New("smtpd.py did not stop within 10 s of SIGTERM; killed"))
	}
}

func (s *Server) failed(err error) {
	s.mu.Lock()
	defer s.mu.Unlock()
	if s.fail == nil {
		s.fail = err
	}
}

// Restart stops the server if it runs and starts it again with the same
// options on the same port and folder: earlier messages stay, and new ones
// are numbered after them.
func (s *Server) Restart(t testing.TB) {
	t.Helper()
	s.Stop()
	_, port, _ := net.SplitHostPort(s.Addr())
	s.start(t, port)
}

// Messages returns the stored messages in order of arrival. It panics if the
// server's folder cannot be read (the test removed it).
func (s *Server) Messages() []Message {
	names, err := filepath.Glob(filepath.Join(s.maildir, "[0-9]*.eml")) // sorted; names are fixed-width numbers
	if err != nil {
		panic(err)
	}
	msgs := make([]Message, 0, len(names))
	for _, name := range names {
		m, err := read(name)
		if err != nil {
			panic(fmt.Sprintf("smtptest: %v", err))
		}
		msgs = append(msgs, m)
	}
	return msgs
}

// read reads one stored message and its envelope.
func read(name string) (Message, error) {
	var m Message
	raw, err := os.ReadFile(name)
	if err != nil {
		return m, err
	}
	env, err := os.ReadFile(strings.TrimSuffix(name, ".eml") + ".json")
	if err != nil {
		return m, err
	}
	var e struct {
		From string
		To   []string
	}
	if err := json.Unmarshal(env, &e); err != nil {
		return m, fmt.Errorf("%s: %v", name, err)
	}
	m = Message{From: e.From, To: e.To, Raw: raw, Body: raw}
	if msg, err := mail.ReadMessage(bytes.NewReader(raw)); err == nil {
		m.Header = msg.Header
		m.Body, _ = io.ReadAll(msg.Body)
	}
	return m, nil
}

// WaitMessages waits until at least n messages are stored and returns all of
// them, in order of arrival. When timeout passes first it fails the test,
// listing what did arrive.
func (s *Server) WaitMessages(t testing.TB, n int, timeout time.Duration) []Message {
	t.Helper()
	deadline := time.Now().Add(timeout)
	for {
		msgs := s.Messages()
		if len(msgs) >= n {
			return msgs
		}
		if time.Now().After(deadline) {
			var b strings.Builder
			for i, m := range msgs {
				fmt.Fprintf(&b, "\n  %d. from %q to %q, subject %q", i+1, m.From, m.To, m.Header.Get("Subject"))
			}
			t.Fatalf("smtptest: waited %v for %d messages; %d arrived%s", timeout, n, len(msgs), b.String())
		}
		time.Sleep(20 * time.Millisecond)
	}
}

// firstLine is the script's stdout: it hands on the first line, the
// "listening" line, and drops the rest. Only exec's copying goroutine writes.
type firstLine struct {
	buf  []byte
	ch   chan string
	sent bool
}

func (w *firstLine) Write(p []byte) (int, error) {
	if !w.sent {
		w.buf = append(w.buf, p...)
		if i := bytes.IndexByte(w.buf, '\n'); i >= 0 {
			w.ch <- string(w.buf[:i])
			w.sent = true
		}
	}
	return len(p), nil
}

// selfSigned writes a new self-signed certificate and key (PEM) for
// 127.0.0.1, ::1 and localhost into dir, valid for a day.
func selfSigned(dir string) (certFile, keyFile string, pool *x509.CertPool, err error) {
	key, err := ecdsa.GenerateKey(elliptic.P256(), rand.Reader)
	if err != nil {
		return "", "", nil, err
	}
	serial, err := rand.Int(rand.Reader, new(big.Int).Lsh(big.NewInt(1), 128))
	if err != nil {
		return "", "", nil, err
	}
	now := time.Now()
	tmpl := &x509.Certificate{
		SerialNumber:          serial,
		Subject:               pkix.Name{CommonName: "smtptest"},
		NotBefore:             now.Add(-time.Hour),
		NotAfter:              now.Add(24 * time.Hour),
		KeyUsage:              x509.KeyUsageDigitalSignature | x509.KeyUsageCertSign,
		ExtKeyUsage:           []x509.ExtKeyUsage{x509.ExtKeyUsageServerAuth},
		BasicConstraintsValid: true,
		IsCA:                  true,
		DNSNames:              []string{"localhost"},
		IPAddresses:           []net.IP{net.IPv4(127, 0, 0, 1), net.IPv6loopback},
	}
	der, err := x509.CreateCertificate(rand.Reader, tmpl, tmpl, &key.PublicKey, key)
	if err != nil {
		return "", "", nil, err
	}
	cert, err := x509.ParseCertificate(der)
	if err != nil {
		return "", "", nil, err
	}
	pkcs8, err := x509.MarshalPKCS8PrivateKey(key)
	if err != nil {
		return "", "", nil, err
	}
	certFile, keyFile = filepath.Join(dir, "cert.pem"), filepath.Join(dir, "key.pem")
	if err := os.WriteFile(certFile, pem.EncodeToMemory(&pem.Block{Type: "CERTIFICATE", Bytes: der}), 0o644); err != nil {
		return "", "", nil, err
	}
	if err := os.WriteFile(keyFile, pem.EncodeToMemory(&pem.Block{Type: "PRIVATE KEY", Bytes: pkcs8}), 0o600); err != nil {
		return "", "", nil, err
	}
	pool = x509.NewCertPool()
	pool.AddCert(cert)
	return certFile, keyFile, pool, nil
}
