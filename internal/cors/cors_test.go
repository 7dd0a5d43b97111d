package cors

import (
	"net/http"
	"net/http/httptest"
	"strings"
	"testing"

	"github.com/google/go-cmp/cmp"

	"github.com/portico-gw/portico/internal/apidef"
)

// awsExample is the x-amazon-apigateway-cors example of
// https://docs.aws.amazon.com/apigateway/latest/developerguide/api-gateway-swagger-extensions-cors-configuration.html.
func awsExample() *apidef.CORS {
	return &apidef.CORS{
		AllowOrigins:     []string{"https://www.example.com"},
		AllowCredentials: true,
		ExposeHeaders:    []string{"x-apigateway-header", "x-amz-date", "content-type"},
		MaxAge:           3600,
		AllowMethods:     []string{"GET", "OPTIONS", "POST"},
		AllowHeaders:     []string{"x-apigateway-header", "x-amz-date", "content-type"},
	}
}

func mustCompile(t *testing.T, c *apidef.CORS) *Policy {
	t.Helper()
	p, err := Compile(c)
	if err != nil {
		t.Fatalf("Compile: %v", err)
	}
	return p
}

func preflight(origin, method string) *http.Request {
	r := httptest.NewRequest(http.MethodOptions, "/pets", nil)
	if origin != "" {
		r.Header.Set("Origin", origin)
	}
	if method != "" {
		r.Header.Set("Access-Control-Request-Method", method)
	}
	r.Header.Set("Access-Control-Request-Headers", "content-type")
	return r
}

// TestPreflightAWSExample: the gateway answers the preflight with 204 and
// the configured headers (https://docs.aws.amazon.com/apigateway/latest/developerguide/http-api-cors.html).
func TestPreflightAWSExample(t *testing.T) {
	p := mustCompile(t, awsExample())
	status, h, ok := p.Preflight(preflight("https://www.example.com", "POST"))
	if !ok || status != 204 {
		t.Fatalf("Preflight = %d, %v", status, ok)
	}
	want := http.Header{
		"Access-Control-Allow-Origin":      {"https://www.example.com"},
		"Access-Control-Allow-Credentials": {"true"},
		"Access-Control-Allow-Methods":     {"GET,OPTIONS,POST"},
		"Access-Control-Allow-Headers":     {"x-apigateway-header,x-amz-date,content-type"},
		"Access-Control-Max-Age":           {"3600"},
	}
	if diff := cmp.Diff(want, h); diff != "" {
		t.Errorf("preflight headers (-want +got):\n%s", diff)
	}
}

// TestPreflightCases: which requests are preflights, and the answer by
// origin.
func TestPreflightCases(t *testing.T) {
	example := mustCompile(t, awsExample())
	anyOrigin := mustCompile(t, &apidef.CORS{AllowOrigins: []string{"*"}, AllowMethods: []string{"*"}, MaxAge: -1})
	httpsOnly := mustCompile(t, &apidef.CORS{AllowOrigins: []string{"https://*"}, MaxAge: 0})
	tests := []struct {
		name   string
		p      *Policy
		r      *http.Request
		ok     bool
		header http.Header
	}{
		{"no CORS configured", nil, preflight("https://www.example.com", "GET"), false, nil},
		{"OPTIONS without Access-Control-Request-Method is routed", example, preflight("https://www.example.com", ""), false, nil},
		{"OPTIONS without Origin is routed", example, preflight("", "GET"), false, nil},
		{"GET is not a preflight", example, httptest.NewRequest("GET", "/", nil), false, nil},
		{"an origin not allowed gets no CORS headers", example, preflight("https://evil.example", "GET"), true, http.Header{}},
		{"a different port is another origin", example, preflight("https://www.example.com:8443", "GET"), true, http.Header{}},
		{"origins compare without regard to case", example, preflight("https://WWW.example.com", "GET"), true,
			http.Header{"Access-Control-Allow-Origin": {"https://WWW.example.com"}, "Access-Control-Allow-Credentials": {"true"},
				"Access-Control-Allow-Methods": {"GET,OPTIONS,POST"}, "Access-Control-Allow-Headers": {"x-apigateway-header,x-amz-date,content-type"},
				"Access-Control-Max-Age": {"3600"}}},
		{"* answers *; maxAge -1 sends none", anyOrigin, preflight("http://localhost:3000", "DELETE"), true,
			http.Header{"Access-Control-Allow-Origin": {"*"}, "Access-Control-Allow-Methods": {"*"}}},
		{"https://* allows any https origin", httpsOnly, preflight("https://a.b.example:444", "PUT"), true,
			http.Header{"Access-Control-Allow-Origin": {"https://a.b.example:444"}, "Access-Control-Max-Age": {"0"}}},
		{"https://* does not allow http", httpsOnly, preflight("http://a.example", "PUT"), true, http.Header{}},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			status, h, ok := tt.p.Preflight(tt.r)
			if ok != tt.ok {
				t.Fatalf("ok = %v, want %v", ok, tt.ok)
			}
			if !ok {
				return
			}
			if status != 204 {
				t.Errorf("status %d, want 204", status)
			}
			if diff := cmp.Diff(tt.header, h); diff != "" {
				t.Errorf("headers (-want +got):\n%s", diff)
			}
		})
	}
}

// TestDecorate: configured CORS headers on every answer; the integration's
// own CORS headers are ignored.
func TestDecorate(t *testing.T) {
	example := mustCompile(t, awsExample())
	backend := func() http.Header {
		return http.Header{"Content-Type": {"application/json"}, "Access-Control-Allow-Origin": {"*"},
			"access-control-max-age": {"5"}, "Access-Control-Allow-Methods": {"PUT"}}
	}
	tests := []struct {
		name   string
		p      *Policy
		origin string
		want   http.Header
	}{
		{"allowed origin", example, "https://www.example.com", http.Header{"Content-Type": {"application/json"},
			"Access-Control-Allow-Origin": {"https://www.example.com"}, "Access-Control-Allow-Credentials": {"true"},
			"Access-Control-Expose-Headers": {"x-apigateway-header,x-amz-date,content-type"}}},
		{"origin not allowed: the back end's CORS headers are still dropped", example, "https://evil.example",
			http.Header{"Content-Type": {"application/json"}}},
		{"no Origin", example, "", http.Header{"Content-Type": {"application/json"}}},
		{"no CORS configured: the back end's headers stay", nil, "https://www.example.com", backend()},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			req := http.Header{}
			if tt.origin != "" {
				req.Set("Origin", tt.origin)
			}
			resp := backend()
			tt.p.Decorate(req, resp)
			if diff := cmp.Diff(tt.want, resp); diff != "" {
				t.Errorf("headers (-want +got):\n%s", diff)
			}
		})
	}
}

// TestCompileErrors: what AWS refuses, located at the field.
func TestCompileErrors(t *testing.T) {
	loc := apidef.Location{File: "api.yaml", Line: 7, Pointer: "/x-amazon-apigateway-cors"}
	tests := []struct {
		name string
		c    apidef.CORS
		want string
	}{
		{"credentials with *", apidef.CORS{AllowOrigins: []string{"*"}, AllowCredentials: true, MaxAge: -1},
			"api.yaml:7: /x-amazon-apigateway-cors/allowCredentials: allow-credentials is not supported if 'allow-origin' is *"},
		{"partial wildcard", apidef.CORS{AllowOrigins: []string{"https://ok.example", "https://*.example.com"}, MaxAge: -1},
			`api.yaml:7: /x-amazon-apigateway-cors/allowOrigins/1: origin "https://*.example.com": a wildcard is allowed only as "*", "http://*" or "https://*"`},
		{"empty origin", apidef.CORS{AllowOrigins: []string{" "}, MaxAge: -1},
			"api.yaml:7: /x-amazon-apigateway-cors/allowOrigins/0: an origin is empty"},
		{"maxAge too large", apidef.CORS{MaxAge: 86401}, "api.yaml:7: /x-amazon-apigateway-cors/maxAge: maxAge 86401 is out of range (-1 to 86400)"},
		{"maxAge below -1", apidef.CORS{MaxAge: -2}, "maxAge -2 is out of range"},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			c := tt.c
			c.Loc = loc
			_, err := Compile(&c)
			if err == nil || !strings.Contains(err.Error(), tt.want) {
				t.Errorf("error %v, want %q", err, tt.want)
			}
		})
	}
	if p, err := Compile(nil); p != nil || err != nil {
		t.Errorf("Compile(nil) = %v, %v", p, err)
	}
	if _, err := Compile(&apidef.CORS{AllowOrigins: []string{"https://a.example"}, AllowCredentials: true, MaxAge: 86400}); err != nil {
		t.Errorf("valid configuration refused: %v", err)
	}
}
