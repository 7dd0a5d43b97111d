package cache

import (
	"context"
	"errors"
	"io"
	"net/http"
	"strings"
	"time"

	"github.com/portico-gw/portico/internal/awslimits"
	"github.com/portico-gw/portico/internal/fault"
	"github.com/portico-gw/portico/internal/pipeline"
	"github.com/portico-gw/portico/internal/telemetry"
)

// Strategy is unauthorizedCacheControlHeaderStrategy: what a
// Cache-Control: max-age=0 from a caller not allowed to invalidate gets.
type Strategy uint8

const (
	// SucceedWithResponseHeader serves the request as if the header were
	// absent and adds WarningHeader to the answer (AWS's default).
	SucceedWithResponseHeader Strategy = iota
	// SucceedWithoutResponseHeader serves the request as if the header
	// were absent.
	SucceedWithoutResponseHeader
	// FailWith403 refuses the request with 403.
	FailWith403
)

// ParseStrategy reads AWS's names; "" is the default.
func ParseStrategy(s string) (Strategy, bool) {
	switch s {
	case "", "SUCCEED_WITH_RESPONSE_HEADER":
		return SucceedWithResponseHeader, true
	case "SUCCEED_WITHOUT_RESPONSE_HEADER":
		return SucceedWithoutResponseHeader, true
	case "FAIL_WITH_403":
		return FailWith403, true
	}
	return 0, false
}

// WarningHeader is the header SUCCEED_WITH_RESPONSE_HEADER adds. AWS
// documents "a warning header"; the exact name and text are UNCONFIRMED
// (docs/differences.md#response-caching).
const (
	WarningHeader = "Warning"
	WarningValue  = `199 Cache-control headers were ignored because the caller was unauthorized.`
)

// errNotAllowed is the cause of a FAIL_WITH_403 refusal.
var errNotAllowed = errors.New("Cache-Control: max-age=0 from a caller not allowed execute-api:InvalidateCache")

// Config is one method's cache, resolved at deploy.
type Config struct {
	// Store holds the stage's entries.
	Store Store
	// TTL is the method's cacheTtlInSeconds (or the stage default); it is
	// positive, since a TTL of 0 turns caching off.
	TTL time.Duration
	// ForGet caches GET requests (the stage-wide "/*" "*" entry or the
	// method's own); ForOther caches other methods (only their own entry).
	ForGet, ForOther bool
	// Namespace is the integration's cacheNamespace, or the resource id.
	Namespace string
	// Resource is the method's resource path.
	Resource string
	// Params are the integration's cacheKeyParameters.
	Params []Param
	// RequireAuthorization is requireAuthorizationForCacheControl.
	RequireAuthorization bool
	// Strategy is unauthorizedCacheControlHeaderStrategy.
	Strategy Strategy
	// Authorized reports whether the caller may invalidate
	// (execute-api:InvalidateCache); nil means nobody may.
	Authorized func(*pipeline.Call) bool
	// Log is the stage's execution log (nil when off).
	Log *telemetry.ExecLog
	// OnError reports a store failure; the request is then served from the
	// integration (the cache is best-effort). Nil ignores failures.
	OnError func(error)
	// MaxBytes bounds a cached body; 0 means AWS's 1,048,576 bytes.
	MaxBytes int
}

// Integration answers from the cache when it can and otherwise calls the
// wrapped integration, keeping its answer.
type Integration struct {
	inner pipeline.Integration
	cfg   Config
}

var _ pipeline.Integration = (*Integration)(nil)

// Wrap returns inner behind the method's cache.
func Wrap(inner pipeline.Integration, cfg Config) *Integration {
	if cfg.MaxBytes <= 0 {
		cfg.MaxBytes = awslimits.CacheMaxResponseBytes
	}
	return &Integration{inner: inner, cfg: cfg}
}

// Name implements pipeline.Named: the wrapped integration's name, since the
// cache is part of the integration step.
func (i *Integration) Name() string {
	if n, ok := i.inner.(pipeline.Named); ok {
		return n.Name()
	}
	return "unnamed"
}

// Invoke implements pipeline.Integration.
func (i *Integration) Invoke(ctx context.Context, c *pipeline.Call) (*pipeline.Result, error) {
	if c.HTTPMethod == http.MethodGet && !i.cfg.ForGet || c.HTTPMethod != http.MethodGet && !i.cfg.ForOther {
		return i.inner.Invoke(ctx, c)
	}
	key := i.key(c)
	log := i.cfg.Log
	log.CacheKey(ctx, c.RequestID, key)
	read, warn := true, false
	if wantsFresh(c.Header) {
		switch {
		case !i.cfg.RequireAuthorization || i.cfg.Authorized != nil && i.cfg.Authorized(c):
			read = false
			log.CacheInvalidated(ctx, c.RequestID)
		case i.cfg.Strategy == FailWith403:
			log.CacheControlIgnored(ctx, c.RequestID)
			return nil, fault.Denied("Unauthorized", errNotAllowed)
		default:
			warn = i.cfg.Strategy == SucceedWithResponseHeader
			log.CacheControlIgnored(ctx, c.RequestID)
		}
	}
	if read {
		e, err := i.cfg.Store.Get(ctx, key)
		if err != nil {
			i.fail(err)
		} else if e != nil {
			c.Cache = pipeline.CacheHit
			log.CacheHit(ctx, c.RequestID)
			res := e.result()
			if warn {
				res.Header[WarningHeader] = []string{WarningValue}
			}
			return res, nil
		}
		log.CacheMiss(ctx, c.RequestID)
	}
	c.Cache = pipeline.CacheMiss
	res, err := i.inner.Invoke(ctx, c)
	if err != nil || res == nil {
		return res, err // gateway errors are never cached
	}
	if res.Status < 500 {
		i.keep(ctx, key, res)
	}
	if warn {
		if res.Header == nil {
			res.Header = http.Header{}
		}
		res.Header[WarningHeader] = []string{WarningValue}
	}
	return res, nil
}

// keep stores a buffered answer, or tees a streamed one into the store as
// it goes to the client, giving up past the size bound.
func (i *Integration) keep(ctx context.Context, key string, res *pipeline.Result) {
	e := &Entry{Status: res.Status, Header: res.Header.Clone()}
	if res.Stream == nil {
		if len(res.Body) > i.cfg.MaxBytes {
			return
		}
		e.Body = res.Body
		if err := i.cfg.Store.Set(ctx, key, e, i.cfg.TTL); err != nil {
			i.fail(err)
		}
		return
	}
	if res.ContentLength > int64(i.cfg.MaxBytes) {
		return
	}
	res.Stream = &tee{ReadCloser: res.Stream, i: i, ctx: context.WithoutCancel(ctx), key: key, e: e}
}

func (i *Integration) fail(err error) {
	if i.cfg.OnError != nil {
		i.cfg.OnError(err)
	}
}

// tee copies a streamed body into an entry while the client reads it, and
// stores the entry once the body ended within the bound.
type tee struct {
	io.ReadCloser
	i    *Integration
	ctx  context.Context
	key  string
	e    *Entry
	buf  []byte
	done bool // stored or given up
}

func (t *tee) Read(p []byte) (int, error) {
	n, err := t.ReadCloser.Read(p)
	if t.done {
		return n, err
	}
	if len(t.buf)+n > t.i.cfg.MaxBytes {
		t.done, t.buf = true, nil
		return n, err
	}
	t.buf = append(t.buf, p[:n]...)
	switch {
	case err == io.EOF:
		t.done = true
		t.e.Body = t.buf
		if serr := t.i.cfg.Store.Set(t.ctx, t.key, t.e, t.i.cfg.TTL); serr != nil {
			t.i.fail(serr)
		}
	case err != nil:
		t.done, t.buf = true, nil // a broken stream is never cached
	}
	return n, err
}

// wantsFresh reports whether the request carries Cache-Control: max-age=0.
func wantsFresh(h http.Header) bool {
	for _, v := range h.Values("Cache-Control") {
		for d := range strings.SplitSeq(v, ",") {
			if strings.EqualFold(strings.TrimSpace(d), "max-age=0") {
				return true
			}
		}
	}
	return false
}
