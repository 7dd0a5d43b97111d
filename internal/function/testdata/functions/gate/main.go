// Command gate is a test Lambda function that waits until the file named in
// its payload ({"waitFor": PATH}) exists, then answers {"opened": PATH}.
package main

import (
	"context"
	"os"
	"time"

	"github.com/aws/aws-lambda-go/lambda"
)

type event struct {
	WaitFor string `json:"waitFor"`
}

type result struct {
	Opened string `json:"opened"`
}

func main() {
	lambda.Start(func(ctx context.Context, e event) (result, error) {
		for {
			if _, err := os.Stat(e.WaitFor); err == nil {
				return result{Opened: e.WaitFor}, nil
			}
			select {
			case <-ctx.Done():
				return result{}, ctx.Err()
			case <-time.After(5 * time.Millisecond):
			}
		}
	})
}
