// Command memhog is a test Lambda function that allocates the number of
// megabytes given in its payload ({"allocMb": N, "holdMs": M}), touching
// every page so they count as resident, keeps them for M milliseconds and
// answers {"allocatedMb": N}. Invoked through an API Gateway proxy
// integration it reads the request body and answers a proxy response.
package main

import (
	"context"
	"encoding/json"
	"runtime"
	"strconv"
	"time"

	"github.com/aws/aws-lambda-go/lambda"
)

type event struct {
	AllocMB int `json:"allocMb"`
	HoldMs  int `json:"holdMs"`
}

type proxyEvent struct {
	HTTPMethod string `json:"httpMethod"`
	Body       string `json:"body"`
}

func main() {
	lambda.Start(func(ctx context.Context, raw json.RawMessage) (any, error) {
		var e event
		var p proxyEvent
		if err := json.Unmarshal(raw, &p); err != nil {
			return nil, err
		}
		in := raw
		if p.HTTPMethod != "" {
			in = json.RawMessage(p.Body)
		}
		if err := json.Unmarshal(in, &e); err != nil {
			return nil, err
		}
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
		answer := `{"allocatedMb":` + strconv.Itoa(len(chunks)) + `}`
		if p.HTTPMethod != "" {
			return map[string]any{"statusCode": 200, "body": answer}, nil
		}
		return json.RawMessage(answer), nil
	})
}
