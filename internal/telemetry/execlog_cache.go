package telemetry

import "context"

// Stage-cache lines of the execution log (INFO). AWS's exact wording of its
// cache lines is UNCONFIRMED; these say the same things in plain words
// (docs/aws-behaviour.md#response-caching).

// CacheKey logs the cache key the method request maps to.
func (e *ExecLog) CacheKey(ctx context.Context, requestID, key string) {
	if e.Enabled(LogInfo) {
		e.info(ctx, requestID, "Method request cache key: "+key)
	}
}

// CacheHit logs a response served from the stage cache, without calling
// the integration.
func (e *ExecLog) CacheHit(ctx context.Context, requestID string) {
	if e.Enabled(LogInfo) {
		e.info(ctx, requestID, "Sending cached response")
	}
}

// CacheMiss logs a lookup that found nothing: the integration answers.
func (e *ExecLog) CacheMiss(ctx context.Context, requestID string) {
	if e.Enabled(LogInfo) {
		e.info(ctx, requestID, "Cached response not found; sending request to the integration")
	}
}

// CacheInvalidated logs an authorized Cache-Control: max-age=0: the
// integration answers and its response replaces the entry.
func (e *ExecLog) CacheInvalidated(ctx context.Context, requestID string) {
	if e.Enabled(LogInfo) {
		e.info(ctx, requestID, "Cache-Control: max-age=0 received from an authorized caller; invalidating the cached response")
	}
}

// CacheControlIgnored logs a Cache-Control: max-age=0 from a caller not
// allowed execute-api:InvalidateCache.
func (e *ExecLog) CacheControlIgnored(ctx context.Context, requestID string) {
	if e.Enabled(LogInfo) {
		e.info(ctx, requestID, "Cache-Control: max-age=0 ignored: the caller is not authorized to invalidate the cache")
	}
}
