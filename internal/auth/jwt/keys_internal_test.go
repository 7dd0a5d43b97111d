package jwt

import (
	"context"
	"crypto/ecdsa"
	"crypto/elliptic"
	"crypto/rand"
	"encoding/json"
	"log/slog"
	"sync"
	"sync/atomic"
	"testing"
	"testing/synctest"
	"time"

	"github.com/MicahParks/jwkset"
)

func ecJWKS(t *testing.T, kid string) []byte {
	t.Helper()
	k, err := ecdsa.GenerateKey(elliptic.P256(), rand.Reader)
	if err != nil {
		t.Fatal(err)
	}
	j, err := jwkset.NewJWKFromKey(k.Public(), jwkset.JWKOptions{Metadata: jwkset.JWKMetadataOptions{KID: kid}})
	if err != nil {
		t.Fatal(err)
	}
	b, err := json.Marshal(jwkset.JWKSMarshal{Keys: []jwkset.JWKMarshal{j.Marshal()}})
	if err != nil {
		t.Fatal(err)
	}
	return b
}

// TestRefreshUnknownCoalesces: requests that meet an unknown kid while a
// reload is in flight wait for it instead of starting their own (or being
// refused by the rate limiter).
func TestRefreshUnknownCoalesces(t *testing.T) {
	body := ecJWKS(t, "k")
	synctest.Test(t, func(t *testing.T) {
		release := make(chan struct{})
		var loads atomic.Int64
		load := func(ctx context.Context) ([]byte, error) {
			loads.Add(1)
			select {
			case <-release:
			case <-ctx.Done():
				return nil, ctx.Err()
			}
			return body, nil
		}
		ks := newKeySet("test", load, time.Hour, slog.New(slog.DiscardHandler))
		errs := make([]error, 10)
		var wg sync.WaitGroup
		for i := range errs {
			wg.Go(func() { errs[i] = ks.refreshUnknown(context.Background()) })
		}
		synctest.Wait() // every caller is now blocked: one loading, the rest waiting
		close(release)
		wg.Wait()
		for i, err := range errs {
			if err != nil {
				t.Errorf("caller %d: %v", i, err)
			}
		}
		if got := loads.Load(); got != 1 {
			t.Errorf("loads = %d, want 1", got)
		}
		// The limiter now refuses a new reload at once.
		if err := ks.refreshUnknown(context.Background()); err == nil {
			t.Error("second reload within the rate limit: want an error")
		}
	})
}

func TestParseJWKSSkipsUnusableKeys(t *testing.T) {
	good := ecJWKS(t, "good")
	var set struct{ Keys []map[string]any }
	if err := json.Unmarshal(good, &set); err != nil {
		t.Fatal(err)
	}
	enc := map[string]any{}
	for k, v := range set.Keys[0] {
		enc[k] = v
	}
	enc["kid"], enc["use"] = "enc", "enc"
	noKID := map[string]any{}
	for k, v := range set.Keys[0] {
		noKID[k] = v
	}
	delete(noKID, "kid")
	b, err := json.Marshal(map[string]any{"keys": []any{
		set.Keys[0], enc, noKID,
		map[string]any{"kty": "RSA", "kid": "broken", "n": "!!", "e": "AQAB"},
		map[string]any{"kty": "oct", "kid": "hmac", "k": "c2VjcmV0"},
	}})
	if err != nil {
		t.Fatal(err)
	}
	keys, err := parseJWKS(b)
	if err != nil {
		t.Fatal(err)
	}
	if len(keys) != 1 || keys[0].Marshal().KID != "good" {
		t.Errorf("kept %d keys, want only %q", len(keys), "good")
	}
}
