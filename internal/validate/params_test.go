package validate

import (
	"testing"

	"github.com/portico-gw/portico/internal/apidef"
	"github.com/portico-gw/portico/internal/fault"
)

func TestValidateRequestParameters(t *testing.T) {
	m := &apidef.Method{
		HTTPMethod: "POST",
		Path:       "/nested/{test}",
		RequestParameters: map[string]bool{
			"method.request.path.test":              true,
			"method.request.path.issuer":            true, // not in the path: always missing
			"method.request.querystring.qs1":        true,
			"method.request.header.x-header-param":  true,
			"method.request.querystring.optional":   false,
			"method.request.header.X-Also-Optional": false,
		},
		RequestModels: map[string]string{"application/json": "testSchema"},
	}
	api := testAPI(map[string]string{"testSchema": `{"type":"object","required":["a","b"],"properties":{"a":{"type":"number"},"b":{"type":"number"}}}`})
	s := mustStep(t, api, m)
	missing := func(names string) want {
		msg := "Missing required request parameters: [" + names + "]"
		return want{typ: fault.BadRequestParameters, message: msg, detail: msg}
	}
	allPath := map[string]string{"test": "value", "issuer": "me"}
	tests := []struct {
		name string
		req  request
		want want
	}{
		{"nothing sent, ordered header < path < querystring", request{path: map[string]string{"test": "value"}, body: `{"test":"test"}`},
			missing("x-header-param, issuer, qs1")},
		{"only qs1", request{query: "qs1=1", path: allPath}, missing("x-header-param")},
		{"only the header", request{header: map[string]string{"x-header-param": "h"}, path: allPath}, missing("qs1")},
		{"header name is case-insensitive", request{header: map[string]string{"X-HEADER-PARAM": "h"}, query: "qs1=1", path: allPath, body: `{"a":1,"b":2}`}, want{}},
		{"blank query value fails", request{header: map[string]string{"x-header-param": "h"}, query: "qs1=", path: allPath}, missing("qs1")},
		{"whitespace header value fails", request{header: map[string]string{"x-header-param": "  "}, query: "qs1=1", path: allPath}, missing("x-header-param")},
		{"blank path value fails", request{header: map[string]string{"x-header-param": "h"}, query: "qs1=1", path: map[string]string{"test": "", "issuer": "me"}}, missing("test")},
		{"one non-blank among repeated values passes", request{header: map[string]string{"x-header-param": "h"}, query: "qs1=&qs1=x", path: allPath, body: `{"a":1,"b":2}`}, want{}},
		{"parameters are checked before the body", request{query: "qs1=1", path: allPath, body: `{"test":"test"}`}, missing("x-header-param")},
		{"valid parameters, invalid body", request{header: map[string]string{"x-header-param": "h"}, query: "qs1=1", path: allPath, body: `{"test":"test"}`},
			want{typ: fault.BadRequestBody, detail: `[object has missing required properties (["a","b"])]`}},
		{"all valid", request{header: map[string]string{"x-header-param": "h"}, query: "qs1=1", path: allPath, body: `{"a":1,"b":2.5}`}, want{}},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			t.Parallel()
			checkFault(t, s.Run(t.Context(), tt.req.call()), tt.want)
		})
	}
}

func TestHeaderMapNotCanonical(t *testing.T) {
	m := &apidef.Method{RequestParameters: map[string]bool{"method.request.header.x-key": true}}
	s := mustStep(t, testAPI(nil), m)
	c := request{}.call()
	c.Header["x-key"] = []string{"v"} // set by hand, not through Set
	checkFault(t, s.Run(t.Context(), c), want{})
}

func TestMultiValueParams(t *testing.T) {
	m := &apidef.Method{RequestParameters: map[string]bool{
		"method.request.multivalueheader.x-h":     true,
		"method.request.multivaluequerystring.mq": true,
	}}
	s := mustStep(t, testAPI(nil), m)
	msg := "Missing required request parameters: [x-h, mq]"
	checkFault(t, s.Run(t.Context(), request{}.call()), want{typ: fault.BadRequestParameters, message: msg, detail: msg})
	checkFault(t, s.Run(t.Context(), request{header: map[string]string{"X-H": "1"}, query: "mq=2"}.call()), want{})
}

func TestRequiredParamsRejectsBadKeys(t *testing.T) {
	for _, key := range []string{"method.request.body.x", "method.request.header.", "integration.request.header.x", "method.request.path"} {
		m := &apidef.Method{RequestParameters: map[string]bool{key: true}}
		if _, err := New(testAPI(nil), m); err == nil {
			t.Errorf("%s: got no error", key)
		}
	}
}
