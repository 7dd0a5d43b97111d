package telemetry

import (
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

// MethodMetrics is the handle for one deployed method: its series are
// resolved once, when the stage is deployed, so observing a request costs
// only the metric updates themselves.
type MethodMetrics struct {
	m          *Metrics
	api, stage string

	requests           prometheus.Counter
	errors4xx          prometheus.Counter
	errors5xx          prometheus.Counter
	latency            prometheus.Observer
	integrationLatency prometheus.Observer
	cacheHits          prometheus.Counter
	cacheMisses        prometheus.Counter
}

// Method returns the handle for one deployed method, identified by API id,
// stage name, HTTP verb and resource template. Its series appear at zero
// from now on, so rates exist before the first error.
func (m *Metrics) Method(api, stage, method, resource string) *MethodMetrics {
	return &MethodMetrics{
		m: m, api: api, stage: stage,
		requests:           m.requests.WithLabelValues(api, stage, method, resource),
		errors4xx:          m.errors4xx.WithLabelValues(api, stage, method, resource),
		errors5xx:          m.errors5xx.WithLabelValues(api, stage, method, resource),
		latency:            m.latency.WithLabelValues(api, stage, method, resource),
		integrationLatency: m.integrationLatency.WithLabelValues(api, stage, method, resource),
		cacheHits:          m.cacheHits.WithLabelValues(api, stage, method, resource),
		cacheMisses:        m.cacheMisses.WithLabelValues(api, stage, method, resource),
	}
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
	h.requests.Inc()
	switch {
	case o.Status >= 500 && o.Status <= 599:
		h.errors5xx.Inc()
	case o.Status >= 400 && o.Status <= 499:
		h.errors4xx.Inc()
	}
	h.latency.Observe(o.Latency.Seconds())
	if o.IntegrationLatency > 0 {
		h.integrationLatency.Observe(o.IntegrationLatency.Seconds())
	}
	switch o.Cache {
	case CacheHit:
		h.cacheHits.Inc()
	case CacheMiss:
		h.cacheMisses.Inc()
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
