package admin

import (
	"context"
	"net/http"
)

// CacheFlusher flushes a REST stage's response cache.
type CacheFlusher interface {
	// FlushStageCache deletes every cached response of the stage; found
	// is false when the stage has no cache.
	FlushStageCache(ctx context.Context, api, stage string) (found bool, err error)
}

// FlushStageCachePattern is API Gateway's FlushStageCache route.
const FlushStageCachePattern = "DELETE /restapis/{restapi_id}/stages/{stage_name}/cache/data"

// FlushStageCache serves FlushStageCachePattern: 202 with no body, as API
// Gateway answers; 404 NotFoundException when the stage has no cache.
func FlushStageCache(f CacheFlusher) http.Handler {
	return http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		found, err := f.FlushStageCache(r.Context(), r.PathValue("restapi_id"), r.PathValue("stage_name"))
		switch {
		case err != nil:
			w.Header().Set("x-amzn-ErrorType", "ServiceUnavailableException")
			writeJSON(w, http.StatusServiceUnavailable, map[string]any{"message": "The cache could not be flushed: " + err.Error()})
		case !found:
			w.Header().Set("x-amzn-ErrorType", "NotFoundException")
			writeJSON(w, http.StatusNotFound, map[string]any{"message": "Invalid stage identifier specified"})
		default:
			w.WriteHeader(http.StatusAccepted)
		}
	})
}
