package fault

import (
	"errors"
	"fmt"
	"strconv"
)

// The causes below classify a failure for the stage's execution log. The
// code that detects the failure wraps one as a fault's Cause; the edge finds
// it with errors.As and logs its Reason under AWS's line for the class, so
// neither side depends on the other's wording. The texts are AWS's
// (docs/aws-behaviour.md#execution-logs).

// ConfigFailure is a call that failed because of the API's definition; AWS's
// execution log reads "Execution failed due to configuration error: " and
// the Reason.
type ConfigFailure struct {
	// Reason is AWS's execution-log text after the class prefix, e.g. "No
	// match for output mapping and no default output mapping configured.
	// Endpoint Response Status Code: 200".
	Reason string
	// Err is the underlying error, if any.
	Err error
}

// Misconfigured formats a ConfigFailure; a %w verb in format sets Err.
func Misconfigured(format string, args ...any) *ConfigFailure {
	err := fmt.Errorf(format, args...)
	return &ConfigFailure{Reason: err.Error(), Err: errors.Unwrap(err)}
}

// Error is the execution-log line.
func (e *ConfigFailure) Error() string {
	return "Execution failed due to configuration error: " + e.Reason
}

// Unwrap returns the underlying error.
func (e *ConfigFailure) Unwrap() error { return e.Err }

// FunctionFailure is a Lambda function that answered with an error payload;
// AWS's execution log reads "Lambda execution failed with status <Status>
// due to customer function error: " and the Reason.
type FunctionFailure struct {
	// Status is the status of the invoke itself (200 for a function error).
	Status int
	// Reason is AWS's execution-log text after the class prefix: the
	// function's errorMessage and the Lambda request id.
	Reason string
}

// Error is the execution-log line.
func (e *FunctionFailure) Error() string {
	return "Lambda execution failed with status " + strconv.Itoa(e.Status) + " due to customer function error: " + e.Reason
}
