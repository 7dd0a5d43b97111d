// Command errormsg is a test Lambda function that returns
// errors.New(message) for the message in its payload ({"message": "..."}).
package main

import (
	"context"
	"errors"

	"github.com/aws/aws-lambda-go/lambda"
)

type event struct {
	Message string `json:"message"`
}

func main() {
	lambda.Start(func(_ context.Context, e event) (string, error) {
		return "", errors.New(e.Message)
	})
}
