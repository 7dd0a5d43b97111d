package integration

import "context"

// ClassifyBackendError turns a failure to reach or hear from a back end
// into the fault the client sees, as the HTTP integrations do: a deadline
// is INTEGRATION_TIMEOUT (which the edge renders as 503 on HTTP APIs), an
// oversized request body REQUEST_TOO_LARGE, a client that went away is
// returned as it is, anything else INTEGRATION_FAILURE 502. endpoint names
// the back end in the execution log. For integrations built outside this
// package (awsservice's HTTP API service integrations).
func ClassifyBackendError(ctx context.Context, err error, endpoint string) error {
	return classify(ctx, err, endpoint)
}
