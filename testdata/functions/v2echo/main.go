// Command v2echo is an HTTP API test function that reads the payload 2.0
// event through aws-lambda-go's events.APIGatewayV2HTTPRequest. By default
// it answers 200 with the decoded event as JSON, so tests pin the fields
// the typed struct sees; the query parameter answer picks another answer:
//
//   - object: {"message":"hi"} without statusCode (the inferred form)
//   - string: the JSON string "Hello from Lambda!" (inferred form)
//   - cookies: 201 with two cookies and a header
//   - error: a function error
//   - malformed: {"statusCode":"teapot"}
package main

import (
	"context"
	"encoding/json"
	"errors"

	"github.com/aws/aws-lambda-go/events"
	"github.com/aws/aws-lambda-go/lambda"
)

func handle(_ context.Context, ev events.APIGatewayV2HTTPRequest) (any, error) {
	switch ev.QueryStringParameters["answer"] {
	case "object":
		return map[string]string{"message": "hi"}, nil
	case "string":
		return "Hello from Lambda!", nil
	case "cookies":
		return events.APIGatewayV2HTTPResponse{StatusCode: 201, Headers: map[string]string{"X-Answer": "cookies"},
			Cookies: []string{"a=1; Path=/", "b=2"}, Body: "made"}, nil
	case "error":
		return nil, errors.New("the function failed on purpose")
	case "malformed":
		return json.RawMessage(`{"statusCode":"teapot"}`), nil
	}
	body, err := json.Marshal(ev)
	if err != nil {
		return nil, err
	}
	return events.APIGatewayV2HTTPResponse{StatusCode: 200, Headers: map[string]string{"Content-Type": "application/json"}, Body: string(body)}, nil
}

func main() { lambda.Start(handle) }
