package telemetry

import "time"

// RequestRecord is one finished request as the edge saw it, handed to an
// in-process RequestTap (the admin dashboard's traffic series and live
// tail). It is a plain value: building one allocates nothing.
type RequestRecord struct {
	// Start is when the edge received the request.
	Start time.Time
	// RequestID is $context.requestId.
	RequestID string
	// API and Stage are the deployed API id and stage name, empty when no
	// stage matched.
	API, Stage string
	// Method and Path are the request's method and path ("/prod/pets/1").
	Method, Path string
	// RouteMethod and Resource are the matched method's verb (ANY
	// included) and resource template ("/pets/{petId}"); empty when no
	// method matched.
	RouteMethod, Resource string
	// Status is the status sent to the client.
	Status int
	// Latency is from receiving the request to returning the response.
	Latency time.Duration
	// ResponseType is the gateway response type of a rejection, else empty.
	ResponseType string
	// Reason is, for a rejection, the plain-words reason the rejection log
	// line carries; empty otherwise.
	Reason string
}

// RequestTap receives every finished request. Request is called on the
// request's goroutine after the response is written, so it must be quick
// and must not block; it must not keep pointers into r beyond the call.
type RequestTap interface {
	Request(r RequestRecord)
}
