package auth

import (
	"context"
	"errors"
	"net/http"
	"net/url"
	"strings"
	"sync/atomic"
	"testing"
	"time"

	"github.com/portico-gw/portico/internal/apidef"
	"github.com/portico-gw/portico/internal/fault"
	"github.com/portico-gw/portico/internal/lambdaevent"
	"github.com/portico-gw/portico/internal/pipeline"
)

// countingInvoker answers every invocation with an Allow policy and counts
// them; it stands in for a function only where the test needs to see
// whether the function was called (the parity suite runs real ones).
type countingInvoker struct{ calls atomic.Int64 }

func (ci *countingInvoker) InvokeFunction(context.Context, string, []byte, string, string) (lambdaevent.FunctionResult, error) {
	ci.calls.Add(1)
	return lambdaevent.FunctionResult{Payload: []byte(`{"principalId":"p","policyDocument":{"Version":"2012-10-17","Statement":[{"Effect":"Allow","Action":"execute-api:Invoke","Resource":"*"}]}}`)}, nil
}

func call(token string) *pipeline.Call {
	h := http.Header{}
	if token != "" {
		h.Set("Authorization", token)
	}
	return &pipeline.Call{Header: h, HTTPMethod: "GET", APIID: "a", Stage: "dev", Path: "/pets", Region: "us-east-1", AccountID: "123456789012"}
}

func newTestLambda(t *testing.T, inv lambdaevent.FunctionInvoker, ttl int, now func() time.Time) *Lambda {
	t.Helper()
	l, err := NewLambda(LambdaConfig{Invoker: inv, Now: now, Def: apidef.Authorizer{Name: "tok", Type: apidef.AuthorizerToken, ResultTTLSeconds: ttl,
		AuthorizerURI:  "arn:aws:apigateway:us-east-1:lambda:path/2015-03-31/functions/arn:aws:lambda:us-east-1:123456789012:function:Auth/invocations",
		IdentitySource: "method.request.header.Authorization", IdentityValidationExpression: "Bearer .+"}})
	if err != nil {
		t.Fatal(err)
	}
	return l
}

func TestCacheTTL(t *testing.T) {
	t.Parallel()
	now := time.Unix(1_800_000_000, 0)
	inv := &countingInvoker{}
	l := newTestLambda(t, inv, -1, func() time.Time { return now })
	for range 3 {
		if err := l.Run(context.Background(), call("Bearer x")); err != nil {
			t.Fatal(err)
		}
	}
	if inv.calls.Load() != 1 {
		t.Fatalf("got %d invocations within the TTL, want 1", inv.calls.Load())
	}
	now = now.Add(DefaultTTL)
	_ = l.Run(context.Background(), call("Bearer x"))
	_ = l.Run(context.Background(), call("Bearer y"))
	if inv.calls.Load() != 3 {
		t.Errorf("got %d invocations, want 3 (expired entry and a new identity)", inv.calls.Load())
	}
}

func TestCacheIsPerAuthorizer(t *testing.T) {
	t.Parallel()
	inv := &countingInvoker{}
	a, b := newTestLambda(t, inv, 300, nil), newTestLambda(t, inv, 300, nil)
	_ = a.Run(context.Background(), call("Bearer x"))
	_ = b.Run(context.Background(), call("Bearer x"))
	if inv.calls.Load() != 2 {
		t.Errorf("got %d invocations, want 2: authorizers (stages) must not share entries", inv.calls.Load())
	}
}

func TestTTLZeroDisablesCache(t *testing.T) {
	t.Parallel()
	inv := &countingInvoker{}
	l := newTestLambda(t, inv, 0, nil)
	_ = l.Run(context.Background(), call("Bearer x"))
	_ = l.Run(context.Background(), call("Bearer x"))
	if inv.calls.Load() != 2 {
		t.Errorf("got %d invocations, want 2 with TTL 0", inv.calls.Load())
	}
}

func TestIdentityFailuresDoNotInvoke(t *testing.T) {
	t.Parallel()
	inv := &countingInvoker{}
	l := newTestLambda(t, inv, 0, nil)
	for _, tok := range []string{"", "   ", "Basic x"} {
		err := l.Run(context.Background(), call(tok))
		if f, ok := errors.AsType[*fault.Error](err); !ok || f.Type != fault.Unauthorized {
			t.Errorf("token %q: got %v, want UNAUTHORIZED", tok, err)
		}
	}
	if inv.calls.Load() != 0 {
		t.Errorf("the function was invoked %d times", inv.calls.Load())
	}
}

func TestMethodARN(t *testing.T) {
	t.Parallel()
	// Every spelling the router treats as /pets/42 must give one ARN.
	for _, p := range []string{"/pets/42", "/pets/42/", "//pets//42", "/%70ets/4%32", "pets/42", "//pets/42", "/pets/42//", "/pets//42"} {
		c := call("")
		c.Path = p
		if got := MethodARN(c); got != "arn:aws:execute-api:us-east-1:123456789012:a/dev/GET/pets/42" {
			t.Errorf("%s: got %s", p, got)
		}
	}
}

func BenchmarkCachedDecision(b *testing.B) {
	l := newTestLambda(&testing.T{}, &countingInvoker{}, 300, nil)
	c := call("Bearer x")
	ctx := context.Background()
	_ = l.Run(ctx, c)
	b.ReportAllocs()
	for b.Loop() {
		if err := l.Run(ctx, c); err != nil {
			b.Fatal(err)
		}
	}
}

// FuzzCanonicalPath: the shortcut for a path that is already canonical
// gives what decoding and joining the segments gives.
func FuzzCanonicalPath(f *testing.F) {
	for _, p := range []string{"/pets/42", "/", "", "//a", "a//", "/a%2Fb", "/a/b/"} {
		f.Add(p)
	}
	f.Fuzz(func(t *testing.T, p string) {
		var b strings.Builder
		for _, seg := range strings.Split(p, "/") {
			if seg == "" {
				continue
			}
			if dec, err := url.PathUnescape(seg); err == nil && strings.ContainsRune(seg, '%') {
				seg = dec
			}
			if b.Len() > 0 {
				b.WriteByte('/')
			}
			b.WriteString(seg)
		}
		if got := canonicalPath(p); got != b.String() {
			t.Fatalf("canonicalPath(%q) = %q, want %q", p, got, b.String())
		}
	})
}
