// Command recorder is a test function for asynchronous invocations: it
// waits until the file named by RELEASE_FILE exists (when set), then
// appends its payload as one line to the file named by RECORD_FILE and
// answers {"recorded":true}. A test can so hold an invocation and see that
// the gateway answered before the function finished.
package main

import (
	"context"
	"encoding/json"
	"errors"
	"os"
	"time"

	"github.com/aws/aws-lambda-go/lambda"
)

func handle(ctx context.Context, ev json.RawMessage) (map[string]bool, error) {
	if release := os.Getenv("RELEASE_FILE"); release != "" {
		for {
			if _, err := os.Stat(release); err == nil {
				break
			}
			select {
			case <-ctx.Done():
				return nil, errors.New("not released before the deadline")
			case <-time.After(10 * time.Millisecond):
			}
		}
	}
	f, err := os.OpenFile(os.Getenv("RECORD_FILE"), os.O_APPEND|os.O_CREATE|os.O_WRONLY, 0o600)
	if err != nil {
		return nil, err
	}
	defer f.Close()
	if _, err := f.Write(append(ev, '\n')); err != nil {
		return nil, err
	}
	return map[string]bool{"recorded": true}, nil
}

func main() { lambda.Start(handle) }
