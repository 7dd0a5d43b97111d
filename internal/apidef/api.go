package apidef

import (
	"fmt"
	"regexp"
	"strings"
)

// Location points at the place in a source file a definition came from.
type Location struct {
	// File is the path of the source file.
	File string
	// Line is the 1-based line, 0 when unknown.
	Line int
	// Pointer is a JSON Pointer into the document ("/paths/~1pets/get").
	Pointer string
}

// RestAPI is one API definition: a REST API, or an HTTP API (API Gateway
// v2) when Protocol is ProtocolHTTP. The two share this type because they
// share most of their parts (methods, integrations, authorizers); the fields
// only one kind uses say so.
type RestAPI struct {
	// Title is the API's name (info.title).
	Title string
	// Protocol is REST (the zero value) or HTTP.
	Protocol Protocol
	// CORS is an HTTP API's x-amazon-apigateway-cors; nil when absent.
	CORS *CORS
	// Tags are an HTTP API's tags (x-amazon-apigateway-tag-value).
	Tags map[string]string
	// APIKeySource is HEADER (default) or AUTHORIZER.
	APIKeySource string
	// BinaryMediaTypes lists x-amazon-apigateway-binary-media-types.
	BinaryMediaTypes []string
	// DisableExecuteAPIEndpoint is x-amazon-apigateway-endpoint-configuration's
	// disableExecuteApiEndpoint: only custom domains reach the API.
	DisableExecuteAPIEndpoint bool
	// MinimumCompressionSize is x-amazon-apigateway-minimum-compression-size
	// (REST APIs): answers of at least this many bytes are compressed when
	// the client accepts it; nil disables compression.
	MinimumCompressionSize *int
	// GatewayResponses are the API's customized gateway responses by type.
	GatewayResponses map[string]GatewayResponse
	// Methods are every method of every resource.
	Methods []*Method
	// Models are the API's JSON Schema draft-4 models by name, as raw JSON.
	Models map[string][]byte
	// ModelLocs says where each model is defined.
	ModelLocs map[string]Location
	// RequestValidators are the named validators.
	RequestValidators map[string]RequestValidator
	// DefaultValidator is the API-level x-amazon-apigateway-request-validator.
	DefaultValidator string
	// Authorizers are the API's authorizers by security scheme name.
	Authorizers map[string]Authorizer
	// Policy is the resource policy (x-amazon-apigateway-policy) as JSON; nil if none.
	Policy []byte
	// PolicyLoc says where the policy is defined.
	PolicyLoc Location
	// Unsupported lists x-amazon-apigateway-* keys Portico does not implement.
	Unsupported []Warning
	// Source is where the definition was read from.
	Source Location
}

// Warning is a located, non-fatal import problem.
type Warning struct {
	Loc     Location
	Message string
}

// RequestValidator is a named validator.
type RequestValidator struct {
	ValidateRequestBody       bool
	ValidateRequestParameters bool
}

// Method is one HTTP method on one resource.
type Method struct {
	// Path is the resource path template ("/pets/{id}", "/{proxy+}").
	Path string
	// HTTPMethod is GET, POST, ..., or ANY.
	HTTPMethod string
	// OperationName is the OpenAPI operationId.
	OperationName string
	// APIKeyRequired marks methods that need an API key.
	APIKeyRequired bool
	// AuthorizationType is NONE, AWS_IAM, CUSTOM, COGNITO_USER_POOLS or JWT.
	AuthorizationType AuthorizationType
	// AuthorizerName names the security scheme of a CUSTOM or Cognito authorizer.
	AuthorizerName string
	// AuthorizationScopes are the OAuth scopes of the method's security
	// requirement (Cognito access tokens, JWT).
	AuthorizationScopes []string
	// Security maps every security requirement name of the method to its
	// scopes, so settings-defined JWT authorizers can claim a scheme.
	Security map[string][]string
	// RequestParameters maps method.request.{path|querystring|header}.{name} to required.
	RequestParameters map[string]bool
	// RequestModels maps a content type to a model name.
	RequestModels map[string]string
	// RequestValidator names the validator ("" → the API default).
	RequestValidator string
	// MethodResponses are the declared method responses by status code.
	MethodResponses map[string]MethodResponse
	// Integration is the method's integration; nil is a definition error.
	Integration *Integration
	// DefaultRoute marks an HTTP API's $default route (Path and HTTPMethod
	// are then "$default" and ANY). RouteKey() is "$default".
	DefaultRoute bool
	// Loc is where the method is defined.
	Loc Location
}

// RouteKey is the HTTP API route key of the method: "GET /pets/{id}",
// "ANY /{proxy+}" or "$default".
func (m *Method) RouteKey() string {
	if m.DefaultRoute {
		return "$default"
	}
	return m.HTTPMethod + " " + m.Path
}

// Protocol is the kind of an API.
type Protocol int

// The API kinds.
const (
	// ProtocolREST is a REST API (API Gateway v1).
	ProtocolREST Protocol = iota
	// ProtocolHTTP is an HTTP API (API Gateway v2).
	ProtocolHTTP
)

// String is "REST" or "HTTP".
func (p Protocol) String() string {
	if p == ProtocolHTTP {
		return "HTTP"
	}
	return "REST"
}

// CORS is an HTTP API's CORS configuration (x-amazon-apigateway-cors; the
// Cors object of https://docs.aws.amazon.com/apigatewayv2/latest/api-reference/apis-apiid.html).
type CORS struct {
	AllowOrigins     []string
	AllowCredentials bool
	ExposeHeaders    []string
	// MaxAge is the preflight cache time in seconds; -1 means unset.
	MaxAge       int
	AllowMethods []string
	AllowHeaders []string
	Loc          Location
}

// Authorizer is x-amazon-apigateway-authorizer on a security scheme.
type Authorizer struct {
	// Name is the security scheme name.
	Name string
	// Type is TOKEN, REQUEST, COGNITO_USER_POOLS or JWT.
	Type AuthorizerType
	// PayloadFormatVersion is an HTTP API Lambda authorizer's
	// authorizerPayloadFormatVersion: "1.0" or "2.0".
	PayloadFormatVersion string
	// EnableSimpleResponses lets an HTTP API Lambda authorizer (payload
	// 2.0) answer {"isAuthorized": bool, "context": {...}}.
	EnableSimpleResponses bool
	// IdentitySources are an HTTP API authorizer's identity sources
	// ("$request.header.Authorization", "$request.querystring.q",
	// "$context.x", "$stageVariables.x"), in order.
	IdentitySources []string
	// AuthorizerURI invokes the Lambda function (TOKEN, REQUEST).
	AuthorizerURI string
	// IdentitySource is the comma-separated identity sources.
	IdentitySource string
	// IdentityValidationExpression is the TOKEN regex (Cognito: matched against aud).
	IdentityValidationExpression string
	// ResultTTLSeconds is the cache TTL; -1 means unset (default 300).
	ResultTTLSeconds int
	// ProviderARNs are the Cognito user pools.
	ProviderARNs []string
	// JWTIssuer and JWTAudiences configure a JWT authorizer.
	JWTIssuer    string
	JWTAudiences []string
	// Loc is where the authorizer is defined.
	Loc Location
}

// MethodResponse is a declared method response.
type MethodResponse struct {
	// ResponseParameters maps method.response.header.{name} to required.
	ResponseParameters map[string]bool
	// ResponseModels maps a content type to a model name.
	ResponseModels map[string]string
}

// Integration is x-amazon-apigateway-integration.
type Integration struct {
	// Type is HTTP, HTTP_PROXY, MOCK, AWS or AWS_PROXY (upper case).
	Type IntegrationType
	// URI is the endpoint URL or the AWS ARN; may contain ${stageVariables.x}.
	URI string
	// HTTPMethod is the method used toward the back end.
	HTTPMethod string
	// RequestParameters maps integration.request.{header|querystring|path}.{name}
	// to a source expression.
	RequestParameters map[string]string
	// RequestTemplates maps a content type to a mapping template.
	RequestTemplates map[string]string
	// PassthroughBehavior is WHEN_NO_MATCH, WHEN_NO_TEMPLATES or NEVER.
	PassthroughBehavior PassthroughBehavior
	// ContentHandling is "", CONVERT_TO_TEXT or CONVERT_TO_BINARY.
	ContentHandling ContentHandling
	// TimeoutInMillis is the integration timeout; 0 means the default.
	TimeoutInMillis int
	// Credentials is the IAM role ARN (recorded, not used locally).
	Credentials string
	// ConnectionType is INTERNET or VPC_LINK.
	ConnectionType string
	// InsecureSkipVerification disables TLS verification of the back end.
	InsecureSkipVerification bool
	// ServerNameToVerify is an HTTP API integration's
	// tlsConfig.serverNameToVerify: the name the back end's certificate is
	// checked against (and sent as SNI) instead of the URI's host.
	ServerNameToVerify string
	// CacheKeyParameters and CacheNamespace are recorded for the cache feature.
	CacheKeyParameters []string
	CacheNamespace     string
	// Responses are the integration responses, in definition order.
	Responses []IntegrationResponse
	// ResponseStreaming marks a Lambda integration imported from a
	// response-streaming URI (2021-11-15/functions/.../response-streaming-invocations);
	// URI then holds the ordinary invocation URI of the same function.
	ResponseStreaming bool
	// PayloadFormatVersion is an HTTP API Lambda integration's payload
	// format: "1.0" or "2.0" ("" on REST APIs).
	PayloadFormatVersion string
	// Subtype is an HTTP API AWS service integration's integrationSubtype
	// ("SQS-SendMessage", ...); RequestParameters then hold its parameters.
	Subtype string
	// ParameterMappings are an HTTP API integration's requestParameters:
	// "overwrite:header.x", "append:querystring.q", "remove:header.y" or
	// "overwrite:path" mapped to a value ("$request.header.a", a static
	// string, "$context.x", "$stageVariables.x").
	ParameterMappings map[string]string
	// ResponseMappings are an HTTP API integration's responseParameters: by
	// status code, "overwrite:header.x", "append:header.x",
	// "remove:header.x" or "overwrite:statuscode" mapped to a value
	// ("$response.header.a", "$response.body.x", a static string).
	ResponseMappings map[string]map[string]string
	// Invalid, when not empty, says why the integration cannot be called
	// (a field the importer could not read, such as a CloudFormation
	// intrinsic left in the definition). The API still deploys; every call
	// to the method fails with 500 and this reason in the execution log.
	Invalid string
	// Loc is where the integration is defined.
	Loc Location
}

// IntegrationResponse is one entry of an integration's responses.
type IntegrationResponse struct {
	// SelectionPattern is the regex; "" marks the default response.
	SelectionPattern string
	// StatusCode is the method response status.
	StatusCode string
	// ResponseParameters maps method.response.header.{name} to a source.
	ResponseParameters map[string]string
	// ResponseTemplates maps a content type to a mapping template.
	ResponseTemplates map[string]string
	// ContentHandling is "", CONVERT_TO_TEXT or CONVERT_TO_BINARY.
	ContentHandling ContentHandling
	// Loc is where the response is defined.
	Loc Location
}

// GatewayResponse is one customized gateway response.
type GatewayResponse struct {
	// StatusCode overrides the type's status ("" keeps the default).
	StatusCode string
	// ResponseParameters maps gatewayresponse.header.{name} to a source.
	ResponseParameters map[string]string
	// ResponseTemplates maps a content type to a template.
	ResponseTemplates map[string]string
	// Loc is where the response is defined.
	Loc Location
}

// CompileSelectionPattern compiles an integration-response selection pattern
// as API Gateway applies it: a Java regex matched against the whole string.
func CompileSelectionPattern(p string) (*regexp.Regexp, error) {
	re, err := regexp.Compile(`^(?:` + strings.ReplaceAll(p, `\Z`, `\z`) + `)$`)
	if err != nil {
		return nil, fmt.Errorf("selection pattern %q is not a valid regular expression: %w", p, err)
	}
	return re, nil
}
