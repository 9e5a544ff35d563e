package receiver

import (
	"math"
	"sync"
	"time"
)

// limiter is a token bucket per client: each client may post burst times at
// once and then once every per; idle clients are forgotten so the map
// cannot grow without bound.
type limiter struct {
	per   time.Duration
	burst float64

	mu      sync.Mutex
	buckets map[string]*bucket
	sweep   time.Time
}

type bucket struct {
	tokens float64
	last   time.Time
}

func newLimiter(per time.Duration, burst int) *limiter {
	return &limiter{per: per, burst: float64(burst), buckets: map[string]*bucket{}}
}

// allow takes a token for client at now. When none is left it returns false
// and how long until one is.
func (l *limiter) allow(client string, now time.Time) (bool, time.Duration) {
	if l == nil || l.per <= 0 {
		return true, 0
	}
	l.mu.Lock()
	defer l.mu.Unlock()
	if now.Sub(l.sweep) > l.full() {
		for k, b := range l.buckets {
			if now.Sub(b.last) > l.full() {
				delete(l.buckets, k)
			}
		}
		l.sweep = now
	}
	b := l.buckets[client]
	if b == nil {
		b = &bucket{tokens: l.burst, last: now}
		l.buckets[client] = b
	}
	b.tokens = math.Min(l.burst, b.tokens+float64(now.Sub(b.last))/float64(l.per))
	b.last = now
	if b.tokens >= 1 {
		b.tokens--
		return true, 0
	}
	return false, time.Duration((1 - b.tokens) * float64(l.per))
}

// full is how long an idle bucket takes to refill; after that it is the
// same as a new one and can be dropped.
func (l *limiter) full() time.Duration { return time.Duration(l.burst * float64(l.per)) }
