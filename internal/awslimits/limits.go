// Package awslimits is the one home of the AWS quotas and defaults Portico
// reproduces (docs/aws-behaviour.md#limits). Each constant names its public
// source; the packages that enforce a limit use the constant, never the
// number. It imports nothing, so every package may use it.
//
// Sources:
//   - API Gateway quotas: https://docs.aws.amazon.com/apigateway/latest/developerguide/limits.html
//   - HTTP API quotas: https://docs.aws.amazon.com/apigateway/latest/developerguide/http-api-quotas.html
//   - Lambda quotas: https://docs.aws.amazon.com/lambda/latest/dg/gettingstarted-limits.html
//   - API Gateway API reference (botocore model apigateway 2015-07-09):
//     https://docs.aws.amazon.com/apigateway/latest/api/API_Operations.html
package awslimits

import "time"

// API Gateway (REST APIs).
const (
	// PayloadBytes is the largest request or response payload, 10 MB
	// (10,485,760 bytes) (API Gateway quotas: "Payload size").
	PayloadBytes = 10 << 20
	// HeaderBytes bounds the request header block, names, values and line
	// terminators included (API Gateway quotas: "Total combined size of
	// request line and header values").
	HeaderBytes = 10240
	// IntegrationTimeout is the default and, without a quota increase,
	// the largest timeoutInMillis (API Gateway quotas: "Integration
	// timeout"; API reference: Integration.timeoutInMillis).
	IntegrationTimeout = 29 * time.Second
	// MinIntegrationTimeout is the smallest timeoutInMillis (API Gateway
	// quotas: "Integration timeout", 50 milliseconds).
	MinIntegrationTimeout = 50 * time.Millisecond
	// AccountRateLimit and AccountBurstLimit are the account-level
	// throttle per Region, requests per second and bucket size (API
	// Gateway quotas: "Throttle quota per account, per Region across HTTP
	// APIs, REST APIs, WebSocket APIs, and WebSocket callback APIs").
	AccountRateLimit  = 10000
	AccountBurstLimit = 5000
	// AuthorizerTTL is authorizerResultTtlInSeconds when a definition
	// leaves it out; MaxAuthorizerTTL is its largest value (API reference:
	// Authorizer.authorizerResultTtlInSeconds; "Use API Gateway Lambda
	// authorizers", https://docs.aws.amazon.com/apigateway/latest/developerguide/apigateway-use-lambda-authorizer.html).
	AuthorizerTTL    = 300 * time.Second
	MaxAuthorizerTTL = 3600 * time.Second
	// TemplateBytes is the largest mapping template, 300 KB (API Gateway
	// quotas: "Mapping template size").
	TemplateBytes = 300 << 10
	// ForeachIterations is the number of iterations after which a
	// mapping template's #foreach stops (API Gateway quotas: "Number of
	// iterations in a #foreach ... #end loop in mapping templates").
	ForeachIterations = 1000
	// ImportDocumentBytes is the largest API definition file that can be
	// imported, 6 MB (API Gateway quotas: "API definition file size").
	ImportDocumentBytes = 6 << 20
	// APIKeyMinLength and APIKeyMaxLength bound an API key value in
	// characters (docs/aws-behaviour.md#key-enforcement).
	APIKeyMinLength = 20
	APIKeyMaxLength = 128
)

// API Gateway (HTTP APIs): JWT authorizers.
const (
	// JWTAudiences is the largest number of audiences one JWT authorizer
	// accepts (HTTP API quotas: "Audiences per authorizer").
	JWTAudiences = 50
	// JWTRouteScopes is the largest number of authorization scopes one
	// route may require (HTTP API quotas: "Scopes per route").
	JWTRouteScopes = 10
	// JWKSTimeout bounds one request for the issuer's JSON Web Key Set
	// (HTTP API quotas: "Timeout for JSON Web Key Set endpoint", 1,500 ms).
	JWKSTimeout = 1500 * time.Millisecond
	// OIDCDiscoveryTimeout bounds one OpenID Connect discovery request
	// (HTTP API quotas: "Timeout for OpenID Connect discovery endpoint",
	// 1,500 ms).
	OIDCDiscoveryTimeout = 1500 * time.Millisecond
	// JWKSResponseBytes is the largest JSON Web Key Set response (HTTP API
	// quotas: "Response size from JSON Web Key Set endpoint", 150,000
	// bytes). Portico bounds OpenID Connect discovery answers the same way.
	JWKSResponseBytes = 150_000
)

// Lambda.
const (
	// LambdaPayloadBytes is the largest synchronous invocation request or
	// response, 6 MB each (Lambda quotas: "Invocation payload (request and
	// response)").
	LambdaPayloadBytes = 6 << 20
	// LambdaAsyncPayloadBytes is the largest asynchronous (Event)
	// invocation request, 1 MB (Lambda quotas: "Invocation payload").
	LambdaAsyncPayloadBytes = 1 << 20
	// LambdaDefaultTimeout is a function's timeout when none is set (Lambda
	// developer guide, "Configure Lambda function timeout":
	// https://docs.aws.amazon.com/lambda/latest/dg/configuration-timeout.html).
	LambdaDefaultTimeout = 3 * time.Second
	// LambdaDefaultMemoryMB is a function's memory when none is set
	// (Lambda developer guide, "Configure Lambda function memory":
	// https://docs.aws.amazon.com/lambda/latest/dg/configuration-memory.html).
	LambdaDefaultMemoryMB = 128
	// LambdaInitTimeout bounds a runtime's init phase (Lambda developer
	// guide, "Lambda execution environment lifecycle":
	// https://docs.aws.amazon.com/lambda/latest/dg/lambda-runtime-environment.html).
	LambdaInitTimeout = 10 * time.Second
	// LambdaMinMemoryMB and LambdaMaxMemoryMB bound a function's memory,
	// in MB (Lambda quotas: "Function memory allocation").
	LambdaMinMemoryMB = 128
	LambdaMaxMemoryMB = 10240
)
