package main

import (
	"bytes"
	"context"
	"encoding/csv"
	"path/filepath"
	"strings"
	"testing"
	"time"

	"github.com/bcs/publish/generator/internal/receiver"
)

// staffDB is a database as a running receiver leaves it: Ann's request was
// emailed; Bob's was parked after the SMTP server refused the login.
func staffDB(t *testing.T) string {
	t.Helper()
	db := filepath.Join(t.TempDir(), "s.db")
	s, err := receiver.Open(db)
	if err != nil {
		t.Fatal(err)
	}
	defer s.Close()
	ctx := context.Background()
	at := time.Date(2026, 11, 30, 9, 15, 0, 0, time.UTC)
	for _, p := range []struct {
		id, name, email string
		o               receiver.Outcome
	}{
		{"aaaa", "Ann Smith", "ann.smith@nhs.net", receiver.Outcome{At: at, OK: true, Detail: "accepted by smtp.example.org:587"}},
		{"bbbb", "Bob Jones", "Bob.Jones@nhs.net", receiver.Outcome{At: at, Park: true, Detail: "535 authentication failed"}},
	} {
		sub := receiver.Submission{ID: p.id, Form: "contact", ReceivedAt: at, Email: strings.ToLower(p.email),
			Answers: [][2]string{{"name", p.name}, {"email", p.email}, {"phone", ""}, {"message", "Line one\nline two"}}}
		if err := s.Insert(ctx, sub, receiver.Job{Channel: receiver.ChannelEmail, Payload: []byte("x"), Envelope: `{"from":"a@b.c","to":["d@e.f"]}`}); err != nil {
			t.Fatal(err)
		}
		jobs, err := s.JobsOf(ctx, p.id)
		if err != nil || len(jobs) != 1 {
			t.Fatal(jobs, err)
		}
		if err := s.Record(ctx, jobs[0], p.o); err != nil {
			t.Fatal(err)
		}
	}
	return db
}

func staff(t *testing.T, args ...string) string {
	t.Helper()
	var out, errs bytes.Buffer
	ctx, cancel := context.WithTimeout(context.Background(), 30*time.Second)
	defer cancel()
	if err := cmdSubmissions(ctx, args, &out, &errs); err != nil {
		t.Fatalf("bcs submissions %s: %v\n%s", strings.Join(args, " "), err, errs.String())
	}
	return out.String()
}

// TestStaffCommands runs each staff command on a database with a delivered
// and a parked request. show and find used to wait forever: they queried
// the one-connection database inside a query.
func TestStaffCommands(t *testing.T) {
	db := staffDB(t)
	must := func(out, want string) {
		t.Helper()
		if !strings.Contains(out, want) {
			t.Errorf("output lacks %q:\n%s", want, out)
		}
	}
	must(staff(t, "status", "-db", db), "email parked (1)")
	out := staff(t, "show", "-db", db, "aaaa")
	must(out, "  message: Line one\n    line two")
	must(out, "  email: sent after 1 attempts")
	must(out, "sent: accepted by smtp.example.org:587")
	must(staff(t, "parked", "-db", db), "bbbb")
	must(staff(t, "find", "-db", db, "-email", "bob.jones@NHS.net"), "1 submissions from bob.jones@NHS.net")

	// One person's export holds every field, answered or not.
	rows, err := csv.NewReader(strings.NewReader(staff(t, "export", "-db", db, "-email", "ann.smith@nhs.net"))).ReadAll()
	if err != nil {
		t.Fatal(err)
	}
	if len(rows) != 2 || strings.Join(rows[0], ",") != "id,form,received_at,name,email,phone,message" || rows[1][0] != "aaaa" {
		t.Errorf("export of one address: %q", rows)
	}

	must(staff(t, "retry", "-db", db, "-all"), "1 parked deliveries queued again")
	must(staff(t, "parked", "-db", db), "no parked deliveries")
	must(staff(t, "erase", "-db", db, "-email", "bob.jones@nhs.net"), "erased 1 submissions")
	must(staff(t, "find", "-db", db, "-email", "bob.jones@nhs.net"), "0 submissions")
	must(staff(t, "check", "-db", db), "ok")

	var errs bytes.Buffer
	if err := cmdSubmissions(context.Background(), []string{"show", "-db", db, "zzzz"}, &errs, &errs); err == nil || !strings.Contains(err.Error(), "no submission zzzz") {
		t.Errorf("show of a missing id: %v", err)
	}
}
