package httpserver

import (
	"bytes"
	"log/slog"
	"strings"
	"testing"
	"time"
)

// fakeClock is a manual clock with the timers rejectLog schedules.
type fakeClock struct {
	now    time.Time
	timers []fakeTimer
}

type fakeTimer struct {
	at time.Time
	f  func()
}

func (c *fakeClock) after(d time.Duration, f func()) {
	c.timers = append(c.timers, fakeTimer{c.now.Add(d), f})
}

// advance moves the clock and runs the timers that are due.
func (c *fakeClock) advance(d time.Duration) {
	c.now = c.now.Add(d)
	var left []fakeTimer
	var due []func()
	for _, t := range c.timers {
		if !t.at.After(c.now) {
			due = append(due, t.f)
		} else {
			left = append(left, t)
		}
	}
	c.timers = left
	for _, f := range due {
		f()
	}
}

func newTestRejectLog(burst int, interval time.Duration) (*rejectLog, *fakeClock, *bytes.Buffer) {
	var buf bytes.Buffer
	clk := &fakeClock{now: time.Date(2026, 1, 1, 0, 0, 0, 0, time.UTC)}
	l := newRejectLog(slog.New(slog.NewTextHandler(&buf, nil)), burst, interval)
	l.now = func() time.Time { return clk.now }
	l.after = clk.after
	return l, clk, &buf
}

// reject logs one rejection the way the edge does and reports whether it got a line.
func reject(l *rejectLog, typ string, status int) bool {
	if !l.allow(typ, status, "/dev/x") {
		return false
	}
	l.log.Info("request rejected", "responseType", typ, "status", status)
	return true
}

// TestRejectLogRateLimited: per response type and status, only the first
// burst rejections of an interval get a line; the rest are summed up once
// the interval is over, by the scheduled flush when nothing else comes.
func TestRejectLogRateLimited(t *testing.T) {
	l, clk, buf := newTestRejectLog(3, 10*time.Second)
	logged := 0
	for range 1000 {
		if reject(l, "THROTTLED", 429) {
			logged++
		}
	}
	// Another key has its own budget.
	if !reject(l, "MISSING_AUTHENTICATION_TOKEN", 403) {
		t.Error("a different response type was suppressed")
	}
	if logged != 3 {
		t.Errorf("logged %d THROTTLED lines, want 3", logged)
	}
	if n := strings.Count(buf.String(), `msg="request rejected"`); n != 4 {
		t.Errorf("%d rejection lines, want 4:\n%s", n, buf)
	}
	if strings.Contains(buf.String(), "suppressed") {
		t.Fatalf("summary before the interval ended:\n%s", buf)
	}
	clk.advance(9 * time.Second)
	if strings.Contains(buf.String(), "suppressed") {
		t.Fatalf("summary before the interval ended:\n%s", buf)
	}
	clk.advance(time.Second)
	out := buf.String()
	if n := strings.Count(out, "similar request rejections suppressed"); n != 1 {
		t.Fatalf("%d summary lines, want 1:\n%s", n, out)
	}
	if !strings.Contains(out, "responseType=THROTTLED status=429 suppressed=997 logged=3") {
		t.Errorf("summary does not count the 997 suppressed rejections:\n%s", out)
	}
	// A new interval starts with a full budget again.
	if !reject(l, "THROTTLED", 429) {
		t.Error("first rejection of a new interval was suppressed")
	}
}

// TestRejectLogRollsOverOnNextRejection: when the interval is over, the
// next rejection of the same key reports the previous interval's count
// (once: the scheduled flush finds nothing left to report).
func TestRejectLogRollsOverOnNextRejection(t *testing.T) {
	l, clk, buf := newTestRejectLog(1, time.Second)
	reject(l, "INTEGRATION_FAILURE", 502)
	reject(l, "INTEGRATION_FAILURE", 502)
	reject(l, "INTEGRATION_FAILURE", 502)
	clk.now = clk.now.Add(2 * time.Second) // no timer run yet
	if !reject(l, "INTEGRATION_FAILURE", 502) {
		t.Error("first rejection of the new interval was suppressed")
	}
	clk.advance(0) // the stale timer fires now
	out := buf.String()
	if n := strings.Count(out, "similar request rejections suppressed"); n != 1 || !strings.Contains(out, "suppressed=2 ") {
		t.Errorf("want one summary of 2 suppressed:\n%s", out)
	}
	if n := strings.Count(out, `msg="request rejected"`); n != 2 {
		t.Errorf("%d rejection lines, want 2:\n%s", n, out)
	}
}
