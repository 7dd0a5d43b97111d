package function

import (
	"encoding/base64"
	"encoding/json"
	"io"
	"net/http"
	"runtime"
	"strconv"
)

// Runtime API 2018-06-01 header names
// (https://docs.aws.amazon.com/lambda/latest/dg/runtimes-api.html).
const (
	hdrRequestID     = "Lambda-Runtime-Aws-Request-Id"
	hdrDeadline      = "Lambda-Runtime-Deadline-Ms"
	hdrFunctionARN   = "Lambda-Runtime-Invoked-Function-Arn"
	hdrTraceID       = "Lambda-Runtime-Trace-Id"
	hdrClientContext = "Lambda-Runtime-Client-Context"
	hdrErrorType     = "Lambda-Runtime-Function-Error-Type"
	hdrErrorBody     = "Lambda-Runtime-Function-Error-Body"
)

// routes is the Runtime API one process talks to. Each process has its own
// listener, so the port identifies the process.
func (sb *sandbox) routes() http.Handler {
	mux := http.NewServeMux()
	mux.HandleFunc("GET /2018-06-01/runtime/invocation/next", sb.next)
	mux.HandleFunc("POST /2018-06-01/runtime/invocation/{id}/response", sb.response)
	mux.HandleFunc("POST /2018-06-01/runtime/invocation/{id}/error", sb.invocationError)
	mux.HandleFunc("POST /2018-06-01/runtime/init/error", sb.initError)
	return mux
}

// next blocks until the pool delivers an invocation, then sends it with
// Lambda's headers. Asking for the next event also ends the previous one;
// one the runtime never answered becomes a function error.
func (sb *sandbox) next(w http.ResponseWriter, r *http.Request) {
	sb.readyOnce.Do(func() { close(sb.ready) })
	sb.mu.Lock()
	prev := sb.current
	sb.current = nil
	sb.mu.Unlock()
	if prev != nil {
		prev.finish(result{functionError: true,
			payload: errorDocument("Runtime.NoResponse", "RequestId: "+prev.id+" Error: runtime asked for the next event without answering this one")})
	}
	var inv *invocation
	sb.waiting.Store(true)
	select {
	case inv = <-sb.invokes:
	case <-r.Context().Done():
	case <-sb.stop:
	}
	sb.waiting.Store(false)
	if inv == nil {
		return
	}
	if r.Context().Err() != nil {
		// The runtime hung up (it died) while we handed the event over.
		inv.finish(result{err: errNotDelivered})
		return
	}
	sb.mu.Lock()
	sb.current, sb.lastID = inv, inv.id
	sb.mu.Unlock()
	h := w.Header()
	h[hdrRequestID] = []string{inv.id}
	h[hdrDeadline] = []string{strconv.FormatInt(inv.deadline.UnixMilli(), 10)}
	h[hdrFunctionARN] = []string{inv.arn}
	h[hdrTraceID] = []string{inv.traceID}
	if inv.clientContext != "" {
		h[hdrClientContext] = []string{inv.clientContext}
	}
	h["Content-Type"] = []string{"application/json"}
	h["Content-Length"] = []string{strconv.Itoa(len(inv.payload))}
	_, _ = w.Write(inv.payload)
}

// take returns the invocation in progress if its id is id, and clears it.
func (sb *sandbox) take(id string) *invocation {
	sb.mu.Lock()
	defer sb.mu.Unlock()
	inv := sb.current
	if inv == nil || inv.id != id {
		return nil
	}
	sb.current = nil
	return inv
}

// response records the function's result.
func (sb *sandbox) response(w http.ResponseWriter, r *http.Request) {
	inv := sb.take(r.PathValue("id"))
	if inv == nil {
		writeRuntimeError(w, http.StatusBadRequest, "InvalidRequestID", "Invalid request ID")
		return
	}
	body, err := io.ReadAll(io.LimitReader(r.Body, maxPayload+1))
	switch {
	case err != nil:
		inv.finish(result{functionError: true,
			payload: errorDocument("Runtime.TruncatedResponse", "RequestId: "+inv.id+" Error: reading the response: "+err.Error())})
	case len(body) > maxPayload:
		inv.finish(result{functionError: true, payload: errorDocument("Function.ResponseSizeTooLarge",
			"Response payload size exceeded maximum allowed payload size ("+strconv.Itoa(maxPayload)+" bytes).")})
		writeRuntimeError(w, http.StatusRequestEntityTooLarge, "Function.ResponseSizeTooLarge", "response too large")
		return
	case r.Trailer.Get(hdrErrorType) != "":
		// A streamed response that failed midway reports the error in
		// trailers (aws-lambda-go does this when its io.Reader fails).
		doc, _ := base64.StdEncoding.DecodeString(r.Trailer.Get(hdrErrorBody))
		inv.finish(result{functionError: true, payload: errorPayload(doc, r.Trailer.Get(hdrErrorType))})
	default:
		inv.finish(result{payload: body})
	}
	// Let the caller, just made runnable, return the answer before this
	// goroutine spends its time slice writing the 202 and reading ahead on
	// the connection (about 40 µs per warm invocation on a small VM).
	runtime.Gosched()
	writeAccepted(w)
}

// invocationError records a function error, reported by the runtime as
// {"errorMessage","errorType","stackTrace"}.
func (sb *sandbox) invocationError(w http.ResponseWriter, r *http.Request) {
	inv := sb.take(r.PathValue("id"))
	if inv == nil {
		writeRuntimeError(w, http.StatusBadRequest, "InvalidRequestID", "Invalid request ID")
		return
	}
	body, _ := io.ReadAll(io.LimitReader(r.Body, maxPayload))
	inv.finish(result{functionError: true, payload: errorPayload(body, r.Header.Get(hdrErrorType))})
	runtime.Gosched() // as in response
	writeAccepted(w)
}

// initError records that the runtime failed to initialise. It is only
// valid before the first GET .../next.
func (sb *sandbox) initError(w http.ResponseWriter, r *http.Request) {
	select {
	case <-sb.ready:
		writeRuntimeError(w, http.StatusForbidden, "InvalidStateTransition", "init error after init")
		return
	default:
	}
	body, _ := io.ReadAll(io.LimitReader(r.Body, maxPayload))
	var doc struct {
		Message string `json:"errorMessage"`
		Type    string `json:"errorType"`
	}
	_ = json.Unmarshal(body, &doc)
	if doc.Type == "" {
		doc.Type = r.Header.Get(hdrErrorType)
	}
	msg := doc.Type
	if doc.Message != "" {
		msg += ": " + doc.Message
	}
	if msg == "" {
		msg = "init error reported without details"
	}
	var reported []byte
	if doc.Type != "" && len(body) > 0 && body[0] == '{' && json.Valid(body) {
		reported = body
	}
	sb.initOnce.Do(func() {
		sb.initMsg = msg
		sb.initDoc = reported
		close(sb.initErr)
	})
	writeAccepted(w)
}

// errorPayload returns body if it is a JSON document, else Lambda's error
// document built from the error type header and the raw text.
func errorPayload(body []byte, typ string) []byte {
	if len(body) > 0 && json.Valid(body) {
		return body
	}
	if typ == "" {
		typ = "Unhandled"
	}
	return errorDocument(typ, string(body))
}

// writeAccepted answers a runtime's report with 202, as Lambda does.
func writeAccepted(w http.ResponseWriter) {
	w.Header()["Content-Type"] = []string{"application/json"}
	w.WriteHeader(http.StatusAccepted)
	_, _ = io.WriteString(w, `{"status":"OK"}`)
}

// writeRuntimeError answers a runtime's bad request.
func writeRuntimeError(w http.ResponseWriter, status int, typ, msg string) {
	w.Header()["Content-Type"] = []string{"application/json"}
	w.WriteHeader(status)
	_, _ = w.Write(errorDocument(typ, msg))
}
