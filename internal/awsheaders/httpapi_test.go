package awsheaders

import (
	"net/http"
	"testing"
)

// TestHTTPAPIRulesHaveSources: every row says where it comes from and is
// keyed by its canonical name.
func TestHTTPAPIRulesHaveSources(t *testing.T) {
	for k, r := range HTTPAPIRules {
		if r.Source == "" {
			t.Errorf("%s has no source", k)
		}
		if http.CanonicalHeaderKey(k) != k {
			t.Errorf("%s is not canonical", k)
		}
	}
}

// TestHTTPAPIReserved pins AWS's list of reserved headers
// (https://docs.aws.amazon.com/apigateway/latest/developerguide/http-api-parameter-mapping.html#http-api-mapping-reserved-headers).
func TestHTTPAPIReserved(t *testing.T) {
	reserved := []string{"access-control-allow-origin", "Access-Control-Max-Age", "apigw-requestid", "Authorization",
		"connection", "Content-Encoding", "Content-Length", "Content-Location", "Forwarded", "Keep-Alive", "Origin",
		"Proxy-Authenticate", "Proxy-Authorization", "TE", "Trailers", "Transfer-Encoding", "Upgrade",
		"x-amz-date", "X-Amzn-Trace-Id", "X-Forwarded-For", "X-Forwarded-Host", "X-Forwarded-Proto", "Via"}
	for _, h := range reserved {
		if !HTTPAPIReserved(h) {
			t.Errorf("%s is not reserved", h)
		}
	}
	for _, h := range []string{"Host", "Content-Type", "X-Forwarded-Port", "X-Amz", "X-Custom", "Cookie", "Accept"} {
		if HTTPAPIReserved(h) {
			t.Errorf("%s is reserved", h)
		}
	}
}

// TestHTTPAPIForwarded: the Forwarded header sent to back ends (RFC 7239),
// the client's Forwarded and X-Forwarded-* folded in before the gateway's
// own element.
func TestHTTPAPIForwarded(t *testing.T) {
	tests := []struct {
		name string
		in   http.Header
		by   string
		want string
	}{
		{"nothing from the client", http.Header{}, "", "for=192.0.2.1;host=api.example.com;proto=http"},
		{"with by", http.Header{}, "10.0.0.9", "by=10.0.0.9;for=192.0.2.1;host=api.example.com;proto=http"},
		{"client X-Forwarded-*", http.Header{"X-Forwarded-For": {"203.0.113.5"}, "X-Forwarded-Proto": {"https"}}, "",
			"for=203.0.113.5;proto=https, for=192.0.2.1;host=api.example.com;proto=http"},
		{"client Forwarded kept first, IPv6 quoted", http.Header{"Forwarded": {"for=a"}, "X-Forwarded-For": {"2001:db8::1, 203.0.113.5"}}, "",
			`for=a, for="[2001:db8::1]", for=203.0.113.5, for=192.0.2.1;host=api.example.com;proto=http`},
		{"a value that is not a token is quoted", http.Header{"X-Forwarded-Host": {`we"ird host`}, "X-Forwarded-For": {"unknown"}}, "",
			`for=unknown;host="we\"ird host", for=192.0.2.1;host=api.example.com;proto=http`},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			if got := HTTPAPIForwarded(tt.in, tt.by, "192.0.2.1", "api.example.com", "http"); got != tt.want {
				t.Errorf("got  %s\nwant %s", got, tt.want)
			}
		})
	}
}

// TestHTTPAPIHeaders: what passes to the back end and back.
func TestHTTPAPIHeaders(t *testing.T) {
	in := http.Header{"Expect": {"100-continue"}, "Connection": {"close, X-Named"}, "X-Named": {"1"}, "Te": {"trailers"}, "Host": {"h"},
		"Authorization": {"Bearer t"}, "X-Forwarded-For": {"1.2.3.4"}, "Forwarded": {"for=x"}, "Cookie": {"a=b"}}
	got := HTTPAPIRequestHeader(in)
	want := http.Header{"Authorization": {"Bearer t"}, "Cookie": {"a=b"}}
	if len(got) != len(want) || got.Get("Authorization") != "Bearer t" || got.Get("Cookie") != "a=b" {
		t.Errorf("request headers %v, want %v", got, want)
	}
	resp := HTTPAPIResponseHeader(http.Header{"Transfer-Encoding": {"chunked"}, "Date": {"d"}, "Server": {"s"}, "Upgrade": {"x"}})
	if len(resp) != 2 || resp.Get("Date") != "d" || resp.Get("Server") != "s" {
		t.Errorf("response headers %v", resp)
	}
}
