// Command malformed is a test Lambda function that answers something an
// AWS_PROXY integration must reject: raw non-JSON bytes when the payload is
// {"mode":"raw"}, else a proxy response with an unknown key.
package main

import (
	"context"
	"io"
	"strings"

	"github.com/aws/aws-lambda-go/lambda"
)

type event struct {
	Mode string `json:"mode"`
}

func main() {
	lambda.Start(func(_ context.Context, e event) (io.Reader, error) {
		if e.Mode == "raw" {
			return strings.NewReader("this is not JSON {"), nil
		}
		return strings.NewReader(`{"statusCode":200,"wrongValue":"value"}`), nil
	})
}
