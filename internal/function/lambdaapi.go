package function

import (
	"context"
	"encoding/base64"
	"encoding/json"
	"errors"
	"io"
	"net/http"
	"strings"
)

// LambdaAPI serves Lambda's Invoke API (2015-03-31) over a Manager, so AWS
// SDKs and the AWS CLI can invoke local functions with a custom endpoint:
//
//	POST /2015-03-31/functions/{name}/invocations
//
// {name} is a function name, a partial ARN (ACCOUNT:function:NAME) or a full
// ARN; only the unqualified function or $LATEST exists. X-Amz-Invocation-Type
// is RequestResponse (the default: 200 with the payload), Event (202; the
// invocation runs in the background) or DryRun (204). Function errors,
// timeouts and crashes answer 200 with X-Amz-Function-Error: Unhandled and
// Lambda's error document, as Lambda does; rejected invocations answer
// Lambda's JSON errors (ResourceNotFoundException 404,
// TooManyRequestsException 429, ...). Request signatures are not checked.
// X-Amz-Log-Type: Tail is accepted but no log is returned.
//
// With Controls, it also serves the control-plane calls that make local
// functions (CreateFunction, UpdateFunctionCode, GetFunction, ListFunctions,
// DeleteFunction, AddPermission, GetPolicy); see control.go.
type LambdaAPI struct {
	m   *Manager
	ct  *Controls
	mux *http.ServeMux
}

// NewLambdaAPI returns the Invoke API for m. It starts nothing; Event
// invocations run on m and end with m.Close.
func NewLambdaAPI(m *Manager) *LambdaAPI { return NewLambdaAPIWithControls(m, nil) }

// NewLambdaAPIWithControls returns the Invoke API and, with ct, the
// control plane whose functions ct keeps.
func NewLambdaAPIWithControls(m *Manager, ct *Controls) *LambdaAPI {
	a := &LambdaAPI{m: m, ct: ct, mux: http.NewServeMux()}
	a.mux.HandleFunc("POST /2015-03-31/functions/{name}/invocations", a.invoke)
	if ct != nil {
		a.mux.HandleFunc("POST /2015-03-31/functions", a.createFunction)
		a.mux.HandleFunc("POST /2015-03-31/functions/{$}", a.createFunction)
		a.mux.HandleFunc("GET /2015-03-31/functions", a.listFunctions)
		a.mux.HandleFunc("GET /2015-03-31/functions/{$}", a.listFunctions)
		a.mux.HandleFunc("GET /2015-03-31/functions/{name}", a.getFunction)
		a.mux.HandleFunc("DELETE /2015-03-31/functions/{name}", a.deleteFunction)
		a.mux.HandleFunc("PUT /2015-03-31/functions/{name}/code", a.updateCode)
		a.mux.HandleFunc("POST /2015-03-31/functions/{name}/policy", a.addPermission)
		a.mux.HandleFunc("GET /2015-03-31/functions/{name}/policy", a.getPolicy)
	}
	a.mux.HandleFunc("/", func(w http.ResponseWriter, _ *http.Request) {
		writeLambdaError(w, http.StatusNotFound, "UnknownOperationException", lambdaError{Type: "User", Message: "Unknown operation"})
	})
	return a
}

// ServeHTTP implements http.Handler.
func (a *LambdaAPI) ServeHTTP(w http.ResponseWriter, r *http.Request) { a.mux.ServeHTTP(w, r) }

var _ http.Handler = (*LambdaAPI)(nil)

// lambdaError is the body of Lambda's error responses.
type lambdaError struct {
	Reason  string `json:"Reason,omitempty"`
	Type    string `json:"Type"`
	Message string `json:"message"`
}

// invoke serves one Invoke call.
func (a *LambdaAPI) invoke(w http.ResponseWriter, r *http.Request) {
	name, ok := a.functionName(r)
	if !ok {
		a.writeError(w, &NotFoundError{Function: name, ARN: a.arn(name, r.URL.Query().Get("Qualifier"))})
		return
	}
	body, err := io.ReadAll(io.LimitReader(r.Body, maxPayload+1))
	if err != nil {
		return // the client went away
	}
	if len(body) > maxPayload {
		a.writeError(w, &RequestTooLargeError{Size: len(body), Limit: maxPayload})
		return
	}
	if len(body) > 0 && !json.Valid(body) {
		writeLambdaError(w, http.StatusBadRequest, "InvalidRequestContentException",
			lambdaError{Type: "User", Message: "Could not parse request body into json: payload is not valid JSON"})
		return
	}
	if len(body) == 0 {
		body = []byte("{}")
	}
	opts := InvokeOptions{RequestID: newRequestID()}
	if cc := r.Header.Get("X-Amz-Client-Context"); cc != "" {
		dec, err := base64.StdEncoding.DecodeString(cc)
		if err != nil || !json.Valid(dec) {
			writeLambdaError(w, http.StatusBadRequest, "InvalidRequestContentException",
				lambdaError{Type: "User", Message: "Client context must be a valid Base64-encoded JSON object."})
			return
		}
		opts.ClientContext = string(dec)
	}
	h := w.Header()
	h.Set("X-Amzn-Requestid", opts.RequestID)
	switch typ := r.Header.Get("X-Amz-Invocation-Type"); typ {
	case "", "RequestResponse":
		a.invokeSync(r.Context(), w, name, body, opts)
	case "Event":
		if err := a.m.InvokeAsync(name, body, opts); err != nil {
			a.writeError(w, err)
			return
		}
		w.WriteHeader(http.StatusAccepted)
	case "DryRun":
		w.WriteHeader(http.StatusNoContent)
	default:
		writeLambdaError(w, http.StatusBadRequest, "InvalidParameterValueException", lambdaError{Type: "User",
			Message: "1 validation error detected: Value '" + typ + "' at 'invocationType' failed to satisfy constraint: " +
				"Member must satisfy enum value set: [Event, RequestResponse, DryRun]"})
	}
}

// invokeSync runs a RequestResponse invocation and writes its answer.
func (a *LambdaAPI) invokeSync(ctx context.Context, w http.ResponseWriter, name string, body []byte, opts InvokeOptions) {
	resp, err := a.m.Invoke(ctx, name, body, opts)
	var payload []byte
	var te *TimeoutError
	var ce *CrashError
	switch {
	case err == nil:
		payload = resp.Payload
		if resp.FunctionError != "" {
			w.Header().Set("X-Amz-Function-Error", resp.FunctionError)
		}
	case errors.As(err, &te):
		payload = te.Payload()
		w.Header().Set("X-Amz-Function-Error", "Unhandled")
	case errors.As(err, &ce):
		payload = ce.Payload()
		w.Header().Set("X-Amz-Function-Error", "Unhandled")
	case ctx.Err() != nil:
		return // the client went away
	default:
		a.writeError(w, err)
		return
	}
	h := w.Header()
	h.Set("X-Amz-Executed-Version", latest)
	h.Set("Content-Type", "application/json")
	w.WriteHeader(http.StatusOK)
	_, _ = w.Write(payload)
}

// functionName extracts the function name from the path's name, partial ARN
// or ARN and the qualifier; ok is false when no such function exists.
func (a *LambdaAPI) functionName(r *http.Request) (name string, ok bool) {
	name = r.PathValue("name")
	qualifier := r.URL.Query().Get("Qualifier")
	parts := strings.Split(name, ":")
	switch {
	case len(parts) >= 7 && parts[0] == "arn": // arn:aws:lambda:REGION:ACCOUNT:function:NAME[:QUALIFIER]
		name = parts[6]
		if len(parts) == 8 {
			qualifier = parts[7]
		}
	case len(parts) >= 3 && parts[1] == "function": // ACCOUNT:function:NAME[:QUALIFIER]
		name = parts[2]
		if len(parts) == 4 {
			qualifier = parts[3]
		}
	case len(parts) == 2: // NAME:QUALIFIER
		name, qualifier = parts[0], parts[1]
	}
	return name, a.m.Has(name) && (qualifier == "" || qualifier == latest)
}

// arn is the ARN Lambda names in "Function not found" messages.
func (a *LambdaAPI) arn(name, qualifier string) string {
	arn := Config{Name: name, Region: a.m.region, AccountID: a.m.account}.ARN()
	if qualifier != "" {
		arn += ":" + qualifier
	}
	return arn
}

// writeError renders a Manager error as Lambda's JSON error.
func (a *LambdaAPI) writeError(w http.ResponseWriter, err error) {
	var nf *NotFoundError
	var th *ThrottledError
	var tl *RequestTooLargeError
	switch {
	case errors.As(err, &nf):
		writeLambdaError(w, http.StatusNotFound, "ResourceNotFoundException", lambdaError{Type: "User", Message: nf.Error()})
	case errors.As(err, &th):
		writeLambdaError(w, http.StatusTooManyRequests, "TooManyRequestsException",
			lambdaError{Reason: "ReservedFunctionConcurrentInvocationLimitExceeded", Type: "User", Message: "Rate Exceeded."})
	case errors.As(err, &tl):
		writeLambdaError(w, http.StatusRequestEntityTooLarge, "RequestEntityTooLargeException", lambdaError{Type: "User", Message: tl.Error()})
	default:
		a.m.log.Error("lambda invoke API", "error", err)
		writeLambdaError(w, http.StatusInternalServerError, "ServiceException", lambdaError{Type: "Service", Message: "Internal error"})
	}
}

// writeLambdaError writes one of Lambda's JSON errors.
func writeLambdaError(w http.ResponseWriter, status int, code string, body lambdaError) {
	h := w.Header()
	h.Set("Content-Type", "application/json")
	h.Set("X-Amzn-Errortype", code)
	w.WriteHeader(status)
	_ = json.NewEncoder(w).Encode(body)
}
