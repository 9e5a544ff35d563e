package receiver

import (
	"bytes"
	"context"
	"encoding/json"
	"errors"
	"net/http"
	"net/mail"
	"strings"
	"sync"
	"testing"
	"time"

	"github.com/bcs/publish/generator/internal/smtptest"
)

// smtpDeliverer sends email to the test server with short retry waits, and
// attempts enough that a temporary failure is never parked however long the
// server takes to come back on a loaded machine (ten attempts at these waits
// are gone in under half a second: CI parked jobs so once).
func smtpDeliverer(s *SMTP) *Deliverer {
	return &Deliverer{Senders: map[string]Sender{ChannelEmail: s}, Backoff: 5 * time.Millisecond, MaxBackoff: 50 * time.Millisecond, MaxAttempts: 100_000}
}

// byMessageID groups the stored messages by Message-ID, failing on a
// message without one.
func byMessageID(t testing.TB, msgs []smtptest.Message) map[string][]smtptest.Message {
	t.Helper()
	out := map[string][]smtptest.Message{}
	for _, m := range msgs {
		id := m.Header.Get("Message-ID")
		if id == "" {
			t.Fatalf("a message without a Message-ID:\n%s", m.Raw)
		}
		out[id] = append(out[id], m)
	}
	return out
}

// messageID is the Message-ID the receiver gives submission id (see
// buildEmail), as the real site's forms export names the host.
func messageID(id string) string { return "<" + id + "@www.bcs-pharmacy.co.uk>" }

// TestSMTPDownThenUp: posts are accepted while the mail server is down, and
// once it is back every one is delivered, once.
func TestSMTPDownThenUp(t *testing.T) {
	mta := smtptest.Start(t, smtptest.Options{})
	mta.Stop()
	d := smtpDeliverer(&SMTP{Addr: mta.Addr(), Security: NoTLS})
	s := newServer(t, func(c *Config) { c.Deliver = d })
	runDeliverer(t, d, s.store)

	var ids []string
	for range 12 {
		a := post(t, s.URL+"/api/contact", goodPost().Encode(), map[string]string{"Accept": "application/json"})
		if a.status != http.StatusOK {
			t.Fatalf("with the mail server down the post got %d: %s", a.status, a.body)
		}
		ids = append(ids, jsonID(t, a.body))
	}
	// Every job has failed at least once before the server comes back.
	deadline := time.Now().Add(30 * time.Second)
	for {
		failed := 0
		s.store.Jobs(context.Background(), "", func(j Job) error {
			if j.State == "pending" && j.Attempts > 0 && j.LastError != "" {
				failed++
			}
			return nil
		})
		if failed == len(ids) {
			break
		}
		if time.Now().After(deadline) {
			t.Fatalf("only %d of %d jobs have failed against a stopped server", failed, len(ids))
		}
		time.Sleep(5 * time.Millisecond)
	}
	mta.Restart(t)
	waitJobs(t, s.store, len(ids), "sent")
	got := byMessageID(t, mta.WaitMessages(t, len(ids), 30*time.Second))
	for _, id := range ids {
		if n := len(got[messageID(id)]); n != 1 {
			t.Errorf("submission %s arrived %d times", id, n)
		}
	}
	if len(got) != len(ids) {
		t.Errorf("%d distinct messages for %d submissions", len(got), len(ids))
	}
	for _, m := range mta.Messages() {
		if m.From != "website@bcs-pharmacy.co.uk" || strings.Join(m.To, ",") != "servicedevelopment@bcs-pharmacy.co.uk" {
			t.Errorf("envelope %s -> %v", m.From, m.To)
		}
		if a, err := mail.ParseAddress(m.Header.Get("Reply-To")); err != nil || a.Address != "ann.smith@nhs.net" {
			t.Errorf("Reply-To %q", m.Header.Get("Reply-To"))
		}
	}
}

// TestSMTPStartTLSAndLogin sends through STARTTLS and AUTH, checking the
// server's certificate; wrong credentials park the job at once (535 is
// permanent) and a retry with the right ones delivers it.
func TestSMTPStartTLSAndLogin(t *testing.T) {
	for _, tc := range []struct {
		name     string
		opt      smtptest.Options
		security string
	}{
		{"starttls", smtptest.Options{TLS: true, User: "website", Password: "s3cret pass"}, StartTLS},
		{"implicit tls", smtptest.Options{ImplicitTLS: true, User: "website", Password: "s3cret pass"}, ImplicitTLS},
	} {
		t.Run(tc.name, func(t *testing.T) {
			mta := smtptest.Start(t, tc.opt)
			sender := &swappable{s: &SMTP{Addr: mta.Addr(), Security: tc.security, User: "website", Password: "wrong", RootCAs: mta.CertPool()}}
			d := &Deliverer{Senders: map[string]Sender{ChannelEmail: sender}, Backoff: 5 * time.Millisecond, MaxBackoff: 50 * time.Millisecond}
			s := newServer(t, func(c *Config) { c.Deliver = d })
			runDeliverer(t, d, s.store)
			a := post(t, s.URL+"/api/contact", goodPost().Encode(), map[string]string{"Accept": "application/json"})
			id := jsonID(t, a.body)
			jobs := waitJobs(t, s.store, 1, "parked")
			if jobs[0].Attempts != 1 || !strings.Contains(jobs[0].LastError, "535") {
				t.Fatalf("a refused login: %d attempts, %q", jobs[0].Attempts, jobs[0].LastError)
			}
			sender.set(&SMTP{Addr: mta.Addr(), Security: tc.security, User: "website", Password: "s3cret pass", RootCAs: mta.CertPool()})
			if n, err := s.store.Retry(context.Background(), time.Now(), id); err != nil || n != 1 {
				t.Fatalf("retry: %d %v", n, err)
			}
			d.Wake()
			waitJobs(t, s.store, 1, "sent")
			got := mta.WaitMessages(t, 1, 30*time.Second)
			if got[0].Header.Get("Message-ID") != messageID(id) {
				t.Errorf("Message-ID %q", got[0].Header.Get("Message-ID"))
			}
		})
	}
}

// TestSMTPUntrustedCertificate: a server whose certificate the receiver
// cannot verify gets no message (and no password).
func TestSMTPUntrustedCertificate(t *testing.T) {
	mta := smtptest.Start(t, smtptest.Options{TLS: true, User: "website", Password: "pw"})
	d := smtpDeliverer(&SMTP{Addr: mta.Addr(), Security: StartTLS, User: "website", Password: "pw"}) // system roots only
	d.MaxAttempts = 2
	s := newServer(t, func(c *Config) { c.Deliver = d })
	runDeliverer(t, d, s.store)
	post(t, s.URL+"/api/contact", goodPost().Encode(), nil)
	jobs := waitJobs(t, s.store, 1, "parked")
	if !strings.Contains(jobs[0].LastError, "certificate") {
		t.Errorf("last error %q does not name the certificate", jobs[0].LastError)
	}
	if n := len(mta.Messages()); n != 0 {
		t.Errorf("%d messages went to an unverified server", n)
	}
}

// TestSMTPTemporaryRefusal: a 451 for the recipient is retried, not parked.
func TestSMTPTemporaryRefusal(t *testing.T) {
	mta := smtptest.Start(t, smtptest.Options{FailRcpt: 2})
	d := smtpDeliverer(&SMTP{Addr: mta.Addr(), Security: NoTLS})
	s := newServer(t, func(c *Config) { c.Deliver = d })
	runDeliverer(t, d, s.store)
	post(t, s.URL+"/api/contact", goodPost().Encode(), nil)
	jobs := waitJobs(t, s.store, 1, "sent")
	if jobs[0].Attempts != 3 {
		t.Errorf("sent after %d attempts, want 3 (two 451s first)", jobs[0].Attempts)
	}
	tries, err := s.store.Attempts(context.Background(), jobs[0].ID)
	if err != nil {
		t.Fatal(err)
	}
	if len(tries) != 3 || !strings.Contains(tries[0].Detail, "451") {
		t.Errorf("attempts recorded: %+v", tries)
	}
	if n := len(mta.WaitMessages(t, 1, 30*time.Second)); n != 1 {
		t.Errorf("%d messages", n)
	}
}

// swappable is a Sender whose settings the test changes between attempts,
// as staff would fix a password and restart.
type swappable struct {
	mu sync.Mutex
	s  *SMTP
}

func (w *swappable) set(s *SMTP) { w.mu.Lock(); w.s = s; w.mu.Unlock() }

func (w *swappable) Send(ctx context.Context, j Job) (string, error) {
	w.mu.Lock()
	s := w.s
	w.mu.Unlock()
	return s.Send(ctx, j)
}

// jsonID is the submission id of a JSON answer.
func jsonID(t testing.TB, body string) string {
	t.Helper()
	var j jsonReply
	if err := json.Unmarshal([]byte(body), &j); err != nil || !j.OK || j.ID == "" {
		t.Fatalf("answer %q: %v", body, err)
	}
	return j.ID
}

// sameMessages fails unless every copy of a message is byte-identical:
// a resend after a crash must be the same message, not a new one.
func sameMessages(t testing.TB, got map[string][]smtptest.Message) (dups int) {
	t.Helper()
	for id, copies := range got {
		for _, c := range copies[1:] {
			dups++
			if !bytes.Equal(c.Raw, copies[0].Raw) {
				t.Errorf("two different messages with Message-ID %s:\n%s\n----\n%s", id, copies[0].Raw, c.Raw)
			}
		}
	}
	return dups
}

// lostAnswer sends for real but reports the first send as failed, as when
// the server accepted the message and the connection dropped before its
// answer arrived (or the receiver died before recording it).
type lostAnswer struct {
	s    *SMTP
	mu   sync.Mutex
	lost bool
}

func (l *lostAnswer) Send(ctx context.Context, j Job) (string, error) {
	detail, err := l.s.Send(ctx, j)
	l.mu.Lock()
	defer l.mu.Unlock()
	if err == nil && !l.lost {
		l.lost = true
		return "", errors.New("connection reset before the server's answer")
	}
	return detail, err
}

// TestResendIsTheSameMessage: delivery is at least once; a message sent
// again is byte for byte the first, so the team's mail client shows one.
func TestResendIsTheSameMessage(t *testing.T) {
	mta := smtptest.Start(t, smtptest.Options{})
	d := &Deliverer{Senders: map[string]Sender{ChannelEmail: &lostAnswer{s: &SMTP{Addr: mta.Addr(), Security: NoTLS}}},
		Backoff: 5 * time.Millisecond, MaxBackoff: 50 * time.Millisecond}
	s := newServer(t, func(c *Config) { c.Deliver = d })
	runDeliverer(t, d, s.store)
	id := jsonID(t, post(t, s.URL+"/api/contact", goodPost().Encode(), map[string]string{"Accept": "application/json"}).body)
	waitJobs(t, s.store, 1, "sent")
	got := byMessageID(t, mta.WaitMessages(t, 2, 30*time.Second))
	if len(got) != 1 || len(got[messageID(id)]) != 2 {
		t.Fatalf("want two copies of %s, have %v", messageID(id), got)
	}
	if dups := sameMessages(t, got); dups != 1 {
		t.Errorf("%d resends", dups)
	}
}
