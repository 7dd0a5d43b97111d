package awsheaders

import (
	"net/http"
	"strings"
)

// This file holds every rule about which request and response headers
// API Gateway passes on, drops or renames, as recorded from AWS (LocalStack
// snapshots test_apigateway_header_remapping_http and
// test_apigateway_header_remapping_aws, recorded 2024-12-11).

// NeverForwarded reports whether a client request header (canonical key)
// never reaches any integration: it is not in an AWS_PROXY event, not
// passed through HTTP_PROXY, and "" in $input.params(). Host is listed
// because the edge keeps the real Host apart (pipeline.Call.Host).
func NeverForwarded(k string) bool {
	switch k {
	case "Connection", "Content-Length", "Content-Md5", "Expect", "Max-Forwards",
		"Proxy-Authenticate", "Server", "Te", "Transfer-Encoding", "Trailer",
		"Upgrade", "Www-Authenticate", "Host", "Keep-Alive", "Proxy-Connection":
		return true
	}
	return false
}

// IllegalMappedHeader reports integration.request.header targets that make
// every call fail with 500 (aws-recordings.md §5.9); lambda widens the set
// for AWS and AWS_PROXY integrations.
func IllegalMappedHeader(name string, lambda bool) bool {
	switch http.CanonicalHeaderKey(name) {
	case "Content-Length", "Transfer-Encoding":
		return true
	case "Authorization", "Connection", "Expect", "Proxy-Authenticate", "Te":
		return lambda
	}
	return false
}

// SetMappedHeaders applies integration.request.header.* values to a
// request for an HTTP or HTTP_PROXY back end, as recorded from AWS:
// a Host mapping sets the request's host; Connection, Expect,
// Proxy-Authenticate, TE and Via are never sent; every other name,
// Trailer included, replaces what would otherwise be sent.
func SetMappedHeaders(req *http.Request, mapped http.Header) {
	for k, vs := range mapped {
		switch k {
		case "Host":
			if len(vs) > 0 && vs[0] != "" {
				req.Host = vs[0]
			}
		case "Connection", "Expect", "Proxy-Authenticate", "Te", "Via":
		case "Trailer":
			// net/http writes a Trailer header only for chunked bodies
			// with trailers; a key outside its canonical form is written
			// as is, so the mapped value reaches the back end.
			req.Header["trailer"] = vs
		default:
			req.Header[k] = vs
		}
	}
}

// ProxyRequestHeader copies the client's headers for HTTP_PROXY, minus the
// ones AWS never forwards, plus the forwarding headers.
func ProxyRequestHeader(in http.Header) http.Header {
	out := make(http.Header, len(in))
	for k, vs := range in {
		if NeverForwarded(k) || k == "Content-Encoding" || k == "Via" {
			continue
		}
		out[k] = append([]string(nil), vs...)
	}
	for _, c := range in.Values("Connection") {
		for _, f := range strings.Split(c, ",") {
			out.Del(strings.TrimSpace(f))
		}
	}
	return out
}

// RemappedAlways are back-end response headers renamed to
// x-amzn-Remapped-<name> for every integration type.
func RemappedAlways(name string) bool {
	switch name {
	case "Connection", "Content-Length", "Date", "Server", "X-Amzn-Requestid":
		return true
	}
	return false
}

// RemappedNonProxy are the extra method-response headers renamed for
// non-proxy (HTTP, AWS) integrations (aws-recordings.md §5.9).
func RemappedNonProxy(name string) bool {
	switch name {
	case "Authorization", "Content-Md5", "Expect", "Host", "Max-Forwards", "Proxy-Authenticate",
		"Trailer", "Upgrade", "User-Agent", "Www-Authenticate":
		return true
	}
	return false
}

// ProxyResponseHeader applies the HTTP_PROXY response rules: remap
// Connection, Content-Length, Date, Server and x-amzn-RequestId; drop
// Transfer-Encoding and Via. Content-Encoding is kept so a compressed body
// stays readable (README: differences from AWS).
func ProxyResponseHeader(in http.Header) http.Header {
	out := make(http.Header, len(in))
	for k, vs := range in {
		ck := http.CanonicalHeaderKey(k)
		switch {
		case ck == "Transfer-Encoding" || ck == "Via" || ck == "Keep-Alive":
		case RemappedAlways(ck):
			out["x-amzn-Remapped-"+RemapName(k)] = vs
		default:
			out[k] = vs
		}
	}
	return out
}

// RemapName keeps AWS's spelling of the remapped names.
func RemapName(k string) string {
	if strings.EqualFold(k, "x-amzn-requestid") {
		return "x-amzn-RequestId"
	}
	return http.CanonicalHeaderKey(k)
}

// SetMethodResponseHeader sets a mapped method-response header, renamed per
// the non-proxy remapping rules.
func SetMethodResponseHeader(h http.Header, name, value string) {
	ck := http.CanonicalHeaderKey(name)
	if RemappedAlways(ck) || RemappedNonProxy(ck) {
		h["x-amzn-Remapped-"+ck] = []string{value}
		return
	}
	h.Set(name, value)
}

// ForwardedFor is the client's X-Forwarded-For (prior) with the caller
// appended, as API Gateway's front end passes it on to proxies and proxy
// events.
func ForwardedFor(prior, sourceIP string) string {
	if prior != "" {
		return prior + ", " + sourceIP
	}
	return sourceIP
}
