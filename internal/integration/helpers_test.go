package integration

import (
	"bytes"
	"context"
	"errors"
	"io"
	"net/http"
	"net/url"
	"testing"
	"time"

	"github.com/portico-gw/portico/internal/apidef"
	"github.com/portico-gw/portico/internal/fault"
	"github.com/portico-gw/portico/internal/pipeline"
)

// fakeBackend is a fake HTTP back end: a RoundTripper that records the request
// it was sent and answers with a canned response, or fails with err.
type fakeBackend struct {
	status int
	header http.Header
	body   string
	err    error

	calls int
	req   *http.Request
	sent  []byte // the request body as sent
}

func (b *fakeBackend) RoundTrip(r *http.Request) (*http.Response, error) {
	b.calls++
	b.req = r
	if r.Body != nil {
		b.sent, _ = io.ReadAll(r.Body)
	}
	if b.err != nil {
		return nil, b.err
	}
	status := b.status
	if status == 0 {
		status = 200
	}
	h := b.header
	if h == nil {
		h = http.Header{}
	}
	return &http.Response{StatusCode: status, Header: h, Body: io.NopCloser(bytes.NewReader([]byte(b.body))), Request: r}, nil
}

// staticTestCompiler compiles every template as literal text, so that these
// tests exercise selection and mapping, not the Velocity engine.
func staticTestCompiler(_, src string) (Template, error) { return Static(src), nil }

// newTestCall returns a GET call for /pets/{id} on stage dev with an empty body.
func newTestCall() *pipeline.Call {
	return &pipeline.Call{
		Start:          time.Date(2026, 1, 2, 3, 4, 5, 0, time.UTC),
		RequestID:      "req-1",
		APIID:          "api1",
		Stage:          "dev",
		StageVariables: map[string]string{},
		HTTPMethod:     "GET",
		ResourceID:     "res1",
		ResourcePath:   "/pets/{id}",
		Path:           "/pets/7",
		StagePath:      "/dev/pets/7",
		PathParams:     map[string]string{},
		Query:          url.Values{},
		Header:         http.Header{},
		Body:           pipeline.NewBodyBytes(nil),
	}
}

// newTestHTTP compiles a non-proxy HTTP integration against fake.
func newTestHTTP(t *testing.T, m *apidef.Method, in *apidef.Integration, fake http.RoundTripper) *HTTP {
	t.Helper()
	if m == nil {
		m = &apidef.Method{Path: "/pets/{id}", HTTPMethod: "GET"}
	}
	if in.URI == "" {
		in.URI = "http://backend.example/pets"
	}
	if in.Responses == nil {
		in.Responses = []apidef.IntegrationResponse{{StatusCode: "200"}}
	}
	h, err := NewHTTP(HTTPConfig{URI: in.URI, HTTPMethod: in.HTTPMethod, Timeout: 5 * time.Second, APIID: "api1",
		Method: m, Integration: in, Transport: fake, Compile: staticTestCompiler})
	if err != nil {
		t.Fatalf("NewHTTP: %v", err)
	}
	return h
}

// faultShape is what a client and the execution log see of an integration
// error: the gateway response type, the status and message the edge renders
// when the API has not customized the type, and the full error text (which
// carries AWS's execution-log line). It is the one place these tests read a
// fault.Error's fields.
type faultShape struct {
	Type    fault.ResponseType
	Status  int
	Message string
	Text    string
}

func testShapeOf(t *testing.T, err error) faultShape {
	t.Helper()
	f, ok := errors.AsType[*fault.Error](err)
	if !ok {
		t.Fatalf("error %v (%T) is not a fault", err, err)
	}
	s := faultShape{Type: f.Type, Status: f.Status, Message: f.MessageText(), Text: err.Error()}
	if s.Status == 0 {
		s.Status = f.Type.DefaultStatus()
	}
	return s
}

// callTestHTTP runs the integration with a background context.
func callTestHTTP(t *testing.T, h *HTTP, c *pipeline.Call) (*pipeline.Result, error) {
	t.Helper()
	return h.Invoke(context.Background(), c)
}
