package gatewaytest

import (
	"encoding/json"
	"fmt"
	"io"
	"net/http"
	"net/http/httptest"
	"strings"
	"sync"
	"sync/atomic"
	"testing"
	"time"

	"github.com/portico-gw/portico/internal/admin"
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

// readyz asks the admin handler for /readyz: its status and JSON body.
func readyz(t *testing.T, g *Gateway) (int, map[string]any) {
	t.Helper()
	rec := httptest.NewRecorder()
	admin.Handler(g.App, g.App, nil, nil).ServeHTTP(rec, httptest.NewRequest(http.MethodGet, "/readyz", nil))
	var body map[string]any
	if err := json.Unmarshal(rec.Body.Bytes(), &body); err != nil {
		t.Fatalf("readyz body %q: %v", rec.Body.String(), err)
	}
	return rec.Code, body
}

func storeStatus(body map[string]any) string {
	st, _ := body["store"].(map[string]any)
	s, _ := st["status"].(string)
	return s
}

// TestStartWhileRedisDown: with onError open the gateway starts while
// Redis is unreachable, serves, says so on /readyz (still 200: the node
// serves), and enforces as soon as Redis is back.
func TestStartWhileRedisDown(t *testing.T) {
	rs := redistest.Start(t)
	rs.Stop()
	g := redisGateway(t, rs, "open")
	if !strings.Contains(g.Logs(), "redis unreachable at start") {
		t.Error("unreachable Redis at start not logged")
	}
	code, body := readyz(t, g)
	if code != 200 || storeStatus(body) != "failing" {
		t.Errorf("readyz with Redis down: %d %v, want 200 and store failing", code, body)
	}
	if a, b := status(t, g), status(t, g); a != 200 || b != 200 {
		t.Errorf("with Redis down: got %d and %d, want 200 (fails open)", a, b)
	}
	rs.Restart()
	waitUntil(t, func() bool { _, body := readyz(t, g); return storeStatus(body) == "ok" })
	waitUntil(t, func() bool { return status(t, g) == 429 })
}

// TestStoreFailureClosedNotReady: with onError closed, a failing store
// makes /readyz answer 503 with the reason.
func TestStoreFailureClosedNotReady(t *testing.T) {
	rs := redistest.Start(t)
	g := redisGateway(t, rs, "closed")
	if code, body := readyz(t, g); code != 200 || storeStatus(body) != "ok" {
		t.Errorf("readyz with Redis up: %d %v", code, body)
	}
	rs.Stop()
	waitUntil(t, func() bool { code, _ := readyz(t, g); return code == 503 })
	if _, body := readyz(t, g); !strings.Contains(fmt.Sprint(body["reason"]), "store.onError is closed") {
		t.Errorf("readyz reason: %v", body)
	}
}

// TestFrozenRedisQuota freezes Redis (SIGSTOP) half-way through a daily
// quota of 100 while 8 clients keep calling: the quota is exceeded by at
// most the requests in flight (without local decisions, every request made
// during the freeze was admitted).
func TestFrozenRedisQuota(t *testing.T) {
	rs := redistest.Start(t)
	extra := fmt.Sprintf(`store: {type: redis, url: %q, onError: open, timeout: 100ms}
apiKeys: [{name: k, value: %s}]
usagePlans: [{name: p, apiStages: [{api: testapi, stage: dev}], quota: {limit: 100, period: DAY}, apiKeys: [k]}]
`, rs.URL(), failKey)
	g := Start(t, Options{Definition: "../../testdata/parity/apikey/api.yaml", Extra: extra})
	const workers = 8
	var served, other atomic.Int64
	call := func() {
		switch status(t, g) {
		case 200:
			served.Add(1)
		case 429:
		default:
			other.Add(1)
		}
	}
	for range 50 {
		call()
	}
	rs.Pause()
	var wg sync.WaitGroup
	for range workers {
		wg.Go(func() {
			for range 20 {
				call()
			}
		})
	}
	wg.Wait()
	rs.Resume()
	for range 50 {
		call()
	}
	t.Logf("served %d for a quota of 100", served.Load())
	if n := served.Load(); n > 100+workers || n < 100-workers {
		t.Errorf("served %d, want 100 give or take the %d requests in flight", n, workers)
	}
	if other.Load() > 0 {
		t.Errorf("%d answers were neither 200 nor 429", other.Load())
	}
}
