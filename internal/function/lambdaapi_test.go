package function

import (
	"encoding/base64"
	"encoding/json"
	"errors"
	"net/http/httptest"
	"strings"
	"testing"
	"time"

	"github.com/aws/aws-sdk-go-v2/aws"
	"github.com/aws/aws-sdk-go-v2/credentials"
	"github.com/aws/aws-sdk-go-v2/service/lambda"
	"github.com/aws/aws-sdk-go-v2/service/lambda/types"
)

// newLambdaClient serves m's Invoke API and returns an SDK client for it.
func newLambdaClient(t *testing.T, m *Manager) *lambda.Client {
	srv := httptest.NewServer(NewLambdaAPI(m))
	t.Cleanup(srv.Close)
	return lambda.New(lambda.Options{
		BaseEndpoint: aws.String(srv.URL),
		Region:       "us-east-1",
		Credentials:  credentials.NewStaticCredentialsProvider("AKIDEXAMPLE", "secret", ""),
		Retryer:      aws.NopRetryer{},
	})
}

// TestLambdaAPI drives the Invoke API with the real AWS SDK client.
func TestLambdaAPI(t *testing.T) {
	skipUnlessLinux(t)
	m := newTestManager(t, Options{},
		Config{Name: "echo", Command: []string{fnBin(t, "echo")}},
		Config{Name: "errormsg", Command: []string{fnBin(t, "errormsg")}},
		Config{Name: "envdump", Command: []string{fnBin(t, "envdump")}},
		Config{Name: "slow", Command: []string{fnBin(t, "slow")}, Timeout: 300 * time.Millisecond},
		Config{Name: "crash", Command: []string{fnBin(t, "crash")}},
	)
	client := newLambdaClient(t, m.Manager)

	tests := []struct {
		name, function string
		qualifier      string
		payload        string
		invocationType types.InvocationType
		wantStatus     int32
		wantPayload    string // substring
		wantFuncErr    string
	}{
		{name: "echo", function: "echo", payload: `{"a":1}`, wantStatus: 200, wantPayload: `{"a":1}`},
		{name: "by ARN", function: "arn:aws:lambda:us-east-1:123456789012:function:echo", payload: `[1,2]`, wantStatus: 200, wantPayload: `[1,2]`},
		{name: "by partial ARN with $LATEST", function: "123456789012:function:echo", qualifier: "$LATEST", payload: `3`, wantStatus: 200, wantPayload: `3`},
		{name: "function error", function: "errormsg", payload: `{"message":"no pets"}`, wantStatus: 200,
			wantPayload: `"errorMessage":"no pets"`, wantFuncErr: "Unhandled"},
		{name: "timeout", function: "slow", payload: `{"sleepMs":5000}`, wantStatus: 200,
			wantPayload: `Task timed out after 0.30 seconds`, wantFuncErr: "Unhandled"},
		{name: "crash", function: "crash", payload: `{"code":2}`, wantStatus: 200,
			wantPayload: `"errorType":"Runtime.ExitError"`, wantFuncErr: "Unhandled"},
		{name: "dry run", function: "echo", invocationType: types.InvocationTypeDryRun, wantStatus: 204},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			in := &lambda.InvokeInput{FunctionName: aws.String(tt.function), Payload: []byte(tt.payload), InvocationType: tt.invocationType}
			if tt.qualifier != "" {
				in.Qualifier = aws.String(tt.qualifier)
			}
			out, err := client.Invoke(t.Context(), in)
			if err != nil {
				t.Fatal(err)
			}
			if out.StatusCode != tt.wantStatus {
				t.Errorf("status = %d, want %d", out.StatusCode, tt.wantStatus)
			}
			if !strings.Contains(string(out.Payload), tt.wantPayload) {
				t.Errorf("payload = %s, want it to contain %s", out.Payload, tt.wantPayload)
			}
			if got := aws.ToString(out.FunctionError); got != tt.wantFuncErr {
				t.Errorf("FunctionError = %q, want %q", got, tt.wantFuncErr)
			}
			if tt.wantStatus == 200 && aws.ToString(out.ExecutedVersion) != "$LATEST" {
				t.Errorf("ExecutedVersion = %q", aws.ToString(out.ExecutedVersion))
			}
		})
	}

	t.Run("unknown function", func(t *testing.T) {
		_, err := client.Invoke(t.Context(), &lambda.InvokeInput{FunctionName: aws.String("nope")})
		var nf *types.ResourceNotFoundException
		if !errors.As(err, &nf) {
			t.Fatalf("got %v, want ResourceNotFoundException", err)
		}
		if nf.ErrorMessage() != "Function not found: arn:aws:lambda:us-east-1:123456789012:function:nope" || aws.ToString(nf.Type) != "User" {
			t.Errorf("got %q (Type %q)", nf.ErrorMessage(), aws.ToString(nf.Type))
		}
	})
	t.Run("unknown version", func(t *testing.T) {
		_, err := client.Invoke(t.Context(), &lambda.InvokeInput{FunctionName: aws.String("echo"), Qualifier: aws.String("7")})
		var nf *types.ResourceNotFoundException
		if !errors.As(err, &nf) || !strings.HasSuffix(nf.ErrorMessage(), ":function:echo:7") {
			t.Fatalf("got %v, want ResourceNotFoundException for echo:7", err)
		}
	})
	t.Run("client context", func(t *testing.T) {
		cc := base64.StdEncoding.EncodeToString([]byte(`{"custom":{"tenant":"acme"}}`))
		out, err := client.Invoke(t.Context(), &lambda.InvokeInput{FunctionName: aws.String("envdump"), ClientContext: aws.String(cc)})
		if err != nil {
			t.Fatal(err)
		}
		var got struct {
			ClientContext map[string]string `json:"clientContext"`
		}
		if err := json.Unmarshal(out.Payload, &got); err != nil || got.ClientContext["tenant"] != "acme" {
			t.Errorf("client context seen: %s (%v)", out.Payload, err)
		}
	})
	t.Run("event", func(t *testing.T) {
		out, err := client.Invoke(t.Context(), &lambda.InvokeInput{FunctionName: aws.String("envdump"),
			InvocationType: types.InvocationTypeEvent, Payload: []byte(`{"print":"async hello"}`)})
		if err != nil {
			t.Fatal(err)
		}
		if out.StatusCode != 202 || len(out.Payload) != 0 {
			t.Errorf("got %d %q, want 202 and no payload", out.StatusCode, out.Payload)
		}
		waitFor(t, "the event to run", 10*time.Second, func() bool { return strings.Contains(m.logs.String(), "async hello") })
	})
}

// TestLambdaAPIThrottle checks the TooManyRequestsException of a function
// at its reserved concurrency.
func TestLambdaAPIThrottle(t *testing.T) {
	skipUnlessLinux(t)
	m := newTestManager(t, Options{}, Config{Name: "slow", Command: []string{fnBin(t, "slow")}, ReservedConcurrency: 1})
	client := newLambdaClient(t, m.Manager)
	done := make(chan error, 1)
	go func() {
		_, err := client.Invoke(t.Context(), &lambda.InvokeInput{FunctionName: aws.String("slow"), Payload: []byte(`{"sleepMs":2000}`)})
		done <- err
	}()
	waitFor(t, "the first invocation to run", 10*time.Second, func() bool { return m.busy("slow") == 1 })
	_, err := client.Invoke(t.Context(), &lambda.InvokeInput{FunctionName: aws.String("slow"), Payload: []byte(`{}`)})
	var tm *types.TooManyRequestsException
	if !errors.As(err, &tm) {
		t.Fatalf("got %v, want TooManyRequestsException", err)
	}
	if tm.Reason != types.ThrottleReasonReservedFunctionConcurrentInvocationLimitExceeded || tm.ErrorMessage() != "Rate Exceeded." {
		t.Errorf("got reason %q message %q", tm.Reason, tm.ErrorMessage())
	}
	if err := <-done; err != nil {
		t.Errorf("first invocation: %v", err)
	}
}
