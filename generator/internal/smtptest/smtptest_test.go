package smtptest

import (
	"crypto/tls"
	"errors"
	"fmt"
	"net"
	"net/smtp"
	"net/textproto"
	"runtime"
	"slices"
	"strings"
	"testing"
	"time"
)

const (
	from = "website@bcs.example"
	user = "relay-user"
	pass = "s3cret pass"
)

// message is a test message with a line that starts with a dot (dot-stuffed
// on the wire) and UTF-8 text (8BITMIME).
func message(subject string) []byte {
	return []byte("From: BCS website <" + from + ">\r\nTo: team@bcs.example\r\nSubject: " + subject +
		"\r\nContent-Type: text/plain; charset=utf-8\r\n\r\nName: Zoë Brontë\r\n.leading dot\r\n..two dots\r\n")
}

// send sends one message over c (already past EHLO, and STARTTLS or AUTH if
// any) to each of to.
func send(c *smtp.Client, msg []byte, to ...string) error {
	if err := c.Mail(from); err != nil {
		return err
	}
	for _, rcpt := range to {
		if err := c.Rcpt(rcpt); err != nil {
			return err
		}
	}
	w, err := c.Data()
	if err != nil {
		return err
	}
	if _, err := w.Write(msg); err != nil {
		return err
	}
	if err := w.Close(); err != nil {
		return err
	}
	return c.Quit()
}

func dial(t *testing.T, s *Server) *smtp.Client {
	t.Helper()
	c, err := smtp.Dial(s.Addr())
	if err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() { c.Close() })
	if err := c.Hello("localhost"); err != nil {
		t.Fatal(err)
	}
	return c
}

func startTLS(t *testing.T, s *Server, c *smtp.Client) {
	t.Helper()
	if err := c.StartTLS(&tls.Config{ServerName: "127.0.0.1", RootCAs: s.CertPool()}); err != nil {
		t.Fatal(err)
	}
}

// code is the SMTP reply code of err, or 0.
func code(err error) int {
	var e *textproto.Error
	if errors.As(err, &e) {
		return e.Code
	}
	return 0
}

func check(t *testing.T, m Message, subject string, to ...string) {
	t.Helper()
	if m.From != from || !slices.Equal(m.To, to) {
		t.Errorf("envelope from %q to %q, want from %q to %q", m.From, m.To, from, to)
	}
	if got := m.Header.Get("Subject"); got != subject {
		t.Errorf("Subject %q, want %q", got, subject)
	}
	if want := message(subject); string(m.Raw) != string(want) {
		t.Errorf("raw message\n%q\nwant\n%q", m.Raw, want)
	}
	if want := "Name: Zoë Brontë\r\n.leading dot\r\n..two dots\r\n"; string(m.Body) != want {
		t.Errorf("body %q, want %q", m.Body, want)
	}
}

func TestPlain(t *testing.T) {
	s := Start(t, Options{})
	if !strings.HasPrefix(s.Addr(), "127.0.0.1:") {
		t.Errorf("Addr %q, want 127.0.0.1:PORT", s.Addr())
	}
	if s.CertPool() != nil {
		t.Error("CertPool without TLS is not nil")
	}
	c := dial(t, s)
	if ok, _ := c.Extension("STARTTLS"); ok {
		t.Error("a plain server offers STARTTLS")
	}
	if ok, _ := c.Extension("AUTH"); ok {
		t.Error("a server without a user offers AUTH")
	}
	if err := send(c, message("plain"), "a@bcs.example", "b@bcs.example"); err != nil {
		t.Fatal(err)
	}
	// smtp.SendMail too: the ordinary client path, one more message.
	if err := smtp.SendMail(s.Addr(), nil, from, []string{"c@bcs.example"}, message("sendmail")); err != nil {
		t.Fatal(err)
	}
	msgs := s.WaitMessages(t, 2, 5*time.Second)
	if len(msgs) != 2 {
		t.Fatalf("%d messages, want 2", len(msgs))
	}
	check(t, msgs[0], "plain", "a@bcs.example", "b@bcs.example")
	check(t, msgs[1], "sendmail", "c@bcs.example")
}

func TestSTARTTLSAuth(t *testing.T) {
	s := Start(t, Options{TLS: true, User: user, Password: pass})
	if s.CertPool() == nil {
		t.Fatal("no CertPool with TLS")
	}

	t.Run("good password", func(t *testing.T) {
		c := dial(t, s)
		if ok, _ := c.Extension("AUTH"); ok {
			t.Error("AUTH offered before STARTTLS")
		}
		startTLS(t, s, c)
		if ok, mechs := c.Extension("AUTH"); !ok || !strings.Contains(mechs, "PLAIN") || !strings.Contains(mechs, "LOGIN") {
			t.Errorf("after STARTTLS, AUTH is %v %q, want PLAIN and LOGIN", ok, mechs)
		}
		if err := c.Auth(smtp.PlainAuth("", user, pass, "127.0.0.1")); err != nil {
			t.Fatal(err)
		}
		if err := send(c, message("starttls"), "team@bcs.example"); err != nil {
			t.Fatal(err)
		}
	})
	t.Run("bad password", func(t *testing.T) {
		c := dial(t, s)
		startTLS(t, s, c)
		err := c.Auth(smtp.PlainAuth("", user, "wrong", "127.0.0.1"))
		if code(err) != 535 {
			t.Fatalf("AUTH with a wrong password: %v, want 535", err)
		}
		// net/smtp ends the session after a failed AUTH; a new one, past
		// STARTTLS but not authenticated, may not send.
		c = dial(t, s)
		startTLS(t, s, c)
		if err := c.Mail(from); code(err) != 530 {
			t.Errorf("MAIL without AUTH: %v, want 530", err)
		}
	})
	t.Run("no STARTTLS", func(t *testing.T) {
		c := dial(t, s)
		if err := c.Mail(from); code(err) != 530 {
			t.Errorf("MAIL before STARTTLS: %v, want 530", err)
		}
	})
	t.Run("certificate checked", func(t *testing.T) {
		c := dial(t, s)
		if err := c.StartTLS(&tls.Config{ServerName: "127.0.0.1"}); err == nil {
			t.Error("STARTTLS trusted the self-signed certificate without CertPool")
		}
	})

	msgs := s.Messages()
	if len(msgs) != 1 {
		t.Fatalf("%d messages, want 1", len(msgs))
	}
	check(t, msgs[0], "starttls", "team@bcs.example")
}

func TestImplicitTLS(t *testing.T) {
	s := Start(t, Options{ImplicitTLS: true, User: user, Password: pass})
	conn, err := tls.Dial("tcp", s.Addr(), &tls.Config{ServerName: "localhost", RootCAs: s.CertPool()})
	if err != nil {
		t.Fatal(err)
	}
	c, err := smtp.NewClient(conn, "localhost")
	if err != nil {
		t.Fatal(err)
	}
	defer c.Close()
	if ok, _ := c.Extension("STARTTLS"); ok {
		t.Error("STARTTLS offered over implicit TLS")
	}
	if err := c.Auth(smtp.PlainAuth("", user, pass, "localhost")); err != nil {
		t.Fatal(err)
	}
	if err := send(c, message("implicit"), "team@bcs.example"); err != nil {
		t.Fatal(err)
	}
	check(t, s.WaitMessages(t, 1, 5*time.Second)[0], "implicit", "team@bcs.example")

	// A plain client gets no "220" greeting: the port waits for a TLS
	// handshake.
	plain, err := net.Dial("tcp", s.Addr())
	if err != nil {
		t.Fatal(err)
	}
	defer plain.Close()
	plain.SetReadDeadline(time.Now().Add(300 * time.Millisecond))
	if n, _ := plain.Read(make([]byte, 64)); n > 0 {
		t.Error("a plain client was greeted on the implicit-TLS port")
	}
}

func TestFailRcpt(t *testing.T) {
	s := Start(t, Options{FailRcpt: 1})
	c := dial(t, s)
	if err := send(c, message("first try"), "team@bcs.example"); code(err) != 451 {
		t.Fatalf("first RCPT: %v, want 451", err)
	}
	if err := smtp.SendMail(s.Addr(), nil, from, []string{"team@bcs.example"}, message("retry")); err != nil {
		t.Fatal(err)
	}
	msgs := s.WaitMessages(t, 1, 5*time.Second)
	if len(msgs) != 1 {
		t.Fatalf("%d messages, want 1", len(msgs))
	}
	check(t, msgs[0], "retry", "team@bcs.example")
}

func TestStopRestart(t *testing.T) {
	s := Start(t, Options{})
	addr := s.Addr()
	if err := smtp.SendMail(addr, nil, from, []string{"a@bcs.example"}, message("before")); err != nil {
		t.Fatal(err)
	}
	s.Stop()
	if err := smtp.SendMail(addr, nil, from, []string{"a@bcs.example"}, message("while down")); err == nil {
		t.Fatal("sending to a stopped server succeeded")
	}
	s.Stop() // a second Stop does nothing

	s.Restart(t)
	if s.Addr() != addr {
		t.Fatalf("restarted on %s, want %s", s.Addr(), addr)
	}
	if err := smtp.SendMail(addr, nil, from, []string{"b@bcs.example"}, message("after")); err != nil {
		t.Fatal(err)
	}
	s.Restart(t) // while running, and straight after a connection (TIME_WAIT)
	if err := smtp.SendMail(addr, nil, from, []string{"c@bcs.example"}, message("again")); err != nil {
		t.Fatal(err)
	}
	msgs := s.WaitMessages(t, 3, 5*time.Second)
	if len(msgs) != 3 {
		t.Fatalf("%d messages, want 3", len(msgs))
	}
	check(t, msgs[0], "before", "a@bcs.example")
	check(t, msgs[1], "after", "b@bcs.example")
	check(t, msgs[2], "again", "c@bcs.example")
}

// fatalTB records a Fatal instead of failing the test it wraps.
type fatalTB struct {
	testing.TB
	msg string
}

func (f *fatalTB) Helper() {}
func (f *fatalTB) Fatal(args ...any) {
	f.msg = fmt.Sprint(args...)
	runtime.Goexit()
}
func (f *fatalTB) Fatalf(format string, args ...any) {
	f.msg = fmt.Sprintf(format, args...)
	runtime.Goexit()
}

// fatal runs fn with a TB whose Fatal is recorded, and returns its message
// ("" if fn did not call Fatal).
func fatal(t *testing.T, fn func(testing.TB)) string {
	f := &fatalTB{TB: t}
	done := make(chan struct{})
	go func() {
		defer close(done)
		fn(f)
	}()
	<-done
	return f.msg
}

// TestMissing: without aiosmtpd (python3 -S leaves out dist-packages, where
// Debian installs it) Start fails the test with Missing; it does not skip.
func TestMissing(t *testing.T) {
	saved := python
	t.Cleanup(func() { python = saved })
	python = []string{"/usr/bin/python3", "-I", "-S"}
	if got := fatal(t, func(tb testing.TB) { Start(tb, Options{}) }); got != Missing {
		t.Errorf("Start without aiosmtpd failed with %q, want %q", got, Missing)
	}
	python = []string{"/nonexistent/python3"}
	if got := fatal(t, func(tb testing.TB) { Start(tb, Options{}) }); got != Missing {
		t.Errorf("Start without python3 failed with %q, want %q", got, Missing)
	}
}

func TestWaitMessagesTimeout(t *testing.T) {
	s := Start(t, Options{})
	if err := smtp.SendMail(s.Addr(), nil, from, []string{"a@bcs.example"}, message("only one")); err != nil {
		t.Fatal(err)
	}
	got := fatal(t, func(tb testing.TB) { s.WaitMessages(tb, 2, 200*time.Millisecond) })
	for _, want := range []string{"for 2 messages; 1 arrived", `"only one"`, `["a@bcs.example"]`} {
		if !strings.Contains(got, want) {
			t.Errorf("WaitMessages failed with %q, want it to contain %q", got, want)
		}
	}
}
