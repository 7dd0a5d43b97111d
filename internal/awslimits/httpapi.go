package awslimits

import "time"

// HTTP APIs (API Gateway v2).
const (
	// HTTPAPIIntegrationTimeout is an HTTP API integration's default and
	// largest timeoutInMillis, 30 seconds, which cannot be raised; the
	// smallest is MinIntegrationTimeout (API Gateway quotas for HTTP APIs:
	// "Maximum integration timeout",
	// https://docs.aws.amazon.com/apigateway/latest/developerguide/http-api-quotas.html;
	// apigatewayv2 API reference: Integration.timeoutInMillis).
	HTTPAPIIntegrationTimeout = 30 * time.Second
	// HTTPAPIMappingBodyBytes is how much of a body an HTTP API parameter
	// mapping reads before it applies a $request.body or $response.body
	// JSON path: 100 KB ("Transform API requests and responses for HTTP
	// APIs",
	// https://docs.aws.amazon.com/apigateway/latest/developerguide/http-api-parameter-mapping.html).
	HTTPAPIMappingBodyBytes = 100 << 10
)
