package dashboard

import (
	"context"
	"log/slog"
	"net/http"
	"sync/atomic"
	"time"

	"github.com/portico-gw/portico/internal/function"
	"github.com/portico-gw/portico/internal/telemetry"
)

// Source is what the dashboard reads from the running gateway.
type Source interface {
	// Keys lists the API keys with their plans and usage this period.
	Keys(ctx context.Context) ([]Key, error)
	// Functions lists the local functions' counters.
	Functions() []function.Stats
	// DataPlane is the data-plane handler "try it" sends requests to.
	DataPlane() http.Handler
}

// Key is one API key as /portico/keys shows it: the value is masked.
type Key struct {
	Name        string    `json:"name"`
	ID          string    `json:"id"`
	Value       string    `json:"value"` // pipeline.MaskKey of the value
	Enabled     bool      `json:"enabled"`
	Description string    `json:"description,omitempty"`
	Plans       []KeyPlan `json:"plans"`
}

// KeyPlan is a key's usage plan: its throttle and quota, and the quota
// used in the current period.
type KeyPlan struct {
	ID       string   `json:"id"`
	Name     string   `json:"name"`
	Stages   []string `json:"stages"`
	Throttle *Limit   `json:"throttle,omitempty"`
	Quota    *Quota   `json:"quota,omitempty"`
	// Error is set when the store could not be read.
	Error string `json:"error,omitempty"`
}

// Quota is a plan's quota and a key's use of it in the current period.
type Quota struct {
	Limit     int64  `json:"limit"`
	Period    string `json:"period"`
	Used      int64  `json:"used"`
	Remaining int64  `json:"remaining"`
	// ResetsAt is when the current period ends (RFC 3339, UTC).
	ResetsAt string `json:"resetsAt"`
}

// Board is the dashboard: the request tap, the execution-log tee and the
// HTTP handler. Create one per gateway with New.
type Board struct {
	traffic *traffic
	tail    tail
	exec    *execStore
	src     Source
	apis    atomic.Pointer[[]API]
	now     func() time.Time
}

// New returns a board reading from src.
func New(src Source) *Board {
	b := &Board{traffic: newTraffic(), exec: newExecStore(), src: src, now: time.Now}
	empty := []API{}
	b.apis.Store(&empty)
	return b
}

// Request implements telemetry.RequestTap: it counts the request in its
// route's current minute and appends it to the tail.
func (b *Board) Request(r telemetry.RequestRecord) {
	end := r.Start.Add(r.Latency)
	b.traffic.record(routeKey{r.API, r.Stage, r.RouteMethod, r.Resource}, end, r.Status, r.Latency, r.ResponseType)
	b.tail.add(r)
}

var _ telemetry.RequestTap = (*Board)(nil)

// Deployed replaces the APIs view (after each successful deploy).
func (b *Board) Deployed(apis []API) { b.apis.Store(&apis) }

// ExecLogHandler wraps a stage execution log's slog handler so that the
// board keeps each request's lines (for the tail's detail view).
func (b *Board) ExecLogHandler(next slog.Handler) slog.Handler {
	return &teeHandler{next: next, store: b.exec}
}
