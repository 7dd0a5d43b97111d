package lambdaevent

import (
	"context"
	"regexp"
	"sync"
)

// FunctionInvoker runs a local function by name and returns its payload.
// A function error is a result, not an error: FunctionError is set
// ("Unhandled") and Payload holds {"errorMessage","errorType",...}. An
// error return is a fault (for example THROTTLED at reserved concurrency)
// or a failure to invoke.
type FunctionInvoker interface {
	InvokeFunction(ctx context.Context, name string, payload []byte, requestID, traceID string) (FunctionResult, error)
}

// AsyncInvoker is implemented by invokers that can start a function in the
// background (Lambda's Event invocation type) and return at once.
type AsyncInvoker interface {
	InvokeFunctionAsync(name string, payload []byte, requestID, traceID string) error
}

// FunctionResult is one invocation's outcome.
type FunctionResult struct {
	Payload       []byte
	FunctionError string
	RequestID     string
}

// lambdaURI finds the function name (and qualifier) in a Lambda integration URI;
// compiled on first use, like every pattern of this package (docs/architecture.md#memory).
var lambdaURI = sync.OnceValue(func() *regexp.Regexp {
	return regexp.MustCompile(`:lambda:path/2015-03-31/functions/(?:arn:aws:lambda:[^:]*:[^:]*:function:)?([A-Za-z0-9_-]+)(?::([A-Za-z0-9$_-]+))?/invocations$`)
})

// lambdaARN is a plain function ARN, which HTTP API integrations may give
// as their uri (https://docs.aws.amazon.com/apigatewayv2/latest/api-reference/apis-apiid-integrations.html).
var lambdaARN = sync.OnceValue(func() *regexp.Regexp {
	return regexp.MustCompile(`^arn:aws[a-z-]*:lambda:[^:]*:[^:]*:function:([A-Za-z0-9_-]+)(?::([A-Za-z0-9$_-]+))?$`)
})

// FunctionName returns the function an integration URI invokes: an
// apigateway invocations URI, or a plain function ARN.
func FunctionName(uri string) (string, bool) {
	m := lambdaURI().FindStringSubmatch(uri)
	if m == nil {
		m = lambdaARN().FindStringSubmatch(uri)
	}
	if m == nil {
		return "", false
	}
	return m[1], true
}
