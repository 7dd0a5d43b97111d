// Package validate is the request-validation step of a method, as API
// Gateway's request validators define it: required request parameters
// (header, path and query string) must be present and not blank, and the body
// must match the JSON Schema draft-4 model chosen by its content type.
//
// New builds the step from a method and its API, compiling the models once;
// CheckModels reports every model that does not compile, for
// `portico validate`. At request time the step only parses and walks: a
// rejection is a BAD_REQUEST_PARAMETERS, BAD_REQUEST_BODY or
// REQUEST_TOO_LARGE fault carrying the fge-style validationErrorString that
// AWS shows. The step never writes HTTP, and hostile bodies (deep nesting,
// huge numbers, invalid UTF-8) are rejected in time linear in their size.
package validate
