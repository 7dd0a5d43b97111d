// Command slow is a test Lambda function that sleeps for the number of
// milliseconds given in its payload ({"sleepMs": N}), ignoring its deadline.
package main

import (
	"context"
	"time"

	"github.com/aws/aws-lambda-go/lambda"
)

type event struct {
	SleepMs int `json:"sleepMs"`
}

type result struct {
	SleptMs int `json:"sleptMs"`
}

func main() {
	lambda.Start(func(_ context.Context, e event) (result, error) {
		time.Sleep(time.Duration(e.SleepMs) * time.Millisecond)
		return result{SleptMs: e.SleepMs}, nil
	})
}
