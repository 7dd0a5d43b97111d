package jwt_test

import (
	"bytes"
	"context"
	"encoding/json"
	"errors"
	"net"
	"net/http"
	"net/http/httptest"
	"os"
	"strings"
	"sync"
	"sync/atomic"
	"testing"
	"testing/synctest"
	"time"

	"github.com/portico-gw/portico/internal/auth/jwt"
)

func verifyErr(t *testing.T, v *jwt.Verifier, token string) *jwt.Error {
	t.Helper()
	_, err := v.Verify(context.Background(), token, jwt.VerifyOptions{})
	if err == nil {
		return nil
	}
	var e *jwt.Error
	if !errors.As(err, &e) {
		t.Fatalf("Verify: %v, want *jwt.Error", err)
	}
	return e
}

// TestKeyRotation: the issuer replaces its key mid-run. Tokens signed with
// the new key verify once the unknown kid has caused a reload; tokens signed
// with the old key fail once the key is gone from the set.
func TestKeyRotation(t *testing.T) {
	oldKey, newKey := newRSA(t, "2026-01"), newRSA(t, "2026-02")
	srv := newJWKSServer(t, jwksJSON(t, oldKey))
	v := newVerifier(t, jwt.Config{JWKS: srv.URL, RefreshRateLimit: time.Nanosecond})

	oldToken, newToken := oldKey.sign(t, baseClaims()), newKey.sign(t, baseClaims())
	if e := verifyErr(t, v, oldToken); e != nil {
		t.Fatalf("old key before rotation: %v", e)
	}
	// Phase 1: both keys are published; the new kid triggers one reload.
	srv.set(jwksJSON(t, oldKey, newKey))
	before := srv.hits.Load()
	if e := verifyErr(t, v, newToken); e != nil {
		t.Fatalf("new key after rotation: %v", e)
	}
	if got := srv.hits.Load() - before; got != 1 {
		t.Errorf("reloads for a new kid = %d, want 1", got)
	}
	if e := verifyErr(t, v, oldToken); e != nil {
		t.Fatalf("old key while still published: %v", e)
	}
	// Phase 2: the old key is retired. A reload (here caused by another
	// unknown kid) drops it, and old-key tokens fail.
	srv.set(jwksJSON(t, newKey))
	if e := verifyErr(t, v, newRSA(t, "unknown").sign(t, baseClaims())); e == nil || e.Description != jwt.DescUnknownKeyID {
		t.Fatalf("unknown kid: got %v, want %q", e, jwt.DescUnknownKeyID)
	}
	if e := verifyErr(t, v, oldToken); e == nil || e.Description != jwt.DescUnknownKeyID {
		t.Fatalf("old key after retirement: got %v, want %q", e, jwt.DescUnknownKeyID)
	}
	if e := verifyErr(t, v, newToken); e != nil {
		t.Fatalf("new key after retirement: %v", e)
	}
}

// TestUnknownKIDReloadIsRateLimited: a flood of unknown kids causes at most
// one reload per RefreshRateLimit, and fails without waiting.
func TestUnknownKIDReloadIsRateLimited(t *testing.T) {
	k := newEC(t, "k")
	srv := newJWKSServer(t, jwksJSON(t, k))
	v := newVerifier(t, jwt.Config{JWKS: srv.URL, RefreshRateLimit: time.Hour})
	before := srv.hits.Load()
	for i := range 20 {
		tok := newEC(t, "stranger").sign(t, baseClaims())
		if e := verifyErr(t, v, tok); e == nil || e.Description != jwt.DescUnknownKeyID {
			t.Fatalf("call %d: got %v, want %q", i, e, jwt.DescUnknownKeyID)
		}
	}
	if got := srv.hits.Load() - before; got != 1 {
		t.Errorf("reloads = %d, want 1", got)
	}
	// Disabled reloads never fetch.
	v2 := newVerifier(t, jwt.Config{JWKS: srv.URL, RefreshRateLimit: -1})
	before = srv.hits.Load()
	verifyErr(t, v2, newEC(t, "stranger").sign(t, baseClaims()))
	if got := srv.hits.Load() - before; got != 0 {
		t.Errorf("reloads with RefreshRateLimit < 0 = %d, want 0", got)
	}
}

// TestUnknownKIDFailsWithoutWaiting: refused unknown kids never wait for the
// rate limiter. In a synctest bubble the clock moves only while every
// goroutine waits, so any wait for the limiter shows as time passed.
func TestUnknownKIDFailsWithoutWaiting(t *testing.T) {
	synctest.Test(t, func(t *testing.T) {
		v := newVerifier(t, jwt.Config{JWKS: writeJWKSFile(t, jwksJSON(t, newEC(t, "k"))), RefreshRateLimit: time.Hour})
		start := time.Now()
		for i := range 20 {
			tok := newEC(t, "stranger").sign(t, baseClaims())
			if e := verifyErr(t, v, tok); e == nil || e.Description != jwt.DescUnknownKeyID {
				t.Fatalf("call %d: got %v, want %q", i, e, jwt.DescUnknownKeyID)
			}
		}
		if d := time.Since(start); d != 0 {
			t.Errorf("20 refused calls waited %v for the rate limiter, want no wait", d)
		}
	})
}

// TestBackgroundReload: the JWKS file is reloaded every RefreshInterval, on
// a fake clock.
func TestBackgroundReload(t *testing.T) {
	oldKey, newKey := newEC(t, "old"), newEC(t, "new")
	path := writeJWKSFile(t, jwksJSON(t, oldKey))
	synctest.Test(t, func(t *testing.T) {
		v, err := jwt.New(context.Background(), jwt.Config{
			Issuer: testIssuer, JWKS: path, Now: testNow,
			RefreshInterval: time.Hour, RefreshRateLimit: -1,
		})
		if err != nil {
			t.Fatal(err)
		}
		defer v.Close()
		if err := os.WriteFile(path, jwksJSON(t, newKey), 0o600); err != nil {
			t.Fatal(err)
		}
		tok := newKey.sign(t, baseClaims())
		if e := verifyErr(t, v, tok); e == nil {
			t.Fatal("new key verified before the reload")
		}
		time.Sleep(time.Hour + time.Second)
		synctest.Wait()
		if e := verifyErr(t, v, tok); e != nil {
			t.Fatalf("new key after the reload: %v", e)
		}
		// A failed reload keeps the cached keys.
		if err := os.WriteFile(path, []byte("{"), 0o600); err != nil {
			t.Fatal(err)
		}
		time.Sleep(time.Hour + time.Second)
		synctest.Wait()
		if e := verifyErr(t, v, tok); e != nil {
			t.Fatalf("after a failed reload: %v", e)
		}
		if err := v.Close(); err != nil {
			t.Fatal(err)
		}
	})
}

func TestJWKSFromFile(t *testing.T) {
	k := newRSA(t, "file-key")
	path := writeJWKSFile(t, jwksJSON(t, k))
	for _, loc := range []string{path, "file://" + path} {
		v := newVerifier(t, jwt.Config{JWKS: loc})
		if e := verifyErr(t, v, k.sign(t, baseClaims())); e != nil {
			t.Errorf("JWKS %s: %v", loc, e)
		}
	}
}

// TestOIDCDiscovery: with no JWKS configured, the key set is found through
// the issuer's /.well-known/openid-configuration.
func TestOIDCDiscovery(t *testing.T) {
	k := newRSA(t, "discovered")
	jwks := jwksJSON(t, k)
	var metaIssuer atomic.Value
	mux := http.NewServeMux()
	srv := httptest.NewServer(mux)
	t.Cleanup(srv.Close)
	mux.HandleFunc("GET /pool/.well-known/openid-configuration", func(w http.ResponseWriter, r *http.Request) {
		_ = json.NewEncoder(w).Encode(map[string]string{"issuer": metaIssuer.Load().(string), "jwks_uri": srv.URL + "/pool/keys"})
	})
	mux.HandleFunc("GET /pool/keys", func(w http.ResponseWriter, r *http.Request) { _, _ = w.Write(jwks) })

	issuer := srv.URL + "/pool"
	metaIssuer.Store(issuer)
	v := newVerifier(t, jwt.Config{Issuer: issuer})
	if e := verifyErr(t, v, k.sign(t, with(baseClaims(), "iss", issuer))); e != nil {
		t.Fatalf("Verify: %v", e)
	}

	metaIssuer.Store("https://someone-else.example")
	if _, err := jwt.New(context.Background(), jwt.Config{Issuer: issuer}); err == nil || !strings.Contains(err.Error(), "does not match") {
		t.Errorf("issuer mismatch: got %v, want an error", err)
	}
	if _, err := jwt.New(context.Background(), jwt.Config{Issuer: srv.URL + "/missing"}); err == nil {
		t.Error("discovery 404: want an error")
	}
}

func TestFetchLimits(t *testing.T) {
	k := newEC(t, "k")
	big := jwksJSON(t, k)
	big = append(big[:len(big)-1], []byte(`,"padding":"`+strings.Repeat("x", jwt.MaxFetchBytes)+`"}`)...)
	if _, err := jwt.New(context.Background(), jwt.Config{Issuer: testIssuer, JWKS: newJWKSServer(t, big).URL}); err == nil ||
		!strings.Contains(err.Error(), "exceeds") {
		t.Errorf("oversized JWKS over HTTP: got %v, want a size error", err)
	}
	if _, err := jwt.New(context.Background(), jwt.Config{Issuer: testIssuer, JWKS: writeJWKSFile(t, big)}); err == nil {
		t.Error("oversized JWKS file: want an error")
	}
	// Exactly at the limit is fine.
	exact := jwksJSON(t, k)
	pad := jwt.MaxFetchBytes - len(exact)
	exact = append(exact[:len(exact)-1], append(append([]byte(`,"p":"`), bytes.Repeat([]byte("x"), pad-len(`,"p":""`))...), '"', '}')...)
	if len(exact) != jwt.MaxFetchBytes {
		t.Fatalf("padded JWKS is %d bytes", len(exact))
	}
	newVerifier(t, jwt.Config{JWKS: newJWKSServer(t, exact).URL})

	// A server that never answers is abandoned after FetchTimeout.
	stall := httptest.NewServer(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) { <-r.Context().Done() }))
	t.Cleanup(stall.Close)
	// The server never answers and the context has no deadline: only the
	// fetch's own timeout can end the call.
	_, err := jwt.New(context.Background(), jwt.Config{Issuer: testIssuer, JWKS: stall.URL})
	if err == nil {
		t.Fatal("stalled JWKS server: want an error")
	}
	if ne, ok := errors.AsType[net.Error](err); !ok || !ne.Timeout() {
		t.Errorf("stalled fetch: got %v, want the fetch's timeout", err)
	}
}

func TestNewErrors(t *testing.T) {
	path := writeJWKSFile(t, []byte(`{"keys":[{"kty":"oct","kid":"h","k":"c2VjcmV0"}]}`))
	for name, cfg := range map[string]jwt.Config{
		"no issuer":           {JWKS: path},
		"no usable key":       {Issuer: testIssuer, JWKS: path},
		"missing file":        {Issuer: testIssuer, JWKS: path + ".missing"},
		"not json":            {Issuer: testIssuer, JWKS: writeJWKSFile(t, []byte("<html>"))},
		"discovery needs url": {Issuer: "us-east-1_TEST"},
	} {
		if _, err := jwt.New(context.Background(), cfg); err == nil {
			t.Errorf("%s: want an error", name)
		}
	}
}

func TestCloseTwice(t *testing.T) {
	v, err := jwt.New(context.Background(), jwt.Config{Issuer: testIssuer, JWKS: writeJWKSFile(t, jwksJSON(t, newEC(t, "k")))})
	if err != nil {
		t.Fatal(err)
	}
	if err := v.Close(); err != nil {
		t.Fatal(err)
	}
	if err := v.Close(); err != nil {
		t.Fatal(err)
	}
}

// TestConcurrentVerifyDuringRotation runs verifications in parallel while
// the issuer adds a key, under the race detector in CI.
func TestConcurrentVerifyDuringRotation(t *testing.T) {
	oldKey, newKey := newEC(t, "old"), newEC(t, "new")
	srv := newJWKSServer(t, jwksJSON(t, oldKey))
	v := newVerifier(t, jwt.Config{JWKS: srv.URL, RefreshRateLimit: time.Hour})
	oldToken, newToken := oldKey.sign(t, baseClaims()), newKey.sign(t, baseClaims())
	srv.set(jwksJSON(t, oldKey, newKey))
	errs := make(chan error, 8*10)
	var wg sync.WaitGroup
	for range 8 {
		wg.Go(func() {
			for i := range 10 {
				tok := oldToken
				if i%2 == 1 {
					tok = newToken
				}
				if _, err := v.Verify(context.Background(), tok, jwt.VerifyOptions{}); err != nil {
					errs <- err
				}
			}
		})
	}
	wg.Wait()
	close(errs)
	for err := range errs {
		t.Error(err)
	}
	if got := srv.hits.Load(); got != 2 {
		t.Errorf("JWKS fetches = %d, want 2 (first load and one reload)", got)
	}
}

func TestVerifyAfterClose(t *testing.T) {
	k := newEC(t, "k")
	v := newVerifier(t, jwt.Config{JWKS: writeJWKSFile(t, jwksJSON(t, k))})
	if err := v.Close(); err != nil {
		t.Fatal(err)
	}
	if e := verifyErr(t, v, k.sign(t, baseClaims())); e != nil {
		t.Fatalf("Verify after Close: %v", e)
	}
}
