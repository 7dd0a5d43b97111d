// Command proxyecho is an AWS_PROXY test function that answers whatever
// JSON the client sent as the request body, so a parity case decides what
// the function returns (docs/aws-behaviour.md#lambda-proxy-response). A request without a body
// fails, as Python's json.loads(None) does in the recorded test.
package main

import (
	"context"
	"encoding/json"
	"errors"

	"github.com/aws/aws-lambda-go/events"
	"github.com/aws/aws-lambda-go/lambda"
)

func handle(_ context.Context, ev events.APIGatewayProxyRequest) (json.RawMessage, error) {
	if ev.Body == "" {
		return nil, errors.New("the JSON object must be str, bytes or bytearray, not NoneType")
	}
	if !json.Valid([]byte(ev.Body)) {
		return nil, errors.New("Expecting value: line 1 column 1 (char 0)")
	}
	return json.RawMessage(ev.Body), nil
}

func main() { lambda.Start(handle) }
