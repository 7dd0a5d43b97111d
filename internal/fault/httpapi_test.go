package fault

import (
	"errors"
	"testing"
)

// TestHTTPAPIAnswer pins the fixed HTTP API answers
// (docs/aws-behaviour.md#http-api-answers) for the faults the shared
// pipeline raises.
func TestHTTPAPIAnswer(t *testing.T) {
	cause := errors.New("x")
	for _, tc := range []struct {
		f      *Error
		status int
		msg    string
	}{
		{Reject(ResourceNotFound, cause), 404, "Not Found"},
		{Reject(MissingAuthenticationToken, cause), 403, "Forbidden"},
		{Reject(InvalidSignature, cause), 403, "Forbidden"},
		{Reject(ExpiredToken, cause), 403, "Forbidden"},
		{Reject(Unauthorized, cause), 401, "Unauthorized"},
		{TokenRejected("Bearer", cause), 401, "Unauthorized"},
		{InsufficientScope(`Bearer scope="read"`, cause), 403, "Forbidden"},
		{Denied("no", cause), 403, "Forbidden"},
		{Reject(Throttled, cause), 429, "Too Many Requests"},
		{Reject(QuotaExceeded, cause), 429, "Too Many Requests"},
		{TimedOut(cause), 503, "Service Unavailable"},
		{Reject(RequestTooLarge, cause), 413, "Request Entity Too Large"},
		{BadGateway(cause), 500, "Internal Server Error"},
		{IntegrationFailed(cause), 500, "Internal Server Error"},
		{InvokeRejected(cause), 500, "Internal Server Error"},
		{Internal(cause), 500, "Internal Server Error"},
		{Reject(AuthorizerFailure, cause), 500, "Internal Server Error"},
		{AuthorizerConfiguration(cause), 500, "Internal Server Error"},
	} {
		status, msg := HTTPAPIAnswer(tc.f)
		if status != tc.status || msg != tc.msg {
			t.Errorf("%s (%d): got %d %q, want %d %q", tc.f.Type, tc.f.StatusCode(), status, msg, tc.status, tc.msg)
		}
	}
	if got := string(HTTPAPIBody("Service Unavailable")); got != `{"message":"Service Unavailable"}` || len(got) != 33 {
		t.Errorf("body %q (%d bytes)", got, len(got))
	}
}
