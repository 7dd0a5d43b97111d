package telemetry

import (
	"errors"
	"io"
	"net/http"
	"net/http/httptest"
	"strconv"
	"strings"
	"testing"
	"time"

	"github.com/prometheus/client_golang/prometheus"
	"github.com/prometheus/client_golang/prometheus/testutil"
)

func newTestMetrics(t testing.TB) (*Metrics, *prometheus.Registry) {
	t.Helper()
	reg := prometheus.NewRegistry()
	m, err := NewMetrics(reg)
	if err != nil {
		t.Fatal(err)
	}
	return m, reg
}

// scriptRequests plays a fixed series of requests against m.
func scriptRequests(m *Metrics) {
	get := m.Method("petstore", "prod", "GET", "/pets/{petId}")
	post := m.Method("petstore", "prod", "POST", "/pets")
	get.Observe(RequestObservation{Status: 200, Latency: 3 * time.Millisecond, IntegrationLatency: 2 * time.Millisecond, Cache: CacheMiss})
	get.Observe(RequestObservation{Status: 200, Latency: 40 * time.Millisecond, Cache: CacheHit})
	get.Observe(RequestObservation{Status: 429, Latency: 500 * time.Microsecond, ResponseType: "THROTTLED", UsagePlan: "basic"})
	post.Observe(RequestObservation{Status: 502, Latency: 1300 * time.Millisecond, IntegrationLatency: 1200 * time.Millisecond})
	// No method matched: the edge passes only what it knows.
	m.Observe(RequestObservation{API: "petstore", Stage: "prod", Status: 403, Latency: 200 * time.Microsecond,
		ResponseType: "MISSING_AUTHENTICATION_TOKEN"})
	m.Observe(RequestObservation{API: "petstore", Stage: "prod", Method: "GET", Resource: "/pets/{petId}", Status: 429,
		Latency: 300 * time.Microsecond, ResponseType: "QUOTA_EXCEEDED", UsagePlan: "basic"})
}

func TestMetricsScriptedScrape(t *testing.T) {
	m, reg := newTestMetrics(t)
	scriptRequests(m)
	const want = `
# HELP portico_requests_total Requests received (API Gateway Count).
# TYPE portico_requests_total counter
portico_requests_total{api="petstore",method="",resource="",stage="prod"} 1
portico_requests_total{api="petstore",method="GET",resource="/pets/{petId}",stage="prod"} 4
portico_requests_total{api="petstore",method="POST",resource="/pets",stage="prod"} 1
# HELP portico_4xx_errors_total Requests answered with a 4xx status (API Gateway 4XXError).
# TYPE portico_4xx_errors_total counter
portico_4xx_errors_total{api="petstore",method="",resource="",stage="prod"} 1
portico_4xx_errors_total{api="petstore",method="GET",resource="/pets/{petId}",stage="prod"} 2
portico_4xx_errors_total{api="petstore",method="POST",resource="/pets",stage="prod"} 0
# HELP portico_5xx_errors_total Requests answered with a 5xx status (API Gateway 5XXError).
# TYPE portico_5xx_errors_total counter
portico_5xx_errors_total{api="petstore",method="GET",resource="/pets/{petId}",stage="prod"} 0
portico_5xx_errors_total{api="petstore",method="POST",resource="/pets",stage="prod"} 1
# HELP portico_cache_hits_total Requests served from the stage cache (API Gateway CacheHitCount).
# TYPE portico_cache_hits_total counter
portico_cache_hits_total{api="petstore",method="GET",resource="/pets/{petId}",stage="prod"} 1
# HELP portico_cache_misses_total Requests served from the integration while caching is on (API Gateway CacheMissCount).
# TYPE portico_cache_misses_total counter
portico_cache_misses_total{api="petstore",method="GET",resource="/pets/{petId}",stage="prod"} 1
# HELP portico_rejections_total Requests rejected with a gateway response, by response type.
# TYPE portico_rejections_total counter
portico_rejections_total{api="petstore",response_type="MISSING_AUTHENTICATION_TOKEN",stage="prod"} 1
portico_rejections_total{api="petstore",response_type="QUOTA_EXCEEDED",stage="prod"} 1
portico_rejections_total{api="petstore",response_type="THROTTLED",stage="prod"} 1
# HELP portico_throttled_total Requests rejected with THROTTLED, by usage plan (empty for account, stage and method limits).
# TYPE portico_throttled_total counter
portico_throttled_total{api="petstore",stage="prod",usage_plan="basic"} 1
# HELP portico_quota_exceeded_total Requests rejected with QUOTA_EXCEEDED, by usage plan.
# TYPE portico_quota_exceeded_total counter
portico_quota_exceeded_total{api="petstore",stage="prod",usage_plan="basic"} 1
`
	names := []string{
		"portico_requests_total", "portico_4xx_errors_total", "portico_5xx_errors_total",
		"portico_cache_hits_total", "portico_cache_misses_total",
		"portico_rejections_total", "portico_throttled_total", "portico_quota_exceeded_total",
	}
	if err := testutil.GatherAndCompare(reg, strings.NewReader(want), names...); err != nil {
		t.Error(err)
	}
}

func TestMetricsLatencyHistograms(t *testing.T) {
	m, reg := newTestMetrics(t)
	post := m.Method("petstore", "prod", "POST", "/pets")
	post.Observe(RequestObservation{Status: 502, Latency: 1300 * time.Millisecond, IntegrationLatency: 1200 * time.Millisecond})
	post.Observe(RequestObservation{Status: 201, Latency: 4 * time.Millisecond})
	const want = `
# HELP portico_integration_latency_seconds Time from relaying a request to the integration until its response arrived (API Gateway IntegrationLatency).
# TYPE portico_integration_latency_seconds histogram
portico_integration_latency_seconds_bucket{api="petstore",method="POST",resource="/pets",stage="prod",le="0.001"} 0
portico_integration_latency_seconds_bucket{api="petstore",method="POST",resource="/pets",stage="prod",le="0.0025"} 0
portico_integration_latency_seconds_bucket{api="petstore",method="POST",resource="/pets",stage="prod",le="0.005"} 0
portico_integration_latency_seconds_bucket{api="petstore",method="POST",resource="/pets",stage="prod",le="0.01"} 0
portico_integration_latency_seconds_bucket{api="petstore",method="POST",resource="/pets",stage="prod",le="0.025"} 0
portico_integration_latency_seconds_bucket{api="petstore",method="POST",resource="/pets",stage="prod",le="0.05"} 0
portico_integration_latency_seconds_bucket{api="petstore",method="POST",resource="/pets",stage="prod",le="0.1"} 0
portico_integration_latency_seconds_bucket{api="petstore",method="POST",resource="/pets",stage="prod",le="0.25"} 0
portico_integration_latency_seconds_bucket{api="petstore",method="POST",resource="/pets",stage="prod",le="0.5"} 0
portico_integration_latency_seconds_bucket{api="petstore",method="POST",resource="/pets",stage="prod",le="1"} 0
portico_integration_latency_seconds_bucket{api="petstore",method="POST",resource="/pets",stage="prod",le="2.5"} 1
portico_integration_latency_seconds_bucket{api="petstore",method="POST",resource="/pets",stage="prod",le="5"} 1
portico_integration_latency_seconds_bucket{api="petstore",method="POST",resource="/pets",stage="prod",le="10"} 1
portico_integration_latency_seconds_bucket{api="petstore",method="POST",resource="/pets",stage="prod",le="30"} 1
portico_integration_latency_seconds_bucket{api="petstore",method="POST",resource="/pets",stage="prod",le="+Inf"} 1
portico_integration_latency_seconds_sum{api="petstore",method="POST",resource="/pets",stage="prod"} 1.2
portico_integration_latency_seconds_count{api="petstore",method="POST",resource="/pets",stage="prod"} 1
`
	if err := testutil.GatherAndCompare(reg, strings.NewReader(want), "portico_integration_latency_seconds"); err != nil {
		t.Error(err)
	}
	if got := testutil.CollectAndCount(m.latency); got != 1 {
		t.Errorf("latency series: got %d, want 1", got)
	}
}

func TestMetricsHandlerScrape(t *testing.T) {
	m, reg := newTestMetrics(t)
	scriptRequests(m)
	fn := m.Function("PetsFunction")
	fn.Start(true)
	fn.Start(false)
	fn.Finish(true)
	m.StoreError("redis", "take")
	m.Reloaded(nil)
	m.Reloaded(errors.New("bad yaml"))

	rec := httptest.NewRecorder()
	MetricsHandler(reg).ServeHTTP(rec, httptest.NewRequest(http.MethodGet, "/metrics", nil))
	if rec.Code != http.StatusOK {
		t.Fatalf("status %d", rec.Code)
	}
	body, _ := io.ReadAll(rec.Body)
	for _, line := range []string{
		`portico_requests_total{api="petstore",method="GET",resource="/pets/{petId}",stage="prod"} 4`,
		`portico_function_invocations_total{function="PetsFunction"} 2`,
		`portico_function_cold_starts_total{function="PetsFunction"} 1`,
		`portico_function_errors_total{function="PetsFunction"} 1`,
		`portico_function_concurrency{function="PetsFunction"} 1`,
		`portico_store_errors_total{op="take",store="redis"} 1`,
		`portico_config_reloads_total{result="failure"} 1`,
		`portico_config_reloads_total{result="success"} 1`,
		`portico_config_last_reload_successful 0`,
		`portico_latency_seconds_count{api="petstore",method="POST",resource="/pets",stage="prod"} 1`,
	} {
		if !strings.Contains(string(body), line+"\n") {
			t.Errorf("scrape lacks %q", line)
		}
	}
}

func TestMetricsForgetAndDuplicateRegistry(t *testing.T) {
	m, reg := newTestMetrics(t)
	scriptRequests(m)
	other := m.Method("other", "dev", "GET", "/")
	other.Observe(RequestObservation{Status: 200, Latency: time.Millisecond, IntegrationLatency: time.Millisecond, Cache: CacheHit})
	unused := m.Method("petstore", "prod", "DELETE", "/pets/{petId}")
	m.Forget("petstore", "prod")
	for name, c := range map[string]prometheus.Collector{"requests": m.requests, "latency": m.latency,
		"integration latency": m.integrationLatency, "cache hits": m.cacheHits, "cache misses": m.cacheMisses} {
		if got := testutil.CollectAndCount(c); got != 1 {
			t.Errorf("%s series after Forget: got %d, want 1 (other/dev)", name, got)
		}
	}
	if got := testutil.CollectAndCount(m.rejections); got != 0 {
		t.Errorf("rejection series after Forget: got %d, want 0", got)
	}
	// A handle never observed had no series to forget; its first request
	// creates them, as for any method.
	unused.Observe(RequestObservation{Status: 204, Latency: time.Millisecond})
	if got := testutil.ToFloat64(m.requests.WithLabelValues("petstore", "prod", "DELETE", "/pets/{petId}")); got != 1 {
		t.Errorf("requests of a method first observed after Forget: got %v, want 1", got)
	}
	if _, err := NewMetrics(reg); err == nil {
		t.Error("a second NewMetrics on the same registry succeeded")
	}
}

// TestMethodSeriesOnFirstRequest: handles create no series; a method's
// first request creates its request counters and latency histogram, its
// first integration call the integration latency histogram, its first
// request with caching on both cache counters, and nothing of any other
// method.
func TestMethodSeriesOnFirstRequest(t *testing.T) {
	m, reg := newTestMetrics(t)
	handles := make([]*MethodMetrics, 50)
	for i := range handles {
		handles[i] = m.Method("petstore", "prod", "GET", "/r"+strconv.Itoa(i))
	}
	method := []string{"portico_requests_total", "portico_4xx_errors_total", "portico_5xx_errors_total",
		"portico_latency_seconds", "portico_integration_latency_seconds", "portico_cache_hits_total", "portico_cache_misses_total"}
	count := func() map[string]int {
		got := map[string]int{}
		mfs, err := reg.Gather()
		if err != nil {
			t.Fatal(err)
		}
		for _, mf := range mfs {
			got[mf.GetName()] = len(mf.GetMetric())
		}
		return got
	}
	for _, name := range method {
		if n := count()[name]; n != 0 {
			t.Errorf("%s: %d series before any request, want 0", name, n)
		}
	}
	handles[7].Observe(RequestObservation{Status: 200, Latency: time.Millisecond})
	want := map[string]int{"portico_requests_total": 1, "portico_4xx_errors_total": 1, "portico_5xx_errors_total": 1, "portico_latency_seconds": 1}
	got := count()
	for _, name := range method {
		if got[name] != want[name] {
			t.Errorf("after one MOCK request: %s has %d series, want %d", name, got[name], want[name])
		}
	}
	if v := testutil.ToFloat64(m.errors4xx.WithLabelValues("petstore", "prod", "GET", "/r7")); v != 0 {
		t.Errorf("4xx of /r7: %v, want 0", v)
	}
	handles[7].Observe(RequestObservation{Status: 200, Latency: time.Millisecond, IntegrationLatency: time.Millisecond, Cache: CacheMiss})
	want["portico_integration_latency_seconds"], want["portico_cache_hits_total"], want["portico_cache_misses_total"] = 1, 1, 1
	got = count()
	for _, name := range method {
		if got[name] != want[name] {
			t.Errorf("after an integration call with caching on: %s has %d series, want %d", name, got[name], want[name])
		}
	}
	if v := testutil.ToFloat64(m.requests.WithLabelValues("petstore", "prod", "GET", "/r7")); v != 2 {
		t.Errorf("requests of /r7: %v, want 2", v)
	}
}

func BenchmarkMethodMetricsObserve(b *testing.B) {
	m, _ := newTestMetrics(b)
	h := m.Method("petstore", "prod", "GET", "/pets/{petId}")
	o := RequestObservation{Status: 200, Latency: 3 * time.Millisecond, IntegrationLatency: 2 * time.Millisecond}
	b.ReportAllocs()
	for b.Loop() {
		h.Observe(o)
	}
}

func BenchmarkMetricsObserve(b *testing.B) {
	m, _ := newTestMetrics(b)
	o := RequestObservation{API: "petstore", Stage: "prod", Method: "GET", Resource: "/pets/{petId}",
		Status: 200, Latency: 3 * time.Millisecond, IntegrationLatency: 2 * time.Millisecond}
	b.ReportAllocs()
	for b.Loop() {
		m.Observe(o)
	}
}

func BenchmarkMethodMetricsObserveThrottled(b *testing.B) {
	m, _ := newTestMetrics(b)
	h := m.Method("petstore", "prod", "GET", "/pets/{petId}")
	o := RequestObservation{Status: 429, Latency: time.Millisecond, ResponseType: "THROTTLED", UsagePlan: "basic"}
	b.ReportAllocs()
	for b.Loop() {
		h.Observe(o)
	}
}
