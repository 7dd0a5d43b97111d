package httpserver

import (
	"context"
	"crypto/sha256"
	"encoding/base64"
	"errors"
	"fmt"
	"net/http"
	"strconv"
	"strings"
	"time"

	"github.com/portico-gw/portico/internal/contextvars"
	"github.com/portico-gw/portico/internal/deploy"
	"github.com/portico-gw/portico/internal/fault"
	"github.com/portico-gw/portico/internal/pipeline"
)

// tooLargeBody is what AWS's front end answers for a body over 10 MB: plain
// text, no x-amzn-ErrorType, and not customizable (docs/aws-behaviour.md#default-error-bodies).
const tooLargeBody = "HTTP content length exceeded %d bytes."

// writeFault renders err through the API's gateway-response table and
// returns the status and body length written. A client that went away gets
// nothing.
func (e *Edge) writeFault(w http.ResponseWriter, r *http.Request, c *pipeline.Call, api *deploy.API, st *deploy.Stage, err error) (int, int64) {
	if errors.Is(err, context.Canceled) && r.Context().Err() != nil {
		return 499, 0
	}
	f := fault.From(err)
	h := w.Header()
	if st != nil && st.Telemetry.DebugErrors {
		h.Set("X-Portico-Error-Reason", sanitizeHeader(reason(f)))
	}
	h["x-amzn-RequestId"] = []string{c.RequestID}
	h["x-amz-apigw-id"] = []string{c.ExtendedRequestID}
	if f.Type == fault.RequestTooLarge {
		h.Set("Content-Type", "text; charset=utf-8")
		h.Set("Connection", "close")
		w.WriteHeader(http.StatusRequestEntityTooLarge)
		n, _ := fmt.Fprintf(w, tooLargeBody, e.opts.MaxBodyBytes)
		return http.StatusRequestEntityTooLarge, int64(n)
	}
	resp := &deploy.Response{Type: f.Type}
	if api != nil {
		resp = api.Responses.For(f.Type)
	}
	status := resp.Status
	if status == 0 {
		status = f.StatusCode()
	}
	look := errorLookup(c, f)
	for _, p := range resp.Headers {
		if v, ok := resolveSource(c, p.Source, look); ok {
			h.Set(p.Name, v)
		}
	}
	for k, v := range f.Headers {
		h.Set(k, v)
	}
	if et := f.ErrorTypeHeader(); et != "" {
		h["x-amzn-ErrorType"] = []string{et}
	}
	ct, body := faultBody(resp, f, r.Header.Get("Accept"), look)
	h.Set("Content-Type", ct)
	h.Set("Content-Length", strconv.Itoa(len(body)))
	_ = writeDeadlines(w).SetWriteDeadline(time.Now().Add(writeIdle))
	w.WriteHeader(status)
	if r.Method != http.MethodHead {
		_, _ = w.Write(body)
	}
	return status, int64(len(body))
}

// faultBody renders the body: the fault's built-in default or the chosen
// template.
func faultBody(resp *deploy.Response, f *fault.Error, accept string, look func(string) (string, bool)) (string, []byte) {
	if resp.Templates == nil {
		return "application/json", f.DefaultBody()
	}
	ct := chooseType(resp.TemplateTypes, accept)
	return ct, []byte(resp.Templates[ct].String(look))
}

// chooseType picks the template for the first Accept type, else
// application/json, else the first (UNCONFIRMED in detail; README).
func chooseType(types []string, accept string) string {
	first, _, _ := strings.Cut(accept, ",")
	if mt, _, _ := strings.Cut(first, ";"); mt != "" {
		mt = strings.ToLower(strings.TrimSpace(mt))
		for _, t := range types {
			if t == mt {
				return t
			}
		}
	}
	for _, t := range types {
		if t == "application/json" {
			return t
		}
	}
	return types[0]
}

// errorLookup resolves template references: $context (with the fault's
// $context.error.*) and $stageVariables.
func errorLookup(c *pipeline.Call, f *fault.Error) func(string) (string, bool) {
	o := &contextvars.Outcome{Fault: f}
	return func(ref string) (string, bool) {
		if name, ok := strings.CutPrefix(ref, "context."); ok {
			return contextvars.Value(c, o, name)
		}
		if name, ok := strings.CutPrefix(ref, "stageVariables."); ok {
			v, ok := c.StageVariables[name]
			return v, ok
		}
		return "", false
	}
}

// resolveSource evaluates a gatewayresponse.header source expression.
func resolveSource(c *pipeline.Call, src string, look func(string) (string, bool)) (string, bool) {
	if strings.HasPrefix(src, "context.error.") {
		return look(src)
	}
	return contextvars.Resolve(c, nil, src)
}

// incompleteSignatureMessage is AWS's IncompleteSignatureException text for
// a non-SigV4 Authorization header; the header value is hashed, as newer AWS
// captures show, so no credential is echoed.
func incompleteSignatureMessage(auth string) string {
	sum := sha256.Sum256([]byte(auth))
	hashed := base64.StdEncoding.EncodeToString(sum[:])
	fields := strings.Fields(auth)
	for _, f := range fields[min(1, len(fields)):] {
		if !strings.Contains(f, "=") {
			return "Invalid key=value pair (missing equal-sign) in Authorization header (hashed with SHA-256 and encoded with Base64): '" + hashed + "'."
		}
	}
	return "Authorization header requires 'Credential' parameter. Authorization header requires 'Signature' parameter. " +
		"Authorization header requires 'SignedHeaders' parameter. Authorization header requires existence of either a 'X-Amz-Date' or a 'Date' header. " +
		"Authorization (hashed with SHA-256 and encoded with Base64): '" + hashed + "'"
}

// sanitizeHeader makes text safe as a header value: one line, printable,
// at most 512 bytes.
func sanitizeHeader(s string) string {
	b := []byte(s)
	for i, ch := range b {
		if ch < 0x20 || ch == 0x7f {
			b[i] = ' '
		}
	}
	if len(b) > 512 {
		b = append(b[:509], "..."...)
	}
	return string(b)
}

// reason is the plain-words cause of a rejection, for logs.
func reason(f *fault.Error) string {
	if f.Cause != nil {
		if inner, ok := errors.AsType[*fault.Error](f.Cause); ok && inner != f {
			return reason(inner)
		}
		return f.Cause.Error()
	}
	return f.MessageText()
}

// writeHTTPAPIFault renders a rejection on an HTTP API: no gateway
// responses, one fixed answer per status with apigw-requestid
// (docs/aws-behaviour.md#http-api-answers). The fault's own headers
// (www-authenticate of a JWT authorizer, Retry-After) are kept.
func (e *Edge) writeHTTPAPIFault(w http.ResponseWriter, r *http.Request, c *pipeline.Call, st *deploy.Stage, err error) (int, int64) {
	if errors.Is(err, context.Canceled) && r.Context().Err() != nil {
		return 499, 0
	}
	f := fault.From(err)
	h := w.Header()
	if st != nil && st.Telemetry.DebugErrors {
		h.Set("X-Portico-Error-Reason", sanitizeHeader(reason(f)))
	}
	for k, v := range f.Headers {
		h[strings.ToLower(k)] = []string{v} // HTTP APIs send lower-case names (www-authenticate)
	}
	status, message := fault.HTTPAPIAnswer(f)
	body := fault.HTTPAPIBody(message)
	h["apigw-requestid"] = []string{c.RequestID}
	h.Set("Content-Type", "application/json")
	h.Set("Content-Length", strconv.Itoa(len(body)))
	if status == http.StatusRequestEntityTooLarge {
		h.Set("Connection", "close")
	}
	_ = writeDeadlines(w).SetWriteDeadline(time.Now().Add(writeIdle))
	w.WriteHeader(status)
	if r.Method != http.MethodHead {
		_, _ = w.Write(body)
	}
	return status, int64(len(body))
}
