package dashboard

import (
	"bytes"
	"encoding/base64"
	"encoding/json"
	"errors"
	"fmt"
	"io"
	"net"
	"net/http"
	"net/url"
	"sort"
	"strings"
	"time"
	"unicode/utf8"
)

// Limits of "try it".
const (
	maxTryRequest  = 1 << 20 // the JSON request, body included
	maxTryResponse = 1 << 20 // the answer's body shown
)

// TryRequest is the body of POST /portico/try.
type TryRequest struct {
	Method string `json:"method"`
	// Path is the data-plane path with its query string, e.g.
	// "/prod/pets?limit=2".
	Path string `json:"path"`
	// Headers are sent in order; Host may be among them.
	Headers [][2]string `json:"headers"`
	Body    string      `json:"body"`
}

// TryResponse is the answer: the gateway's full response.
type TryResponse struct {
	Status    int         `json:"status"`
	Headers   [][2]string `json:"headers"`
	Body      string      `json:"body"`
	Base64    bool        `json:"base64,omitempty"` // Body is base64 (not UTF-8)
	Truncated bool        `json:"truncated,omitempty"`
	LatencyMs float64     `json:"latencyMs"`
	// Aborted is set when the gateway broke the response off midway.
	Aborted bool `json:"aborted,omitempty"`
}

// serveTry runs one request through the data-plane handler in process and
// returns the whole answer. Only loopback callers may use it, and only
// with a JSON body (which a cross-site form cannot send without a CORS
// preflight, which this listener never grants).
func (b *Board) serveTry(w http.ResponseWriter, r *http.Request) {
	if !loopback(r.RemoteAddr) {
		writeJSON(w, http.StatusForbidden, map[string]any{"message": "try it is only served to loopback clients"})
		return
	}
	if ct := r.Header.Get("Content-Type"); !strings.HasPrefix(ct, "application/json") {
		writeJSON(w, http.StatusUnsupportedMediaType, map[string]any{"message": "send the request as application/json"})
		return
	}
	if o := r.Header.Get("Origin"); o != "" {
		if u, err := url.Parse(o); err != nil || u.Host != r.Host {
			writeJSON(w, http.StatusForbidden, map[string]any{"message": "cross-origin requests are refused"})
			return
		}
	}
	var tr TryRequest
	dec := json.NewDecoder(http.MaxBytesReader(w, r.Body, maxTryRequest))
	dec.DisallowUnknownFields()
	if err := dec.Decode(&tr); err != nil {
		writeJSON(w, http.StatusBadRequest, map[string]any{"message": "bad request: " + err.Error()})
		return
	}
	req, err := tr.build(r)
	if err != nil {
		writeJSON(w, http.StatusBadRequest, map[string]any{"message": err.Error()})
		return
	}
	rec := &recorder{header: http.Header{}}
	start := time.Now()
	aborted := serveRecovering(b.src.DataPlane(), rec, req)
	out := TryResponse{Status: rec.status, LatencyMs: float64(time.Since(start).Microseconds()) / 1000, Aborted: aborted, Headers: [][2]string{}}
	if out.Status == 0 {
		out.Status = http.StatusOK
	}
	names := make([]string, 0, len(rec.header))
	for k := range rec.header {
		names = append(names, k)
	}
	sort.Strings(names)
	for _, k := range names {
		for _, v := range rec.header[k] {
			out.Headers = append(out.Headers, [2]string{k, v})
		}
	}
	body := rec.body.Bytes()
	if len(body) > maxTryResponse {
		body, out.Truncated = body[:maxTryResponse], true
	}
	if utf8.Valid(body) {
		out.Body = string(body)
	} else {
		out.Body, out.Base64 = base64Encode(body), true
	}
	writeJSON(w, http.StatusOK, out)
}

func (tr TryRequest) build(admin *http.Request) (*http.Request, error) {
	m := strings.ToUpper(strings.TrimSpace(tr.Method))
	if m == "" {
		m = http.MethodGet
	}
	for _, c := range m {
		if c < 'A' || c > 'Z' {
			return nil, fmt.Errorf("method %q is not a method name", tr.Method)
		}
	}
	if !strings.HasPrefix(tr.Path, "/") {
		return nil, errors.New(`path must start with "/" (the data-plane path, e.g. /prod/pets)`)
	}
	u, err := url.ParseRequestURI(tr.Path)
	if err != nil {
		return nil, fmt.Errorf("path: %v", err)
	}
	req, err := http.NewRequestWithContext(admin.Context(), m, u.String(), strings.NewReader(tr.Body))
	if err != nil {
		return nil, err
	}
	req.RequestURI = u.RequestURI()
	req.RemoteAddr = "127.0.0.1:0"
	req.Host = "localhost"
	for _, h := range tr.Headers {
		name := strings.TrimSpace(h[0])
		if name == "" {
			continue
		}
		if !validHeaderName(name) {
			return nil, fmt.Errorf("header name %q is not valid", name)
		}
		if strings.EqualFold(name, "Host") {
			req.Host = h[1]
			continue
		}
		req.Header.Add(name, h[1])
	}
	if tr.Body == "" {
		req.Body = http.NoBody
	}
	return req, nil
}

func validHeaderName(s string) bool {
	for _, c := range s {
		if c <= ' ' || c >= 0x7f || strings.ContainsRune(`()<>@,;:\"/[]?={}`, c) {
			return false
		}
	}
	return true
}

// serveRecovering serves req, reporting whether the handler aborted the
// response (http.ErrAbortHandler) after writing part of it.
func serveRecovering(h http.Handler, w http.ResponseWriter, req *http.Request) (aborted bool) {
	defer func() {
		if v := recover(); v != nil {
			if v != http.ErrAbortHandler {
				panic(v)
			}
			aborted = true
		}
	}()
	h.ServeHTTP(w, req)
	return false
}

func loopback(remote string) bool {
	host, _, err := net.SplitHostPort(remote)
	if err != nil {
		return false
	}
	ip := net.ParseIP(host)
	return ip != nil && ip.IsLoopback()
}

// recorder is an in-memory http.ResponseWriter.
type recorder struct {
	header http.Header
	status int
	body   bytes.Buffer
}

func (r *recorder) Header() http.Header { return r.header }
func (r *recorder) WriteHeader(code int) {
	if r.status == 0 {
		r.status = code
	}
}
func (r *recorder) Write(p []byte) (int, error) {
	if r.status == 0 {
		r.status = http.StatusOK
	}
	if r.body.Len() <= maxTryResponse {
		r.body.Write(p)
	}
	return len(p), nil
}
func (r *recorder) Flush() {}

var _ io.Writer = (*recorder)(nil)

func base64Encode(b []byte) string { return base64.StdEncoding.EncodeToString(b) }
