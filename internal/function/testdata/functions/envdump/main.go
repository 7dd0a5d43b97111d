// Command envdump is a test Lambda function that returns its environment and
// the invocation metadata aws-lambda-go parsed from the Runtime API headers.
// With {"print": "..."} it also writes that text to stdout and stderr.
package main

import (
	"context"
	"fmt"
	"os"
	"strings"

	"github.com/aws/aws-lambda-go/lambda"
	"github.com/aws/aws-lambda-go/lambdacontext"
)

type event struct {
	Print string `json:"print"`
}

type result struct {
	Env           map[string]string `json:"env"`
	RequestID     string            `json:"requestId"`
	FunctionARN   string            `json:"functionArn"`
	DeadlineMs    int64             `json:"deadlineMs"`
	TraceID       string            `json:"traceId"`
	ClientContext map[string]string `json:"clientContext"`
	CognitoID     string            `json:"cognitoIdentityId"`
	Cwd           string            `json:"cwd"`
	Pid           int               `json:"pid"`
}

func main() {
	lambda.Start(func(ctx context.Context, e event) (result, error) {
		if e.Print != "" {
			fmt.Fprintln(os.Stdout, e.Print)
			fmt.Fprintln(os.Stderr, e.Print)
		}
		r := result{Env: map[string]string{}, Pid: os.Getpid()}
		for _, kv := range os.Environ() {
			k, v, _ := strings.Cut(kv, "=")
			r.Env[k] = v
		}
		if lc, ok := lambdacontext.FromContext(ctx); ok {
			r.RequestID = lc.AwsRequestID
			r.FunctionARN = lc.InvokedFunctionArn
			r.ClientContext = lc.ClientContext.Custom
			r.CognitoID = lc.Identity.CognitoIdentityID
		}
		if d, ok := ctx.Deadline(); ok {
			r.DeadlineMs = d.UnixMilli()
		}
		if v, ok := ctx.Value("x-amzn-trace-id").(string); ok {
			r.TraceID = v
		}
		r.Cwd, _ = os.Getwd()
		return r, nil
	})
}
