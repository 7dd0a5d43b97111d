// Command selector is an AWS (non-proxy) test function after the recorded
// test_lambda_selection_patterns (docs/aws-behaviour.md#integration-responses-and-selection-patterns): the payload
// {"statusCode": "200"} succeeds with "Pass"; "400" and "500" raise errors
// whose messages the integration's selection patterns match.
package main

import (
	"context"
	"errors"

	"github.com/aws/aws-lambda-go/lambda"
)

type input struct {
	StatusCode string `json:"statusCode"`
}

func handle(_ context.Context, in input) (string, error) {
	switch in.StatusCode {
	case "400":
		return "", errors.New("Error: Raising four hundred from within the Lambda function")
	case "500":
		return "", errors.New("Error: Raising five hundred from within the Lambda function")
	case "409":
		return "", errors.New(`{"code":"Conflict","detail":"pet already exists"}`)
	}
	return "Pass", nil
}

func main() { lambda.Start(handle) }
