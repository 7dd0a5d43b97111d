package fault

// This file is the one home of the answers Portico gives when it rejects a
// request. A call site names the AWS shape it means (IntegrationFailed,
// PayloadTooLarge, ...) and never sets a status, a body style or an
// x-amzn-ErrorType itself; the edge renders every fault the same way
// (StatusCode, ErrorTypeHeader, DefaultBody). Adding a shape means adding a
// constructor here. The AWS answers are described in
// docs/aws-behaviour.md#default-error-bodies and
// docs/aws-behaviour.md#response-types-and-defaults.

import (
	"errors"
	"net/http"
)

const internalServerError = "Internal server error"

// Reject is a fault of type t answered with the type's AWS defaults: its
// status, message and x-amzn-ErrorType from the table in types.go and the
// compact body {"message":"..."}. Shapes whose answer differs from the
// table (INTEGRATION_FAILURE is 504 in the table but 502 or 500 when AWS
// reports a failed call) have their own constructor below.
func Reject(t ResponseType, cause error) *Error {
	return &Error{Type: t, Cause: cause}
}

// Denied is ACCESS_DENIED (403) with AWS's message for the denial, which
// names the policy outcome.
func Denied(message string, cause error) *Error {
	return &Error{Type: AccessDenied, Message: message, Cause: cause}
}

// IntegrationFailed is the answer when the back end cannot be reached or
// its answer cannot be read: INTEGRATION_FAILURE with status 502 (not the
// type's 504 default) and the spaced body {"message": "Internal server
// error"}. AWS's status here is UNCONFIRMED (docs/aws-behaviour.md#back-end-failures).
func IntegrationFailed(cause error) *Error {
	return &Error{Type: IntegrationFailure, Status: http.StatusBadGateway, Message: internalServerError, Spaced: true, Cause: cause}
}

// InvokeRejected is AWS's answer when Lambda refuses the invoke itself (the
// function does not exist, the service is closed): INTEGRATION_FAILURE with
// status 500 and the spaced body {"message": "Internal server error"}.
func InvokeRejected(cause error) *Error {
	return &Error{Type: IntegrationFailure, Status: http.StatusInternalServerError, Message: internalServerError, Spaced: true, Cause: cause}
}

// InvokeFailed is the answer for an invoker error that is not already a
// fault (an invoker that is neither refused nor timed out by Lambda, such
// as a failed asynchronous start): INTEGRATION_FAILURE with the type's
// table status 504 and the compact body {"message":"Internal server
// error"}. AWS's answer here is UNCONFIRMED. An error that already is (or
// wraps) a fault keeps its own shape.
func InvokeFailed(err error) *Error {
	if f, ok := errors.AsType[*Error](err); ok {
		return f
	}
	return &Error{Type: IntegrationFailure, Status: http.StatusGatewayTimeout, Cause: err}
}

// BadGateway is AWS's 502 for a Lambda function error or a malformed proxy
// response: DEFAULT_5XX, x-amzn-ErrorType InternalServerErrorException, and
// the spaced body {"message": "Internal server error"}. Which gateway
// response type customizes it is UNCONFIRMED; as DEFAULT_5XX a DEFAULT_5XX
// customization applies and INTEGRATION_FAILURE's does not.
func BadGateway(cause error) *Error {
	return &Error{Type: Default5XX, Status: http.StatusBadGateway, Message: internalServerError,
		ErrorType: "InternalServerErrorException", Spaced: true, Cause: cause}
}

// Internal is the 500 for a failure inside Portico (an error that is not a
// fault, a usage store that failed closed): DEFAULT_5XX, x-amzn-ErrorType
// InternalServerErrorException, the spaced body {"message": "Internal
// server error"}. The cause is never shown to the client.
func Internal(cause error) *Error {
	return &Error{Type: Default5XX, Status: http.StatusInternalServerError, Message: internalServerError,
		ErrorType: "InternalServerErrorException", Spaced: true, Cause: cause}
}

// ConfigurationError is API_CONFIGURATION_ERROR: 500 with the spaced body
// {"message": "Internal server error"}, for a call that fails because of
// the API's definition. Pass a *ConfigFailure as the cause so that the
// execution log reads "Execution failed due to configuration error: ...".
func ConfigurationError(cause error) *Error {
	return &Error{Type: APIConfigurationError, Status: http.StatusInternalServerError, Spaced: true, Cause: cause}
}

// AuthorizerConfiguration is AUTHORIZER_CONFIGURATION_ERROR: 500 with the
// spaced body {"message": null}, for an authorizer that cannot be called or
// answers something unusable.
func AuthorizerConfiguration(cause error) *Error {
	return &Error{Type: AuthorizerConfigurationError, Status: http.StatusInternalServerError, Spaced: true, Cause: cause}
}

// TimedOut is INTEGRATION_TIMEOUT: 504 with the spaced body {"message":
// "Endpoint request timed out"}.
func TimedOut(cause error) *Error {
	return &Error{Type: IntegrationTimeout, Status: http.StatusGatewayTimeout, Spaced: true, Cause: cause}
}

// PayloadTooLarge is AWS's answer when a Lambda invocation payload exceeds
// Lambda's limit: DEFAULT_4XX, 413, x-amzn-ErrorType BadRequestException,
// the spaced body {"message": "Request Too Long"}. (A request body over the
// gateway's own limit is ContentLengthExceeded.)
func PayloadTooLarge(cause error) *Error {
	return &Error{Type: Default4XX, Status: http.StatusRequestEntityTooLarge, Message: "Request Too Long",
		ErrorType: "BadRequestException", Spaced: true, Cause: cause}
}

// ContentLengthExceeded is REQUEST_TOO_LARGE: a request body over the
// gateway's payload limit, answered by AWS's front end with a plain-text 413
// that no gateway response customizes.
func ContentLengthExceeded(cause error) *Error {
	return &Error{Type: RequestTooLarge, Cause: cause}
}

// Forbidden is AWS's 403 for a request that no deployed API and stage
// answers: DEFAULT_4XX, x-amzn-ErrorType ForbiddenException, {"message":"Forbidden"}.
func Forbidden(cause error) *Error {
	return &Error{Type: Default4XX, Status: http.StatusForbidden, Message: "Forbidden", ErrorType: "ForbiddenException", Cause: cause}
}

// TokenRejected is a JWT authorizer's refusal of a missing or invalid
// token: UNAUTHORIZED, 401 {"message":"Unauthorized"}, with the
// WWW-Authenticate challenge that says why, such as `Bearer scope=""
// error="invalid_token" error_description="the token does not have a valid
// audience"` (docs/aws-behaviour.md#jwt-authorizers).
func TokenRejected(challenge string, cause error) *Error {
	return &Error{Type: Unauthorized, Headers: map[string]string{"WWW-Authenticate": challenge}, Cause: cause}
}

// InsufficientScope is a JWT authorizer's refusal of a valid token that
// carries none of the route's authorization scopes: DEFAULT_4XX, 403
// {"message":"Forbidden"}, x-amzn-ErrorType ForbiddenException, with the
// challenge `Bearer scope="..." error="insufficient_scope" ...`. AWS's
// status here is UNCONFIRMED (docs/differences.md#unconfirmed-choices).
func InsufficientScope(challenge string, cause error) *Error {
	return &Error{Type: Default4XX, Status: http.StatusForbidden, Message: "Forbidden", ErrorType: "ForbiddenException",
		Headers: map[string]string{"WWW-Authenticate": challenge}, Cause: cause}
}

// BadRequest is a DEFAULT_4XX 400 {"message":"Bad Request"} without an
// x-amzn-ErrorType, for a request Portico cannot interpret (an unparsable
// request target when verifying a signature).
func BadRequest(cause error) *Error {
	return &Error{Type: Default4XX, Status: http.StatusBadRequest, Message: "Bad Request", Cause: cause}
}

// MalformedBody is the 400 for a request body the client failed to deliver
// (a malformed chunked encoding, a body cut short): DEFAULT_4XX,
// x-amzn-ErrorType BadRequestException, {"message":"Bad Request"}, and the
// connection is closed after the answer.
func MalformedBody(cause error) *Error {
	return &Error{Type: Default4XX, Status: http.StatusBadRequest, Message: "Bad Request", ErrorType: "BadRequestException",
		Headers: map[string]string{"Connection": "close"}, Cause: cause}
}

// RequestTimeout is the 408 for a client too slow to send its body:
// DEFAULT_4XX, {"message":"Request Timeout"}, and the connection is closed
// after the answer.
func RequestTimeout(cause error) *Error {
	return &Error{Type: Default4XX, Status: http.StatusRequestTimeout, Message: "Request Timeout",
		Headers: map[string]string{"Connection": "close"}, Cause: cause}
}

// TooManyRequests is THROTTLED (429 "Too Many Requests"). retryAfter, when
// not empty, is sent as a Retry-After header in whole seconds (Portico's
// addition; AWS sends none).
func TooManyRequests(retryAfter string, cause error) *Error {
	return withRetryAfter(&Error{Type: Throttled, Cause: cause}, retryAfter)
}

// LimitExceeded is QUOTA_EXCEEDED (429 "Limit Exceeded"). retryAfter, when
// not empty, is sent as a Retry-After header in whole seconds (Portico's
// addition; AWS sends none).
func LimitExceeded(retryAfter string, cause error) *Error {
	return withRetryAfter(&Error{Type: QuotaExceeded, Cause: cause}, retryAfter)
}

func withRetryAfter(f *Error, retryAfter string) *Error {
	if retryAfter != "" {
		f.Headers = map[string]string{"Retry-After": retryAfter}
	}
	return f
}

// WithMessage sets `$context.error.message` (AWS's text for this
// occurrence, such as the missing parameters) and returns f.
func (e *Error) WithMessage(message string) *Error {
	e.Message = message
	return e
}

// WithErrorType sets the x-amzn-ErrorType AWS sends for this occurrence
// when it is not the type's own (IncompleteSignatureException on an
// unmatched route) and returns f.
func (e *Error) WithErrorType(errorType string) *Error {
	e.ErrorType = errorType
	return e
}

// WithVar sets the extra `$context.error.<name>` variable and returns f.
func (e *Error) WithVar(name, value string) *Error {
	if e.Vars == nil {
		e.Vars = map[string]string{}
	}
	e.Vars[name] = value
	return e
}

// WithHeader adds a response header Portico sends with the fault (such as
// WWW-Authenticate) and returns f.
func (e *Error) WithHeader(name, value string) *Error {
	if e.Headers == nil {
		e.Headers = map[string]string{}
	}
	e.Headers[name] = value
	return e
}
