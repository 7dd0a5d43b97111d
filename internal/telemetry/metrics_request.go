package telemetry

import (
	"sync/atomic"
	"time"

	"github.com/prometheus/client_golang/prometheus"
)

// CacheStatus says how the stage cache took part in a request.
type CacheStatus uint8

const (
	// CacheOff: caching is not enabled for the method (no cache metric).
	CacheOff CacheStatus = iota
	// CacheHit: the response came from the cache.
	CacheHit
	// CacheMiss: caching is on but the response came from the integration.
	CacheMiss
)

// Response types that feed the usage-plan counters, as AWS spells them.
const (
	responseTypeThrottled     = "THROTTLED"
	responseTypeQuotaExceeded = "QUOTA_EXCEEDED"
)

// RequestObservation is what the edge knows about a finished request. It is
// a plain value; building one allocates nothing.
type RequestObservation struct {
	// API and Stage are the deployed API id and stage name.
	API, Stage string
	// Method and Resource are the matched method's HTTP verb and resource
	// template ("/pets/{petId}"), or empty when no method matched.
	Method, Resource string
	// Status is the status sent to the client.
	Status int
	// Latency is from receiving the request to returning the response.
	Latency time.Duration
	// IntegrationLatency is the time spent in the integration; zero means
	// the integration was not called and is not observed.
	IntegrationLatency time.Duration
	// ResponseType is the gateway response type of a rejection
	// ("THROTTLED"), or empty when the request was not rejected.
	ResponseType string
	// UsagePlan is the usage plan the request was admitted or rejected
	// under, if any; it labels THROTTLED and QUOTA_EXCEEDED rejections.
	UsagePlan string
	// Cache is the stage cache's part in the request.
	Cache CacheStatus
}

// MethodMetrics is the handle for one deployed method. Its series are
// created on the method's first request, not at deploy, so a deployment of
// many methods adds no series until they are used: the request counters and
// the latency histogram on the first request, the integration latency
// histogram on the first integration call, the cache hit and miss counters
// on the first request with caching on. Once created, each group is found
// through one atomic load: observing costs no lock or map lookup.
type MethodMetrics struct {
	m                            *Metrics
	api, stage, method, resource string
	core                         atomic.Pointer[coreSeries]
	integration                  atomic.Pointer[prometheus.Observer]
	cache                        atomic.Pointer[cacheSeries]
}

// coreSeries are the series every request of a method updates.
type coreSeries struct {
	requests, errors4xx, errors5xx prometheus.Counter
	latency                        prometheus.Observer
}

// cacheSeries are a method's stage-cache counters.
type cacheSeries struct {
	hits, misses prometheus.Counter
}

// Method returns the handle for one deployed method, identified by API id,
// stage name, HTTP verb and resource template. It creates no series: they
// appear on the method's first request.
func (m *Metrics) Method(api, stage, method, resource string) *MethodMetrics {
	return &MethodMetrics{m: m, api: api, stage: stage, method: method, resource: resource}
}

// coreSeries returns the request counters and latency histogram, creating
// them on first use. Two first requests racing resolve the same series
// (WithLabelValues returns the existing child), so either result is kept.
func (h *MethodMetrics) coreSeries() *coreSeries {
	if c := h.core.Load(); c != nil {
		return c
	}
	m := h.m
	c := &coreSeries{
		requests:  m.requests.WithLabelValues(h.api, h.stage, h.method, h.resource),
		errors4xx: m.errors4xx.WithLabelValues(h.api, h.stage, h.method, h.resource),
		errors5xx: m.errors5xx.WithLabelValues(h.api, h.stage, h.method, h.resource),
		latency:   m.latency.WithLabelValues(h.api, h.stage, h.method, h.resource),
	}
	h.core.Store(c)
	return c
}

// integrationSeries returns the integration latency histogram, creating it
// on first use.
func (h *MethodMetrics) integrationSeries() prometheus.Observer {
	if o := h.integration.Load(); o != nil {
		return *o
	}
	o := h.m.integrationLatency.WithLabelValues(h.api, h.stage, h.method, h.resource)
	h.integration.Store(&o)
	return o
}

// cacheSeries returns the cache hit and miss counters, both created on the
// first request with caching on (so a hit ratio has both terms).
func (h *MethodMetrics) cacheSeries() *cacheSeries {
	if c := h.cache.Load(); c != nil {
		return c
	}
	c := &cacheSeries{
		hits:   h.m.cacheHits.WithLabelValues(h.api, h.stage, h.method, h.resource),
		misses: h.m.cacheMisses.WithLabelValues(h.api, h.stage, h.method, h.resource),
	}
	h.cache.Store(c)
	return c
}

// Observe records one finished request whose labels come from o. It
// resolves the series on every call; the edge uses it for requests that
// matched no deployed method, and MethodMetrics.Observe otherwise.
func (m *Metrics) Observe(o RequestObservation) {
	lv := [...]string{o.API, o.Stage, o.Method, o.Resource}
	m.requests.WithLabelValues(lv[:]...).Inc()
	switch {
	case o.Status >= 500 && o.Status <= 599:
		m.errors5xx.WithLabelValues(lv[:]...).Inc()
	case o.Status >= 400 && o.Status <= 499:
		m.errors4xx.WithLabelValues(lv[:]...).Inc()
	}
	m.latency.WithLabelValues(lv[:]...).Observe(o.Latency.Seconds())
	if o.IntegrationLatency > 0 {
		m.integrationLatency.WithLabelValues(lv[:]...).Observe(o.IntegrationLatency.Seconds())
	}
	switch o.Cache {
	case CacheHit:
		m.cacheHits.WithLabelValues(lv[:]...).Inc()
	case CacheMiss:
		m.cacheMisses.WithLabelValues(lv[:]...).Inc()
	}
	m.observeRejection(o.API, o.Stage, o.ResponseType, o.UsagePlan)
}

// Observe records one finished request of this method. The label fields of
// o (API, Stage, Method, Resource) are ignored: the handle has its own.
func (h *MethodMetrics) Observe(o RequestObservation) {
	c := h.coreSeries()
	c.requests.Inc()
	switch {
	case o.Status >= 500 && o.Status <= 599:
		c.errors5xx.Inc()
	case o.Status >= 400 && o.Status <= 499:
		c.errors4xx.Inc()
	}
	c.latency.Observe(o.Latency.Seconds())
	if o.IntegrationLatency > 0 {
		h.integrationSeries().Observe(o.IntegrationLatency.Seconds())
	}
	switch o.Cache {
	case CacheHit:
		h.cacheSeries().hits.Inc()
	case CacheMiss:
		h.cacheSeries().misses.Inc()
	}
	h.m.observeRejection(h.api, h.stage, o.ResponseType, o.UsagePlan)
}

// observeRejection counts a gateway response, and throttles and quota
// rejections by usage plan. Rejections are the minority of requests, so
// their series are resolved when they happen.
func (m *Metrics) observeRejection(api, stage, responseType, plan string) {
	if responseType == "" {
		return
	}
	m.rejections.WithLabelValues(api, stage, responseType).Inc()
	switch responseType {
	case responseTypeThrottled:
		m.throttles.WithLabelValues(api, stage, plan).Inc()
	case responseTypeQuotaExceeded:
		m.quotas.WithLabelValues(api, stage, plan).Inc()
	}
}
