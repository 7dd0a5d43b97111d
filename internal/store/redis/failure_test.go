package redis_test

import (
	"context"
	"errors"
	"io"
	"os"
	"sync/atomic"
	"syscall"
	"testing"
	"time"

	"github.com/portico-gw/portico/internal/store/redis"
	"github.com/portico-gw/portico/internal/store/redistest"
	"github.com/portico-gw/portico/internal/throttle"
)

// callAll makes one call of each kind and returns their errors.
func callAll(ctx context.Context, s *redis.Store, now time.Time) []error {
	w, _ := throttle.Day.Window(now)
	_, err1 := s.Take(ctx, "k", 10, 10, now)
	_, _, err2 := s.Consume(ctx, "k", w, 100, now)
	_, err3 := s.Usage(ctx, "k", now, now)
	return []error{err1, err2, err3}
}

// wantErrorsPromptly checks that every call fails, and fails promptly: the
// caller's context (t.Context) has no deadline, so each error must come from
// something that does not wait on Redis (not connected, connection closed or
// refused) or from the store's own Timeout; a store without one would hang
// here. Checked by cause, not by the clock, which a busy machine stretches.
func wantErrorsPromptly(t *testing.T, s *redis.Store, what string) {
	t.Helper()
	start := time.Now()
	errs := callAll(t.Context(), s, time.Now())
	elapsed := time.Since(start)
	for i, err := range errs {
		if err == nil {
			t.Errorf("%s: call %d succeeded, want an error", what, i)
			continue
		}
		if !promptFailure(err) {
			t.Errorf("%s: call %d failed with %v, want not connected, closed, refused or the store's timeout", what, i, err)
		}
	}
	t.Logf("%s: errors in %v, e.g. %v", what, elapsed, errs[0])
}

// promptFailure reports whether err is a failure that does not wait on
// Redis, or the store's own timeout.
func promptFailure(err error) bool {
	return errors.Is(err, redis.ErrNotConnected) || errors.Is(err, io.EOF) ||
		errors.Is(err, syscall.ECONNREFUSED) || errors.Is(err, syscall.ECONNRESET) ||
		errors.Is(err, context.DeadlineExceeded) || errors.Is(err, os.ErrDeadlineExceeded)
}

// waitHealthy polls until every call succeeds again.
func waitHealthy(t *testing.T, s *redis.Store, what string) {
	t.Helper()
	deadline := time.Now().Add(10 * time.Second)
	for {
		errs := callAll(t.Context(), s, time.Now())
		if errs[0] == nil && errs[1] == nil && errs[2] == nil {
			return
		}
		if time.Now().After(deadline) {
			t.Fatalf("%s: store still failing after 10 s: %v", what, errs)
		}
		time.Sleep(20 * time.Millisecond) // poll interval
	}
}

func TestRedisStopAndRestart(t *testing.T) {
	t.Parallel()
	srv := redistest.Start(t)
	var seq atomic.Int64
	s := newStore(t, srv, &seq, redis.Options{Timeout: 200 * time.Millisecond})
	waitHealthy(t, s, "before")

	srv.Stop()
	wantErrorsPromptly(t, s, "redis stopped")
	wantErrorsPromptly(t, s, "redis still stopped")

	srv.Restart()
	waitHealthy(t, s, "after restart")
}

func TestRedisHung(t *testing.T) {
	t.Parallel()
	srv := redistest.Start(t)
	var seq atomic.Int64
	s := newStore(t, srv, &seq, redis.Options{Timeout: 200 * time.Millisecond})
	waitHealthy(t, s, "before")

	srv.Pause()
	wantErrorsPromptly(t, s, "redis hung")
	srv.Resume()
	waitHealthy(t, s, "after resume")
}

func TestNewUnreachable(t *testing.T) {
	t.Parallel()
	srv := redistest.Start(t)
	srv.Stop()
	s, err := redis.New(redis.Options{URL: srv.URL(), Timeout: 200 * time.Millisecond})
	if err == nil {
		_ = s.Close()
		t.Fatal("New against a stopped server: no error")
	}
	if !promptFailure(err) {
		t.Errorf("New: got %v, want a refused connection or the store's timeout", err)
	}
}

// TestConnectLater: with ConnectLater, New succeeds against a stopped
// server, calls fail promptly with ErrNotConnected, and the store works
// once the server is up.
func TestConnectLater(t *testing.T) {
	t.Parallel()
	srv := redistest.Start(t)
	srv.Stop()
	s, err := redis.New(redis.Options{URL: srv.URL(), Prefix: "later:", Timeout: 200 * time.Millisecond, ConnectLater: true})
	if err != nil {
		t.Fatalf("New: %v", err)
	}
	t.Cleanup(func() { _ = s.Close() })
	if s.Connected() {
		t.Error("connected to a stopped server")
	}
	wantErrorsPromptly(t, s, "never connected")
	if err := s.Ping(t.Context()); !errors.Is(err, redis.ErrNotConnected) {
		t.Errorf("Ping: got %v, want ErrNotConnected", err)
	}
	srv.Restart()
	waitHealthy(t, s, "after start")
	if !s.Connected() {
		t.Error("not connected after successful calls")
	}
}
