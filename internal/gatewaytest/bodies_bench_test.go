package gatewaytest

import (
	"net/http"
	"runtime"
	"runtime/metrics"
	"strings"
	"sync"
	"testing"
	"time"
)

// BenchmarkBodies sends POST bodies of 1 KiB, 64 KiB and 1 MiB through a
// REST HTTP_PROXY method to a back end that reads and discards them; MB/s
// counts the request body. B/op and peak-heap-KiB show what a body costs in
// memory: the HTTP_PROXY integration receives the whole body before it
// calls the back end (proxyRequest in internal/integration, so that a body
// over the payload limit or a malformed one never reaches it), so both
// grow with the size. peak-heap-KiB is the largest growth of the heap's
// object bytes (garbage not yet collected included) over their level
// before the loop, sampled every millisecond: with one request at a time
// it is mostly the garbage collector's pacing (GOGC), which the buffered
// bodies' garbage drives up.
//
//	go test ./internal/gatewaytest -run '^$' -bench Bodies -benchtime 2000x
func BenchmarkBodies(b *testing.B) {
	def := benchDefinition(b, `openapi: "3.0.1"
info: {title: bench bodies, version: "1"}
paths:
  /upload:
    post:
      responses: {"200": {description: x}}
      x-amazon-apigateway-integration: {type: http_proxy, httpMethod: POST, uri: "http://${stageVariables.sink}/upload"}
`)
	g := Start(b, Options{Definition: def,
		Extra:  "store: {type: memory}\naccount: {throttle: {rateLimit: 1000000000, burstLimit: 1000000000}}\n",
		Stages: map[string]map[string]string{"dev": {"sink": benchSink(b)}}})
	client := &http.Client{}
	for _, size := range []struct {
		name string
		n    int
	}{{"1KiB", 1 << 10}, {"64KiB", 64 << 10}, {"1MiB", 1 << 20}} {
		b.Run(size.name, func(b *testing.B) {
			body := strings.Repeat("x", size.n)
			b.SetBytes(int64(size.n))
			peak := sampleHeapPeak()
			benchRequests(b, client, http.MethodPost, g.URL+"/dev/upload", body)
			b.ReportMetric(float64(peak())/1024, "peak-heap-KiB")
		})
	}
}

// sampleHeapPeak collects garbage, notes the heap's object bytes, and
// samples them every millisecond until the function it returns is called;
// that function returns the largest growth seen (0 if none).
func sampleHeapPeak() func() uint64 {
	runtime.GC()
	s := []metrics.Sample{{Name: "/memory/classes/heap/objects:bytes"}}
	read := func() uint64 { metrics.Read(s); return s[0].Value.Uint64() }
	base := read()
	var peak uint64
	stop := make(chan struct{})
	var wg sync.WaitGroup
	wg.Go(func() {
		tick := time.NewTicker(time.Millisecond)
		defer tick.Stop()
		for {
			if v := read(); v > base && v-base > peak {
				peak = v - base
			}
			select {
			case <-stop:
				return
			case <-tick.C:
			}
		}
	})
	return func() uint64 {
		close(stop)
		wg.Wait()
		return peak
	}
}
