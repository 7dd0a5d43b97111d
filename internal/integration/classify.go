package integration

import (
	"context"
	"errors"
	"fmt"
	"net"

	"github.com/portico-gw/portico/internal/fault"
	"github.com/portico-gw/portico/internal/pipeline"
)

// classify turns a transport error into the fault the client sees:
// a deadline is INTEGRATION_TIMEOUT (504 "Endpoint request timed out"); an
// oversized request body is REQUEST_TOO_LARGE; a client that went away or
// failed to deliver its body is returned as is; anything else (refused, reset, DNS, an unparsable
// response) is INTEGRATION_FAILURE with status 502 (docs/differences.md#deliberate-differences).
func classify(ctx context.Context, err error, endpoint string) error {
	if tl, ok := errors.AsType[*pipeline.ErrTooLarge](err); ok {
		return fault.ContentLengthExceeded(tl)
	}
	if _, ok := errors.AsType[*pipeline.ErrClientBody](err); ok {
		return err // the client's fault: the edge answers it as such
	}
	if ctx.Err() == context.DeadlineExceeded || errors.Is(err, context.DeadlineExceeded) {
		return fault.TimedOut(fmt.Errorf("Execution failed due to a timeout error: %s", endpoint))
	}
	if errors.Is(err, context.Canceled) {
		return err
	}
	if ne, ok := errors.AsType[net.Error](err); ok && ne.Timeout() {
		return fault.TimedOut(fmt.Errorf("Execution failed due to a timeout error: %s: %w", endpoint, err))
	}
	return fault.IntegrationFailed(fmt.Errorf("Execution failed due to a network error communicating with endpoint %s: %w", endpoint, err))
}

// configError is API_CONFIGURATION_ERROR (500 "Internal server error") with
// AWS's execution-log text as the cause.
func configError(format string, args ...any) error {
	return fault.ConfigurationError(fault.Misconfigured(format, args...))
}
