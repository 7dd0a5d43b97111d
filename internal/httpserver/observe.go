package httpserver

import (
	"context"
	"errors"
	"net/http"
	"time"

	"go.opentelemetry.io/otel/attribute"
	"go.opentelemetry.io/otel/codes"
	"go.opentelemetry.io/otel/trace"

	"github.com/portico-gw/portico/internal/fault"
	"github.com/portico-gw/portico/internal/pipeline"
	"github.com/portico-gw/portico/internal/telemetry"
)

// startSpan opens the request's span when tracing is on (nil otherwise).
func (e *Edge) startSpan(r *http.Request, c *pipeline.Call) (context.Context, trace.Span) {
	if e.opts.Tracer == nil {
		return r.Context(), nil
	}
	ctx := r.Context()
	if h, err := telemetry.ParseTraceHeader(c.TraceID); err == nil {
		if sc, ok := h.SpanContext(); ok && sc.IsValid() {
			ctx = trace.ContextWithRemoteSpanContext(ctx, sc)
		}
	}
	ctx, span := e.opts.Tracer.Start(ctx, "portico.request", trace.WithSpanKind(trace.SpanKindServer),
		trace.WithAttributes(attribute.String("http.request.method", r.Method), attribute.String("aws.request_id", c.RequestID)))
	if !span.IsRecording() {
		span.End()
		return r.Context(), nil
	}
	return ctx, span
}

// finish records one request: metrics, execution log, access log, the
// rejection line and the span's outcome.
func (e *Edge) finish(ctx context.Context, x *exchange, span trace.Span) {
	c := x.c
	latency := time.Since(c.Start)
	if e.opts.Metrics != nil {
		obs := telemetry.RequestObservation{API: c.APIID, Stage: c.Stage, Status: x.status, Latency: latency,
			IntegrationLatency: c.IntegrationLatency, UsagePlan: c.Identity.UsagePlanID, Cache: telemetry.CacheStatus(c.Cache)}
		if x.method != nil {
			obs.Method, obs.Resource = x.method.HTTPMethod, x.method.Resource
		}
		if x.fault != nil {
			obs.ResponseType = string(x.fault.Type)
		}
		if x.method != nil && x.method.Metrics != nil {
			x.method.Metrics.Observe(obs)
		} else {
			e.opts.Metrics.Observe(obs)
		}
	}
	if x.stage != nil && x.stage.Telemetry.Exec != nil {
		execLog(ctx, x.stage.Telemetry.Exec, x)
	}
	if x.stage != nil && x.stage.Telemetry.AccessLog != nil && x.stage.Telemetry.AccessWriter != nil {
		x.stage.Telemetry.AccessWriter.Log(x.stage.Telemetry.AccessLog, x.accessVars(latency))
	} else if e.awriter != nil {
		e.awriter.Log(e.alog, x.accessVars(latency))
	}
	if x.fault != nil && e.rejects.allow(string(x.fault.Type), x.status, c.StagePath) {
		e.log.Info("request rejected", "requestId", c.RequestID, "responseType", string(x.fault.Type), "status", x.status,
			"method", c.HTTPMethod, "path", c.StagePath, "sourceIp", c.SourceIP, "reason", reason(x.fault))
	}
	e.tap(x, latency)
	if span != nil {
		span.SetAttributes(attribute.Int("http.response.status_code", x.status), attribute.String("aws.api_id", c.APIID),
			attribute.String("aws.stage", c.Stage), attribute.String("aws.resource_path", c.ResourcePath))
		if x.fault != nil {
			span.SetStatus(codes.Error, string(x.fault.Type))
		}
	}
}

// execLog writes the stage's execution-log lines for the request: the
// completion at INFO, and the reason for every failure class at ERROR.
func execLog(ctx context.Context, ex *telemetry.ExecLog, x *exchange) {
	c := x.c
	if f := x.fault; f != nil {
		switch ff, cf := failureClass(f); {
		case f.Type == fault.IntegrationTimeout:
			ex.Timeout(ctx, c.RequestID)
		case ff != nil:
			ex.FunctionError(ctx, c.RequestID, ff.Status, ff.Reason)
		case cf != nil:
			ex.ConfigurationError(ctx, c.RequestID, cf.Reason)
		case f.Type.Family() == fault.Default5XX || f.Type == fault.Default5XX:
			ex.ConfigurationError(ctx, c.RequestID, reason(f))
		}
	}
	if ex.Enabled(telemetry.LogInfo) {
		ex.Completed(ctx, c.RequestID, x.status)
	}
}

// failureClass finds the execution-log class of the cause of the innermost
// fault (the one reason reports): a function error or a configuration error
// (at most one is set).
func failureClass(f *fault.Error) (*fault.FunctionFailure, *fault.ConfigFailure) {
	for {
		inner, ok := errors.AsType[*fault.Error](f.Cause)
		if !ok || inner == f {
			break
		}
		f = inner
	}
	if ff, ok := errors.AsType[*fault.FunctionFailure](f.Cause); ok {
		return ff, nil
	}
	if cf, ok := errors.AsType[*fault.ConfigFailure](f.Cause); ok {
		return nil, cf
	}
	return nil, nil
}
