package function

import (
	"encoding/json"
	"errors"
	"fmt"
	"strings"
	"time"
)

// ErrClosed is returned by Invoke after Close, and to invocations that were
// still running when Close killed their process.
var ErrClosed = errors.New("function manager closed")

// NotFoundError reports an invocation of a function that is not configured.
// Lambda answers 404 ResourceNotFoundException.
type NotFoundError struct {
	// Function is the requested name; ARN is the ARN Lambda would print.
	Function, ARN string
}

// Error returns Lambda's message, "Function not found: ARN".
func (e *NotFoundError) Error() string { return "Function not found: " + e.ARN }

// ThrottledError reports an invocation rejected because the function already
// runs ReservedConcurrency invocations. Lambda answers 429
// TooManyRequestsException (Reason ReservedFunctionConcurrentInvocationLimitExceeded);
// Portico's gateway renders 429 THROTTLED.
type ThrottledError struct {
	// Function is the function name; Limit its reserved concurrency.
	Function string
	Limit    int
}

// Error returns Lambda's message with the function and the limit.
func (e *ThrottledError) Error() string {
	return fmt.Sprintf("Rate Exceeded. (function %s is at its reserved concurrency of %d)", e.Function, e.Limit)
}

// TimeoutError reports an invocation that ran past the function timeout. Its
// process was killed and is replaced by a cold start on demand.
type TimeoutError struct {
	// Function and RequestID identify the invocation.
	Function, RequestID string
	// Timeout is the function timeout that expired.
	Timeout time.Duration
}

// Error returns Lambda's message, "Task timed out after N.NN seconds".
func (e *TimeoutError) Error() string {
	return fmt.Sprintf("Task timed out after %.2f seconds", e.Timeout.Seconds())
}

// Payload returns the error document Lambda's Invoke API returns (with
// X-Amz-Function-Error: Unhandled) for a timed-out invocation.
func (e *TimeoutError) Payload() []byte {
	return errorDocument("Sandbox.Timedout", "RequestId: "+e.RequestID+" Error: "+e.Error())
}

// CrashError reports a process that died: during an invocation (it exited
// or was killed before answering), or during init (it reported
// /runtime/init/error, exited before asking for work, or did not ask for
// work within the init timeout).
type CrashError struct {
	// Function and RequestID identify the invocation.
	Function, RequestID string
	// Init is true when the process failed before it asked for work.
	Init bool
	// Reason says what happened: "exit status 2", "signal: killed", or the
	// errorType and errorMessage the runtime reported to init/error.
	Reason string
	// Output is the tail (last few KB) of the process's stdout and stderr.
	Output string
	// OutOfMemory is true when the process was killed for exceeding its
	// memory size.
	OutOfMemory bool
	// Document is the error document the runtime posted to init/error
	// (e.g. {"errorType":"Runtime.ImportModuleError",...}), when it posted
	// a JSON object naming an errorType.
	Document []byte
}

// Error describes the failure; Output is not included.
func (e *CrashError) Error() string {
	phase := "during invocation"
	if e.Init {
		phase = "during init"
	}
	if e.OutOfMemory {
		return fmt.Sprintf("function %s: runtime failed %s: %s (exceeded its memory size)", e.Function, phase, e.Reason)
	}
	return fmt.Sprintf("function %s: runtime failed %s: %s", e.Function, phase, e.Reason)
}

// Payload returns the error document Lambda's Invoke API returns (with
// X-Amz-Function-Error: Unhandled) for a runtime that exited or reported an
// init error. A process killed over its memory size is Runtime.OutOfMemory,
// with the same "Runtime exited with error: signal: killed" message.
func (e *CrashError) Payload() []byte {
	if len(e.Document) > 0 {
		// An init error the runtime reported is what the invoker gets,
		// as from Lambda's managed runtimes.
		return e.Document
	}
	typ := "Runtime.ExitError"
	switch {
	case e.OutOfMemory:
		typ = "Runtime.OutOfMemory"
	case e.Init && !isExitReason(e.Reason):
		typ = "Runtime.InitError"
	}
	return errorDocument(typ, "RequestId: "+e.RequestID+" Error: Runtime exited with error: "+e.Reason)
}

// isExitReason reports whether reason came from the process exit status.
func isExitReason(reason string) bool {
	return strings.HasPrefix(reason, "exit status ") || strings.HasPrefix(reason, "signal: ")
}

// errorDocument renders Lambda's {"errorMessage","errorType"} error payload.
func errorDocument(typ, message string) []byte {
	b, _ := json.Marshal(struct {
		Message string `json:"errorMessage"`
		Type    string `json:"errorType"`
	}{message, typ})
	return b
}

// RequestTooLargeError reports a payload over Lambda's 6 MB limit for
// synchronous invocations (Lambda answers 413 RequestEntityTooLargeException).
type RequestTooLargeError struct {
	// Size is the payload size; Limit the maximum, in bytes.
	Size, Limit int
}

// Error returns Lambda's message.
func (e *RequestTooLargeError) Error() string {
	return fmt.Sprintf("Request must be smaller than %d bytes for the InvokeFunction operation", e.Limit)
}
