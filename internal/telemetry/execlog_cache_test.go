package telemetry

import (
	"context"
	"testing"

	"github.com/google/go-cmp/cmp"
)

// TestExecLogCacheLines: the stage cache's INFO lines, and none at ERROR.
func TestExecLogCacheLines(t *testing.T) {
	t.Parallel()
	ctx := context.Background()
	ex, buf := execLogFor(t, LogInfo, false)
	ex.CacheKey(ctx, "r1", "abc")
	ex.CacheMiss(ctx, "r1")
	ex.CacheHit(ctx, "r2")
	ex.CacheInvalidated(ctx, "r3")
	ex.CacheControlIgnored(ctx, "r4")
	var got []string
	for _, l := range readLines(t, buf) {
		if l.Level != "INFO" || l.APIID != "petstore" || l.Stage != "prod" {
			t.Errorf("line %+v", l)
		}
		got = append(got, l.RequestID+" "+l.Msg)
	}
	want := []string{
		"r1 Method request cache key: abc",
		"r1 Cached response not found; sending request to the integration",
		"r2 Sending cached response",
		"r3 Cache-Control: max-age=0 received from an authorized caller; invalidating the cached response",
		"r4 Cache-Control: max-age=0 ignored: the caller is not authorized to invalidate the cache",
	}
	if diff := cmp.Diff(want, got); diff != "" {
		t.Errorf("lines (-want +got):\n%s", diff)
	}
	quiet, qbuf := execLogFor(t, LogError, false)
	quiet.CacheHit(ctx, "r5")
	var off *ExecLog
	off.CacheHit(ctx, "r6") // a nil log (OFF) logs nothing and does not panic
	if qbuf.Len() != 0 {
		t.Errorf("ERROR level wrote %q", qbuf.String())
	}
}
