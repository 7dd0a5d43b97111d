// Command authorizer is the example's Lambda TOKEN authorizer: the bearer
// token "allow-token" is allowed on the whole API, "deny-token" is denied
// explicitly, and anything else is Unauthorized (401).
package main

import (
	"context"
	"errors"
	"strings"

	"github.com/aws/aws-lambda-go/events"
	"github.com/aws/aws-lambda-go/lambda"
)

func handle(_ context.Context, ev events.APIGatewayCustomAuthorizerRequest) (events.APIGatewayCustomAuthorizerResponse, error) {
	effect := ""
	switch strings.TrimPrefix(ev.AuthorizationToken, "Bearer ") {
	case "allow-token":
		effect = "Allow"
	case "deny-token":
		effect = "Deny"
	default:
		return events.APIGatewayCustomAuthorizerResponse{}, errors.New("Unauthorized")
	}
	// methodArn is arn:aws:execute-api:{region}:{account}:{api}/{stage}/{METHOD}/{path}.
	parts := strings.SplitN(ev.MethodArn, "/", 3)
	return events.APIGatewayCustomAuthorizerResponse{
		PrincipalID: "user-" + effect,
		PolicyDocument: events.APIGatewayCustomAuthorizerPolicy{Version: "2012-10-17", Statement: []events.IAMPolicyStatement{
			{Action: []string{"execute-api:Invoke"}, Effect: effect, Resource: []string{parts[0] + "/" + parts[1] + "/*"}},
		}},
		Context: map[string]any{"team": "pets", "level": 3},
	}, nil
}

func main() { lambda.Start(handle) }
