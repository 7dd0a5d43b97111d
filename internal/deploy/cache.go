package deploy

import (
	"fmt"
	"net/http"
	"time"

	"github.com/portico-gw/portico/internal/apidef"
	"github.com/portico-gw/portico/internal/auth"
	"github.com/portico-gw/portico/internal/awslimits"
	"github.com/portico-gw/portico/internal/cache"
	"github.com/portico-gw/portico/internal/pipeline"
)

// StageCache is a stage's response cache cluster
// (docs/aws-behaviour.md#response-caching).
type StageCache struct {
	// Capacity is the cluster size in bytes; it bounds the in-process cache.
	Capacity int64
	// DefaultTTL is the TTL of methods without cacheTtlInSeconds.
	DefaultTTL time.Duration
}

// MethodCaching are the caching fields of a methodSettings entry; nil
// fields are unset.
type MethodCaching struct {
	Enabled              *bool
	TTL                  *time.Duration
	RequireAuthorization *bool
	// Strategy is unauthorizedCacheControlHeaderStrategy ("" is unset).
	Strategy string
}

// methodCaching resolves a method's caching settings: the "/*" "*" entry,
// then the entries of the method's resource ("*" or its own method), field
// by field. own is whether the method's own entry (its resource and HTTP
// method) turns caching on, which methods other than GET need.
func methodCaching(settings []MethodSetting, m *apidef.Method) (c MethodCaching, own bool) {
	apply := func(s MethodCaching) {
		if s.Enabled != nil {
			c.Enabled = s.Enabled
		}
		if s.TTL != nil {
			c.TTL = s.TTL
		}
		if s.RequireAuthorization != nil {
			c.RequireAuthorization = s.RequireAuthorization
		}
		if s.Strategy != "" {
			c.Strategy = s.Strategy
		}
	}
	for _, s := range settings {
		if s.ResourcePath == "/*" && s.HTTPMethod == "*" {
			apply(s.Caching)
		}
	}
	for _, s := range settings {
		if s.ResourcePath == m.Path && s.HTTPMethod == "*" {
			apply(s.Caching)
		}
	}
	for _, s := range settings {
		if s.ResourcePath == m.Path && s.HTTPMethod == m.HTTPMethod {
			apply(s.Caching)
			if s.Caching.Enabled != nil {
				own = *s.Caching.Enabled
			}
		}
	}
	return c, own
}

// withCache puts the method's integration behind the stage cache when the
// stage has one and the method's settings turn caching on: GET (and the GET
// requests of an ANY method) through any applicable entry, other methods
// only through their own entry. A TTL of 0 turns caching off.
func withCache(spec APISpec, ss StageSpec, m *apidef.Method, integ pipeline.Integration, opts Options) (pipeline.Integration, error) {
	if ss.Cache == nil {
		return integ, nil
	}
	mc, own := methodCaching(ss.MethodSettings, m)
	enabled := mc.Enabled != nil && *mc.Enabled
	forGet := enabled && (m.HTTPMethod == http.MethodGet || m.HTTPMethod == "ANY")
	forOther := own && m.HTTPMethod != http.MethodGet
	ttl := ss.Cache.DefaultTTL
	if mc.TTL != nil {
		ttl = *mc.TTL
	}
	ttl = min(ttl, awslimits.CacheMaxTTLSeconds*time.Second)
	if !forGet && !forOther || ttl <= 0 {
		return integ, nil
	}
	cfg := cache.Config{
		Store:                opts.Caches.Stage(spec.ID, ss.Name, ss.Cache.Capacity),
		TTL:                  ttl,
		ForGet:               forGet,
		ForOther:             forOther,
		Namespace:            resourceID(spec.ID, m.Path),
		Resource:             m.Path,
		RequireAuthorization: mc.RequireAuthorization == nil || *mc.RequireAuthorization,
		Log:                  ss.Telemetry.Exec,
		OnError:              opts.CacheErrors,
	}
	var ok bool
	if cfg.Strategy, ok = cache.ParseStrategy(mc.Strategy); !ok {
		return nil, fmt.Errorf("unauthorizedCacheControlHeaderStrategy %q is not FAIL_WITH_403, SUCCEED_WITH_RESPONSE_HEADER or SUCCEED_WITHOUT_RESPONSE_HEADER", mc.Strategy)
	}
	if in := m.Integration; in != nil {
		if in.CacheNamespace != "" {
			cfg.Namespace = in.CacheNamespace
		}
		params, err := cache.ParseParams(in.CacheKeyParameters, in.RequestParameters)
		if err != nil {
			return nil, err
		}
		cfg.Params = params
	}
	var pol *auth.ResourcePolicy
	if spec.Def.Policy != nil {
		p, err := auth.NewResourcePolicy(spec.Def.Policy, opts.Region, opts.AccountID, spec.ID, m.AuthorizationType == apidef.AuthIAM)
		if err != nil {
			return nil, err
		}
		pol = p
	}
	cfg.Authorized = auth.CacheInvalidation(pol)
	return cache.Wrap(integ, cfg), nil
}
