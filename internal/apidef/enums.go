package apidef

import "strings"

// The enumerated fields of a definition. Each is a string type spelled as
// AWS spells the value (upper case); Parse* upper-cases what a definition
// says (the OpenAPI extensions accept any case) and reports whether it is
// one of the values, and Valid reports the same for a value already parsed.
// The values are those of the API Gateway REST API reference (Method,
// Authorizer and Integration resources):
// https://docs.aws.amazon.com/apigateway/latest/api/API_Method.html,
// https://docs.aws.amazon.com/apigateway/latest/api/API_Authorizer.html,
// https://docs.aws.amazon.com/apigateway/latest/api/API_Integration.html.

// AuthorizationType is a method's authorizationType.
type AuthorizationType string

// Authorization types. JWT is Portico's: a method secured by a JWT
// authorizer defined in the settings file.
const (
	AuthNone    AuthorizationType = "NONE"
	AuthIAM     AuthorizationType = "AWS_IAM"
	AuthCustom  AuthorizationType = "CUSTOM"
	AuthCognito AuthorizationType = "COGNITO_USER_POOLS"
	AuthJWT     AuthorizationType = "JWT"
)

// ParseAuthorizationType upper-cases s and reports whether it is an
// authorization type.
func ParseAuthorizationType(s string) (AuthorizationType, bool) {
	t := AuthorizationType(strings.ToUpper(s))
	return t, t.Valid()
}

// Valid reports whether t is one of the authorization types.
func (t AuthorizationType) Valid() bool {
	switch t {
	case AuthNone, AuthIAM, AuthCustom, AuthCognito, AuthJWT:
		return true
	}
	return false
}

// Secured reports whether the method has an authorizer or AWS_IAM ("" and
// NONE have none).
func (t AuthorizationType) Secured() bool { return t != "" && t != AuthNone }

// AuthorizerType is x-amazon-apigateway-authorizer.type.
type AuthorizerType string

// Authorizer types.
const (
	AuthorizerToken   AuthorizerType = "TOKEN"
	AuthorizerRequest AuthorizerType = "REQUEST"
	AuthorizerCognito AuthorizerType = "COGNITO_USER_POOLS"
	AuthorizerJWT     AuthorizerType = "JWT"
)

// ParseAuthorizerType upper-cases s and reports whether it is an
// authorizer type.
func ParseAuthorizerType(s string) (AuthorizerType, bool) {
	t := AuthorizerType(strings.ToUpper(s))
	return t, t.Valid()
}

// Valid reports whether t is one of the authorizer types.
func (t AuthorizerType) Valid() bool {
	switch t {
	case AuthorizerToken, AuthorizerRequest, AuthorizerCognito, AuthorizerJWT:
		return true
	}
	return false
}

// IntegrationType is x-amazon-apigateway-integration.type.
type IntegrationType string

// Integration types.
const (
	TypeHTTP      IntegrationType = "HTTP"
	TypeHTTPProxy IntegrationType = "HTTP_PROXY"
	TypeMock      IntegrationType = "MOCK"
	TypeAWS       IntegrationType = "AWS"
	TypeAWSProxy  IntegrationType = "AWS_PROXY"
)

// ParseIntegrationType upper-cases s and reports whether it is an
// integration type.
func ParseIntegrationType(s string) (IntegrationType, bool) {
	t := IntegrationType(strings.ToUpper(s))
	return t, t.Valid()
}

// Valid reports whether t is one of the integration types.
func (t IntegrationType) Valid() bool {
	switch t {
	case TypeHTTP, TypeHTTPProxy, TypeMock, TypeAWS, TypeAWSProxy:
		return true
	}
	return false
}

// PassthroughBehavior is an integration's passthroughBehavior; "" is the
// default, WHEN_NO_MATCH.
type PassthroughBehavior string

// Passthrough behaviors.
const (
	PassthroughWhenNoMatch     PassthroughBehavior = "WHEN_NO_MATCH"
	PassthroughWhenNoTemplates PassthroughBehavior = "WHEN_NO_TEMPLATES"
	PassthroughNever           PassthroughBehavior = "NEVER"
)

// ParsePassthroughBehavior upper-cases s and reports whether it is a
// passthrough behavior ("" is, the default).
func ParsePassthroughBehavior(s string) (PassthroughBehavior, bool) {
	b := PassthroughBehavior(strings.ToUpper(s))
	return b, b.Valid()
}

// Valid reports whether b is "" or one of the passthrough behaviors.
func (b PassthroughBehavior) Valid() bool {
	switch b {
	case "", PassthroughWhenNoMatch, PassthroughWhenNoTemplates, PassthroughNever:
		return true
	}
	return false
}

// ContentHandling is an integration's or integration response's
// contentHandling; "" passes the payload through unchanged.
type ContentHandling string

// Content handling strategies.
const (
	ConvertToText   ContentHandling = "CONVERT_TO_TEXT"
	ConvertToBinary ContentHandling = "CONVERT_TO_BINARY"
)

// ParseContentHandling upper-cases s and reports whether it is a content
// handling strategy ("" is, passthrough).
func ParseContentHandling(s string) (ContentHandling, bool) {
	h := ContentHandling(strings.ToUpper(s))
	return h, h.Valid()
}

// Valid reports whether h is "" or one of the content handling strategies.
func (h ContentHandling) Valid() bool {
	switch h {
	case "", ConvertToText, ConvertToBinary:
		return true
	}
	return false
}
