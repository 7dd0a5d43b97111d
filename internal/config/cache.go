package config

import (
	"slices"
	"strings"

	"github.com/portico-gw/portico/internal/awslimits"
)

// StageCache is a stage's response cache (CloudFormation's
// CacheClusterEnabled and CacheClusterSize, with the default TTL of the
// stage's methods). A cluster alone caches nothing: methods cache once their
// methodSettings turn cachingEnabled on (docs/aws-behaviour.md#response-caching).
type StageCache struct {
	// Enabled creates the stage's cache.
	Enabled bool `yaml:"enabled"`
	// Size is the capacity in GB, one of AWS's cluster sizes (0.5, 1.6,
	// 6.1, 13.5, 28.4, 58.2, 118, 237); it bounds the memory of the
	// in-process cache. Default 0.5.
	Size float64 `yaml:"size"`
	// TTL is the TTL in seconds of methods without cacheTtlInSeconds
	// (0 to 3600); default 300.
	TTL *int `yaml:"ttl"`
}

// MethodCacheSettings are the caching fields of a methodSettings entry, in
// CloudFormation's names (AWS::ApiGateway::Stage MethodSetting).
type MethodCacheSettings struct {
	// CachingEnabled caches the method's responses. "/*" "*" turns it on
	// for GET methods only; another method needs an entry of its own.
	CachingEnabled *bool `yaml:"cachingEnabled"`
	// CacheTTLInSeconds is the entries' TTL, 0 to 3600 (0 disables caching).
	CacheTTLInSeconds *int `yaml:"cacheTtlInSeconds"`
	// CacheDataEncrypted is accepted; the in-process and Redis caches keep
	// data unencrypted (docs/differences.md).
	CacheDataEncrypted *bool `yaml:"cacheDataEncrypted"`
	// RequireAuthorizationForCacheControl limits Cache-Control: max-age=0
	// to callers allowed execute-api:InvalidateCache; default true.
	RequireAuthorizationForCacheControl *bool `yaml:"requireAuthorizationForCacheControl"`
	// UnauthorizedCacheControlHeaderStrategy is FAIL_WITH_403,
	// SUCCEED_WITH_RESPONSE_HEADER (default) or SUCCEED_WITHOUT_RESPONSE_HEADER.
	UnauthorizedCacheControlHeaderStrategy string `yaml:"unauthorizedCacheControlHeaderStrategy"`
}

// Unauthorized cache-control strategies (MethodSetting.unauthorizedCacheControlHeaderStrategy).
const (
	CacheFailWith403                  = "FAIL_WITH_403"
	CacheSucceedWithResponseHeader    = "SUCCEED_WITH_RESPONSE_HEADER"
	CacheSucceedWithoutResponseHeader = "SUCCEED_WITHOUT_RESPONSE_HEADER"
)

// DefaultCacheSize is the cluster size when the settings leave it out.
const DefaultCacheSize = 0.5

// SizeBytes is the cluster capacity in bytes.
func (c *StageCache) SizeBytes() int64 {
	size := c.Size
	if size == 0 {
		size = DefaultCacheSize
	}
	return int64(size * (1 << 30))
}

// DefaultTTL is the TTL in seconds of methods without cacheTtlInSeconds.
func (c *StageCache) DefaultTTL() int {
	if c.TTL == nil {
		return awslimits.CacheDefaultTTLSeconds
	}
	return *c.TTL
}

// decodeResourcePaths turns CloudFormation's escaped resource paths
// ("/~1pets~1{id}": forward slashes as ~1, after the leading slash) into
// plain ones ("/pets/{id}").
func decodeResourcePaths(ms []MethodSetting) {
	for i := range ms {
		p := ms[i].ResourcePath
		if !strings.HasPrefix(p, "/~1") {
			continue
		}
		ms[i].ResourcePath = strings.ReplaceAll(strings.ReplaceAll(p[1:], "~1", "/"), "~0", "~")
	}
}

// stageCache checks a stage's cache cluster.
func (v *validator) stageCache(p string, c *StageCache) {
	if c == nil {
		return
	}
	if c.Size != 0 {
		v.check(p+"/size", slices.Contains(awslimits.CacheClusterSizes, c.Size),
			"size %v is not a cache cluster size: use 0.5, 1.6, 6.1, 13.5, 28.4, 58.2, 118 or 237 (GB)", c.Size)
	}
	if c.TTL != nil {
		v.check(p+"/ttl", *c.TTL >= 0 && *c.TTL <= awslimits.CacheMaxTTLSeconds, "ttl must be 0 to %d seconds", awslimits.CacheMaxTTLSeconds)
	}
}

// methodCache checks the caching fields of a methodSettings entry.
func (v *validator) methodCache(p string, m MethodCacheSettings) {
	if m.CacheTTLInSeconds != nil {
		v.check(p+"/cacheTtlInSeconds", *m.CacheTTLInSeconds >= 0 && *m.CacheTTLInSeconds <= awslimits.CacheMaxTTLSeconds,
			"cacheTtlInSeconds must be 0 to %d", awslimits.CacheMaxTTLSeconds)
	}
	switch m.UnauthorizedCacheControlHeaderStrategy {
	case "", CacheFailWith403, CacheSucceedWithResponseHeader, CacheSucceedWithoutResponseHeader:
	default:
		v.check(p+"/unauthorizedCacheControlHeaderStrategy", false,
			"unauthorizedCacheControlHeaderStrategy must be %s, %s or %s, not %q", CacheFailWith403, CacheSucceedWithResponseHeader,
			CacheSucceedWithoutResponseHeader, m.UnauthorizedCacheControlHeaderStrategy)
	}
}
