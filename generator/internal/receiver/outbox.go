package receiver

import (
	"context"
	"database/sql"
	"errors"
	"fmt"
	"strings"
	"time"
)

// The channels a submission is delivered by.
const (
	ChannelEmail   = "email"
	ChannelWebhook = "webhook"
)

// The states of a delivery job.
const (
	Pending = "pending" // waiting for its next attempt
	Sent    = "sent"    // delivered
	Parked  = "parked"  // given up on: a person must look (bcs submissions parked, retry)
)

// Job is one delivery of one submission by one channel, as the outbox keeps
// it. Payload is the whole message, made once when the submission arrives,
// so every attempt sends the same bytes (the same Message-ID).
type Job struct {
	ID         int64
	Submission string
	Channel    string
	Payload    []byte
	Envelope   string // email: JSON {"from":..., "to":[...]}
	State      string
	Attempts   int
	NextAt     time.Time
	LastError  string
	DoneAt     time.Time
}

const jobColumns = "id, submission, channel, payload, envelope, state, attempts, next_at, last_error, done_at"

func scanJob(row interface{ Scan(...any) error }) (Job, error) {
	var j Job
	var next, done string
	if err := row.Scan(&j.ID, &j.Submission, &j.Channel, &j.Payload, &j.Envelope, &j.State, &j.Attempts, &next, &j.LastError, &done); err != nil {
		return j, err
	}
	j.NextAt, _ = time.Parse(timeLayout, next)
	if done != "" {
		j.DoneAt, _ = time.Parse(timeLayout, done)
	}
	return j, nil
}

// Due returns the pending job of one of channels due soonest (it may be due
// in the future), and false when none is pending.
func (s *Store) Due(ctx context.Context, channels ...string) (Job, bool, error) {
	if len(channels) == 0 {
		return Job{}, false, nil
	}
	args := []any{}
	for _, c := range channels {
		args = append(args, c)
	}
	q := "SELECT " + jobColumns + " FROM deliveries WHERE state = 'pending' AND channel IN (?" + strings.Repeat(", ?", len(channels)-1) + ") ORDER BY next_at, id LIMIT 1"
	j, err := scanJob(s.db.QueryRowContext(ctx, q, args...))
	if errors.Is(err, sql.ErrNoRows) {
		return Job{}, false, nil
	}
	return j, err == nil, err
}

// Outcome is what one attempt at a job came to.
type Outcome struct {
	At     time.Time
	OK     bool
	Detail string    // the server's answer, or the error
	Park   bool      // failed for good (or too often): stop trying
	Next   time.Time // failed: when to try again
}

// Record stores an attempt and moves its job on: to sent, to parked, or to
// its next attempt, in one transaction.
func (s *Store) Record(ctx context.Context, j Job, o Outcome) error {
	tx, err := s.db.BeginTx(ctx, nil)
	if err != nil {
		return err
	}
	defer tx.Rollback()
	at := o.At.UTC().Format(timeLayout)
	if _, err := tx.ExecContext(ctx, "INSERT INTO attempts (delivery, at, ok, detail) VALUES (?, ?, ?, ?)", j.ID, at, o.OK, o.Detail); err != nil {
		return err
	}
	var q string
	var args []any
	switch {
	case o.OK:
		q, args = "UPDATE deliveries SET state = 'sent', attempts = attempts + 1, last_error = '', done_at = ? WHERE id = ?", []any{at, j.ID}
	case o.Park:
		q, args = "UPDATE deliveries SET state = 'parked', attempts = attempts + 1, last_error = ?, done_at = ? WHERE id = ?", []any{o.Detail, at, j.ID}
	default:
		q, args = "UPDATE deliveries SET attempts = attempts + 1, last_error = ?, next_at = ? WHERE id = ?", []any{o.Detail, o.Next.UTC().Format(timeLayout), j.ID}
	}
	if _, err := tx.ExecContext(ctx, q, args...); err != nil {
		return err
	}
	return tx.Commit()
}

// Retry puts parked jobs back in the queue, due at now, with a fresh count
// of attempts: those of the submissions given, or every parked job when
// none is. It returns how many.
func (s *Store) Retry(ctx context.Context, now time.Time, submissions ...string) (int64, error) {
	q := "UPDATE deliveries SET state = 'pending', attempts = 0, next_at = ?, done_at = '' WHERE state = 'parked'"
	args := []any{now.UTC().Format(timeLayout)}
	if len(submissions) > 0 {
		q += " AND submission IN (?" + strings.Repeat(", ?", len(submissions)-1) + ")"
		for _, id := range submissions {
			args = append(args, id)
		}
	}
	r, err := s.db.ExecContext(ctx, q, args...)
	if err != nil {
		return 0, err
	}
	return r.RowsAffected()
}

// Jobs calls f with the jobs in state (every job when state is ""), oldest
// submission first.
func (s *Store) Jobs(ctx context.Context, state string, f func(Job) error) error {
	q := "SELECT " + jobColumns + " FROM deliveries"
	var args []any
	if state != "" {
		q += " WHERE state = ?"
		args = append(args, state)
	}
	rows, err := s.db.QueryContext(ctx, q+" ORDER BY next_at, id", args...)
	if err != nil {
		return err
	}
	defer rows.Close()
	for rows.Next() {
		j, err := scanJob(rows)
		if err != nil {
			return err
		}
		if err := f(j); err != nil {
			return err
		}
	}
	return rows.Err()
}

// JobsOf returns the jobs of one submission, by channel.
func (s *Store) JobsOf(ctx context.Context, submission string) ([]Job, error) {
	rows, err := s.db.QueryContext(ctx, "SELECT "+jobColumns+" FROM deliveries WHERE submission = ? ORDER BY channel", submission)
	if err != nil {
		return nil, err
	}
	defer rows.Close()
	var out []Job
	for rows.Next() {
		j, err := scanJob(rows)
		if err != nil {
			return nil, err
		}
		out = append(out, j)
	}
	return out, rows.Err()
}

// Attempt is one recorded try at a job.
type Attempt struct {
	At     time.Time
	OK     bool
	Detail string
}

// Attempts returns a job's attempts, oldest first.
func (s *Store) Attempts(ctx context.Context, job int64) ([]Attempt, error) {
	rows, err := s.db.QueryContext(ctx, "SELECT at, ok, detail FROM attempts WHERE delivery = ? ORDER BY rowid", job)
	if err != nil {
		return nil, err
	}
	defer rows.Close()
	var out []Attempt
	for rows.Next() {
		var a Attempt
		var at string
		if err := rows.Scan(&at, &a.OK, &a.Detail); err != nil {
			return nil, err
		}
		a.At, _ = time.Parse(timeLayout, at)
		out = append(out, a)
	}
	return out, rows.Err()
}

// Health is what the receiver's health probe reports.
type Health struct {
	Pending int
	Parked  int
	Oldest  time.Time // the oldest pending job's submission time, or zero
}

// Health answers whether the database takes writes, cheaply: it runs a
// write transaction that changes nothing (BEGIN IMMEDIATE takes the write
// lock, as an insert would) and counts the outbox by its index.
func (s *Store) Health(ctx context.Context) (Health, error) {
	var h Health
	conn, err := s.db.Conn(ctx)
	if err != nil {
		return h, err
	}
	defer conn.Close()
	if _, err := conn.ExecContext(ctx, "BEGIN IMMEDIATE"); err != nil {
		return h, fmt.Errorf("the database does not take writes: %w", err)
	}
	if _, err := conn.ExecContext(ctx, "ROLLBACK"); err != nil {
		return h, err
	}
	var oldest sql.NullString
	err = conn.QueryRowContext(ctx, `SELECT
		(SELECT count(*) FROM deliveries WHERE state = 'pending'),
		(SELECT count(*) FROM deliveries WHERE state = 'parked'),
		(SELECT min(s.received_at) FROM deliveries d JOIN submissions s ON s.id = d.submission WHERE d.state = 'pending')`).Scan(&h.Pending, &h.Parked, &oldest)
	if oldest.Valid {
		h.Oldest, _ = time.Parse(timeLayout, oldest.String)
	}
	return h, err
}
