package receiver

import (
	"context"
	"crypto/rand"
	"database/sql"
	"encoding/csv"
	"encoding/hex"
	"encoding/json"
	"errors"
	"fmt"
	"io"
	"net/url"
	"os"
	"slices"
	"strings"
	"time"

	_ "modernc.org/sqlite" // the pure-Go SQLite driver, registered as "sqlite"
)

// Store keeps accepted submissions and their delivery jobs (the outbox) in
// an SQLite database: WAL journal and synchronous=FULL, so a submission and
// its jobs are on disk, in one transaction, before its sender is told it
// was received, and a crash loses nothing that was acknowledged. The file
// and its -wal and -shm companions are readable by their owner only, and
// deleted rows are overwritten (secure_delete): they hold personal data.
type Store struct {
	db *sql.DB
}

// schemaVersion is kept in PRAGMA user_version; Open migrates older files.
const schemaVersion = 2

// schema is the whole database at schemaVersion. Version 1 had only the
// submissions table, without email; migrate brings it up to date.
const schema = `
CREATE TABLE IF NOT EXISTS submissions (
	id          TEXT PRIMARY KEY,
	form        TEXT NOT NULL,
	received_at TEXT NOT NULL,  -- RFC 3339, UTC, milliseconds
	answers     TEXT NOT NULL,  -- JSON array of [field, answer] for every field, in the form's order
	email       TEXT NOT NULL DEFAULT ''  -- the sender's address, lower case: finding and erasing one person's data
) STRICT;
CREATE INDEX IF NOT EXISTS submissions_received_at ON submissions (received_at);
CREATE INDEX IF NOT EXISTS submissions_email ON submissions (email);
CREATE TABLE IF NOT EXISTS deliveries (
	id         INTEGER PRIMARY KEY,
	submission TEXT NOT NULL REFERENCES submissions (id) ON DELETE CASCADE,
	channel    TEXT NOT NULL,             -- email or webhook
	payload    BLOB NOT NULL,             -- the message as sent, byte for byte on every attempt
	envelope   TEXT NOT NULL DEFAULT '',  -- email: JSON {"from":..., "to":[...]}
	state      TEXT NOT NULL DEFAULT 'pending' CHECK (state IN ('pending', 'sent', 'parked')),
	attempts   INTEGER NOT NULL DEFAULT 0,
	next_at    TEXT NOT NULL,             -- when it is next due (pending only)
	last_error TEXT NOT NULL DEFAULT '',
	done_at    TEXT NOT NULL DEFAULT '',  -- when it was sent or parked
	UNIQUE (submission, channel)
) STRICT;
CREATE INDEX IF NOT EXISTS deliveries_due ON deliveries (state, next_at);
CREATE TABLE IF NOT EXISTS attempts (
	delivery INTEGER NOT NULL REFERENCES deliveries (id) ON DELETE CASCADE,
	at       TEXT NOT NULL,
	ok       INTEGER NOT NULL,
	detail   TEXT NOT NULL   -- the server's answer or the error
) STRICT;
CREATE INDEX IF NOT EXISTS attempts_delivery ON attempts (delivery);
`

// Open opens (creating if needed) the database at path. A new file is
// created owner-only, and an existing one is made so: SQLite gives the
// -wal and -shm files the mode of the database file.
func Open(path string) (*Store, error) {
	if err := ownerOnly(path); err != nil {
		return nil, fmt.Errorf("opening the submissions database %s: %w", path, err)
	}
	dsn := "file:" + (&url.URL{Path: path}).EscapedPath() + "?" + url.Values{"_pragma": {
		"busy_timeout(10000)", "journal_mode(WAL)", "synchronous(FULL)", "foreign_keys(ON)", "secure_delete(ON)",
	}}.Encode()
	db, err := sql.Open("sqlite", dsn)
	if err != nil {
		return nil, err
	}
	// One writer at a time is what SQLite allows anyway; one connection
	// makes that explicit and avoids "database is locked" retries.
	db.SetMaxOpenConns(1)
	s := &Store{db: db}
	if err := s.migrate(); err != nil {
		db.Close()
		return nil, fmt.Errorf("opening the submissions database %s: %w", path, err)
	}
	return s, nil
}

// ownerOnly creates the database file with mode 0600 if it is missing, and
// takes group and world access away from it and its companions if not.
func ownerOnly(path string) error {
	f, err := os.OpenFile(path, os.O_RDWR|os.O_CREATE, 0o600)
	if err != nil {
		return err
	}
	defer f.Close()
	for _, p := range []string{path, path + "-wal", path + "-shm"} {
		if fi, err := os.Stat(p); err == nil && fi.Mode().Perm()&0o077 != 0 {
			if err := os.Chmod(p, 0o600); err != nil {
				return err
			}
		}
	}
	return nil
}

func (s *Store) migrate() error {
	var mode string
	if err := s.db.QueryRow("PRAGMA journal_mode").Scan(&mode); err != nil {
		return err
	}
	if mode != "wal" {
		return fmt.Errorf("journal mode is %q, not wal (is the file on a network share?)", mode)
	}
	var version int
	if err := s.db.QueryRow("PRAGMA user_version").Scan(&version); err != nil {
		return err
	}
	if version > schemaVersion {
		return fmt.Errorf("the database has schema version %d; this program knows up to %d", version, schemaVersion)
	}
	tx, err := s.db.Begin()
	if err != nil {
		return err
	}
	defer tx.Rollback()
	if version == 1 {
		// Version 1 had no email column: add it and fill it from the answers.
		if _, err := tx.Exec(`ALTER TABLE submissions ADD COLUMN email TEXT NOT NULL DEFAULT ''`); err != nil {
			return err
		}
		if _, err := tx.Exec(`UPDATE submissions SET email = lower(coalesce((SELECT value ->> 1 FROM json_each(answers) WHERE value ->> 0 = 'email'), ''))`); err != nil {
			return err
		}
	}
	if _, err := tx.Exec(schema); err != nil {
		return err
	}
	if _, err := tx.Exec(fmt.Sprintf("PRAGMA user_version = %d", schemaVersion)); err != nil {
		return err
	}
	return tx.Commit()
}

// Close closes the database.
func (s *Store) Close() error { return s.db.Close() }

// Submission is one accepted post.
type Submission struct {
	ID         string
	Form       string
	ReceivedAt time.Time
	Answers    [][2]string // [field, answer] for every field, in the form's order ("" when unanswered)
	Email      string      // the sender's address, if the form asks for one
}

// Answer returns the answer to field name.
func (sub *Submission) Answer(name string) string {
	for _, a := range sub.Answers {
		if a[0] == name {
			return a[1]
		}
	}
	return ""
}

// NewID returns a random submission id.
func NewID() string {
	var b [16]byte
	rand.Read(b[:]) // never fails (crypto/rand)
	return hex.EncodeToString(b[:])
}

const timeLayout = "2006-01-02T15:04:05.000Z07:00"

// Insert stores a submission and its delivery jobs in one transaction;
// when it returns nil both are on disk, so a job is never lost and never
// exists without its submission.
func (s *Store) Insert(ctx context.Context, sub Submission, jobs ...Job) error {
	answers, err := json.Marshal(sub.Answers)
	if err != nil {
		return err
	}
	tx, err := s.db.BeginTx(ctx, nil)
	if err != nil {
		return err
	}
	defer tx.Rollback()
	at := sub.ReceivedAt.UTC().Format(timeLayout)
	if _, err := tx.ExecContext(ctx, "INSERT INTO submissions (id, form, received_at, answers, email) VALUES (?, ?, ?, ?, ?)",
		sub.ID, sub.Form, at, string(answers), strings.ToLower(sub.Email)); err != nil {
		return err
	}
	for _, j := range jobs {
		if _, err := tx.ExecContext(ctx, "INSERT INTO deliveries (submission, channel, payload, envelope, next_at) VALUES (?, ?, ?, ?, ?)",
			sub.ID, j.Channel, j.Payload, j.Envelope, at); err != nil {
			return err
		}
	}
	return tx.Commit()
}

// Get returns the submission with id; ok is false when there is none.
func (s *Store) Get(ctx context.Context, id string) (sub Submission, ok bool, err error) {
	err = s.query(ctx, func(got Submission) error { sub, ok = got, true; return nil },
		"SELECT id, form, received_at, answers, email FROM submissions WHERE id = ?", id)
	return sub, ok, err
}

// All calls f with every submission, oldest first. The rows are read as f
// is called, so f must not use the Store: the database has one connection,
// and a query inside f would wait for it forever.
func (s *Store) All(ctx context.Context, f func(Submission) error) error {
	return s.query(ctx, f, "SELECT id, form, received_at, answers, email FROM submissions ORDER BY received_at, id")
}

// ByEmail calls f with every submission sent from the address email (any
// case), oldest first: what is held about one person. As with All, f must
// not use the Store.
func (s *Store) ByEmail(ctx context.Context, email string, f func(Submission) error) error {
	return s.query(ctx, f, "SELECT id, form, received_at, answers, email FROM submissions WHERE email = ? ORDER BY received_at, id", strings.ToLower(strings.TrimSpace(email)))
}

func (s *Store) query(ctx context.Context, f func(Submission) error, q string, args ...any) error {
	rows, err := s.db.QueryContext(ctx, q, args...)
	if err != nil {
		return err
	}
	defer rows.Close()
	for rows.Next() {
		var sub Submission
		var at, answers string
		if err := rows.Scan(&sub.ID, &sub.Form, &at, &answers, &sub.Email); err != nil {
			return err
		}
		if sub.ReceivedAt, err = time.Parse(timeLayout, at); err != nil {
			return fmt.Errorf("submission %s: %w", sub.ID, err)
		}
		if err := json.Unmarshal([]byte(answers), &sub.Answers); err != nil {
			return fmt.Errorf("submission %s: %w", sub.ID, err)
		}
		if err := f(sub); err != nil {
			return err
		}
	}
	return rows.Err()
}

// Count returns the number of stored submissions.
func (s *Store) Count(ctx context.Context) (int, error) {
	var n int
	err := s.db.QueryRowContext(ctx, "SELECT count(*) FROM submissions").Scan(&n)
	return n, err
}

// MaxAge is the longest age `purge` takes: a hundred years. Anything more
// is a typing mistake, and far more would overflow a time.Duration.
const MaxAge = 100 * 365 * 24 * time.Hour

// Purge deletes the submissions received before cutoff, with their
// delivery jobs, and returns how many.
func (s *Store) Purge(ctx context.Context, cutoff time.Time) (int64, error) {
	return s.erase(ctx, "DELETE FROM submissions WHERE received_at < ?", cutoff.UTC().Format(timeLayout))
}

// Erase deletes everything held about the address email: its submissions
// and their delivery jobs. It returns how many submissions went.
func (s *Store) Erase(ctx context.Context, email string) (int64, error) {
	return s.erase(ctx, "DELETE FROM submissions WHERE email = ?", strings.ToLower(strings.TrimSpace(email)))
}

// erase runs a delete and makes sure the deleted answers are gone from the
// files, not only from the tables: secure_delete zeroes the freed space in
// the database, and a truncating checkpoint empties the write-ahead log
// that still holds the old pages.
func (s *Store) erase(ctx context.Context, q string, arg any) (int64, error) {
	r, err := s.db.ExecContext(ctx, q, arg)
	if err != nil {
		return 0, err
	}
	n, err := r.RowsAffected()
	if err != nil || n == 0 {
		return n, err
	}
	var busy, logFrames, done int
	if err := s.db.QueryRowContext(ctx, "PRAGMA wal_checkpoint(TRUNCATE)").Scan(&busy, &logFrames, &done); err != nil {
		return n, err
	}
	if busy != 0 {
		return n, errors.New("deleted, but another process held the database, so the old answers are still in its write-ahead log: stop bcs receive and run this again")
	}
	return n, nil
}

// Check runs SQLite's integrity check: it reads the whole file, so it is a
// staff command (bcs submissions check), never a health probe.
func (s *Store) Check(ctx context.Context) error {
	var res string
	if err := s.db.QueryRowContext(ctx, "PRAGMA integrity_check").Scan(&res); err != nil {
		return err
	}
	if res != "ok" {
		return errors.New("integrity check: " + res)
	}
	return nil
}

// ExportCSV writes every submission (or, with email, that person's) as
// CSV: id, form, received_at, then one column per field: the fields given
// (the forms' own, from their exports), then any other stored field in the
// order it first appears. So every field of the form is a column even when
// no stored row has it (rows from before every field was stored, or an
// empty database). Answers that a spreadsheet would run as a formula are
// prefixed with ' (CSV injection).
func (s *Store) ExportCSV(ctx context.Context, w io.Writer, email string, fields ...string) (int, error) {
	var subs []Submission
	fields = slices.Clone(fields)
	each := s.All
	if email != "" {
		each = func(ctx context.Context, f func(Submission) error) error { return s.ByEmail(ctx, email, f) }
	}
	err := each(ctx, func(sub Submission) error {
		subs = append(subs, sub)
		for _, a := range sub.Answers {
			if !slices.Contains(fields, a[0]) {
				fields = append(fields, a[0])
			}
		}
		return nil
	})
	if err != nil {
		return 0, err
	}
	cw := csv.NewWriter(w)
	cw.Write(append([]string{"id", "form", "received_at"}, fields...))
	for _, sub := range subs {
		rec := make([]string, 3+len(fields))
		rec[0], rec[1], rec[2] = sub.ID, sub.Form, sub.ReceivedAt.UTC().Format(timeLayout)
		for _, a := range sub.Answers {
			rec[3+slices.Index(fields, a[0])] = defuse(a[1])
		}
		cw.Write(rec)
	}
	cw.Flush()
	return len(subs), cw.Error()
}

// defuse stops a spreadsheet from reading an answer as a formula.
func defuse(v string) string {
	if v != "" && strings.ContainsRune("=+-@\t\r", rune(v[0])) {
		return "'" + v
	}
	return v
}
