// Command hello is the HTTP API example's function: it reads the payload
// 2.0 event with aws-lambda-go's events.APIGatewayV2HTTPRequest. GET
// /hello/{name} greets; GET /slow sleeps for two seconds, past the route's
// one-second timeoutInMillis.
package main

import (
	"context"
	"time"

	"github.com/aws/aws-lambda-go/events"
	"github.com/aws/aws-lambda-go/lambda"
)

type greeting struct {
	Message  string `json:"message"`
	RouteKey string `json:"routeKey"`
	User     string `json:"user,omitempty"`
}

func handle(_ context.Context, ev events.APIGatewayV2HTTPRequest) (greeting, error) {
	if ev.RouteKey == "GET /slow" {
		time.Sleep(2 * time.Second)
	}
	g := greeting{Message: "hello, " + ev.PathParameters["name"], RouteKey: ev.RouteKey}
	if ev.RequestContext.Authorizer != nil {
		if u, ok := ev.RequestContext.Authorizer.Lambda["user"].(string); ok {
			g.User = u
		}
	}
	// No statusCode: API Gateway infers 200 and a JSON body (payload 2.0).
	return g, nil
}

func main() { lambda.Start(handle) }
