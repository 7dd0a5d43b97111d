package lambdaevent

import (
	"bytes"
	"context"
	"encoding/json"
	"math/rand/v2"
	"testing"
)

// pieces are the strings random events are made of: plain text and every
// case encoding/json escapes (quotes, backslashes, control characters,
// HTML-sensitive characters, invalid UTF-8, U+2028/U+2029, multi-byte
// runes).
var pieces = []string{"", "a", "Content-Type", "x y", `"`, `\`, "<", ">", "&", "\n", "\r", "\t", "\b", "\f",
	"\x00", "\x01", "\x1f", "\x7f", "\xff", "\xc3", "\xe2\x80", "é", "日本", "\u2028", "\u2029", "😀", "/", "%2F", "+", "=",
}

func randString(r *rand.Rand) string {
	var b []byte
	for range r.IntN(5) {
		b = append(b, pieces[r.IntN(len(pieces))]...)
	}
	return string(b)
}

func randOptString(r *rand.Rand) *string {
	if r.IntN(3) == 0 {
		return nil
	}
	s := randString(r)
	return &s
}

func randStringMap(r *rand.Rand) map[string]string {
	switch r.IntN(4) {
	case 0:
		return nil
	case 1:
		return map[string]string{}
	}
	m := map[string]string{}
	for range 1 + r.IntN(6) {
		m[randString(r)] = randString(r)
	}
	return m
}

func randListMap(r *rand.Rand) map[string][]string {
	switch r.IntN(4) {
	case 0:
		return nil
	case 1:
		return map[string][]string{}
	}
	m := map[string][]string{}
	for range 1 + r.IntN(6) {
		var vs []string
		if r.IntN(5) > 0 {
			vs = []string{}
			for range r.IntN(4) {
				vs = append(vs, randString(r))
			}
		}
		m[randString(r)] = vs
	}
	return m
}

func randEvent(r *rand.Rand) *proxyEvent {
	ev := &proxyEvent{
		Resource: randString(r), Path: randString(r), HTTPMethod: randString(r),
		Headers: randStringMap(r), MultiValueHeaders: randListMap(r),
		QueryStringParameters: randStringMap(r), MultiValueQueryStringParameters: randListMap(r),
		PathParameters: randStringMap(r), StageVariables: randStringMap(r),
		Body: randOptString(r), IsBase64Encoded: r.IntN(2) == 0,
		RequestContext: requestContext{
			AccountID: randString(r), APIID: randString(r), DeploymentID: randString(r), DomainName: randString(r),
			DomainPrefix: randString(r), ExtendedRequestID: randString(r), HTTPMethod: randString(r),
			Path: randString(r), Protocol: randString(r), RequestID: randString(r), RequestTime: randString(r),
			RequestTimeEpoch: r.Int64N(1<<50) - 1<<40, ResourceID: randString(r), ResourcePath: randString(r),
			Stage: randString(r),
			Identity: identity{
				AccessKey: randOptString(r), AccountID: randOptString(r), APIKey: randOptString(r),
				APIKeyID: randOptString(r), Caller: randOptString(r),
				CognitoAuthenticationProvider: randOptString(r), CognitoAuthenticationType: randOptString(r),
				CognitoIdentityID: randOptString(r), CognitoIdentityPoolID: randOptString(r),
				PrincipalOrgID: randOptString(r), SourceIP: randString(r), User: randOptString(r),
				UserAgent: randOptString(r), UserArn: randOptString(r),
			},
		},
	}
	if r.IntN(2) == 0 {
		ev.RequestContext.Identity.ClientCert = &clientCert{ClientCertPem: randString(r), SubjectDN: randString(r), IssuerDN: randString(r),
			SerialNumber: randString(r), Validity: validity{NotBefore: randString(r), NotAfter: randString(r)}}
	}
	switch r.IntN(3) {
	case 0:
		ev.RequestContext.Authorizer = map[string]any{}
	case 1:
		ev.RequestContext.Authorizer = map[string]any{
			"principalId": randString(r), "n": r.Float64(), "ok": true,
			"claims": map[string]any{randString(r): randString(r), "list": []any{"a", 1.5, nil}},
		}
	}
	return ev
}

// TestAppendProxyEventMatchesEncodingJSON pins the hand-written encoder to
// json.Marshal's bytes on many random events.
func TestAppendProxyEventMatchesEncodingJSON(t *testing.T) {
	r := rand.New(rand.NewPCG(1, 2))
	for i := range 5000 {
		ev := randEvent(r)
		want, err := json.Marshal(ev)
		if err != nil {
			t.Fatal(err)
		}
		got, err := appendProxyEvent(nil, ev)
		if err != nil {
			t.Fatal(err)
		}
		if !bytes.Equal(got, want) {
			t.Fatalf("event %d:\n got %s\nwant %s", i, got, want)
		}
	}
}

func FuzzAppendJSONString(f *testing.F) {
	for _, p := range pieces {
		f.Add(p)
	}
	f.Fuzz(func(t *testing.T, s string) {
		want, _ := json.Marshal(s)
		if got := appendJSONString(nil, s); !bytes.Equal(got, want) {
			t.Fatalf("%q: got %s, want %s", s, got, want)
		}
	})
}

// TestAppendProxyEventAuthorizerError keeps json.Marshal's error for an
// authorizer value JSON cannot encode.
func TestAppendProxyEventAuthorizerError(t *testing.T) {
	ev := &proxyEvent{RequestContext: requestContext{Authorizer: map[string]any{"f": func() {}}}}
	if _, err := appendProxyEvent(nil, ev); err == nil {
		t.Fatal("no error for an unencodable authorizer value")
	}
}

func BenchmarkBuildProxyEvent(b *testing.B) {
	c := testCall()
	c.Query = map[string][]string{"a": {"1"}, "b": {"2", "3"}}
	body := []byte(`{"statusCode":200,"body":"hi"}`)
	ctx := context.Background()
	b.ReportAllocs()
	for b.Loop() {
		if _, err := BuildProxyEvent(ctx, c, body, false); err != nil {
			b.Fatal(err)
		}
	}
}
