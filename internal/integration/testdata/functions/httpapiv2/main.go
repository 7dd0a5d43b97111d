// Command httpapiv2 is a test Lambda function for HTTP API payload format
// 2.0: it reads events.APIGatewayV2HTTPRequest and answers
// events.APIGatewayV2HTTPResponse describing what it received.
package main

import (
	"context"
	"encoding/json"

	"github.com/aws/aws-lambda-go/events"
	"github.com/aws/aws-lambda-go/lambda"
)

func main() {
	lambda.Start(func(_ context.Context, req events.APIGatewayV2HTTPRequest) (events.APIGatewayV2HTTPResponse, error) {
		seen, err := json.Marshal(map[string]any{
			"version": req.Version, "routeKey": req.RouteKey, "rawPath": req.RawPath, "rawQueryString": req.RawQueryString,
			"cookies": req.Cookies, "query": req.QueryStringParameters, "header": req.Headers["x-multi"],
			"path": req.PathParameters, "stage": req.RequestContext.Stage, "method": req.RequestContext.HTTP.Method,
			"time": req.RequestContext.Time, "timeEpoch": req.RequestContext.TimeEpoch,
			"body": req.Body, "isBase64Encoded": req.IsBase64Encoded,
		})
		if err != nil {
			return events.APIGatewayV2HTTPResponse{}, err
		}
		return events.APIGatewayV2HTTPResponse{
			StatusCode: 202,
			Headers:    map[string]string{"content-type": "application/json", "x-function": "httpapiv2"},
			Cookies:    []string{"session=abc; HttpOnly", "theme=dark"},
			Body:       string(seen),
		}, nil
	})
}
