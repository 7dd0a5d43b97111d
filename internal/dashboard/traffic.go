package dashboard

import (
	"math"
	"sort"
	"sync"
	"sync/atomic"
	"time"

	"github.com/portico-gw/portico/internal/fault"
)

// window is how many one-minute buckets each series keeps.
const window = 60

// maxSeries bounds the number of series (routes); requests of further
// routes are counted in one overflow series.
const maxSeries = 512

// Latency histogram: bucket i holds latencies up to latencyBound(i);
// bounds grow by √2 from 100 µs, the last bucket is everything above ~74 s.
const latencyBuckets = 40

func latencyBound(i int) time.Duration {
	return time.Duration(100e3 * math.Pow(math.Sqrt2, float64(i)))
}

var latencyBounds = func() [latencyBuckets]time.Duration {
	var b [latencyBuckets]time.Duration
	for i := range b {
		b[i] = latencyBound(i)
	}
	return b
}()

func latencyIndex(d time.Duration) int {
	i := sort.Search(latencyBuckets-1, func(i int) bool { return d <= latencyBounds[i] })
	return i
}

// responseTypes are the gateway response types counted per minute; an
// unknown one counts under the last slot ("OTHER").
var responseTypes = []fault.ResponseType{
	fault.Default4XX, fault.Default5XX, fault.ResourceNotFound, fault.Unauthorized, fault.InvalidAPIKey,
	fault.AccessDenied, fault.AuthorizerFailure, fault.AuthorizerConfigurationError, fault.InvalidSignature,
	fault.ExpiredToken, fault.MissingAuthenticationToken, fault.IntegrationFailure, fault.IntegrationTimeout,
	fault.APIConfigurationError, fault.UnsupportedMediaType, fault.BadRequestParameters, fault.BadRequestBody,
	fault.RequestTooLarge, fault.Throttled, fault.QuotaExceeded, fault.WAFFiltered,
}

const typeSlots = 22 // len(responseTypes) + OTHER

func typeIndex(t string) int {
	for i, rt := range responseTypes {
		if string(rt) == t {
			return i
		}
	}
	return typeSlots - 1
}

func typeName(i int) string {
	if i < len(responseTypes) {
		return string(responseTypes[i])
	}
	return "OTHER"
}

// routeKey names a series: a deployed method of an API stage, or (empty
// method and resource) the requests of a stage that matched no method.
type routeKey struct {
	api, stage, method, resource string
}

// minuteBucket is one minute of one series. Every counter is atomic so
// requests to the same route never wait on each other.
type minuteBucket struct {
	minute   atomic.Int64 // Unix minute the counters belong to
	requests atomic.Uint64
	c4xx     atomic.Uint64
	c5xx     atomic.Uint64
	latency  [latencyBuckets]atomic.Uint64
	types    [typeSlots]atomic.Uint64
}

// series is one route's ring of minute buckets.
type series struct {
	key     routeKey
	mu      sync.Mutex // taken only to start a new minute in a bucket
	buckets [window]minuteBucket
}

// bucketFor returns the bucket of Unix minute m, resetting it first when
// it still holds an older minute. Nil means m is too old to count.
func (s *series) bucketFor(m int64) *minuteBucket {
	b := &s.buckets[m%window]
	if b.minute.Load() == m {
		return b
	}
	s.mu.Lock()
	defer s.mu.Unlock()
	switch cur := b.minute.Load(); {
	case cur == m:
	case cur > m:
		return nil
	default:
		b.requests.Store(0)
		b.c4xx.Store(0)
		b.c5xx.Store(0)
		for i := range b.latency {
			b.latency[i].Store(0)
		}
		for i := range b.types {
			b.types[i].Store(0)
		}
		b.minute.Store(m)
	}
	return b
}

// traffic is the set of series. Lookups read an immutable map through an
// atomic pointer (no lock); a new route copies the map under mu.
type traffic struct {
	routes   atomic.Pointer[map[routeKey]*series]
	mu       sync.Mutex
	overflow series
}

func newTraffic() *traffic {
	t := &traffic{}
	m := map[routeKey]*series{}
	t.routes.Store(&m)
	t.overflow.key = routeKey{api: "(other)"}
	return t
}

func (t *traffic) series(k routeKey) *series {
	if s, ok := (*t.routes.Load())[k]; ok {
		return s
	}
	t.mu.Lock()
	defer t.mu.Unlock()
	cur := *t.routes.Load()
	if s, ok := cur[k]; ok {
		return s
	}
	if len(cur) >= maxSeries {
		return &t.overflow
	}
	next := make(map[routeKey]*series, len(cur)+1)
	for kk, v := range cur {
		next[kk] = v
	}
	s := &series{key: k}
	next[k] = s
	t.routes.Store(&next)
	return s
}

// record counts one request in the minute it finished.
func (t *traffic) record(k routeKey, at time.Time, status int, latency time.Duration, responseType string) {
	b := t.series(k).bucketFor(at.Unix() / 60)
	if b == nil {
		return
	}
	b.requests.Add(1)
	switch {
	case status >= 500:
		b.c5xx.Add(1)
	case status >= 400:
		b.c4xx.Add(1)
	}
	b.latency[latencyIndex(latency)].Add(1)
	if responseType != "" {
		b.types[typeIndex(responseType)].Add(1)
	}
}

// TrafficFilter selects series: empty fields match everything. Route is
// "METHOD /resource" as shown in TrafficRoute.Route.
type TrafficFilter struct {
	API, Stage, Route string
}

// Traffic is the /portico/traffic answer.
type Traffic struct {
	// Minutes are the start times (Unix seconds) of the minutes, oldest
	// first; the last one is the current, partial minute.
	Minutes []int64 `json:"minutes"`
	// Requests, Errors4xx and Errors5xx count per minute; P50 and P99 are
	// latency percentiles in milliseconds per minute (null: no requests).
	Requests  []uint64   `json:"requests"`
	Errors4xx []uint64   `json:"4xx"`
	Errors5xx []uint64   `json:"5xx"`
	P50       []*float64 `json:"p50"`
	P99       []*float64 `json:"p99"`
	// Routes are the totals of each matching route over the window.
	Routes []TrafficRoute `json:"routes"`
	// ResponseTypes are the rejections by gateway response type over the
	// window, most frequent first.
	ResponseTypes []TypeCount `json:"responseTypes"`
}

// TrafficRoute is one route's totals over the window.
type TrafficRoute struct {
	API       string   `json:"api"`
	Stage     string   `json:"stage"`
	Route     string   `json:"route"`
	Requests  uint64   `json:"requests"`
	Errors4xx uint64   `json:"4xx"`
	Errors5xx uint64   `json:"5xx"`
	P50       *float64 `json:"p50"`
	P99       *float64 `json:"p99"`
}

// TypeCount is a count of one gateway response type.
type TypeCount struct {
	ResponseType string `json:"responseType"`
	Count        uint64 `json:"count"`
}

func (k routeKey) route() string {
	if k.method == "" {
		return "(no route)"
	}
	return k.method + " " + k.resource
}

func (f TrafficFilter) match(k routeKey) bool {
	return (f.API == "" || f.API == k.api) && (f.Stage == "" || f.Stage == k.stage) && (f.Route == "" || f.Route == k.route())
}

// snapshot sums the matching series over the window ending at now.
func (t *traffic) snapshot(f TrafficFilter, now time.Time) *Traffic {
	cur := now.Unix() / 60
	first := cur - window + 1
	out := &Traffic{Minutes: make([]int64, window), Requests: make([]uint64, window), Errors4xx: make([]uint64, window),
		Errors5xx: make([]uint64, window), P50: make([]*float64, window), P99: make([]*float64, window), Routes: []TrafficRoute{},
		ResponseTypes: []TypeCount{}}
	hist := make([][latencyBuckets]uint64, window)
	var types [typeSlots]uint64
	all := []*series{&t.overflow}
	for _, s := range *t.routes.Load() {
		all = append(all, s)
	}
	for i := range out.Minutes {
		out.Minutes[i] = (first + int64(i)) * 60
	}
	for _, s := range all {
		if !f.match(s.key) {
			continue
		}
		var r TrafficRoute
		var rh [latencyBuckets]uint64
		for m := first; m <= cur; m++ {
			b := &s.buckets[m%window]
			if b.minute.Load() != m {
				continue
			}
			i := m - first
			n := b.requests.Load()
			out.Requests[i] += n
			r.Requests += n
			c4, c5 := b.c4xx.Load(), b.c5xx.Load()
			out.Errors4xx[i] += c4
			out.Errors5xx[i] += c5
			r.Errors4xx += c4
			r.Errors5xx += c5
			for j := range b.latency {
				v := b.latency[j].Load()
				hist[i][j] += v
				rh[j] += v
			}
			for j := range b.types {
				types[j] += b.types[j].Load()
			}
		}
		if r.Requests == 0 {
			continue
		}
		r.API, r.Stage, r.Route = s.key.api, s.key.stage, s.key.route()
		r.P50, r.P99 = percentile(rh[:], 0.50), percentile(rh[:], 0.99)
		out.Routes = append(out.Routes, r)
	}
	for i := range hist {
		out.P50[i], out.P99[i] = percentile(hist[i][:], 0.50), percentile(hist[i][:], 0.99)
	}
	for i, n := range types {
		if n > 0 {
			out.ResponseTypes = append(out.ResponseTypes, TypeCount{typeName(i), n})
		}
	}
	sort.Slice(out.ResponseTypes, func(i, j int) bool {
		a, b := out.ResponseTypes[i], out.ResponseTypes[j]
		return a.Count > b.Count || a.Count == b.Count && a.ResponseType < b.ResponseType
	})
	sort.Slice(out.Routes, func(i, j int) bool {
		a, b := out.Routes[i], out.Routes[j]
		if a.API != b.API {
			return a.API < b.API
		}
		if a.Stage != b.Stage {
			return a.Stage < b.Stage
		}
		return a.Route < b.Route
	})
	return out
}

// percentile is the upper bound, in milliseconds, of the histogram bucket
// holding quantile q; nil for an empty histogram.
func percentile(h []uint64, q float64) *float64 {
	var total uint64
	for _, v := range h {
		total += v
	}
	if total == 0 {
		return nil
	}
	rank := uint64(math.Ceil(q * float64(total)))
	var seen uint64
	for i, v := range h {
		seen += v
		if seen >= rank {
			ms := float64(latencyBounds[i]) / float64(time.Millisecond)
			ms = math.Round(ms*1000) / 1000
			return &ms
		}
	}
	return nil
}
