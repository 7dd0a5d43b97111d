package fault

import (
	"encoding/json"
	"errors"
	"net/http"
	"strings"
)

// Error is a request rejected by Portico itself: it names the gateway response
// type that the edge renders through the API's gateway-response table. Steps
// and integrations return it; they never write HTTP. Build it with the
// constructors of shapes.go (Reject, IntegrationFailed, ...), which set the
// fields below; StatusCode, ErrorTypeHeader and DefaultBody resolve them.
type Error struct {
	// Type selects the gateway response.
	Type ResponseType
	// Message is `$context.error.message`; empty means the type's default.
	Message string
	// Status overrides the type's built-in status when the API has not
	// customized the type or its family (for example 502 for a Lambda
	// function error, which AWS reports as an integration failure).
	Status int
	// ErrorType overrides the type's x-amzn-ErrorType header (for example
	// IncompleteSignatureException on an unmatched route with an
	// Authorization header).
	ErrorType string
	// Spaced renders the built-in body as `{"message": "..."}` with a space
	// after the colon, as AWS does for integration errors
	// (docs/aws-behaviour.md#default-error-bodies), instead of the compact
	// default template.
	Spaced bool
	// Vars are extra `$context.error.*` variables, such as
	// validationErrorString.
	Vars map[string]string
	// Headers are extra response headers Portico adds (Retry-After).
	Headers map[string]string
	// Cause is the internal reason, logged and never shown to clients.
	Cause error
}

// Error composes "type: message: cause".
func (e *Error) Error() string {
	var b strings.Builder
	b.WriteString(string(e.Type))
	if m := e.MessageText(); m != "" {
		b.WriteString(": ")
		b.WriteString(m)
	}
	if e.Cause != nil {
		b.WriteString(": ")
		b.WriteString(e.Cause.Error())
	}
	return b.String()
}

// Unwrap returns the internal cause.
func (e *Error) Unwrap() error { return e.Cause }

// MessageText is the effective `$context.error.message`.
func (e *Error) MessageText() string {
	if e.Message != "" {
		return e.Message
	}
	m, _ := e.Type.DefaultMessage()
	return m
}

// IsNull reports whether the message renders as JSON null.
func (e *Error) IsNull() bool {
	if e.Message != "" {
		return false
	}
	_, null := e.Type.DefaultMessage()
	return null
}

// New returns a fault of type t with the type's default message, keeping the
// classification of cause when cause already is (or wraps) a fault.
func New(t ResponseType, cause error) *Error {
	if f, ok := errors.AsType[*Error](cause); ok {
		return f
	}
	return &Error{Type: t, Cause: cause}
}

// From returns the fault for any error: the fault itself, or an
// INTERNAL-style DEFAULT_5XX fault whose message never reveals the cause.
func From(err error) *Error {
	if err == nil {
		return nil
	}
	if f, ok := errors.AsType[*Error](err); ok {
		return f
	}
	return Internal(err)
}

// StatusCode is the status the fault answers with when the API has not
// customized its type or family: the shape's status, else the type's
// default, else 500 for DEFAULT_5XX and 400 for DEFAULT_4XX.
func (e *Error) StatusCode() int {
	switch {
	case e.Status != 0:
		return e.Status
	case e.Type.DefaultStatus() != 0:
		return e.Type.DefaultStatus()
	case e.Type == Default5XX:
		return http.StatusInternalServerError
	}
	return http.StatusBadRequest
}

// ErrorTypeHeader is the x-amzn-ErrorType header value: the shape's, else
// the type's ("" sends none).
func (e *Error) ErrorTypeHeader() string {
	if e.ErrorType != "" {
		return e.ErrorType
	}
	return e.Type.ErrorType()
}

// MessageJSON is `$context.error.messageString`: the message as a JSON
// string, or null.
func (e *Error) MessageJSON() string {
	if e.IsNull() {
		return "null"
	}
	b, _ := json.Marshal(e.MessageText())
	return string(b)
}

// DefaultBody is the built-in body when the API has no template for the
// type: {"message":"..."} (key "Message" for ACCESS_DENIED), with a space
// after the colon for the shapes AWS renders that way (integration and
// internal errors).
func (e *Error) DefaultBody() []byte {
	key, sep := "message", ":"
	if e.Type == AccessDenied {
		key = "Message"
	}
	if e.Spaced {
		sep = ": "
	}
	return []byte(`{"` + key + `"` + sep + e.MessageJSON() + `}`)
}
