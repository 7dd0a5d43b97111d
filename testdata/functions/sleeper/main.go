// Command sleeper is an AWS_PROXY test function that sleeps for the number
// of milliseconds in the query parameter ms, then answers 200.
package main

import (
	"context"
	"strconv"
	"time"

	"github.com/aws/aws-lambda-go/events"
	"github.com/aws/aws-lambda-go/lambda"
)

// handle sleeps without watching the context, so a sleep past the
// function timeout really overruns it.
func handle(_ context.Context, ev events.APIGatewayProxyRequest) (events.APIGatewayProxyResponse, error) {
	ms, _ := strconv.Atoi(ev.QueryStringParameters["ms"])
	time.Sleep(time.Duration(ms) * time.Millisecond)
	return events.APIGatewayProxyResponse{StatusCode: 200, Body: `{"slept":` + strconv.Itoa(ms) + `}`}, nil
}

func main() { lambda.Start(handle) }
