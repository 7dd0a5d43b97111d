package gatewaytest

import (
	"fmt"
	"os"
	"path/filepath"
	"runtime"
	"strings"
	"testing"
)

// routesDefinition writes a REST definition of n MOCK methods, GET /r0 to
// GET /r{n-1}, and returns its path.
func routesDefinition(t testing.TB, n int) string {
	t.Helper()
	var b strings.Builder
	b.WriteString("openapi: \"3.0.1\"\ninfo: {title: routes, version: \"1\"}\npaths:\n")
	for i := range n {
		fmt.Fprintf(&b, "  /r%d:\n    get:\n      responses: {\"200\": {description: x}}\n"+
			"      x-amazon-apigateway-integration: {type: mock, requestTemplates: {application/json: '{\"statusCode\": 200}'}, responses: {default: {statusCode: \"200\"}}}\n", i)
	}
	def := filepath.Join(t.TempDir(), "routes.yaml")
	if err := os.WriteFile(def, []byte(b.String()), 0o600); err != nil {
		t.Fatal(err)
	}
	return def
}

// methodSeries returns the scrape's sample lines labelled with a method
// (method="" is the series of requests that matched none).
func methodSeries(scrape string) []string {
	var out []string
	for _, l := range strings.Split(scrape, "\n") {
		if strings.HasPrefix(l, "portico_") && strings.Contains(l, "method=\"") && !strings.Contains(l, "method=\"\"") {
			out = append(out, l)
		}
	}
	return out
}

// TestMetricSeriesOnFirstRequest: a deployed API with many methods and no
// traffic exposes no per-method series; one request creates exactly that
// method's series (its request counters and latency histogram: a MOCK
// method has no integration latency and no cache).
func TestMetricSeriesOnFirstRequest(t *testing.T) {
	g := Start(t, Options{Definition: routesDefinition(t, 200), Extra: "store: {type: memory}\n"})
	if got := methodSeries(scrape(t, g)); len(got) != 0 {
		t.Fatalf("%d per-method series before any request, e.g. %s", len(got), got[0])
	}
	hit(t, g, "GET", "/dev/r42", 1)
	got := methodSeries(scrape(t, g))
	const labels = `{api="testapi",method="GET",resource="/r42",stage="dev"}`
	want := map[string]bool{
		"portico_requests_total" + labels + " 1":        true,
		"portico_4xx_errors_total" + labels + " 0":      true,
		"portico_5xx_errors_total" + labels + " 0":      true,
		"portico_latency_seconds_count" + labels + " 1": true,
	}
	histogram := 0
	for _, l := range got {
		if !strings.Contains(l, `resource="/r42"`) {
			t.Errorf("a series of another method: %s", l)
			continue
		}
		if strings.HasPrefix(l, "portico_latency_seconds_") {
			histogram++
		}
		delete(want, l)
	}
	for l := range want {
		t.Errorf("scrape lacks %s", l)
	}
	// 14 buckets, +Inf, _sum and _count.
	if histogram != 17 {
		t.Errorf("latency histogram: %d lines, want 17", histogram)
	}
	if len(got) != 3+17 {
		t.Errorf("got %d series of GET /r42, want 20:\n%s", len(got), strings.Join(got, "\n"))
	}
}

// BenchmarkMetricsScrape1000Routes deploys an API of 1,000 MOCK methods and
// reports the /metrics scrape (bytes, per-method series) and the live heap
// before any request and after one request to every method. The loop times
// one scrape.
func BenchmarkMetricsScrape1000Routes(b *testing.B) {
	const n = 1000
	g := Start(b, Options{Definition: routesDefinition(b, n), Extra: "store: {type: memory}\n"})
	metrics := map[string]float64{}
	measure := func(when string) {
		body := scrape(b, g)
		runtime.GC()
		var ms runtime.MemStats
		runtime.ReadMemStats(&ms)
		metrics["scrape-bytes-"+when] = float64(len(body))
		metrics["series-"+when] = float64(len(methodSeries(body)))
		metrics["heap-MiB-"+when] = float64(ms.HeapAlloc) / (1 << 20)
	}
	measure("idle")
	for i := range n {
		hit(b, g, "GET", fmt.Sprintf("/dev/r%d", i), 1)
	}
	measure("used")
	for b.Loop() {
		scrape(b, g)
	}
	for unit, v := range metrics { // after the loop, whose start resets reported metrics
		b.ReportMetric(v, unit)
	}
}
