package httpserver

import (
	"errors"
	"fmt"
	"net/http"
	"strings"
	"time"

	"github.com/portico-gw/portico/internal/deploy"
	"github.com/portico-gw/portico/internal/fault"
	"github.com/portico-gw/portico/internal/pipeline"
	"github.com/portico-gw/portico/internal/router"
	"github.com/portico-gw/portico/internal/telemetry"
)

// ServeHTTP is the edge: select, limit, route, run, write, log.
func (e *Edge) ServeHTTP(w http.ResponseWriter, r *http.Request) {
	if e.opts.MaxHeaderBytes > 0 && HeaderBytes(r) > e.opts.MaxHeaderBytes {
		tooLargeHeaders(w)
		return
	}
	snap := e.snap.Load()
	c := e.newCall(r)
	ctx, span := e.startSpan(r, c)
	if span != nil {
		defer span.End()
		r = r.WithContext(ctx)
	}
	api, stage, rest := e.selectStage(snap, r)
	x := &exchange{c: c}
	var res *pipeline.Result
	var err error
	switch {
	case api != nil && stage == nil && api.HTTP():
		x.http = true
		c.RequestID = c.ExtendedRequestID
		err = fault.Reject(fault.ResourceNotFound, errors.New("no stage of the HTTP API matches the request, and it has no $default stage"))
	case api == nil || stage == nil:
		api = nil // no deployment answers: the built-in response, never a customization
		err = fault.Forbidden(errors.New("no API and stage match the request (unknown stage, or several APIs and no apiId in the host or path)"))
	default:
		if api.HTTP() {
			// HTTP APIs have one request id, sent as apigw-requestid.
			x.http, x.api = true, api
			c.RequestID = c.ExtendedRequestID
		}
		x.stage = stage
		e.fillStage(c, snap, api, stage, rest)
		e.fillDomain(c, r, api)
		if err = e.checkSize(r); err == nil {
			res, err = e.route(r, c, stage, rest, x)
		}
		if err != nil {
			err = clientBodyFault(err, e.opts.ReadTimeout)
		}
	}
	broken := false
	if x.api != nil && x.api.CORS != nil && !x.preflight {
		if res != nil && err == nil {
			if res.Header == nil {
				res.Header = http.Header{}
			}
			x.api.CORS.Decorate(r.Header, res.Header)
		} else {
			x.api.CORS.Decorate(r.Header, w.Header())
		}
	}
	switch {
	case err != nil && x.http:
		x.status, x.length = e.writeHTTPAPIFault(w, r, c, stage, err)
		x.fault = fault.From(err)
	case err != nil:
		x.status, x.length = e.writeFault(w, r, c, api, stage, err)
		x.fault = fault.From(err)
	default:
		res = e.compressResult(w, r, api, res) // compression.go
		x.status, x.length, x.fault = e.writeResult(w, r, c, res, x.http)
		broken = x.fault != nil
	}
	e.finish(r.Context(), x, span)
	if broken {
		panic(http.ErrAbortHandler) // the headers are out: abort so the client sees the break
	}
}

// exchange is what the edge learned about one request, for logs and metrics.
type exchange struct {
	c      *pipeline.Call
	stage  *deploy.Stage
	method *deploy.Method
	status int
	length int64
	fault  *fault.Error
	// http marks a request to an HTTP API (API Gateway v2); api is then
	// the API.
	http bool
	api  *deploy.API
	// preflight marks a CORS preflight the gateway answered itself.
	preflight bool
}

// route matches the method and runs its pipeline.
func (e *Edge) route(r *http.Request, c *pipeline.Call, stage *deploy.Stage, rest string, x *exchange) (*pipeline.Result, error) {
	if x.http {
		if status, h, ok := x.api.CORS.Preflight(r); ok {
			// The gateway answers CORS preflights itself, before routes and
			// authorizers (docs/aws-behaviour.md#http-api-cors).
			x.preflight = true
			return &pipeline.Result{Status: status, Header: h}, nil
		}
		m, ok := stage.Lookup(r.Method, rest)
		if !ok {
			return nil, fault.Reject(fault.ResourceNotFound, fmt.Errorf("no route matches %s %s and the API has no $default route", r.Method, r.URL.EscapedPath()))
		}
		return e.run(r, c, stage, m, x)
	}
	if !awsMethod(r.Method) {
		return nil, missingToken(r)
	}
	m, ok := stage.Lookup(r.Method, rest)
	if !ok {
		return nil, missingToken(r)
	}
	return e.run(r, c, stage, m, x)
}

// run records the matched method on the call and runs its pipeline.
func (e *Edge) run(r *http.Request, c *pipeline.Call, stage *deploy.Stage, m router.Match[*deploy.Method], x *exchange) (*pipeline.Result, error) {
	x.method = m.Value
	c.ResourceID, c.ResourcePath, c.RouteKey = m.Value.ResourceID, m.Value.Resource, m.Value.RouteKey
	if len(m.Params) > 0 {
		c.PathParams = make(map[string]string, len(m.Params))
		for _, p := range m.Params {
			c.PathParams[p.Name] = p.Value
		}
	}
	if !x.http {
		if err := e.decodeRequest(r); err != nil {
			return nil, err // compression.go
		}
	}
	c.Body = pipeline.NewBody(r.Body, e.opts.MaxBodyBytes)
	c.Body.SetLengthHint(r.ContentLength)
	if ex := stage.Telemetry.Exec; ex != nil && ex.Enabled(telemetry.LogInfo) {
		ex.MethodRequest(r.Context(), c.RequestID, c.PathParams, c.Query, c.Header, nil)
	}
	return m.Value.Pipeline.Serve(r.Context(), c)
}

// checkSize rejects a declared body over the payload limit before reading it.
func (e *Edge) checkSize(r *http.Request) error {
	if r.ContentLength > e.opts.MaxBodyBytes {
		return fault.ContentLengthExceeded(fmt.Errorf("Content-Length %d exceeds %d bytes", r.ContentLength, e.opts.MaxBodyBytes))
	}
	return nil
}

// clientBodyFault turns a request body the client failed to deliver, at
// whatever step it was read, into a client error: 408 when the client was
// too slow (the server's read timeout passed), else 400 (a malformed chunked
// encoding, a body cut short). The connection is closed after the answer.
// Any other error is returned unchanged.
func clientBodyFault(err error, readTimeout time.Duration) error {
	cb, ok := errors.AsType[*pipeline.ErrClientBody](err)
	if !ok {
		return err
	}
	if cb.Timeout() {
		return fault.RequestTimeout(fmt.Errorf("client timeout: the request body was not received within server.readTimeout (%v): %w", readTimeout, cb))
	}
	return fault.MalformedBody(fmt.Errorf("malformed or incomplete request body: %w", cb))
}

// missingToken is the REST answer for an unmatched route: 403 Missing
// Authentication Token, or IncompleteSignatureException when the request
// carries a non-SigV4 Authorization header (docs/aws-behaviour.md#unmatched-requests).
func missingToken(r *http.Request) error {
	f := fault.Reject(fault.MissingAuthenticationToken, fmt.Errorf("no resource and method match %s %s", r.Method, r.URL.EscapedPath()))
	if auth := r.Header.Get("Authorization"); auth != "" && !strings.HasPrefix(auth, "AWS4-HMAC-SHA256 ") {
		f.WithErrorType("IncompleteSignatureException").WithMessage(incompleteSignatureMessage(auth))
	}
	return f
}

// selectStage finds the API and stage and returns the path after the stage
// (escaped), per docs/aws-behaviour.md#how-requests-reach-an-api.
func (e *Edge) selectStage(snap *deploy.Snapshot, r *http.Request) (*deploy.API, *deploy.Stage, string) {
	if api, st, rest, ok := e.domainStage(snap, r); ok {
		return api, st, rest // a custom domain (domains.go)
	}
	path := r.URL.EscapedPath()
	var api *deploy.API
	if rest, ok := strings.CutPrefix(path, "/restapis/"); ok {
		id, after, _ := strings.Cut(rest, "/")
		stage, tail, _ := strings.Cut(after, "/")
		if user, ok := strings.CutPrefix(tail, "_user_request_"); ok && (user == "" || user[0] == '/') {
			a, found := snap.API(id)
			if !found {
				return nil, nil, ""
			}
			if api, st, rest, off := executeAPIDisabled(a); off {
				return api, st, rest
			}
			st, _ := a.Stage(stage)
			return a, st, user
		}
	}
	byHost := false
	if host := hostOnly(r.Host); strings.Contains(host, ".execute-api.") {
		id, _, _ := strings.Cut(host, ".")
		api, _ = snap.API(id)
		byHost = true
	} else {
		api, _ = snap.Only()
	}
	// The template root mount (docs/templates.md#root-mount): a request
	// that names no API and no stage goes to the template API with the
	// route, as sam local start-api serves it.
	root := func() (*deploy.API, *deploy.Stage, string, bool) {
		if byHost {
			return nil, nil, "", false
		}
		a, st, ok := snap.Root(r.Method, path)
		return a, st, path, ok
	}
	if api == nil {
		if a, st, p, ok := root(); ok {
			return a, st, p
		}
		return nil, nil, ""
	}
	if api, st, rest, off := executeAPIDisabled(api); off {
		return api, st, rest
	}
	trimmed := strings.TrimLeft(path, "/")
	stage, tail, _ := strings.Cut(trimmed, "/")
	st, ok := api.Stage(stage)
	if !ok || stage == deploy.DefaultStage {
		// An HTTP API serves a path that names none of its stages on its
		// $default stage, without a prefix.
		if def, found := api.Stage(deploy.DefaultStage); found && api.HTTP() {
			return api, def, path
		}
		if a, st, p, ok := root(); ok {
			return a, st, p
		}
		return api, nil, ""
	}
	return api, st, "/" + tail
}

func hostOnly(h string) string {
	if i := strings.LastIndexByte(h, ':'); i >= 0 && !strings.Contains(h[i:], "]") {
		h = h[:i]
	}
	return strings.ToLower(h)
}

// newCall fills the request-level fields of a Call.
func (e *Edge) newCall(r *http.Request) *pipeline.Call {
	now := time.Now()
	c := &pipeline.Call{
		Start:             now,
		RequestID:         r.Header.Get("X-Amzn-Requestid"),
		ExtendedRequestID: newExtendedID(),
		Region:            e.opts.Region,
		AccountID:         e.opts.AccountID,
		HTTPMethod:        r.Method,
		Header:            r.Header,
		RawQuery:          r.URL.RawQuery,
		RequestURI:        r.RequestURI,
		Query:             parseQuery(r.URL.RawQuery),
		SourceIP:          sourceIP(r.RemoteAddr),
		Protocol:          "HTTP/1.1",
		Host:              r.Host,
		DomainName:        hostOnly(r.Host),
	}
	if e.opts.ClientCert != nil {
		c.ClientCert = e.opts.ClientCert(r)
	}
	if !validClientRequestID(c.RequestID) {
		c.RequestID = newRequestID()
	}
	c.DomainPrefix, _, _ = strings.Cut(c.DomainName, ".")
	if v := r.Header.Get("X-Amzn-Trace-Id"); v == "" {
		c.TraceID = telemetry.NewTrace(now, true)
	} else {
		c.TraceID = telemetry.ContinueTrace(v, now, true).String()
	}
	return c
}

// fillStage records the selected API and stage on the call.
func (e *Edge) fillStage(c *pipeline.Call, snap *deploy.Snapshot, api *deploy.API, st *deploy.Stage, rest string) {
	c.APIID, c.Stage, c.DeploymentID = api.ID, st.Name, st.DeploymentID
	c.StageVariables = st.Variables
	c.Path = rest
	if st.Name == deploy.DefaultStage {
		c.StagePath = rest
	} else {
		c.StagePath = "/" + st.Name + rest
	}
}

func sourceIP(remote string) string {
	if i := strings.LastIndexByte(remote, ':'); i >= 0 {
		return strings.Trim(remote[:i], "[]")
	}
	return remote
}

// awsMethod reports whether m is one of the methods API Gateway serves
// (case-sensitive): anything else matches no method, not even ANY, so a
// "delete" or "FOO" cannot reach an ANY method under another name than the
// one policies are written for.
func awsMethod(m string) bool {
	switch m {
	case http.MethodGet, http.MethodHead, http.MethodPost, http.MethodPut, http.MethodPatch, http.MethodDelete, http.MethodOptions:
		return true
	}
	return false
}
