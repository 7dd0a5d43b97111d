// Command panic is a test Lambda function that panics with the message in its
// payload ({"message": "..."}); aws-lambda-go reports the panic and exits.
package main

import (
	"context"

	"github.com/aws/aws-lambda-go/lambda"
)

type event struct {
	Message string `json:"message"`
}

func main() {
	lambda.Start(func(_ context.Context, e event) (string, error) {
		panic(e.Message)
	})
}
