package app

import (
	"bufio"
	"context"
	"fmt"
	"io"
	"net/http"
	"os"
	"os/exec"
	"path/filepath"
	"regexp"
	"sync"
	"sync/atomic"
	"testing"
	"time"

	"github.com/portico-gw/portico/internal/store/redistest"
)

const replicaDef = `openapi: "3.0.1"
info: {title: replicas, version: "1"}
components:
  securitySchemes:
    api_key: {type: apiKey, name: x-api-key, in: header}
x-mock: &mock
  type: mock
  requestTemplates: {application/json: '{"statusCode": 200}'}
  responses: {default: {statusCode: "200"}}
paths:
  /limited:
    get:
      security: [{api_key: []}]
      responses: {"200": {description: x}}
      x-amazon-apigateway-integration: *mock
  /quota:
    get:
      security: [{api_key: []}]
      responses: {"200": {description: x}}
      x-amazon-apigateway-integration: *mock
`

const (
	throttledKey = "throttled-0123456789abcdef"
	quotaKey     = "quota-0123456789abcdefghij"
)

// buildPortico builds the binary once per test run.
func buildPortico(t *testing.T) string {
	t.Helper()
	bin := filepath.Join(t.TempDir(), "portico")
	cmd := exec.Command("go", "build", "-o", bin, "../../cmd/portico")
	if out, err := cmd.CombinedOutput(); err != nil {
		t.Fatalf("build: %v\n%s", err, out)
	}
	return bin
}

var servingRe = regexp.MustCompile(`msg="portico serving" listen=(\S+) admin=(\S+)`)

// startReplica runs `portico serve` and returns its data-plane address once
// /readyz answers. The process is stopped at the end of the test.
func startReplica(t *testing.T, bin, cfg string) string {
	t.Helper()
	data, _ := startReplicaAddrs(t, bin, cfg)
	return data
}

// startReplicaAddrs is startReplica returning the admin address too.
func startReplicaAddrs(t *testing.T, bin, cfg string) (data, admin string) {
	t.Helper()
	cmd := exec.Command(bin, "serve", "--config", cfg, "--log-level", "info")
	cmd.Stdout = io.Discard
	stderr, err := cmd.StderrPipe()
	if err != nil {
		t.Fatal(err)
	}
	if err := cmd.Start(); err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() { _ = cmd.Process.Signal(os.Interrupt); _ = cmd.Wait() })
	addrs := make(chan []string, 1)
	go func() {
		sc := bufio.NewScanner(stderr)
		for sc.Scan() {
			if m := servingRe.FindStringSubmatch(sc.Text()); m != nil {
				addrs <- m[1:]
			}
		}
	}()
	select {
	case a := <-addrs:
		waitFor(t, func() bool { return get(t, "http://"+a[1]+"/readyz") != "" })
		return a[0], a[1]
	case <-time.After(20 * time.Second):
		t.Fatal("replica did not start in 20s")
	}
	return "", ""
}

// TestReplicasShareLimitsThroughRedis starts three portico processes on one
// real Redis and spreads load across them: the admitted count never exceeds
// what rate and burst allow (by more than 2%), and the quota is never
// over-admitted.
func TestReplicasShareLimitsThroughRedis(t *testing.T) {
	if testing.Short() {
		t.Skip("starts three gateway processes")
	}
	rs := redistest.Start(t)
	bin := buildPortico(t)
	dir := t.TempDir()
	if err := os.WriteFile(filepath.Join(dir, "api.yaml"), []byte(replicaDef), 0o600); err != nil {
		t.Fatal(err)
	}
	const rate, burst, quota = 100.0, 40, 150
	cfg := fmt.Sprintf(`listen: 127.0.0.1:0
admin: {listen: 127.0.0.1:0}
store: {type: redis, url: %q, keyPrefix: replicas}
apis: [{id: shop, definition: api.yaml, stages: [{name: prod}]}]
apiKeys:
  - {name: t, value: %s}
  - {name: q, value: %s}
usagePlans:
  - {name: throttled, apiStages: [{api: shop, stage: prod}], throttle: {rateLimit: %g, burstLimit: %d}, apiKeys: [t]}
  - {name: quota, apiStages: [{api: shop, stage: prod}], quota: {limit: %d, period: DAY}, apiKeys: [q]}
`, rs.URL(), throttledKey, quotaKey, rate, burst, quota)
	cfgPath := filepath.Join(dir, "portico.yaml")
	if err := os.WriteFile(cfgPath, []byte(cfg), 0o600); err != nil {
		t.Fatal(err)
	}
	var replicas []string
	for range 3 {
		replicas = append(replicas, startReplica(t, bin, cfgPath))
	}
	client := &http.Client{Transport: &http.Transport{MaxIdleConnsPerHost: 64}, Timeout: 5 * time.Second}

	// Throttle: hammer for two seconds from 12 clients over 3 replicas.
	ok, limited, elapsed := hammer(t, client, replicas, "/prod/limited", throttledKey, 12, 2*time.Second, 0)
	want := float64(burst) + rate*elapsed.Seconds()
	t.Logf("throttle: admitted %d, rejected %d in %v; rate and burst allow %.1f", ok, limited, elapsed, want)
	// Every admission happened within elapsed, so one shared bucket admits
	// at most want; three separate buckets would admit about three times
	// that. How close to want the count comes depends on how fast a busy
	// machine sends, so below want only the full bucket (burst) is
	// certain; storetest pins the refill math with an injected clock.
	if float64(ok) > 1.02*want {
		t.Errorf("admitted %d, want at most %.1f + 2%%: the replicas do not share one bucket", ok, want)
	}
	if ok < burst {
		t.Errorf("admitted %d, want at least the burst %d", ok, burst)
	}
	if limited == 0 {
		t.Error("no request was throttled: the load did not exceed the limit")
	}

	// Quota: twice the limit, racing across the replicas.
	ok, limited, _ = hammer(t, client, replicas, "/prod/quota", quotaKey, 12, 0, 2*quota)
	t.Logf("quota: admitted %d, rejected %d", ok, limited)
	if ok != quota || limited != quota {
		t.Errorf("admitted %d and rejected %d, want exactly %d each (no over-admission)", ok, limited, quota)
	}
}

// hammer sends requests round-robin across replicas from n clients, for d
// or until total requests were sent, and counts 200s and 429s.
func hammer(t *testing.T, client *http.Client, replicas []string, path, key string, n int, d time.Duration, total int) (ok, limited int64, elapsed time.Duration) {
	t.Helper()
	var okN, limN, sent, other atomic.Int64
	ctx := context.Background()
	if d > 0 {
		var cancel context.CancelFunc
		ctx, cancel = context.WithTimeout(ctx, d)
		defer cancel()
	}
	start := time.Now()
	var wg sync.WaitGroup
	for i := range n {
		wg.Go(func() {
			for j := i; ; j += n {
				if ctx.Err() != nil || (total > 0 && sent.Add(1) > int64(total)) {
					return
				}
				req, _ := http.NewRequest(http.MethodGet, "http://"+replicas[j%len(replicas)]+path, nil)
				req.Header.Set("x-api-key", key)
				resp, err := client.Do(req)
				if err != nil {
					other.Add(1)
					continue
				}
				_, _ = io.Copy(io.Discard, resp.Body)
				resp.Body.Close()
				switch resp.StatusCode {
				case http.StatusOK:
					okN.Add(1)
				case http.StatusTooManyRequests:
					limN.Add(1)
				default:
					other.Add(1)
				}
			}
		})
	}
	wg.Wait()
	elapsed = time.Since(start)
	if other.Load() > 0 {
		t.Errorf("%d requests failed or got an unexpected status", other.Load())
	}
	return okN.Load(), limN.Load(), elapsed
}
