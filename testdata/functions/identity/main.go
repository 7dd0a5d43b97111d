// Command identity is a non-proxy (AWS integration) test function that
// returns its payload unchanged.
package main

import (
	"context"
	"encoding/json"

	"github.com/aws/aws-lambda-go/lambda"
)

func handle(_ context.Context, in json.RawMessage) (json.RawMessage, error) { return in, nil }

func main() { lambda.Start(handle) }
