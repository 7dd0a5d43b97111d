package lambdaevent

import (
	"errors"
	"net/http"
	"testing"

	"github.com/google/go-cmp/cmp"
)

func TestParseProxyResponseV2(t *testing.T) {
	t.Parallel()
	json := http.Header{"Content-Type": {"application/json"}}
	for _, tt := range []struct {
		name    string
		payload string
		want    *ProxyResponse
	}{
		// The inferred form (documented examples).
		{"string", `"Hello from Lambda!"`, &ProxyResponse{Status: 200, Header: json, Body: "Hello from Lambda!"}},
		{"escaped string", `"a\"b\u00e9"`, &ProxyResponse{Status: 200, Header: json, Body: `a"bé`}},
		{"object", `{ "message": "Hello from Lambda!" }`, &ProxyResponse{Status: 200, Header: json, Body: `{ "message": "Hello from Lambda!" }`}},
		{"object with body but no statusCode", `{"body":"x","headers":{"a":"b"}}`, &ProxyResponse{Status: 200, Header: json, Body: `{"body":"x","headers":{"a":"b"}}`}},
		{"number", ` 42 `, &ProxyResponse{Status: 200, Header: json, Body: "42"}},
		{"array", `[1,2]`, &ProxyResponse{Status: 200, Header: json, Body: "[1,2]"}},
		{"null", `null`, &ProxyResponse{Status: 200, Header: json, Body: "null"}},
		{"empty object", `{}`, &ProxyResponse{Status: 200, Header: json, Body: "{}"}},
		// The explicit form.
		{"explicit", `{"statusCode":201,"headers":{"content-type":"text/plain","x-n":1,"x-b":true},"body":"made"}`,
			&ProxyResponse{Status: 201, Header: http.Header{"content-type": {"text/plain"}, "x-n": {"1"}, "x-b": {"true"}}, Body: "made"}},
		{"status only", `{"statusCode":204}`, &ProxyResponse{Status: 204, Header: http.Header{}}},
		{"numeric string status", `{"statusCode":"202"}`, &ProxyResponse{Status: 202, Header: http.Header{}}},
		{"cookies", `{"statusCode":200,"cookies":["a=1; Path=/","b=2"],"headers":{"set-cookie":"c=3"}}`,
			&ProxyResponse{Status: 200, Header: http.Header{"set-cookie": {"c=3", "a=1; Path=/", "b=2"}}}},
		{"cookies alone", `{"statusCode":200,"cookies":["a=1"]}`, &ProxyResponse{Status: 200, Header: http.Header{"Set-Cookie": {"a=1"}}}},
		{"base64", `{"statusCode":200,"body":"aGk=","isBase64Encoded":true}`, &ProxyResponse{Status: 200, Header: http.Header{}, Body: "aGk=", Base64: true}},
		{"nulls", `{"statusCode":200,"headers":null,"cookies":null,"body":null,"isBase64Encoded":null}`, &ProxyResponse{Status: 200, Header: http.Header{}}},
		{"multiValueHeaders ignored", `{"statusCode":200,"multiValueHeaders":{"a":["1"]},"other":1}`, &ProxyResponse{Status: 200, Header: http.Header{}}},
	} {
		got, err := ParseProxyResponseV2([]byte(tt.payload))
		if err != nil {
			t.Errorf("%s: %v", tt.name, err)
			continue
		}
		if d := cmp.Diff(tt.want, got); d != "" {
			t.Errorf("%s (-want +got):\n%s", tt.name, d)
		}
	}
}

func TestParseProxyResponseV2Malformed(t *testing.T) {
	t.Parallel()
	for _, payload := range []string{
		``, `Hello`, `{"statusCode":200`, `{"a":1} {"b":2}`,
		`{"statusCode":"abc"}`, `{"statusCode":99}`, `{"statusCode":200,"body":5}`,
		`{"statusCode":200,"headers":[]}`, `{"statusCode":200,"headers":{"a":{"b":1}}}`,
		`{"statusCode":200,"cookies":"a=1"}`, `{"statusCode":200,"cookies":[1]}`,
		`{"statusCode":200,"isBase64Encoded":"yes"}`,
	} {
		if r, err := ParseProxyResponseV2([]byte(payload)); !errors.Is(err, ErrMalformed) {
			t.Errorf("%q: got %+v, %v; want ErrMalformed", payload, r, err)
		}
	}
}
