package awsheaders

import (
	"net/http"
	"strings"
	"testing"

	"github.com/google/go-cmp/cmp"
)

func TestRulesAreCanonicalAndSourced(t *testing.T) {
	for k, r := range Rules {
		if k != http.CanonicalHeaderKey(k) {
			t.Errorf("%q is not a canonical key; lookups by canonical key would miss it", k)
		}
		if r.Source == "" {
			t.Errorf("%s has no source", k)
		}
		if r == (Rule{Source: r.Source}) {
			t.Errorf("%s has a source but no rule", k)
		}
	}
}

func TestDropped(t *testing.T) {
	for _, tt := range []struct {
		name string
		at   Place
		want bool
	}{
		{"Content-Md5", ProxyRequest, true},
		{"Content-Md5", ProxyEvent, true},
		{"Content-Md5", InputParams, true},
		{"Host", InputParams, true},
		{"Via", ProxyRequest, true},
		{"Via", ProxyEvent, false},
		{"Content-Encoding", ProxyRequest, true},
		{"Content-Encoding", InputParams, false},
		{"Authorization", ProxyEvent, false},
		{"X-Custom", ProxyRequest, false},
	} {
		if got := Dropped(tt.name, tt.at); got != tt.want {
			t.Errorf("Dropped(%s, %b) = %v, want %v", tt.name, tt.at, got, tt.want)
		}
	}
}

func TestIllegalMappedHeader(t *testing.T) {
	for _, tt := range []struct {
		name          string
		http, lambdas bool
	}{
		{"content-length", true, true},
		{"Transfer-Encoding", true, true},
		{"authorization", false, true},
		{"Connection", false, true},
		{"TE", false, true},
		{"Expect", false, true},
		{"Proxy-Authenticate", false, true},
		{"Via", false, false},
		{"X-Custom", false, false},
	} {
		if got := IllegalMappedHeader(tt.name, false); got != tt.http {
			t.Errorf("IllegalMappedHeader(%s, http) = %v", tt.name, got)
		}
		if got := IllegalMappedHeader(tt.name, true); got != tt.lambdas {
			t.Errorf("IllegalMappedHeader(%s, lambda) = %v", tt.name, got)
		}
	}
}

func TestSetMappedHeaders(t *testing.T) {
	req, _ := http.NewRequest("GET", "http://backend.example/x", nil)
	req.Header = http.Header{"X-Custom": {"client"}}
	mapped := http.Header{}
	for _, k := range []string{"Host", "Connection", "Expect", "Proxy-Authenticate", "Te", "Via", "Trailer", "X-Custom", "User-Agent"} {
		mapped.Set(k, "mapped-"+strings.ToLower(k))
	}
	SetMappedHeaders(req, mapped)
	if req.Host != "mapped-host" {
		t.Errorf("Host = %q", req.Host)
	}
	want := http.Header{"trailer": {"mapped-trailer"}, "X-Custom": {"mapped-x-custom"}, "User-Agent": {"mapped-user-agent"}}
	if d := cmp.Diff(want, req.Header); d != "" {
		t.Errorf("headers (-want +got):\n%s", d)
	}
}

func TestProxyRequestHeader(t *testing.T) {
	in := http.Header{
		"Connection": {"keep-alive, X-Hop"}, "X-Hop": {"1"}, "Content-Length": {"3"}, "Content-Encoding": {"gzip"},
		"Via": {"1.1 proxy"}, "Keep-Alive": {"timeout=5"}, "Expect": {"100-continue"}, "Host": {"h"},
		"Authorization": {"Bearer t"}, "X-Custom": {"a", "b"}, "X-Forwarded-Port": {"8443"},
	}
	want := http.Header{"Authorization": {"Bearer t"}, "X-Custom": {"a", "b"}, "X-Forwarded-Port": {"8443"}}
	if d := cmp.Diff(want, ProxyRequestHeader(in)); d != "" {
		t.Errorf("(-want +got):\n%s", d)
	}
}

func TestResponseHeaders(t *testing.T) {
	in := http.Header{
		"server": {"upstream"}, "x-amzn-requestid": {"r1"}, "Date": {"d"}, "Content-Length": {"7"}, "Connection": {"close"},
		"Transfer-Encoding": {"chunked"}, "Via": {"1.1 v"}, "Keep-Alive": {"timeout=5"}, "Content-Encoding": {"gzip"},
		"WWW-Authenticate": {"Basic"}, "content-type": {"text/plain"},
	}
	remapped := http.Header{
		"x-amzn-Remapped-Server": {"upstream"}, "x-amzn-Remapped-x-amzn-RequestId": {"r1"}, "x-amzn-Remapped-Date": {"d"},
		"x-amzn-Remapped-Content-Length": {"7"}, "x-amzn-Remapped-Connection": {"close"},
		"Content-Encoding": {"gzip"}, "WWW-Authenticate": {"Basic"}, "content-type": {"text/plain"},
	}
	if d := cmp.Diff(remapped, ProxyResponseHeader(in)); d != "" {
		t.Errorf("HTTP_PROXY (-want +got):\n%s", d)
	}
	// A Lambda proxy response keeps Via and Keep-Alive.
	remapped["Via"], remapped["Keep-Alive"] = []string{"1.1 v"}, []string{"timeout=5"}
	if d := cmp.Diff(remapped, LambdaResponseHeader(in)); d != "" {
		t.Errorf("Lambda (-want +got):\n%s", d)
	}
}

func TestSetMethodResponseHeader(t *testing.T) {
	h := http.Header{}
	for _, k := range []string{"user-agent", "Date", "Via", "Content-Type", "x-amzn-RequestId", "TE"} {
		SetMethodResponseHeader(h, k, "v-"+k)
	}
	want := http.Header{
		"x-amzn-Remapped-User-Agent": {"v-user-agent"}, "x-amzn-Remapped-Date": {"v-Date"},
		"x-amzn-Remapped-X-Amzn-Requestid": {"v-x-amzn-RequestId"},
		"Via":                              {"v-Via"}, "Content-Type": {"v-Content-Type"}, "Te": {"v-TE"},
	}
	if d := cmp.Diff(want, h); d != "" {
		t.Errorf("(-want +got):\n%s", d)
	}
}

func TestForwardedFor(t *testing.T) {
	if got := ForwardedFor("", "10.0.0.1"); got != "10.0.0.1" {
		t.Errorf("got %q", got)
	}
	if got := ForwardedFor("1.2.3.4", "10.0.0.1"); got != "1.2.3.4, 10.0.0.1" {
		t.Errorf("got %q", got)
	}
}

func TestHTTPAPILambdaResponseHeader(t *testing.T) {
	in := http.Header{"x-amzn-RequestId": {"fn"}, "Date": {"d"}, "server": {"s"}, "Connection": {"close"},
		"transfer-encoding": {"chunked"}, "content-type": {"text/plain"}, "Set-Cookie": {"a=1", "b=2"}}
	want := http.Header{"x-amzn-RequestId": {"fn"}, "Date": {"d"}, "server": {"s"}, "content-type": {"text/plain"}, "Set-Cookie": {"a=1", "b=2"}}
	if d := cmp.Diff(want, HTTPAPILambdaResponseHeader(in)); d != "" {
		t.Errorf("(-want +got):\n%s", d)
	}
}

func TestHTTPAPIEventDropsOnlyHopByHop(t *testing.T) {
	for _, tt := range []struct {
		name string
		want bool
	}{
		{"Connection", true}, {"Te", true}, {"Upgrade", true}, {"Host", true},
		{"Content-Length", false}, {"Content-Md5", false}, {"Via", false}, {"Www-Authenticate", false}, {"Cookie", false},
	} {
		if got := Dropped(tt.name, HTTPAPIEvent); got != tt.want {
			t.Errorf("Dropped(%s, HTTPAPIEvent) = %v, want %v", tt.name, got, tt.want)
		}
	}
}
