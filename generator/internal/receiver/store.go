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
	"slices"
	"strings"
	"time"

	_ "modernc.org/sqlite" // the pure-Go SQLite driver, registered as "sqlite"
)

// Store keeps accepted submissions in an SQLite database: WAL journal and
// synchronous=FULL, so a submission is on disk before its sender is told it
// was received, and a crash loses nothing that was acknowledged.
type Store struct {
	db *sql.DB
}

// schemaVersion is kept in PRAGMA user_version; Open migrates older files.
const schemaVersion = 1

const schema = `
CREATE TABLE IF NOT EXISTS submissions (
	id          TEXT PRIMARY KEY,
	form        TEXT NOT NULL,
	received_at TEXT NOT NULL,  -- RFC 3339, UTC, milliseconds
	answers     TEXT NOT NULL   -- JSON array of [field, answer] in the form's order
) STRICT;
CREATE INDEX IF NOT EXISTS submissions_received_at ON submissions (received_at);
`

// Open opens (creating if needed) the database at path.
func Open(path string) (*Store, error) {
	dsn := "file:" + (&url.URL{Path: path}).EscapedPath() + "?" + url.Values{"_pragma": {
		"busy_timeout(10000)", "journal_mode(WAL)", "synchronous(FULL)", "foreign_keys(ON)",
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
	if _, err := s.db.Exec(schema); err != nil {
		return err
	}
	_, err := s.db.Exec(fmt.Sprintf("PRAGMA user_version = %d", schemaVersion))
	return err
}

// Close closes the database.
func (s *Store) Close() error { return s.db.Close() }

// Submission is one accepted post.
type Submission struct {
	ID         string
	Form       string
	ReceivedAt time.Time
	Answers    [][2]string // [field, answer], in the form's order
}

// NewID returns a random submission id.
func NewID() string {
	var b [16]byte
	rand.Read(b[:]) // never fails (crypto/rand)
	return hex.EncodeToString(b[:])
}

const timeLayout = "2006-01-02T15:04:05.000Z07:00"

// Insert stores a submission; when it returns nil the row is on disk.
func (s *Store) Insert(ctx context.Context, sub Submission) error {
	answers, err := json.Marshal(sub.Answers)
	if err != nil {
		return err
	}
	_, err = s.db.ExecContext(ctx, "INSERT INTO submissions (id, form, received_at, answers) VALUES (?, ?, ?, ?)",
		sub.ID, sub.Form, sub.ReceivedAt.UTC().Format(timeLayout), string(answers))
	return err
}

// All calls f with every submission, oldest first.
func (s *Store) All(ctx context.Context, f func(Submission) error) error {
	rows, err := s.db.QueryContext(ctx, "SELECT id, form, received_at, answers FROM submissions ORDER BY received_at, id")
	if err != nil {
		return err
	}
	defer rows.Close()
	for rows.Next() {
		var sub Submission
		var at, answers string
		if err := rows.Scan(&sub.ID, &sub.Form, &at, &answers); err != nil {
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

// Purge deletes the submissions received before cutoff and returns how many.
func (s *Store) Purge(ctx context.Context, cutoff time.Time) (int64, error) {
	r, err := s.db.ExecContext(ctx, "DELETE FROM submissions WHERE received_at < ?", cutoff.UTC().Format(timeLayout))
	if err != nil {
		return 0, err
	}
	n, err := r.RowsAffected()
	if err == nil && n > 0 {
		// Give the space back and keep deleted answers out of the file.
		_, err = s.db.ExecContext(ctx, "PRAGMA wal_checkpoint(TRUNCATE)")
	}
	return n, err
}

// Check runs SQLite's integrity check.
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

// ExportCSV writes every submission as CSV: id, form, received_at, then one
// column per field in the order fields first appear. Answers that a
// spreadsheet would run as a formula are prefixed with ' (CSV injection).
func (s *Store) ExportCSV(ctx context.Context, w io.Writer) (int, error) {
	var subs []Submission
	var fields []string
	err := s.All(ctx, func(sub Submission) error {
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
