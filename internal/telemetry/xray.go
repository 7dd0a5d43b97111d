package telemetry

import (
	"context"
	"encoding/hex"

	"go.opentelemetry.io/otel/propagation"
	"go.opentelemetry.io/otel/trace"
)

// XRayPropagator carries OpenTelemetry span contexts in X-Amzn-Trace-Id (and,
// with the same value format, in Lambda-Runtime-Trace-Id), so spans continue
// the trace a client started and functions see the gateway's trace. An X-Ray
// Root "1-5759e988-bd862e3fe1be46a994272793" is the OTel trace id
// 5759e988bd862e3fe1be46a994272793; Parent is the span id.
//
// The zero value uses X-Amzn-Trace-Id.
type XRayPropagator struct {
	// Header overrides the header name, e.g. "Lambda-Runtime-Trace-Id".
	Header string
}

var _ propagation.TextMapPropagator = XRayPropagator{}

func (p XRayPropagator) header() string {
	if p.Header != "" {
		return p.Header
	}
	return TraceHeaderName
}

// Inject writes the span context of ctx, if any, into the carrier.
func (p XRayPropagator) Inject(ctx context.Context, carrier propagation.TextMapCarrier) {
	sc := trace.SpanContextFromContext(ctx)
	if !sc.IsValid() {
		return
	}
	carrier.Set(p.header(), TraceHeaderFromSpanContext(sc).String())
}

// Extract returns ctx with the remote span context found in the carrier; a
// missing, malformed or parentless header leaves ctx as it is.
func (p XRayPropagator) Extract(ctx context.Context, carrier propagation.TextMapCarrier) context.Context {
	h, err := ParseTraceHeader(carrier.Get(p.header()))
	if err != nil {
		return ctx
	}
	sc, ok := h.SpanContext()
	if !ok {
		return ctx
	}
	return trace.ContextWithRemoteSpanContext(ctx, sc)
}

// Fields returns the header the propagator uses.
func (p XRayPropagator) Fields() []string { return []string{p.header()} }

// SpanContext converts the header to a remote OpenTelemetry span context.
// ok is false when the header has no Parent (there is no span to continue).
func (h TraceHeader) SpanContext() (trace.SpanContext, bool) {
	if validRoot(h.Root) != nil || validHex(h.Parent, 16, "Parent") != nil {
		return trace.SpanContext{}, false
	}
	var tid trace.TraceID
	var sid trace.SpanID
	_, _ = hex.Decode(tid[:4], []byte(h.Root[2:10]))
	_, _ = hex.Decode(tid[4:], []byte(h.Root[11:]))
	_, _ = hex.Decode(sid[:], []byte(h.Parent))
	var flags trace.TraceFlags
	if h.Sampled == SampledYes {
		flags = trace.FlagsSampled
	}
	sc := trace.NewSpanContext(trace.SpanContextConfig{TraceID: tid, SpanID: sid, TraceFlags: flags, Remote: true})
	return sc, sc.IsValid()
}

// TraceHeaderFromSpanContext formats an OpenTelemetry span context as an
// X-Amzn-Trace-Id value, with the span as Parent.
func TraceHeaderFromSpanContext(sc trace.SpanContext) TraceHeader {
	tid := sc.TraceID()
	sid := sc.SpanID()
	var root [35]byte
	copy(root[:], "1-")
	hex.Encode(root[2:10], tid[:4])
	root[10] = '-'
	hex.Encode(root[11:], tid[4:])
	h := TraceHeader{Root: string(root[:]), Parent: hex.EncodeToString(sid[:]), Sampled: SampledNo}
	if sc.IsSampled() {
		h.Sampled = SampledYes
	}
	return h
}
