package httpserver

import (
	"testing"

	"github.com/portico-gw/portico/internal/pipeline"
	"github.com/portico-gw/portico/internal/telemetry"
)

// TestCacheOutcomeIsTheMetricStatus: the edge converts the call's cache
// outcome into the metric's status by value, so the two enums must agree.
func TestCacheOutcomeIsTheMetricStatus(t *testing.T) {
	t.Parallel()
	for _, p := range []struct {
		call   pipeline.CacheOutcome
		metric telemetry.CacheStatus
	}{{pipeline.CacheNone, telemetry.CacheOff}, {pipeline.CacheHit, telemetry.CacheHit}, {pipeline.CacheMiss, telemetry.CacheMiss}} {
		if telemetry.CacheStatus(p.call) != p.metric {
			t.Errorf("pipeline outcome %d converts to %d, want %d", p.call, telemetry.CacheStatus(p.call), p.metric)
		}
	}
}
