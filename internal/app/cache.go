package app

import (
	"context"
	"net/http"
	"time"

	"github.com/portico-gw/portico/internal/admin"
	"github.com/portico-gw/portico/internal/cache"
	"github.com/portico-gw/portico/internal/config"
	"github.com/portico-gw/portico/internal/deploy"
	"github.com/portico-gw/portico/internal/store/fallback"
	"github.com/portico-gw/portico/internal/store/redis"
)

// stageCache maps a stage's cache settings; nil when the stage has none.
func stageCache(c *config.StageCache) *deploy.StageCache {
	if c == nil || !c.Enabled {
		return nil
	}
	return &deploy.StageCache{Capacity: c.SizeBytes(), DefaultTTL: time.Duration(c.DefaultTTL()) * time.Second}
}

// methodCaching maps the caching fields of a methodSettings entry.
func methodCaching(m config.MethodCacheSettings) deploy.MethodCaching {
	dc := deploy.MethodCaching{Enabled: m.CachingEnabled, RequireAuthorization: m.RequireAuthorizationForCacheControl,
		Strategy: m.UnauthorizedCacheControlHeaderStrategy}
	if m.CacheTTLInSeconds != nil {
		ttl := time.Duration(*m.CacheTTLInSeconds) * time.Second
		dc.TTL = &ttl
	}
	return dc
}

// newCaches keeps stage caches in the usage store's Redis (reusing its
// client) when the store is Redis, else in this process.
func newCaches(st counters) *cache.Provider {
	if fs, ok := st.(*fallback.Store); ok {
		if rs, ok := fs.Primary().(*redis.Store); ok {
			return cache.NewRedisProvider(rs.Client, rs.KeyPrefix(), rs.Timeout())
		}
	}
	return cache.NewMemoryProvider(nil)
}

// cacheErrors counts the response cache's store failures; the request is
// then served from the integration.
func (g *Gateway) cacheErrors(error) {
	if g.obs != nil && g.obs.metrics != nil {
		g.obs.metrics.StoreError("redis", "cache")
	}
}

// FlushStageCache implements admin.CacheFlusher.
func (g *Gateway) FlushStageCache(ctx context.Context, api, stage string) (bool, error) {
	return g.caches.Flush(ctx, api, stage)
}

// AdminHandler is the admin listener's handler: admin.Handler's routes,
// the management API under /restapis, FlushStageCache (which the
// management API leaves to the stage caches) and, with admin.profiling on,
// Go's runtime profiles under /debug/pprof/.
func (g *Gateway) AdminHandler() http.Handler {
	mux := http.NewServeMux()
	mux.Handle(admin.FlushStageCachePattern, admin.FlushStageCache(g))
	mux.Handle(admin.ProfilingPrefix, g.profilingHandler())
	mux.Handle("/", admin.WithManagement(admin.Handler(g, g, g.LambdaAPI(), g.MetricsHandler()), g.ManagementAPI()))
	return mux
}
