// Command pets is the example's Lambda function, unchanged from what would
// run on AWS: an aws-lambda-go handler behind an AWS_PROXY integration.
// GET /fn/pets/{id} answers a pet or 404, /fn/crash panics (API Gateway
// answers 502) and /fn/slow takes two seconds (with reservedConcurrency 1,
// a second concurrent call is refused with 429).
package main

import (
	"context"
	"encoding/json"
	"strconv"
	"time"

	"github.com/aws/aws-lambda-go/events"
	"github.com/aws/aws-lambda-go/lambda"
)

var pets = map[int]string{1: "dog", 2: "cat", 3: "fish"} //nolint:gochecknoglobals // read-only example data

func handle(ctx context.Context, ev events.APIGatewayProxyRequest) (events.APIGatewayProxyResponse, error) {
	switch ev.Resource {
	case "/fn/crash":
		panic("the example function crashed on purpose")
	case "/fn/slow":
		select {
		case <-time.After(2 * time.Second):
		case <-ctx.Done():
		}
		return reply(200, map[string]any{"slept": "2s", "requestId": ev.RequestContext.RequestID})
	}
	id, _ := strconv.Atoi(ev.PathParameters["id"])
	kind, ok := pets[id]
	if !ok {
		return reply(404, map[string]any{"error": "no such pet", "id": ev.PathParameters["id"]})
	}
	return reply(200, map[string]any{"id": id, "type": kind, "servedBy": "lambda", "stage": ev.RequestContext.Stage})
}

func reply(status int, v any) (events.APIGatewayProxyResponse, error) {
	b, err := json.Marshal(v)
	return events.APIGatewayProxyResponse{StatusCode: status, Headers: map[string]string{"Content-Type": "application/json"}, Body: string(b)}, err
}

func main() { lambda.Start(handle) }
