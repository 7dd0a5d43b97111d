package telemetry

import (
	"errors"
	"net/http"

	"github.com/prometheus/client_golang/prometheus"
	"github.com/prometheus/client_golang/prometheus/promhttp"
)

// Metrics holds Portico's Prometheus metrics: API Gateway's CloudWatch set
// (Count, 4XXError, 5XXError, Latency, IntegrationLatency, CacheHitCount,
// CacheMissCount; see
// https://docs.aws.amazon.com/apigateway/latest/developerguide/api-gateway-metrics-and-dimensions.html)
// labelled by api, stage, method and resource, plus Portico's own:
// rejections by gateway response type, throttles and quota rejections by
// usage plan, local functions, store errors and config reloads.
//
// Labels must come from deployed definitions, never from raw request input,
// so the number of series stays bounded: resource is the resource template
// ("/pets/{petId}"), and a request that matched no method or stage passes
// empty strings for what it did not match.
type Metrics struct {
	requests           *prometheus.CounterVec
	errors4xx          *prometheus.CounterVec
	errors5xx          *prometheus.CounterVec
	latency            *prometheus.HistogramVec
	integrationLatency *prometheus.HistogramVec
	cacheHits          *prometheus.CounterVec
	cacheMisses        *prometheus.CounterVec

	rejections *prometheus.CounterVec // api, stage, response_type
	throttles  *prometheus.CounterVec // api, stage, usage_plan
	quotas     *prometheus.CounterVec // api, stage, usage_plan

	fnInvocations *prometheus.CounterVec // function
	fnColdStarts  *prometheus.CounterVec
	fnErrors      *prometheus.CounterVec
	fnConcurrency *prometheus.GaugeVec

	storeErrors *prometheus.CounterVec // store, op
	reloads     *prometheus.CounterVec // result
	lastReload  prometheus.Gauge
}

// Label names.
const (
	labelAPI          = "api"
	labelStage        = "stage"
	labelMethod       = "method"
	labelResource     = "resource"
	labelResponseType = "response_type"
	labelUsagePlan    = "usage_plan"
	labelFunction     = "function"
)

// latencyBuckets span a fast MOCK (1 ms) to the 29 s integration timeout.
func latencyBuckets() []float64 {
	return []float64{.001, .0025, .005, .01, .025, .05, .1, .25, .5, 1, 2.5, 5, 10, 30}
}

// NewMetrics creates the metrics and registers them with reg. It fails when
// reg already holds metrics of the same names.
func NewMetrics(reg *prometheus.Registry) (*Metrics, error) {
	if reg == nil {
		return nil, errors.New("metrics: nil registry")
	}
	method := []string{labelAPI, labelStage, labelMethod, labelResource}
	counter := func(name, help string, labels ...string) *prometheus.CounterVec {
		return prometheus.NewCounterVec(prometheus.CounterOpts{Namespace: "portico", Name: name, Help: help}, labels)
	}
	histogram := func(name, help string) *prometheus.HistogramVec {
		return prometheus.NewHistogramVec(prometheus.HistogramOpts{
			Namespace: "portico", Name: name, Help: help, Buckets: latencyBuckets(),
		}, method)
	}
	m := &Metrics{
		requests:  counter("requests_total", "Requests received (API Gateway Count).", method...),
		errors4xx: counter("4xx_errors_total", "Requests answered with a 4xx status (API Gateway 4XXError).", method...),
		errors5xx: counter("5xx_errors_total", "Requests answered with a 5xx status (API Gateway 5XXError).", method...),
		latency: histogram("latency_seconds",
			"Time from receiving a request to returning the response, integration included (API Gateway Latency)."),
		integrationLatency: histogram("integration_latency_seconds",
			"Time from relaying a request to the integration until its response arrived (API Gateway IntegrationLatency)."),
		cacheHits:   counter("cache_hits_total", "Requests served from the stage cache (API Gateway CacheHitCount).", method...),
		cacheMisses: counter("cache_misses_total", "Requests served from the integration while caching is on (API Gateway CacheMissCount).", method...),

		rejections: counter("rejections_total", "Requests rejected with a gateway response, by response type.",
			labelAPI, labelStage, labelResponseType),
		throttles: counter("throttled_total", "Requests rejected with THROTTLED, by usage plan (empty for account, stage and method limits).",
			labelAPI, labelStage, labelUsagePlan),
		quotas: counter("quota_exceeded_total", "Requests rejected with QUOTA_EXCEEDED, by usage plan.",
			labelAPI, labelStage, labelUsagePlan),

		fnInvocations: counter("function_invocations_total", "Invocations of local functions.", labelFunction),
		fnColdStarts:  counter("function_cold_starts_total", "Invocations that had to start a new function process.", labelFunction),
		fnErrors:      counter("function_errors_total", "Invocations that failed (function error, crash or timeout).", labelFunction),
		fnConcurrency: prometheus.NewGaugeVec(prometheus.GaugeOpts{
			Namespace: "portico", Name: "function_concurrency", Help: "Invocations of local functions in flight.",
		}, []string{labelFunction}),

		storeErrors: counter("store_errors_total", "Failed store operations, by store type and operation.", "store", "op"),
		reloads:     counter("config_reloads_total", "Configuration reloads, by result (success or failure).", "result"),
		lastReload: prometheus.NewGauge(prometheus.GaugeOpts{
			Namespace: "portico", Name: "config_last_reload_successful", Help: "1 when the last configuration reload succeeded, else 0.",
		}),
	}
	for _, c := range m.collectors() {
		if err := reg.Register(c); err != nil {
			return nil, err
		}
	}
	return m, nil
}

func (m *Metrics) collectors() []prometheus.Collector {
	return []prometheus.Collector{
		m.requests, m.errors4xx, m.errors5xx, m.latency, m.integrationLatency, m.cacheHits, m.cacheMisses,
		m.rejections, m.throttles, m.quotas,
		m.fnInvocations, m.fnColdStarts, m.fnErrors, m.fnConcurrency,
		m.storeErrors, m.reloads, m.lastReload,
	}
}

// MetricsHandler serves reg in the Prometheus exposition format, for the
// admin listener's /metrics.
func MetricsHandler(reg *prometheus.Registry) http.Handler {
	return promhttp.HandlerFor(reg, promhttp.HandlerOpts{ErrorHandling: promhttp.ContinueOnError})
}

// Forget deletes every series of an API's stage, for when the stage is
// deleted, so series of undeployed methods do not linger. An empty stage
// forgets the whole API.
func (m *Metrics) Forget(api, stage string) {
	labels := prometheus.Labels{labelAPI: api}
	if stage != "" {
		labels[labelStage] = stage
	}
	for _, v := range []interface{ DeletePartialMatch(prometheus.Labels) int }{
		m.requests, m.errors4xx, m.errors5xx, m.latency, m.integrationLatency, m.cacheHits, m.cacheMisses,
		m.rejections, m.throttles, m.quotas,
	} {
		v.DeletePartialMatch(labels)
	}
}

// StoreError counts a failed store operation (store is "memory", "embedded"
// or "redis"; op names the operation, e.g. "take", "quota").
func (m *Metrics) StoreError(store, op string) {
	m.storeErrors.WithLabelValues(store, op).Inc()
}

// Reloaded counts a configuration reload; err is its outcome.
func (m *Metrics) Reloaded(err error) {
	if err != nil {
		m.reloads.WithLabelValues("failure").Inc()
		m.lastReload.Set(0)
		return
	}
	m.reloads.WithLabelValues("success").Inc()
	m.lastReload.Set(1)
}

// FunctionMetrics is the handle for one local function, created once when
// the function is configured.
type FunctionMetrics struct {
	invocations prometheus.Counter
	coldStarts  prometheus.Counter
	errors      prometheus.Counter
	concurrency prometheus.Gauge
}

// Function returns the handle for the named function.
func (m *Metrics) Function(name string) *FunctionMetrics {
	return &FunctionMetrics{
		invocations: m.fnInvocations.WithLabelValues(name),
		coldStarts:  m.fnColdStarts.WithLabelValues(name),
		errors:      m.fnErrors.WithLabelValues(name),
		concurrency: m.fnConcurrency.WithLabelValues(name),
	}
}

// Start records an invocation beginning; cold reports that it had to start a
// new process. Every Start must be followed by one Finish.
func (f *FunctionMetrics) Start(cold bool) {
	f.invocations.Inc()
	if cold {
		f.coldStarts.Inc()
	}
	f.concurrency.Inc()
}

// Finish records an invocation ending; failed reports a function error,
// crash or timeout.
func (f *FunctionMetrics) Finish(failed bool) {
	f.concurrency.Dec()
	if failed {
		f.errors.Inc()
	}
}

// MarkCold records that an invocation already Started turned out to need a
// new process (known only once the runtime answers).
func (f *FunctionMetrics) MarkCold() { f.coldStarts.Inc() }
