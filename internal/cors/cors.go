// Package cors is an HTTP API's CORS configuration (x-amazon-apigateway-cors,
// the Cors object of
// https://docs.aws.amazon.com/apigatewayv2/latest/api-reference/apis-apiid.html)
// compiled into a Policy that answers preflight requests and decorates
// every other answer, as API Gateway does for HTTP APIs
// (https://docs.aws.amazon.com/apigateway/latest/developerguide/http-api-cors.html):
//
//   - When CORS is configured, API Gateway answers preflight OPTIONS
//     requests itself, whether or not an OPTIONS route exists; the
//     integration never sees them (Preflight).
//   - To every other answer it adds the configured CORS headers, and it
//     ignores the CORS headers the integration returned (Decorate).
//
// It is a leaf: it imports only apidef.
package cors

import (
	"fmt"
	"net/http"
	"strconv"
	"strings"

	"github.com/portico-gw/portico/internal/apidef"
)

// MaxAge bounds of the Cors object (apigatewayv2 API reference: Cors.maxAge,
// -1 to 86400).
const (
	minMaxAge = -1
	maxMaxAge = 86400
)

// Policy is a compiled CORS configuration. It is immutable and safe for
// concurrent use; a nil *Policy is "no CORS configured": Preflight answers
// nothing and Decorate changes nothing.
type Policy struct {
	anyOrigin   bool            // "*"
	origins     map[string]bool // exact origins, lower case
	schemes     []string        // "https://" for "https://*", lower case
	credentials bool
	expose      string // Access-Control-Expose-Headers, "" for none
	maxAge      string // Access-Control-Max-Age, "" for none
	methods     string // Access-Control-Allow-Methods, "" for none
	headers     string // Access-Control-Allow-Headers, "" for none
}

// Error is a CORS configuration AWS refuses, located at the field.
type Error struct {
	Loc apidef.Location
	Msg string
}

func (e *Error) Error() string {
	var b strings.Builder
	if e.Loc.File != "" {
		b.WriteString(e.Loc.File)
		if e.Loc.Line > 0 {
			b.WriteString(":" + strconv.Itoa(e.Loc.Line))
		}
		b.WriteString(": ")
	}
	if e.Loc.Pointer != "" {
		b.WriteString(e.Loc.Pointer + ": ")
	}
	b.WriteString(e.Msg)
	return b.String()
}

// Compile checks and compiles a CORS configuration; nil c gives a nil
// Policy. AWS's refusals are errors: allowCredentials with a "*" origin
// (AWS: "allow-credentials is not supported if 'allow-origin' is *"), a
// maxAge outside -1 to 86400, an empty origin, and a wildcard anywhere but
// "*", "http://*" and "https://*" (AWS documents only these; partial
// wildcards such as "https://*.example.com" are refused, UNCONFIRMED:
// docs/differences.md#unconfirmed-choices).
func Compile(c *apidef.CORS) (*Policy, error) {
	if c == nil {
		return nil, nil
	}
	at := func(field string) apidef.Location {
		l := c.Loc
		l.Pointer += "/" + field
		return l
	}
	p := &Policy{origins: map[string]bool{}, credentials: c.AllowCredentials}
	for i, o := range c.AllowOrigins {
		lo := strings.ToLower(strings.TrimSpace(o))
		switch {
		case lo == "":
			return nil, &Error{at("allowOrigins/" + strconv.Itoa(i)), "an origin is empty"}
		case lo == "*":
			p.anyOrigin = true
		case lo == "http://*" || lo == "https://*":
			p.schemes = append(p.schemes, strings.TrimSuffix(lo, "*"))
		case strings.Contains(lo, "*"):
			return nil, &Error{at("allowOrigins/" + strconv.Itoa(i)),
				fmt.Sprintf("origin %q: a wildcard is allowed only as \"*\", \"http://*\" or \"https://*\"", o)}
		default:
			p.origins[lo] = true
		}
	}
	if p.anyOrigin && p.credentials {
		return nil, &Error{at("allowCredentials"), "allow-credentials is not supported if 'allow-origin' is *"}
	}
	if c.MaxAge < minMaxAge || c.MaxAge > maxMaxAge {
		return nil, &Error{at("maxAge"), fmt.Sprintf("maxAge %d is out of range (-1 to 86400)", c.MaxAge)}
	}
	if c.MaxAge >= 0 {
		p.maxAge = strconv.Itoa(c.MaxAge)
	}
	p.expose = join(c.ExposeHeaders)
	p.methods = join(c.AllowMethods)
	p.headers = join(c.AllowHeaders)
	return p, nil
}

// join lists the configured values as CORS headers carry them:
// comma-separated without spaces, in the configured order and spelling,
// blanks left out (UNCONFIRMED: docs/differences.md#unconfirmed-choices).
func join(vs []string) string {
	out := make([]string, 0, len(vs))
	for _, v := range vs {
		if v = strings.TrimSpace(v); v != "" {
			out = append(out, v)
		}
	}
	return strings.Join(out, ",")
}

// allowOrigin is the Access-Control-Allow-Origin value for a request's
// Origin: "*" when any origin is allowed, the origin itself when it is
// listed (compared without regard to case) or its scheme is allowed
// ("https://*"), "" when it is not allowed.
func (p *Policy) allowOrigin(origin string) string {
	if origin == "" {
		return ""
	}
	if p.anyOrigin {
		return "*"
	}
	lo := strings.ToLower(origin)
	if p.origins[lo] {
		return origin
	}
	for _, s := range p.schemes {
		if strings.HasPrefix(lo, s) && len(lo) > len(s) {
			return origin
		}
	}
	return ""
}

// IsPreflight reports whether r is a CORS preflight request: OPTIONS with
// an Origin and an Access-Control-Request-Method.
func IsPreflight(r *http.Request) bool {
	return r.Method == http.MethodOptions && r.Header.Get("Origin") != "" && r.Header.Get("Access-Control-Request-Method") != ""
}

// Preflight answers a preflight request as the gateway does when CORS is
// configured: ok is false (nothing to answer here; route the request as
// usual) when p is nil or r is not a preflight. Otherwise the answer is 204
// with no body; when the Origin is allowed it carries
// Access-Control-Allow-Origin, and as configured
// Access-Control-Allow-Credentials, -Allow-Methods, -Allow-Headers and
// -Max-Age. A preflight from an origin that is not allowed gets 204 without
// CORS headers, so the browser refuses the call (UNCONFIRMED:
// docs/differences.md#unconfirmed-choices).
func (p *Policy) Preflight(r *http.Request) (status int, header http.Header, ok bool) {
	if p == nil || !IsPreflight(r) {
		return 0, nil, false
	}
	h := http.Header{}
	if ao := p.allowOrigin(r.Header.Get("Origin")); ao != "" {
		h.Set("Access-Control-Allow-Origin", ao)
		if p.credentials {
			h.Set("Access-Control-Allow-Credentials", "true")
		}
		if p.methods != "" {
			h.Set("Access-Control-Allow-Methods", p.methods)
		}
		if p.headers != "" {
			h.Set("Access-Control-Allow-Headers", p.headers)
		}
		if p.maxAge != "" {
			h.Set("Access-Control-Max-Age", p.maxAge)
		}
	}
	return http.StatusNoContent, h, true
}

// Decorate applies the policy to an answer (respHeader) to a request whose
// headers are reqHeader: every Access-Control-* header the integration set
// is removed (AWS: "If you configure CORS for an API, API Gateway ignores
// CORS headers returned from your backend integration"); then, when the
// request's Origin is allowed, Access-Control-Allow-Origin and, as
// configured, Access-Control-Expose-Headers and
// Access-Control-Allow-Credentials are added. A nil policy changes nothing.
// respHeader must be the (non-nil) header about to be written: a nil map
// cannot take the headers, and is left alone.
func (p *Policy) Decorate(reqHeader, respHeader http.Header) {
	if p == nil || respHeader == nil {
		return
	}
	for k := range respHeader {
		if len(k) >= len("access-control-") && strings.EqualFold(k[:len("access-control-")], "access-control-") {
			delete(respHeader, k)
		}
	}
	ao := p.allowOrigin(reqHeader.Get("Origin"))
	if ao == "" {
		return
	}
	respHeader.Set("Access-Control-Allow-Origin", ao)
	if p.expose != "" {
		respHeader.Set("Access-Control-Expose-Headers", p.expose)
	}
	if p.credentials {
		respHeader.Set("Access-Control-Allow-Credentials", "true")
	}
}
