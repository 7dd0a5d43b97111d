package jwt

import (
	"context"
	"encoding/json"
	"errors"
	"fmt"
	"log/slog"
	"sync"
	"time"

	"github.com/MicahParks/jwkset"
	"golang.org/x/time/rate"
)

// keySet caches the issuer's signing keys and reloads them: on a timer, and
// on demand when a token names an unknown kid (rate-limited, and coalesced so
// that concurrent requests share one fetch).
type keySet struct {
	location string // for logs; never a token
	load     loader
	store    *jwkset.MemoryJWKSet
	limiter  *rate.Limiter // nil: no reload on unknown kid
	logger   *slog.Logger

	mu       sync.Mutex
	inflight *reload
}

// reload is one in-flight on-demand fetch; done is closed when err is set.
type reload struct {
	done chan struct{}
	err  error
}

func newKeySet(location string, load loader, rateLimit time.Duration, logger *slog.Logger) *keySet {
	ks := &keySet{location: location, load: load, store: jwkset.NewMemoryStorage(), logger: logger}
	if rateLimit > 0 {
		ks.limiter = rate.NewLimiter(rate.Every(rateLimit), 1)
	}
	return ks
}

// refresh loads the key set and replaces the cached keys.
func (ks *keySet) refresh(ctx context.Context) error {
	b, err := ks.load(ctx)
	if err != nil {
		return err
	}
	keys, err := parseJWKS(b)
	if err != nil {
		return fmt.Errorf("jwks %s: %w", ks.location, err)
	}
	return ks.store.KeyReplaceAll(ctx, keys)
}

// refreshUnknown reloads the key set because a token named an unknown kid. It
// joins a reload already in flight; otherwise it starts one if the rate limit
// allows, and fails at once if not.
func (ks *keySet) refreshUnknown(ctx context.Context) error {
	if ks.limiter == nil {
		return errors.New("jwks reload on unknown kid is disabled")
	}
	ks.mu.Lock()
	r := ks.inflight
	if r == nil {
		if !ks.limiter.Allow() {
			ks.mu.Unlock()
			return errors.New("jwks reload on unknown kid is rate-limited")
		}
		r = &reload{done: make(chan struct{})}
		ks.inflight = r
		ks.mu.Unlock()
		// The fetch is bounded by FetchTimeout; it runs in this request's
		// goroutine, and requests that arrive meanwhile wait for it.
		r.err = ks.refresh(ctx)
		ks.mu.Lock()
		ks.inflight = nil
		ks.mu.Unlock()
		close(r.done)
		return r.err
	}
	ks.mu.Unlock()
	select {
	case <-r.done:
		return r.err
	case <-ctx.Done():
		return ctx.Err()
	}
}

// run reloads the key set every interval until ctx is done.
func (ks *keySet) run(ctx context.Context, interval time.Duration) {
	t := time.NewTicker(interval)
	defer t.Stop()
	for {
		select {
		case <-ctx.Done():
			return
		case <-t.C:
			if err := ks.refresh(ctx); err != nil && ctx.Err() == nil {
				ks.logger.LogAttrs(ctx, slog.LevelWarn, "jwks reload failed; keeping the cached keys",
					slog.String("jwks", ks.location), slog.Any("error", err))
			}
		}
	}
}

// parseJWKS decodes a JWK Set and keeps the keys usable for verifying
// signatures: RSA and EC keys with a kid and a "use" of "sig" or none. Other keys are skipped; a set with no usable key is an error.
func parseJWKS(b []byte) ([]jwkset.JWK, error) {
	var set jwkset.JWKSMarshal
	if err := json.Unmarshal(b, &set); err != nil {
		return nil, fmt.Errorf("decode: %w", err)
	}
	keys := make([]jwkset.JWK, 0, len(set.Keys))
	var skipped []error
	for i, m := range set.Keys {
		if m.KID == "" || (m.USE != "" && m.USE != jwkset.UseSig) || (m.KTY != jwkset.KtyRSA && m.KTY != jwkset.KtyEC) {
			continue
		}
		k, err := jwkset.NewJWKFromMarshal(m, jwkset.JWKMarshalOptions{}, jwkset.JWKValidateOptions{})
		if err != nil {
			skipped = append(skipped, fmt.Errorf("key %d (kid %q): %w", i, m.KID, err))
			continue
		}
		keys = append(keys, k)
	}
	if len(keys) == 0 {
		return nil, errors.Join(append([]error{errors.New("no usable signing key")}, skipped...)...)
	}
	return keys, nil
}

// refreshingStore is the jwkset.Storage that keyfunc reads keys from: the
// cached set, reloaded once when a kid is not found.
type refreshingStore struct {
	*jwkset.MemoryJWKSet
	ks *keySet
}

// KeyRead returns the key with the given kid, reloading the set (subject to
// the rate limit) when it is not cached.
func (s refreshingStore) KeyRead(ctx context.Context, kid string) (jwkset.JWK, error) {
	k, err := s.MemoryJWKSet.KeyRead(ctx, kid)
	if !errors.Is(err, jwkset.ErrKeyNotFound) {
		return k, err
	}
	if rerr := s.ks.refreshUnknown(ctx); rerr != nil {
		return jwkset.JWK{}, fmt.Errorf("%w (%w)", err, rerr)
	}
	return s.MemoryJWKSet.KeyRead(ctx, kid)
}
