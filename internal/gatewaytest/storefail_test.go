package gatewaytest

import (
	"fmt"
	"io"
	"net/http"
	"strings"
	"sync"
	"sync/atomic"
	"testing"
	"time"

	"github.com/portico-gw/portico/internal/store/redistest"
)

const failKey = "failing-0123456789abcdefgh"

func redisGateway(t *testing.T, rs *redistest.Server, onError string) *Gateway {
	extra := fmt.Sprintf(`store: {type: redis, url: %q, onError: %s, timeout: 200ms}
apiKeys: [{name: k, value: %s}]
usagePlans: [{name: p, apiStages: [{api: testapi, stage: dev}], throttle: {rateLimit: 0.01, burstLimit: 1}, apiKeys: [k]}]
`, rs.URL(), onError, failKey)
	return Start(t, Options{Definition: "../../testdata/parity/apikey/api.yaml", Extra: extra})
}

func status(t *testing.T, g *Gateway) int {
	t.Helper()
	req, _ := http.NewRequest(http.MethodGet, g.URL+"/dev/pets", nil)
	req.Header.Set("x-api-key", failKey)
	resp := g.Do(t, req)
	_, _ = io.Copy(io.Discard, resp.Body)
	resp.Body.Close()
	return resp.StatusCode
}

// TestStoreFailureFailsOpenAndRecovers stops Redis under load: every
// request is still answered (served, as onError is open), failures are
// logged and counted, and enforcement resumes when Redis is back.
func TestStoreFailureFailsOpenAndRecovers(t *testing.T) {
	rs := redistest.Start(t)
	g := redisGateway(t, rs, "open")
	if a, b := status(t, g), status(t, g); a != 200 || b != 429 {
		t.Fatalf("with Redis up: got %d then %d, want 200 then 429", a, b)
	}
	var answered, served, bad atomic.Int64
	stop := make(chan struct{})
	var wg sync.WaitGroup
	for range 4 {
		wg.Go(func() {
			for {
				select {
				case <-stop:
					return
				default:
				}
				switch s := status(t, g); s {
				case 200:
					served.Add(1)
					answered.Add(1)
				case 429:
					answered.Add(1)
				default:
					bad.Add(1)
				}
			}
		})
	}
	waitUntil(t, func() bool { return answered.Load() > 20 })
	rs.Stop()
	before := served.Load()
	waitUntil(t, func() bool { return served.Load() > before+20 })
	close(stop)
	wg.Wait()
	if bad.Load() > 0 {
		t.Errorf("%d requests got neither 200 nor 429 while Redis was down", bad.Load())
	}
	if !strings.Contains(g.Logs(), "usage store failure") {
		t.Error("store failure not logged")
	}
	if n, _ := g.App.Info()["storeFailures"].(int64); n == 0 {
		t.Error("store failures not counted")
	}
	rs.Restart()
	waitUntil(t, func() bool { return status(t, g) == 429 })
}

// TestStoreFailureClosed answers 500 while the store is down.
func TestStoreFailureClosed(t *testing.T) {
	rs := redistest.Start(t)
	g := redisGateway(t, rs, "closed")
	rs.Stop()
	if s := status(t, g); s != 500 {
		t.Errorf("got %d, want 500 with onError closed", s)
	}
}

// waitUntil polls cond for up to ten seconds.
func waitUntil(t *testing.T, cond func() bool) {
	t.Helper()
	deadline := time.Now().Add(10 * time.Second)
	for !cond() {
		if time.Now().After(deadline) {
			t.Fatal("condition not reached in 10s")
		}
		time.Sleep(10 * time.Millisecond)
	}
}
