// Command authorizer is the HTTP API example's Lambda authorizer (payload
// 2.0, simple responses): the token "let-me-in" is allowed, anything else
// is denied. A request without an Authorization header never reaches it:
// API Gateway answers 401 itself.
package main

import (
	"context"

	"github.com/aws/aws-lambda-go/events"
	"github.com/aws/aws-lambda-go/lambda"
)

func handle(_ context.Context, ev events.APIGatewayV2CustomAuthorizerV2Request) (events.APIGatewayV2CustomAuthorizerSimpleResponse, error) {
	ok := len(ev.IdentitySource) == 1 && ev.IdentitySource[0] == "let-me-in"
	return events.APIGatewayV2CustomAuthorizerSimpleResponse{IsAuthorized: ok, Context: map[string]any{"user": "alice"}}, nil
}

func main() { lambda.Start(handle) }
