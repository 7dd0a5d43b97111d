package integration

import (
	"context"
	"errors"
	"io"
	"net"
	"net/http"
	"os"
	"strings"
	"syscall"
	"testing"
	"time"

	"github.com/portico-gw/portico/internal/apidef"
	"github.com/portico-gw/portico/internal/fault"
	"github.com/portico-gw/portico/internal/pipeline"
)

// TestClassifyBackendFailures: what a client sees when the HTTP back end
// cannot be reached or does not answer in time, and the execution-log text
// that says why (docs/aws-behaviour.md#back-end-failures).
func TestClassifyBackendFailures(t *testing.T) {
	refused := &net.OpError{Op: "dial", Net: "tcp", Err: os.NewSyscallError("connect", syscall.ECONNREFUSED)}
	timeout := &net.OpError{Op: "read", Net: "tcp", Err: os.ErrDeadlineExceeded}
	tests := []struct {
		name string
		err  error
		want faultShape // Text is a substring of the error text
	}{
		{"connection refused", refused, faultShape{fault.IntegrationFailure, 502, "Internal server error",
			"Execution failed due to a network error communicating with endpoint backend.example"}},
		{"connection reset", &net.OpError{Op: "read", Net: "tcp", Err: os.NewSyscallError("read", syscall.ECONNRESET)},
			faultShape{fault.IntegrationFailure, 502, "Internal server error", "connection reset"}},
		{"DNS failure", &net.DNSError{Err: "no such host", Name: "backend.example", IsNotFound: true},
			faultShape{fault.IntegrationFailure, 502, "Internal server error", "no such host"}},
		{"an unparsable answer", io.ErrUnexpectedEOF,
			faultShape{fault.IntegrationFailure, 502, "Internal server error", "unexpected EOF"}},
		{"a network timeout", timeout, faultShape{fault.IntegrationTimeout, 504, "Endpoint request timed out",
			"Execution failed due to a timeout error: backend.example"}},
		{"a deadline error from the transport", context.DeadlineExceeded, faultShape{fault.IntegrationTimeout, 504, "Endpoint request timed out",
			"Execution failed due to a timeout error: backend.example"}},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			h := newTestHTTP(t, nil, &apidef.Integration{HTTPMethod: "GET"}, &fakeBackend{err: tt.err})
			_, err := callTestHTTP(t, h, newTestCall())
			if err == nil {
				t.Fatal("no error")
			}
			got := testShapeOf(t, err)
			if got.Type != tt.want.Type || got.Status != tt.want.Status || got.Message != tt.want.Message {
				t.Errorf("got %s %d %q, want %s %d %q", got.Type, got.Status, got.Message, tt.want.Type, tt.want.Status, tt.want.Message)
			}
			if !strings.Contains(got.Text, tt.want.Text) {
				t.Errorf("error %q does not contain %q", got.Text, tt.want.Text)
			}
		})
	}
}

// blockingBackend answers only when the request's context ends.
type blockingBackend struct{}

func (blockingBackend) RoundTrip(r *http.Request) (*http.Response, error) {
	<-r.Context().Done()
	return nil, r.Context().Err()
}

// TestClassifyIntegrationTimeout: the integration's own timeout passing is
// 504 Endpoint request timed out; the client going away is not a fault.
func TestClassifyIntegrationTimeout(t *testing.T) {
	in := &apidef.Integration{HTTPMethod: "GET", URI: "http://backend.example/pets", Responses: []apidef.IntegrationResponse{{StatusCode: "200"}}}
	h, err := NewHTTP(HTTPConfig{URI: in.URI, HTTPMethod: "GET", Timeout: time.Millisecond, APIID: "api1",
		Method: &apidef.Method{}, Integration: in, Transport: blockingBackend{}, Compile: staticTestCompiler})
	if err != nil {
		t.Fatal(err)
	}
	_, err = h.Invoke(context.Background(), newTestCall())
	got := testShapeOf(t, err)
	if got.Type != fault.IntegrationTimeout || got.Status != 504 || got.Message != "Endpoint request timed out" {
		t.Errorf("got %+v, want INTEGRATION_TIMEOUT 504", got)
	}

	h, err = NewHTTP(HTTPConfig{URI: in.URI, HTTPMethod: "GET", Timeout: time.Hour, APIID: "api1",
		Method: &apidef.Method{}, Integration: in, Transport: blockingBackend{}, Compile: staticTestCompiler})
	if err != nil {
		t.Fatal(err)
	}
	ctx, cancel := context.WithCancel(context.Background())
	cancel()
	_, err = h.Invoke(ctx, newTestCall())
	if !errors.Is(err, context.Canceled) {
		t.Errorf("client gone: got %v, want context.Canceled", err)
	}
	if _, ok := errors.AsType[*fault.Error](err); ok {
		t.Errorf("client gone: got fault %v, want the cancellation as is", err)
	}
}

// TestClassifyRequestBody: a request body over the payload limit is
// REQUEST_TOO_LARGE; a body the client failed to deliver is the client's
// error, returned as is (the edge answers it), and nothing is sent.
func TestClassifyRequestBody(t *testing.T) {
	tests := []struct {
		name  string
		body  *pipeline.Body
		check func(t *testing.T, err error)
	}{
		{"too large", pipeline.NewBody(strings.NewReader("0123456789"), 4), func(t *testing.T, err error) {
			got := testShapeOf(t, err)
			if got.Type != fault.RequestTooLarge || got.Status != 413 {
				t.Errorf("got %+v, want REQUEST_TOO_LARGE 413", got)
			}
		}},
		{"cut short", pipeline.NewBody(io.MultiReader(strings.NewReader("01"), errReader{io.ErrUnexpectedEOF}), 100), func(t *testing.T, err error) {
			if _, ok := errors.AsType[*pipeline.ErrClientBody](err); !ok {
				t.Errorf("got %v (%T), want *pipeline.ErrClientBody", err, err)
			}
			if _, ok := errors.AsType[*fault.Error](err); ok {
				t.Errorf("got fault %v, want the client's error as is", err)
			}
		}},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			fake := &fakeBackend{}
			h := newTestHTTP(t, nil, &apidef.Integration{HTTPMethod: "POST"}, fake)
			c := newTestCall()
			c.HTTPMethod = "POST"
			c.Body = tt.body
			_, err := callTestHTTP(t, h, c)
			if err == nil {
				t.Fatal("no error")
			}
			tt.check(t, err)
			if fake.calls != 0 {
				t.Errorf("back end called %d times, want 0", fake.calls)
			}
		})
	}
}

type errReader struct{ err error }

func (e errReader) Read([]byte) (int, error) { return 0, e.err }

// TestConfigError: API_CONFIGURATION_ERROR, 500 "Internal server error",
// with AWS's execution-log prefix.
func TestConfigError(t *testing.T) {
	got := testShapeOf(t, ConfigError("Invalid endpoint address %q", "x"))
	if got.Type != fault.APIConfigurationError || got.Status != 500 || got.Message != "Internal server error" ||
		!strings.Contains(got.Text, `Execution failed due to configuration error: Invalid endpoint address "x"`) {
		t.Errorf("got %+v", got)
	}
	// Through the integration: an endpoint URI with no host.
	h := newTestHTTP(t, nil, &apidef.Integration{HTTPMethod: "GET", URI: "/relative/path"}, &fakeBackend{})
	_, err := callTestHTTP(t, h, newTestCall())
	if got := testShapeOf(t, err); got.Type != fault.APIConfigurationError || !strings.Contains(got.Text, "Invalid endpoint address") {
		t.Errorf("relative URI: got %+v", got)
	}
}
