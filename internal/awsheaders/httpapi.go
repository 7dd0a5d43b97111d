package awsheaders

import (
	"net/http"
	"strings"
)

// HTTPAPIRule is what an HTTP API (API Gateway v2) does with one header
// name. HTTP APIs have rules of their own, apart from the REST API's Rules:
// no x-amzn-Remapped- renaming, X-Forwarded-* folded into a standard
// Forwarded header, and a documented list of reserved headers that
// parameter mappings may not touch.
type HTTPAPIRule struct {
	// Dropped: the client's header is not passed to an HTTP_PROXY back end.
	Dropped bool
	// Forwarded: the client's header is folded into the Forwarded header
	// the gateway sends (and not passed on as it is).
	Forwarded bool
	// ResponseDropped: a back end's response header is not passed to the
	// client (hop-by-hop; the edge does its own framing).
	ResponseDropped bool
	// Reserved: a request or response parameter mapping may not target
	// the header.
	Reserved bool
	// Source is where the rule comes from.
	Source string
}

// Sources of the HTTP API rules.
const (
	srcHTTPAPIReserved = "https://docs.aws.amazon.com/apigateway/latest/developerguide/http-api-parameter-mapping.html#http-api-mapping-reserved-headers"
	srcHTTPAPINotes    = "https://docs.aws.amazon.com/apigateway/latest/developerguide/api-gateway-known-issues.html (HTTP APIs translate X-Forwarded-* into Forwarded)"
	srcHopByHop        = "hop-by-hop, RFC 9110 section 7.6.1"
	srcFraming         = "message framing: the gateway sets its own"
)

// HTTPAPIRules is the one table of HTTP API header rules, by canonical
// header name (http.CanonicalHeaderKey). A header not listed is passed on
// both ways and may be mapped, unless a reserved prefix
// (HTTPAPIReservedPrefixes) covers it.
//
// "Trailers" is the spelling of AWS's reserved list; "Trailer", the header's
// real name, is reserved as well.
var HTTPAPIRules = map[string]HTTPAPIRule{
	"Authorization":       {Reserved: true, Source: srcHTTPAPIReserved},
	"Connection":          {Dropped: true, ResponseDropped: true, Reserved: true, Source: srcHTTPAPIReserved + "; " + srcHopByHop},
	"Content-Encoding":    {Reserved: true, Source: srcHTTPAPIReserved},
	"Content-Length":      {Dropped: true, ResponseDropped: true, Reserved: true, Source: srcHTTPAPIReserved + "; " + srcFraming},
	"Content-Location":    {Reserved: true, Source: srcHTTPAPIReserved},
	"Expect":              {Dropped: true, Source: "the gateway answers the client's 100-continue itself; " + srcHopByHop},
	"Forwarded":           {Forwarded: true, Reserved: true, Source: srcHTTPAPIReserved + "; " + srcHTTPAPINotes},
	"Host":                {Dropped: true, Source: "the back end's own host is sent; the client's is in Forwarded: " + srcHTTPAPINotes},
	"Keep-Alive":          {Dropped: true, ResponseDropped: true, Reserved: true, Source: srcHTTPAPIReserved + "; " + srcHopByHop},
	"Origin":              {Reserved: true, Source: srcHTTPAPIReserved},
	"Proxy-Authenticate":  {Reserved: true, Source: srcHTTPAPIReserved},
	"Proxy-Authorization": {Reserved: true, Source: srcHTTPAPIReserved},
	"Proxy-Connection":    {Dropped: true, ResponseDropped: true, Source: srcHopByHop},
	"Te":                  {Dropped: true, ResponseDropped: true, Reserved: true, Source: srcHTTPAPIReserved + "; " + srcHopByHop},
	"Trailer":             {Dropped: true, ResponseDropped: true, Reserved: true, Source: srcHTTPAPIReserved + "; " + srcHopByHop},
	"Trailers":            {Reserved: true, Source: srcHTTPAPIReserved},
	"Transfer-Encoding":   {Dropped: true, ResponseDropped: true, Reserved: true, Source: srcHTTPAPIReserved + "; " + srcHopByHop},
	"Upgrade":             {Dropped: true, ResponseDropped: true, Reserved: true, Source: srcHTTPAPIReserved + "; " + srcHopByHop},
	"Via":                 {Reserved: true, Source: srcHTTPAPIReserved},
	"X-Forwarded-For":     {Forwarded: true, Reserved: true, Source: srcHTTPAPIReserved + "; " + srcHTTPAPINotes},
	"X-Forwarded-Host":    {Forwarded: true, Reserved: true, Source: srcHTTPAPIReserved + "; " + srcHTTPAPINotes},
	"X-Forwarded-Proto":   {Forwarded: true, Reserved: true, Source: srcHTTPAPIReserved + "; " + srcHTTPAPINotes},
	"X-Forwarded-Port":    {Forwarded: true, Source: srcHTTPAPINotes},
}

// HTTPAPIReservedPrefixes are the lower-case name prefixes AWS reserves
// from HTTP API parameter mappings, besides the names of HTTPAPIRules
// (srcHTTPAPIReserved: access-control-*, apigw-*, x-amz-*, x-amzn-*).
var HTTPAPIReservedPrefixes = []string{"access-control-", "apigw-", "x-amz-", "x-amzn-"}

// HTTPAPIReserved reports whether an HTTP API parameter mapping may not
// target header name (any spelling).
func HTTPAPIReserved(name string) bool {
	if HTTPAPIRules[http.CanonicalHeaderKey(name)].Reserved {
		return true
	}
	lower := strings.ToLower(name)
	for _, p := range HTTPAPIReservedPrefixes {
		if strings.HasPrefix(lower, p) {
			return true
		}
	}
	return false
}

// HTTPAPIRequestHeader copies the client's headers for an HTTP API
// HTTP_PROXY back end: without the ones HTTPAPIRules drops or folds into
// Forwarded, and without the ones the client's Connection header names.
// The caller adds Forwarded (HTTPAPIForwarded).
func HTTPAPIRequestHeader(in http.Header) http.Header {
	out := copyKept(in, func(k string) bool {
		r := HTTPAPIRules[http.CanonicalHeaderKey(k)]
		return !r.Dropped && !r.Forwarded
	})
	for _, c := range in.Values("Connection") {
		for f := range strings.SplitSeq(c, ",") {
			out.Del(strings.TrimSpace(f))
		}
	}
	return out
}

// HTTPAPIResponseHeader copies a back end's response headers for the
// client, without the ones HTTPAPIRules drops from responses.
func HTTPAPIResponseHeader(in http.Header) http.Header {
	out := make(http.Header, len(in))
	for k, vs := range in {
		if HTTPAPIRules[http.CanonicalHeaderKey(k)].ResponseDropped {
			continue
		}
		out[k] = vs
	}
	return out
}

// HTTPAPIForwarded is the Forwarded header (RFC 7239) an HTTP API sends its
// back end: the client's own Forwarded elements, then one "for=" element
// per address of the client's X-Forwarded-For (with the client's
// X-Forwarded-Host and X-Forwarded-Proto on the last of them), then the
// gateway's own element: by (the gateway, when known), for (the caller),
// host (the Host the client sent) and proto.
func HTTPAPIForwarded(in http.Header, by, sourceIP, host, proto string) string {
	var b strings.Builder
	sep := func() {
		if b.Len() > 0 {
			b.WriteString(", ")
		}
	}
	for _, v := range in.Values("Forwarded") {
		if v = strings.TrimSpace(v); v != "" {
			sep()
			b.WriteString(v)
		}
	}
	var fors []string
	for _, v := range in.Values("X-Forwarded-For") {
		for a := range strings.SplitSeq(v, ",") {
			if a = strings.TrimSpace(a); a != "" {
				fors = append(fors, a)
			}
		}
	}
	xHost := strings.TrimSpace(in.Get("X-Forwarded-Host"))
	xProto := strings.TrimSpace(in.Get("X-Forwarded-Proto"))
	for i, a := range fors {
		sep()
		b.WriteString("for=")
		b.WriteString(forwardedNode(a))
		if i == len(fors)-1 {
			if xHost != "" {
				b.WriteString(";host=")
				b.WriteString(forwardedValue(xHost))
			}
			if xProto != "" {
				b.WriteString(";proto=")
				b.WriteString(forwardedValue(xProto))
			}
		}
	}
	sep()
	if by != "" {
		b.WriteString("by=")
		b.WriteString(forwardedNode(by))
		b.WriteByte(';')
	}
	b.WriteString("for=")
	b.WriteString(forwardedNode(sourceIP))
	if host != "" {
		b.WriteString(";host=")
		b.WriteString(forwardedValue(host))
	}
	b.WriteString(";proto=")
	b.WriteString(forwardedValue(proto))
	return b.String()
}

// forwardedNode renders a node (an address) as RFC 7239 section 6 wants
// it: an IPv6 address in brackets and quotes, anything that is not a token
// quoted.
func forwardedNode(a string) string {
	if strings.Count(a, ":") >= 2 && !strings.HasPrefix(a, "[") {
		return `"[` + a + `]"`
	}
	return forwardedValue(a)
}

// forwardedValue is v as a token when it is one, else a quoted string.
func forwardedValue(v string) string {
	for i := 0; i < len(v); i++ {
		if !isTokenChar(v[i]) {
			return `"` + strings.NewReplacer(`\`, `\\`, `"`, `\"`).Replace(v) + `"`
		}
	}
	if v == "" {
		return `""`
	}
	return v
}

// isTokenChar reports whether c is a tchar of RFC 9110 section 5.6.2.
func isTokenChar(c byte) bool {
	switch {
	case 'a' <= c && c <= 'z', 'A' <= c && c <= 'Z', '0' <= c && c <= '9':
		return true
	}
	return strings.IndexByte("!#$%&'*+-.^_`|~", c) >= 0
}
