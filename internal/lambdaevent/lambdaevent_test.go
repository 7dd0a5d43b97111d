package lambdaevent

import (
	"context"
	"encoding/json"
	"net/http"
	"sort"
	"strings"
	"testing"
	"time"

	"github.com/google/go-cmp/cmp"

	"github.com/portico-gw/portico/internal/awsheaders"
	"github.com/portico-gw/portico/internal/pipeline"
)

func testCall() *pipeline.Call {
	return &pipeline.Call{
		HTTPMethod: "POST", Path: "/pets/1", ResourcePath: "/pets/{id}", PathParams: map[string]string{"id": "1"},
		Host: "api.example:8443", SourceIP: "10.0.0.9", TraceID: "Root=1-5f84c7a1-abcdef012345678901234567",
		Start: time.Unix(1700000000, 0),
		Header: http.Header{
			"Authorization": {"Bearer t"}, "User-Agent": {"curl"}, "X-Custom": {"a", "b"},
			"X-Forwarded-For": {"1.2.3.4"}, "X-Forwarded-Port": {"1"}, "X-Amzn-Trace-Id": {"client"},
			"Content-Length": {"3"}, "Expect": {"100-continue"}, "Host": {"api.example:8443"}, "Via": {"1.1 p"},
		},
	}
}

type event struct {
	Headers           map[string]string   `json:"headers"`
	MultiValueHeaders map[string][]string `json:"multiValueHeaders"`
	Body              *string             `json:"body"`
	IsBase64Encoded   bool                `json:"isBase64Encoded"`
	Type              string              `json:"type"`
	MethodArn         string              `json:"methodArn"`
}

func decode(t *testing.T, raw []byte) event {
	t.Helper()
	var ev event
	if err := json.Unmarshal(raw, &ev); err != nil {
		t.Fatal(err)
	}
	return ev
}

func TestProxyEventHeaders(t *testing.T) {
	raw, err := BuildProxyEvent(context.Background(), testCall(), []byte("abc"), false)
	if err != nil {
		t.Fatal(err)
	}
	ev := decode(t, raw)
	want := map[string]string{
		"Authorization": "Bearer t", "User-Agent": "curl", "X-Custom": "b", "Via": "1.1 p",
		"Host": "api.example:8443", "X-Forwarded-For": "1.2.3.4, 10.0.0.9", "X-Forwarded-Port": "8443",
		"X-Forwarded-Proto": "http", "X-Amzn-Trace-Id": "Root=1-5f84c7a1-abcdef012345678901234567",
	}
	if d := cmp.Diff(want, ev.Headers); d != "" {
		t.Errorf("headers (-want +got):\n%s", d)
	}
	if got := ev.MultiValueHeaders["X-Custom"]; !cmp.Equal(got, []string{"a", "b"}) {
		t.Errorf("multiValueHeaders X-Custom = %v", got)
	}
	if ev.Body == nil || *ev.Body != "abc" || ev.IsBase64Encoded {
		t.Errorf("body = %v, base64 %v", ev.Body, ev.IsBase64Encoded)
	}
}

// TestProxyEventAddedHeadersMatchRules: the headers the gateway writes into
// the event are exactly the ones awsheaders.Rules lists as Added there.
func TestProxyEventAddedHeadersMatchRules(t *testing.T) {
	c := testCall()
	c.Header = http.Header{}
	raw, err := BuildProxyEvent(context.Background(), c, nil, false)
	if err != nil {
		t.Fatal(err)
	}
	var got []string
	for k := range decode(t, raw).Headers {
		got = append(got, k)
	}
	var want []string
	for k := range awsheaders.AddedAt(awsheaders.ProxyEvent) {
		want = append(want, k)
	}
	sort.Strings(got)
	sort.Strings(want)
	if d := cmp.Diff(want, got); d != "" {
		t.Errorf("added headers (-table +event):\n%s", d)
	}
}

func TestProxyEventDropsRuleHeaders(t *testing.T) {
	c := testCall()
	c.Header = http.Header{}
	for k, r := range awsheaders.Rules {
		if r.Dropped&awsheaders.ProxyEvent != 0 {
			c.Header[k] = []string{"client"}
		}
	}
	raw, err := BuildProxyEvent(context.Background(), c, nil, false)
	if err != nil {
		t.Fatal(err)
	}
	for k, v := range decode(t, raw).Headers {
		if v == "client" {
			t.Errorf("%s reached the event", k)
		}
	}
}

func TestAuthorizerRequestEvent(t *testing.T) {
	raw, err := AuthorizerRequestEvent(context.Background(), testCall(), "arn:aws:execute-api:us-east-1:123:abc/dev/POST/pets/1")
	if err != nil {
		t.Fatal(err)
	}
	if strings.Contains(string(raw), `"body"`) || strings.Contains(string(raw), `"isBase64Encoded"`) {
		t.Errorf("REQUEST event carries a body: %s", raw)
	}
	ev := decode(t, raw)
	if ev.Type != "REQUEST" || ev.MethodArn != "arn:aws:execute-api:us-east-1:123:abc/dev/POST/pets/1" || ev.Headers["X-Custom"] != "b" {
		t.Errorf("event = %+v", ev)
	}
}

func TestAuthorizerTokenEvent(t *testing.T) {
	raw, err := AuthorizerTokenEvent("Bearer \"x\"", "arn:aws:execute-api:us-east-1:123:abc/dev/GET/")
	if err != nil {
		t.Fatal(err)
	}
	want := `{"authorizationToken":"Bearer \"x\"","methodArn":"arn:aws:execute-api:us-east-1:123:abc/dev/GET/","type":"TOKEN"}`
	if string(raw) != want {
		t.Errorf("got  %s\nwant %s", raw, want)
	}
}

func TestParseProxyResponse(t *testing.T) {
	for _, tt := range []struct {
		name, in string
		status   int
		header   http.Header
		body     string
		bad      bool
	}{
		{name: "empty object", in: `{}`, status: 200, header: http.Header{}},
		{name: "numeric string status", in: `{"statusCode":"201","body":"x"}`, status: 201, header: http.Header{}, body: "x"},
		{name: "boolean header", in: `{"headers":{"X-B":true}}`, status: 200, header: http.Header{"X-B": {"true"}}},
		{name: "merge multi first", in: `{"headers":{"x-h":"solo"},"multiValueHeaders":{"X-H":["multi"]}}`, status: 200,
			header: http.Header{"X-H": {"multi, solo"}}},
		{name: "null headers", in: `{"headers":null,"statusCode":204}`, status: 204, header: http.Header{}},
		{name: "unknown key", in: `{"statusCode":200,"wrongValue":"value"}`, bad: true},
		{name: "not an object", in: `"justAString"`, bad: true},
		{name: "status not a number", in: `{"statusCode":"test"}`, bad: true},
		{name: "multi value not a list", in: `{"multiValueHeaders":{"X":"y"}}`, bad: true},
		{name: "trailing data", in: `{} {}`, bad: true},
	} {
		t.Run(tt.name, func(t *testing.T) {
			r, err := ParseProxyResponse([]byte(tt.in))
			if tt.bad {
				if err == nil || !strings.HasPrefix(err.Error(), ErrMalformed.Error()) {
					t.Fatalf("err = %v, want malformed", err)
				}
				return
			}
			if err != nil {
				t.Fatal(err)
			}
			if r.Status != tt.status || r.Body != tt.body || !cmp.Equal(r.Header, tt.header) {
				t.Errorf("got %d %v %q", r.Status, r.Header, r.Body)
			}
		})
	}
}

func TestFunctionName(t *testing.T) {
	for uri, want := range map[string]string{
		"arn:aws:apigateway:us-east-1:lambda:path/2015-03-31/functions/arn:aws:lambda:us-east-1:123456789012:function:echo/invocations":      "echo",
		"arn:aws:apigateway:us-east-1:lambda:path/2015-03-31/functions/arn:aws:lambda:us-east-1:123456789012:function:echo:live/invocations": "echo",
		"arn:aws:apigateway:us-east-1:s3:path/bucket/key":                 "",
		"arn:aws:lambda:us-east-1:123456789012:function:echo":             "echo",
		"arn:aws:lambda:eu-west-1:123456789012:function:echo:2":           "echo",
		"arn:aws:lambda:us-east-1:123456789012:function:echo/invocations": "",
		"xarn:aws:lambda:us-east-1:123456789012:function:echo":            "",
	} {
		got, ok := FunctionName(uri)
		if got != want || ok != (want != "") {
			t.Errorf("FunctionName(%q) = %q, %v", uri, got, ok)
		}
	}
}
