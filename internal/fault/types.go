package fault

// ResponseType names an API Gateway gateway response type, spelled as AWS
// spells it (see docs/aws-behaviour.md#response-types-and-defaults).
type ResponseType string

// The 21 gateway response types of the GatewayResponseType enum.
const (
	Default4XX                   ResponseType = "DEFAULT_4XX"
	Default5XX                   ResponseType = "DEFAULT_5XX"
	ResourceNotFound             ResponseType = "RESOURCE_NOT_FOUND"
	Unauthorized                 ResponseType = "UNAUTHORIZED"
	InvalidAPIKey                ResponseType = "INVALID_API_KEY"
	AccessDenied                 ResponseType = "ACCESS_DENIED"
	AuthorizerFailure            ResponseType = "AUTHORIZER_FAILURE"
	AuthorizerConfigurationError ResponseType = "AUTHORIZER_CONFIGURATION_ERROR"
	InvalidSignature             ResponseType = "INVALID_SIGNATURE"
	ExpiredToken                 ResponseType = "EXPIRED_TOKEN"
	MissingAuthenticationToken   ResponseType = "MISSING_AUTHENTICATION_TOKEN"
	IntegrationFailure           ResponseType = "INTEGRATION_FAILURE"
	IntegrationTimeout           ResponseType = "INTEGRATION_TIMEOUT"
	APIConfigurationError        ResponseType = "API_CONFIGURATION_ERROR"
	UnsupportedMediaType         ResponseType = "UNSUPPORTED_MEDIA_TYPE"
	BadRequestParameters         ResponseType = "BAD_REQUEST_PARAMETERS"
	BadRequestBody               ResponseType = "BAD_REQUEST_BODY"
	RequestTooLarge              ResponseType = "REQUEST_TOO_LARGE"
	Throttled                    ResponseType = "THROTTLED"
	QuotaExceeded                ResponseType = "QUOTA_EXCEEDED"
	WAFFiltered                  ResponseType = "WAF_FILTERED"
)

// spec is the built-in default of one response type.
type spec struct {
	status    int    // 0 for the two families, which have no status of their own
	message   string // "" with nullMessage renders JSON null
	null      bool   // the default message is JSON null
	errorType string // x-amzn-ErrorType
}

// table is the read-only lookup table of AWS defaults (never written after
// initialization), checked against the AWS "Gateway response types" page by
// types_test.go. Where no public source gives a value, the most plausible one
// is used and docs/differences.md#unconfirmed-choices says so.
var table = map[ResponseType]spec{
	Default4XX:                   {0, "", false, ""},
	Default5XX:                   {0, "", false, ""},
	AccessDenied:                 {403, "User is not authorized to access this resource", false, "AccessDeniedException"},
	APIConfigurationError:        {500, "Internal server error", false, "InternalServerErrorException"},
	AuthorizerConfigurationError: {500, "", true, "AuthorizerConfigurationException"},
	AuthorizerFailure:            {500, "Internal server error", false, "AuthorizerFailureException"},
	BadRequestParameters:         {400, "Missing required request parameters", false, "BadRequestException"},
	BadRequestBody:               {400, "Invalid request body", false, "BadRequestException"},
	ExpiredToken:                 {403, "The security token included in the request is expired", false, "ExpiredTokenException"},
	IntegrationFailure:           {504, "Internal server error", false, "InternalServerErrorException"},
	IntegrationTimeout:           {504, "Endpoint request timed out", false, "InternalServerErrorException"},
	InvalidAPIKey:                {403, "Forbidden", false, "ForbiddenException"},
	InvalidSignature:             {403, "The request signature we calculated does not match the signature you provided. Check your AWS Secret Access Key and signing method. Consult the service documentation for details.", false, "InvalidSignatureException"},
	MissingAuthenticationToken:   {403, "Missing Authentication Token", false, "MissingAuthenticationTokenException"},
	QuotaExceeded:                {429, "Limit Exceeded", false, "LimitExceededException"},
	RequestTooLarge:              {413, "Request Too Long", false, "BadRequestException"},
	ResourceNotFound:             {404, "Not Found", false, "NotFoundException"},
	Throttled:                    {429, "Too Many Requests", false, "TooManyRequestsException"},
	Unauthorized:                 {401, "Unauthorized", false, "UnauthorizedException"},
	UnsupportedMediaType:         {415, "Unsupported Media Type", false, "BadRequestException"},
	WAFFiltered:                  {403, "Forbidden", false, "WAFFilteredException"},
}

// All returns every response type in the order of the AWS enum listing.
func All() []ResponseType {
	return []ResponseType{
		Default4XX, Default5XX, ResourceNotFound, Unauthorized, InvalidAPIKey, AccessDenied,
		AuthorizerFailure, AuthorizerConfigurationError, InvalidSignature, ExpiredToken,
		MissingAuthenticationToken, IntegrationFailure, IntegrationTimeout, APIConfigurationError,
		UnsupportedMediaType, BadRequestParameters, BadRequestBody, RequestTooLarge, Throttled,
		QuotaExceeded, WAFFiltered,
	}
}

// IsValid reports whether t is one of the 21 AWS response types.
func (t ResponseType) IsValid() bool {
	_, ok := table[t]
	return ok
}

// DefaultStatus is the type's built-in status code; 0 for DEFAULT_4XX and
// DEFAULT_5XX, which have none.
func (t ResponseType) DefaultStatus() int { return table[t].status }

// DefaultMessage is the built-in `$context.error.message`; null reports that
// AWS renders it as JSON null (AUTHORIZER_CONFIGURATION_ERROR).
func (t ResponseType) DefaultMessage() (msg string, null bool) {
	s := table[t]
	return s.message, s.null
}

// ErrorType is the x-amzn-ErrorType header AWS sends with this type.
func (t ResponseType) ErrorType() string { return table[t].errorType }

// Family returns DEFAULT_4XX or DEFAULT_5XX: the fallback type whose
// customization applies when t itself is not customized.
func (t ResponseType) Family() ResponseType {
	switch t {
	case Default4XX, Default5XX:
		return t
	}
	if t.DefaultStatus() >= 500 {
		return Default5XX
	}
	return Default4XX
}
