package httpserver

import (
	"time"

	"github.com/portico-gw/portico/internal/telemetry"
)

// tap hands the finished request to Options.Tap, if any.
func (e *Edge) tap(x *exchange, latency time.Duration) {
	if e.opts.Tap == nil {
		return
	}
	c := x.c
	rec := telemetry.RequestRecord{Start: c.Start, RequestID: c.RequestID, API: c.APIID, Stage: c.Stage,
		Method: c.HTTPMethod, Path: c.StagePath, Status: x.status, Latency: latency}
	if x.method != nil {
		rec.RouteMethod, rec.Resource = x.method.HTTPMethod, x.method.Resource
	}
	if x.fault != nil {
		rec.ResponseType, rec.Reason = string(x.fault.Type), reason(x.fault)
	}
	e.opts.Tap.Request(rec)
}
