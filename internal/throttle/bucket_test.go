package throttle

import (
	"math"
	"testing"
	"time"
)

func TestBucket(t *testing.T) {
	t.Parallel()
	t0 := utc("2026-03-10T12:00:00Z")
	type step struct {
		after time.Duration // since t0
		want  Decision
	}
	cases := []struct {
		name  string
		rate  float64
		burst int
		steps []step
	}{
		{"starts full then refills", 2, 2, []step{
			{0, Decision{Allowed: true}},
			{0, Decision{Allowed: true}},
			{0, Decision{RetryAfter: 500 * time.Millisecond}},
			{250 * time.Millisecond, Decision{RetryAfter: 250 * time.Millisecond}},
			{500 * time.Millisecond, Decision{Allowed: true}},
			{500 * time.Millisecond, Decision{RetryAfter: 500 * time.Millisecond}},
		}},
		{"fractional rate", 0.25, 1, []step{
			{0, Decision{Allowed: true}},
			{time.Second, Decision{RetryAfter: 3 * time.Second}},
			{4 * time.Second, Decision{Allowed: true}},
		}},
		{"refill caps at burst", 100, 3, []step{
			{0, Decision{Allowed: true}},
			{time.Hour, Decision{Allowed: true}},
			{time.Hour, Decision{Allowed: true}},
			{time.Hour, Decision{Allowed: true}},
			{time.Hour, Decision{RetryAfter: 10 * time.Millisecond}},
		}},
		{"tenths add up to a token", 10, 1, []step{
			{0, Decision{Allowed: true}},
			{10 * time.Millisecond, Decision{RetryAfter: 90 * time.Millisecond}},
			{30 * time.Millisecond, Decision{RetryAfter: 70 * time.Millisecond}},
			{100 * time.Millisecond, Decision{Allowed: true}},
		}},
		{"zero burst blocks", 1000, 0, []step{
			{0, Decision{RetryAfter: Never}},
			{time.Hour, Decision{RetryAfter: Never}},
		}},
		{"zero rate spends the burst once", 0, 2, []step{
			{0, Decision{Allowed: true}},
			{time.Hour, Decision{Allowed: true}},
			{24 * time.Hour, Decision{RetryAfter: Never}},
		}},
		{"NaN rate never refills", math.NaN(), 1, []step{
			{0, Decision{Allowed: true}},
			{time.Hour, Decision{RetryAfter: Never}},
		}},
		{"infinite rate refills at once", math.Inf(1), 1, []step{
			{0, Decision{Allowed: true}},
			{0, Decision{}},
			{time.Microsecond, Decision{Allowed: true}},
		}},
		{"clock going back refills nothing", 1, 1, []step{
			{10 * time.Second, Decision{Allowed: true}},
			{0, Decision{RetryAfter: time.Second}},
			{10*time.Second + 500*time.Millisecond, Decision{RetryAfter: 500 * time.Millisecond}},
		}},
	}
	for _, c := range cases {
		t.Run(c.name, func(t *testing.T) {
			t.Parallel()
			var b Bucket
			for i, s := range c.steps {
				if got := b.Take(c.rate, c.burst, t0.Add(s.after)); got != s.want {
					t.Errorf("step %d at +%v: got %+v, want %+v", i, s.after, got, s.want)
				}
			}
		})
	}
}

func TestBucketFull(t *testing.T) {
	t.Parallel()
	t0 := utc("2026-03-10T12:00:00Z")
	var b Bucket
	if !b.Full(1, 5, t0) {
		t.Error("unused bucket: Full = false")
	}
	b.Take(1, 5, t0)
	if b.Full(1, 5, t0.Add(999*time.Millisecond)) {
		t.Error("one token short: Full = true")
	}
	if !b.Full(1, 5, t0.Add(time.Second)) {
		t.Error("refilled: Full = false")
	}
}
