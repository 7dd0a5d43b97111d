package deploy

import (
	"strings"
	"testing"

	"github.com/portico-gw/portico/internal/apidef"
)

func TestLint(t *testing.T) {
	t.Parallel()
	method := func(path, verb string, declared []string, in apidef.Integration) *apidef.Method {
		m := &apidef.Method{Path: path, HTTPMethod: verb, RequestParameters: map[string]bool{}, Integration: &in}
		for _, d := range declared {
			m.RequestParameters[d] = false
		}
		return m
	}
	cases := []struct {
		name string
		m    *apidef.Method
		want []string // substrings, one per expected warning, in order
	}{
		{"declared and path sources are fine",
			method("/a/{id}", "GET", []string{"method.request.querystring.q", "method.request.header.X-Trace"}, apidef.Integration{Type: apidef.TypeHTTP, URI: "http://h/{id}/${stageVariables.v}",
				RequestParameters: map[string]string{"integration.request.querystring.q": "method.request.multivaluequerystring.q",
					"integration.request.header.t": "method.request.header.x-trace", "integration.request.path.id": "method.request.path.id",
					"integration.request.header.s": "'static'", "integration.request.header.c": "context.requestId"}}), nil},
		{"undeclared sources",
			method("/a", "GET", nil, apidef.Integration{Type: apidef.TypeHTTP, URI: "http://h/",
				RequestParameters: map[string]string{"integration.request.header.a": "method.request.header.X-Nope", "integration.request.querystring.b": "method.request.multivaluequerystring.b", "integration.request.path.c": "method.request.path.c"}}),
			[]string{"method.request.header.X-Nope is not a declared", "method.request.path.c is not a declared", "declare method.request.querystring.b"}},
		{"placeholders",
			method("/p/{proxy+}", "ANY", nil, apidef.Integration{Type: apidef.TypeHTTPProxy, URI: "http://h/{proxy}/{mapped}/{nothing+}",
				RequestParameters: map[string]string{"integration.request.path.mapped": "'x'"}}),
			[]string{"placeholder {nothing} has no integration.request.path.nothing mapping"}},
		{"aws_proxy with GET",
			method("/f", "GET", nil, apidef.Integration{Type: apidef.TypeAWSProxy, HTTPMethod: "GET", URI: "arn:aws:apigateway:us-east-1:lambda:path/2015-03-31/functions/arn:aws:lambda:us-east-1:1:function:F/invocations"}),
			[]string{`must use httpMethod POST, not "GET"`}},
	}
	for _, c := range cases {
		got := Lint(&apidef.RestAPI{Methods: []*apidef.Method{c.m}}, LintEnv{HasFunction: func(string) bool { return true }, IAMCredentials: true})
		if len(got) != len(c.want) {
			t.Errorf("%s: %d warnings, want %d: %+v", c.name, len(got), len(c.want), got)
			continue
		}
		for i, w := range c.want {
			if !strings.Contains(got[i].Message, w) {
				t.Errorf("%s: warning %d is %q, want it to contain %q", c.name, i, got[i].Message, w)
			}
		}
	}
}
