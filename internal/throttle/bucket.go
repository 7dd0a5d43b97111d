package throttle

import (
	"context"
	"math"
	"time"
)

// Never is the RetryAfter of a rejection that no amount of waiting will
// lift: the burst is zero, or the rate is zero and the bucket is empty.
const Never time.Duration = math.MaxInt64

// tokenEpsilon absorbs floating-point drift in the refill sum, so that a
// bucket refilled by, say, ten 0.1-token steps counts as holding one token.
// The redis store's Lua script uses the same constant.
const tokenEpsilon = 1e-9

// Decision is the outcome of taking one token from a bucket.
type Decision struct {
	// Allowed reports whether the request may proceed.
	Allowed bool
	// RetryAfter is, for a rejected request, how long until the bucket
	// next holds a token, rounded up to the microsecond; Never if it never
	// will. It is zero for an allowed request.
	RetryAfter time.Duration
}

// Buckets is the counter that throttling consumes: a set of token buckets
// addressed by key. Implementations must be safe for concurrent use and
// must decide atomically: two racing calls never both spend the last token.
type Buckets interface {
	// Take takes one token from the bucket named key at instant now. The
	// bucket holds at most burst tokens and refills at rate tokens per
	// second; a bucket never seen before starts full. A burst of zero (or
	// less) rejects every request. A rate of zero (or less) means burst
	// requests in total and then nothing. The rate and burst of the latest
	// call apply; a bucket holding more than a lowered burst is clipped.
	Take(ctx context.Context, key string, rate float64, burst int, now time.Time) (Decision, error)
}

// Bucket is the state of one token bucket, for stores that keep buckets in
// process memory. Its zero value is a bucket never used, which Take treats
// as full. It is not safe for concurrent use; callers hold a lock.
//
// Time is kept in microseconds since the Unix epoch and tokens as a float64,
// the same representation the redis store's Lua script uses, so every store
// makes the same decisions for the same inputs.
type Bucket struct {
	tokens  float64
	last    int64 // microseconds since the Unix epoch
	started bool
}

// Take takes one token at now, as Buckets.Take describes.
func (b *Bucket) Take(rate float64, burst int, now time.Time) Decision {
	if burst <= 0 {
		return Decision{RetryAfter: Never}
	}
	rate = SaneRate(rate)
	b.refill(rate, burst, now.UnixMicro())
	if b.tokens >= 1-tokenEpsilon {
		b.tokens--
		if b.tokens < 0 {
			b.tokens = 0
		}
		return Decision{Allowed: true}
	}
	return Decision{RetryAfter: retryAfter(b.tokens, rate)}
}

// Full reports whether the bucket would be full at now under rate and
// burst, so that forgetting it changes nothing: a bucket never seen starts
// full. Stores use it to drop idle buckets.
func (b *Bucket) Full(rate float64, burst int, now time.Time) bool {
	if !b.started {
		return true
	}
	c := *b
	c.refill(SaneRate(rate), burst, now.UnixMicro())
	return c.tokens >= float64(burst)
}

// SaneRate maps a rate that is not a positive number (zero, negative or
// NaN) to zero, which every store treats as "never refills". Stores that
// compute elsewhere (the redis store's Lua script) pass rates through it
// so that they decide exactly as Bucket does.
func SaneRate(rate float64) float64 {
	if rate > 0 {
		return rate
	}
	return 0
}

func (b *Bucket) refill(rate float64, burst int, now int64) {
	capacity := float64(burst)
	if !b.started {
		b.tokens, b.last, b.started = capacity, now, true
	}
	// A clock that goes backwards (another replica's, or a step of the
	// wall clock) refills nothing and does not move last back.
	if now > b.last {
		if rate > 0 {
			b.tokens += float64(now-b.last) * rate / 1e6
		}
		b.last = now
	}
	if b.tokens > capacity {
		b.tokens = capacity
	}
}

// maxRetryMicros caps a finite RetryAfter at about 285 years; longer waits
// are reported as Never. The redis store's Lua script uses the same cap.
const maxRetryMicros = 9e15

// retryAfter is the wait until tokens reach one at rate, rounded up to the
// microsecond.
func retryAfter(tokens, rate float64) time.Duration {
	if rate <= 0 {
		return Never
	}
	us := math.Ceil((1 - tokens) * 1e6 / rate)
	if us >= maxRetryMicros {
		return Never
	}
	return time.Duration(us) * time.Microsecond
}
