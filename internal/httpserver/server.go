package httpserver

import (
	"io"
	"log/slog"
	"net/http"
	"sync"
	"sync/atomic"
	"time"

	"go.opentelemetry.io/otel/trace"

	"github.com/portico-gw/portico/internal/awslimits"
	"github.com/portico-gw/portico/internal/deploy"
	"github.com/portico-gw/portico/internal/pipeline"
	"github.com/portico-gw/portico/internal/telemetry"
)

// Options configures the edge.
type Options struct {
	// Region and AccountID fill $context and ARNs.
	Region, AccountID string
	// MaxBodyBytes is the payload limit (AWS: 10485760).
	MaxBodyBytes int64
	// ReadTimeout is the server's whole-request read timeout, named in the
	// reason of a client timeout.
	ReadTimeout time.Duration
	// MaxHeaderBytes bounds the request line and header lines; see
	// HeaderBytes. 0 disables the check.
	MaxHeaderBytes int
	// Logger receives rejections and errors.
	Logger *slog.Logger
	// RejectLogBurst and RejectLogInterval rate-limit the "request
	// rejected" lines: per response type and status, the first
	// RejectLogBurst of every RejectLogInterval are logged, the rest are
	// summed up in one line (defaults 10 per 10 s).
	RejectLogBurst    int
	RejectLogInterval time.Duration
	// AccessLog receives one JSON line per request; nil disables it.
	AccessLog io.Writer
	// Metrics records every request; nil disables metrics.
	Metrics *telemetry.Metrics
	// Tracer starts request spans; nil disables tracing.
	Tracer trace.Tracer
	// ClientCert returns the request's mutual-TLS client certificate (nil
	// without one); nil when the listener does no TLS.
	ClientCert func(*http.Request) *pipeline.ClientCert
	// Tap sees every finished request (the admin dashboard); nil disables it.
	Tap telemetry.RequestTap
}

// Edge is the data-plane http.Handler.
type Edge struct {
	snap    atomic.Pointer[deploy.Snapshot]
	domains atomic.Pointer[Domains]
	opts    Options
	log     *slog.Logger
	alog    *telemetry.AccessLog
	awriter *telemetry.AccessLogWriter
	rejects *rejectLog
	bufs    sync.Pool
	region  string
}

// New returns an edge serving snap.
func New(snap *deploy.Snapshot, opts Options) *Edge {
	if opts.Logger == nil {
		opts.Logger = slog.New(slog.DiscardHandler)
	}
	if opts.MaxBodyBytes <= 0 {
		opts.MaxBodyBytes = awslimits.PayloadBytes
	}
	e := &Edge{opts: opts, log: opts.Logger, region: opts.Region,
		rejects: newRejectLog(opts.Logger, opts.RejectLogBurst, opts.RejectLogInterval)}
	e.alog, e.awriter = defaultAccessLog(opts.AccessLog)
	e.bufs.New = func() any { return &copyState{buf: make([]byte, 32<<10)} }
	e.snap.Store(snap)
	return e
}

// Close flushes the default access log. New starts its periodic flush.
func (e *Edge) Close() error {
	if e.awriter == nil {
		return nil
	}
	return e.awriter.Close()
}

// Swap atomically replaces the served snapshot; in-flight requests finish
// on the one they started with.
func (e *Edge) Swap(snap *deploy.Snapshot) { e.snap.Store(snap) }

// Snapshot returns the snapshot currently served.
func (e *Edge) Snapshot() *deploy.Snapshot { return e.snap.Load() }

var _ http.Handler = (*Edge)(nil)
