package awsheaders

import (
	"net/http"
	"strings"
)

// The functions below apply the Rules table; none lists header names of
// its own.

// IllegalMappedHeader reports integration.request.header targets that make
// every call fail with 500 (docs/aws-behaviour.md#illegal-header-mappings);
// lambda widens the set for AWS and AWS_PROXY integrations.
func IllegalMappedHeader(name string, lambda bool) bool {
	switch Rules[http.CanonicalHeaderKey(name)].Illegal {
	case IllegalAlways:
		return true
	case IllegalForLambda:
		return lambda
	}
	return false
}

// SetMappedHeaders applies integration.request.header.* values (canonical
// keys) to a request for an HTTP or HTTP_PROXY back end, each as its
// Rule.Mapped says; a name without a rule replaces what would otherwise be
// sent.
func SetMappedHeaders(req *http.Request, mapped http.Header) {
	for k, vs := range mapped {
		switch Rules[k].Mapped {
		case MapHost:
			if len(vs) > 0 && vs[0] != "" {
				req.Host = vs[0]
			}
		case MapNotSent:
		case MapLowerCase:
			req.Header[strings.ToLower(k)] = vs
		default:
			req.Header[k] = vs
		}
	}
}

// ProxyRequestHeader copies the client's headers for HTTP_PROXY, minus the
// ones dropped there (Rule.Dropped) and the ones the client's Connection
// header names. The caller adds the gateway's own (Rule.Added).
func ProxyRequestHeader(in http.Header) http.Header {
	out := copyKept(in, func(k string) bool { return !Dropped(k, ProxyRequest) })
	for _, c := range in.Values("Connection") {
		for _, f := range strings.Split(c, ",") {
			out.Del(strings.TrimSpace(f))
		}
	}
	return out
}

// ProxyResponseHeader applies the HTTP_PROXY response rules
// (Rule.ProxyResponse) to a back end's response headers.
func ProxyResponseHeader(in http.Header) http.Header {
	return responseHeader(in, func(r Rule) Action { return r.ProxyResponse })
}

// LambdaResponseHeader applies the Lambda proxy response rules
// (Rule.LambdaResponse) to a function's response headers.
func LambdaResponseHeader(in http.Header) http.Header {
	return responseHeader(in, func(r Rule) Action { return r.LambdaResponse })
}

// HTTPAPILambdaResponseHeader is an HTTP API's rule for a function's
// response headers: they pass as the function wrote them, with no
// x-amzn-Remapped- renaming, except the hop-by-hop headers, which belong
// to the client's connection (RFC 9110 section 7.6.1;
// docs/aws-behaviour.md#http-api-lambda-response-payload-20).
func HTTPAPILambdaResponseHeader(in http.Header) http.Header {
	out := make(http.Header, len(in))
	for k, vs := range in {
		switch http.CanonicalHeaderKey(k) {
		case "Connection", "Keep-Alive", "Proxy-Connection", "Te", "Trailer", "Transfer-Encoding", "Upgrade":
			continue
		}
		out[k] = vs
	}
	return out
}

// responseHeader copies in, dropping or renaming x-amzn-Remapped-{name}
// each header as action says; the others keep their spelling.
func responseHeader(in http.Header, action func(Rule) Action) http.Header {
	out := make(http.Header, len(in))
	for k, vs := range in {
		ck := http.CanonicalHeaderKey(k)
		switch r := Rules[ck]; action(r) {
		case Drop:
		case Remap:
			key, ok := remappedKey[ck]
			if !ok {
				key = "x-amzn-Remapped-" + remapName(ck, r)
			}
			out[key] = vs
		default:
			out[k] = vs
		}
	}
	return out
}

// SetMethodResponseHeader sets a mapped method-response header, renamed
// x-amzn-Remapped-{canonical name} when its Rule.MethodResponse says so.
func SetMethodResponseHeader(h http.Header, name, value string) {
	ck := http.CanonicalHeaderKey(name)
	if Rules[ck].MethodResponse == Remap {
		key, ok := remappedCanonicalKey[ck]
		if !ok {
			key = "x-amzn-Remapped-" + ck
		}
		h[key] = []string{value}
		return
	}
	h.Set(name, value)
}

// ForwardedFor is the client's X-Forwarded-For (prior) with the caller
// appended, as API Gateway's front end passes it on to proxies and proxy
// events (docs/aws-behaviour.md#headers-sent-to-the-back-end).
func ForwardedFor(prior, sourceIP string) string {
	if prior != "" {
		return prior + ", " + sourceIP
	}
	return sourceIP
}

// remapName is the spelling after x-amzn-Remapped- in proxy and Lambda
// responses.
func remapName(ck string, r Rule) string {
	if r.RemapName != "" {
		return r.RemapName
	}
	return ck
}

// remappedKey (proxy and Lambda responses) and remappedCanonicalKey
// (method responses) are the x-amzn-Remapped- header keys, by canonical
// name, made once from Rules rather than per response.
var remappedKey, remappedCanonicalKey = func() (map[string]string, map[string]string) {
	byName, canonical := map[string]string{}, map[string]string{}
	for ck, r := range Rules {
		byName[ck] = "x-amzn-Remapped-" + remapName(ck, r)
		canonical[ck] = "x-amzn-Remapped-" + ck
	}
	return byName, canonical
}()

// copyKept copies the headers of in that keep accepts, their values in one
// backing array; each header's slice is capped, so an append to one never
// writes into the next. A header with no values is copied as nil.
func copyKept(in http.Header, keep func(k string) bool) http.Header {
	out := make(http.Header, len(in))
	n := 0
	for k, vs := range in {
		if keep(k) {
			n += len(vs)
		}
	}
	all := make([]string, 0, n)
	for k, vs := range in {
		if !keep(k) {
			continue
		}
		if len(vs) == 0 {
			out[k] = nil
			continue
		}
		i := len(all)
		all = append(all, vs...)
		out[k] = all[i:len(all):len(all)]
	}
	return out
}
