// Command crash is a test Lambda function that dies: with CRASH_AT_INIT=exit
// it exits before asking for work, with CRASH_AT_INIT=report it reports an
// init error through the Runtime API, and otherwise it prints a line and
// calls os.Exit(code) in the middle of an invocation ({"code": N}).
package main

import (
	"context"
	"fmt"
	"net/http"
	"os"
	"strings"

	"github.com/aws/aws-lambda-go/lambda"
)

type event struct {
	Code int `json:"code"`
}

func main() {
	switch os.Getenv("CRASH_AT_INIT") {
	case "exit":
		fmt.Fprintln(os.Stderr, "cannot load configuration: missing TABLE")
		os.Exit(3)
	case "report":
		fmt.Fprintln(os.Stderr, "reporting init error")
		url := "http://" + os.Getenv("AWS_LAMBDA_RUNTIME_API") + "/2018-06-01/runtime/init/error"
		body := `{"errorMessage":"database unreachable","errorType":"InitFailure"}`
		req, _ := http.NewRequest(http.MethodPost, url, strings.NewReader(body))
		req.Header.Set("Lambda-Runtime-Function-Error-Type", "InitFailure")
		if resp, err := http.DefaultClient.Do(req); err == nil {
			resp.Body.Close()
		}
		os.Exit(1)
	}
	lambda.Start(func(_ context.Context, e event) (string, error) {
		fmt.Fprintln(os.Stderr, "crashing now with code", e.Code)
		os.Exit(e.Code)
		return "", nil
	})
}
