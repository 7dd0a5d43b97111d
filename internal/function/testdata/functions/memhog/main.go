// Command memhog is a test Lambda function that allocates the number of
// megabytes given in its payload ({"allocMb": N, "holdMs": M}), touching
// every page so they count as resident, keeps them for M milliseconds and
// answers {"allocatedMb": N}.
package main

import (
	"context"
	"runtime"
	"time"

	"github.com/aws/aws-lambda-go/lambda"
)

type event struct {
	AllocMB int `json:"allocMb"`
	HoldMs  int `json:"holdMs"`
}

type result struct {
	AllocatedMB int `json:"allocatedMb"`
}

func main() {
	lambda.Start(func(ctx context.Context, e event) (result, error) {
		chunks := make([][]byte, 0, e.AllocMB)
		for range e.AllocMB {
			b := make([]byte, 1<<20)
			for i := 0; i < len(b); i += 4096 {
				b[i] = 1
			}
			chunks = append(chunks, b)
		}
		select {
		case <-ctx.Done():
		case <-time.After(time.Duration(e.HoldMs) * time.Millisecond):
		}
		runtime.KeepAlive(chunks)
		return result{AllocatedMB: len(chunks)}, nil
	})
}
