// Command httpauthz is a test HTTP API Lambda authorizer (payload 2.0,
// simple responses): it allows the token "allow" and returns the event's
// route ARN and identity sources in its context.
package main

import (
	"context"

	"github.com/aws/aws-lambda-go/events"
	"github.com/aws/aws-lambda-go/lambda"
)

func main() {
	lambda.Start(func(_ context.Context, req events.APIGatewayV2CustomAuthorizerV2Request) (events.APIGatewayV2CustomAuthorizerSimpleResponse, error) {
		return events.APIGatewayV2CustomAuthorizerSimpleResponse{
			IsAuthorized: len(req.IdentitySource) > 0 && req.IdentitySource[0] == "allow",
			Context: map[string]any{
				"routeArn": req.RouteArn, "identity": req.IdentitySource, "routeKey": req.RouteKey,
				"claims": map[string]any{"tier": 2},
			},
		}, nil
	})
}
