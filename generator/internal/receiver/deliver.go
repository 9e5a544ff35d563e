package receiver

import (
	"context"
	"errors"
	"fmt"
	"log/slog"
	"math/rand/v2"
	"slices"
	"time"
)

// Sender sends one job by its channel. It returns what the other end said
// on success. An error wrapped in Permanent is not worth retrying (the
// server refused the message itself, or the credentials): the job is
// parked at once for a person to look at.
type Sender interface {
	Send(ctx context.Context, j Job) (detail string, err error)
}

// PermanentError is a failure that another attempt would repeat.
type PermanentError struct{ Err error }

func (e *PermanentError) Error() string { return e.Err.Error() }
func (e *PermanentError) Unwrap() error { return e.Err }

// Permanent marks err as not worth retrying.
func Permanent(err error) error { return &PermanentError{Err: err} }

// Deliverer is the outbox's worker: it sends each due job with its
// channel's Sender, records every attempt, and retries a failure with
// exponential backoff and jitter until MaxAttempts, when it parks the job.
// Jobs live in the database, so a restart carries on where it stopped; a
// job whose send was cut off by a crash is sent again, with the same bytes
// (at least once, never two different messages).
type Deliverer struct {
	Store       *Store
	Senders     map[string]Sender // by channel; jobs of other channels wait
	MaxAttempts int               // attempts before a job is parked; 0 means 10
	Backoff     time.Duration     // the wait after the first failure, doubling after each; 0 means 30 s
	MaxBackoff  time.Duration     // the longest wait; 0 means 1 hour
	Timeout     time.Duration     // one attempt's limit; 0 means 1 minute
	Log         *slog.Logger
	Now         func() time.Time

	wake chan struct{}
}

// Defaults of a Deliverer.
const (
	DefaultMaxAttempts = 10
	DefaultBackoff     = 30 * time.Second
	DefaultMaxBackoff  = time.Hour
)

func (d *Deliverer) init() {
	if d.wake == nil {
		d.wake = make(chan struct{}, 1)
	}
	if d.MaxAttempts <= 0 {
		d.MaxAttempts = DefaultMaxAttempts
	}
	if d.Backoff <= 0 {
		d.Backoff = DefaultBackoff
	}
	if d.MaxBackoff <= 0 {
		d.MaxBackoff = DefaultMaxBackoff
	}
	if d.Timeout <= 0 {
		d.Timeout = time.Minute
	}
	if d.Now == nil {
		d.Now = time.Now
	}
	if d.Log == nil {
		d.Log = slog.New(slog.DiscardHandler)
	}
}

// Channels are the channels the Deliverer sends, sorted.
func (d *Deliverer) Channels() []string {
	var out []string
	for c := range d.Senders {
		out = append(out, c)
	}
	slices.Sort(out)
	return out
}

// Wake tells the worker a job has been queued. It never blocks.
func (d *Deliverer) Wake() {
	d.init()
	select {
	case d.wake <- struct{}{}:
	default:
	}
}

// idle is how long the worker sleeps with nothing due before looking again
// (a job queued by another process, or a retry put back by staff).
const idle = 30 * time.Second

// Run sends jobs until ctx ends. Database errors are logged and retried
// after a pause: the worker outlives a full disk or a locked file.
func (d *Deliverer) Run(ctx context.Context) error {
	d.init()
	for {
		wait, err := d.step(ctx)
		if ctx.Err() != nil {
			return nil
		}
		if err != nil {
			d.Log.Error("outbox", "err", err)
			wait = 5 * time.Second
		}
		if wait <= 0 {
			continue
		}
		t := time.NewTimer(wait)
		select {
		case <-ctx.Done():
			t.Stop()
			return nil
		case <-d.wake:
		case <-t.C:
		}
		t.Stop()
	}
}

// step sends the job due soonest if it is due, and returns how long to wait
// before the next step.
func (d *Deliverer) step(ctx context.Context) (time.Duration, error) {
	j, ok, err := d.Store.Due(ctx, d.Channels()...)
	if err != nil || !ok {
		return idle, err
	}
	if wait := j.NextAt.Sub(d.Now()); wait > 0 {
		return min(wait, idle), nil
	}
	o := d.attempt(ctx, j)
	if err := d.Store.Record(context.WithoutCancel(ctx), j, o); err != nil {
		return 0, fmt.Errorf("recording an attempt at submission %s by %s: %w", j.Submission, j.Channel, err)
	}
	n := j.Attempts + 1
	switch {
	case o.OK:
		d.Log.Info("delivered", "submission", j.Submission, "channel", j.Channel, "attempt", n, "detail", o.Detail)
	case o.Park:
		d.Log.Error("delivery parked: run bcs submissions parked, fix the cause, then bcs submissions retry", "submission", j.Submission, "channel", j.Channel, "attempt", n, "err", o.Detail)
	default:
		d.Log.Warn("delivery failed, will retry", "submission", j.Submission, "channel", j.Channel, "attempt", n, "next", o.Next.UTC().Format(time.RFC3339), "err", o.Detail)
	}
	return 0, nil
}

// attempt sends j once and says what came of it.
func (d *Deliverer) attempt(ctx context.Context, j Job) Outcome {
	actx, cancel := context.WithTimeout(ctx, d.Timeout)
	defer cancel()
	detail, err := d.Senders[j.Channel].Send(actx, j)
	o := Outcome{At: d.Now(), OK: err == nil, Detail: detail}
	if err == nil {
		return o
	}
	o.Detail = err.Error()
	var perm *PermanentError
	n := j.Attempts + 1
	switch {
	case errors.As(err, &perm):
		o.Park = true
	case n >= d.MaxAttempts:
		o.Park, o.Detail = true, fmt.Sprintf("%s (attempt %d of %d: giving up)", o.Detail, n, d.MaxAttempts)
	default:
		o.Next = o.At.Add(d.backoff(n))
	}
	return o
}

// backoff is the wait after the nth failure: Backoff doubled n-1 times, at
// most MaxBackoff, and then a random half of it taken off ("equal jitter"),
// so that jobs failing together do not retry together.
func (d *Deliverer) backoff(n int) time.Duration {
	w := d.Backoff
	for i := 1; i < n && w < d.MaxBackoff; i++ {
		w *= 2
	}
	w = min(w, d.MaxBackoff)
	return w/2 + rand.N(w/2+1)
}
