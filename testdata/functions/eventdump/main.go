// Command eventdump is an AWS_PROXY test function that answers 200 with
// the raw event it received as the body, so tests can pin the event shape.
package main

import (
	"context"
	"encoding/json"

	"github.com/aws/aws-lambda-go/lambda"
)

type response struct {
	StatusCode int               `json:"statusCode"`
	Headers    map[string]string `json:"headers"`
	Body       string            `json:"body"`
}

func handle(_ context.Context, ev json.RawMessage) (response, error) {
	return response{StatusCode: 200, Headers: map[string]string{"Content-Type": "application/json", "X-Function": "eventdump"}, Body: string(ev)}, nil
}

func main() { lambda.Start(handle) }
