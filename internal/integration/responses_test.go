package integration

import (
	"net/http"
	"strings"
	"testing"

	"github.com/portico-gw/portico/internal/apidef"
	"github.com/portico-gw/portico/internal/fault"
)

// TestResponseSelection: the back end's status code selects the first
// integration response whose selectionPattern matches it whole, else the
// default one (docs/aws-behaviour.md#integration-responses-and-selection-patterns).
func TestResponseSelection(t *testing.T) {
	responses := []apidef.IntegrationResponse{
		{StatusCode: "200", ResponseTemplates: map[string]string{"application/json": "default"}},
		{SelectionPattern: `4\d{2}`, StatusCode: "400", ResponseTemplates: map[string]string{"application/json": "client"}},
		{SelectionPattern: "404", StatusCode: "404", ResponseTemplates: map[string]string{"application/json": "never: 4\\d{2} comes first"}},
		{SelectionPattern: "50", StatusCode: "502", ResponseTemplates: map[string]string{"application/json": "prefix only"}},
		{SelectionPattern: "5.*", StatusCode: "500", ResponseTemplates: map[string]string{"application/json": "server"}},
		{SelectionPattern: `3\d{2}\Z`, StatusCode: "301", ResponseTemplates: map[string]string{"application/json": "redirect"}},
	}
	tests := []struct {
		backend  int
		status   int
		template string
	}{
		{200, 200, "default"},
		{201, 200, "default"},
		{404, 400, "client"},
		{499, 400, "client"},
		{500, 500, "server"}, // "50" must match the whole status, not a prefix
		{503, 500, "server"},
		{302, 301, "redirect"}, // \Z is Java's end of input
		{600, 200, "default"},
	}
	for _, tt := range tests {
		fake := &fakeBackend{status: tt.backend, body: "ignored"}
		h := newTestHTTP(t, nil, &apidef.Integration{HTTPMethod: "GET", Responses: responses}, fake)
		res, err := callTestHTTP(t, h, newTestCall())
		if err != nil {
			t.Errorf("back end %d: %v", tt.backend, err)
			continue
		}
		if res.Status != tt.status || string(res.Body) != tt.template {
			t.Errorf("back end %d: got %d %q, want %d %q", tt.backend, res.Status, res.Body, tt.status, tt.template)
		}
	}
}

// TestResponseSelectionFailures: no match without a default, and a
// selected status that is not a declared method response, are
// API_CONFIGURATION_ERROR (500 "Internal server error") with AWS's
// execution-log text.
func TestResponseSelectionFailures(t *testing.T) {
	tests := []struct {
		name      string
		method    *apidef.Method
		responses []apidef.IntegrationResponse
		backend   int
		log       string
	}{
		{name: "no match and no default",
			responses: []apidef.IntegrationResponse{{SelectionPattern: "2\\d{2}", StatusCode: "200"}},
			backend:   302,
			log:       "Execution failed due to configuration error: No match for output mapping and no default output mapping configured. Endpoint Response Status Code: 302"},
		{name: "status not a method response",
			method: &apidef.Method{Path: "/pets/{id}", HTTPMethod: "GET",
				MethodResponses: map[string]apidef.MethodResponse{"200": {}}},
			responses: []apidef.IntegrationResponse{{StatusCode: "200"}, {SelectionPattern: "4\\d{2}", StatusCode: "418"}},
			backend:   404,
			log:       "Execution failed due to configuration error: Output mapping refers to an invalid method response: 418"},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			fake := &fakeBackend{status: tt.backend}
			h := newTestHTTP(t, tt.method, &apidef.Integration{HTTPMethod: "GET", Responses: tt.responses}, fake)
			_, err := callTestHTTP(t, h, newTestCall())
			if err == nil {
				t.Fatal("no error")
			}
			got := testShapeOf(t, err)
			if got.Type != fault.APIConfigurationError || got.Status != 500 || got.Message != "Internal server error" {
				t.Errorf("got %+v, want API_CONFIGURATION_ERROR 500 \"Internal server error\"", got)
			}
			if !strings.Contains(got.Text, tt.log) {
				t.Errorf("error %q does not contain %q", got.Text, tt.log)
			}
		})
	}
	// A declared status passes the check.
	m := &apidef.Method{Path: "/pets/{id}", HTTPMethod: "GET", MethodResponses: map[string]apidef.MethodResponse{"200": {}, "418": {}}}
	h := newTestHTTP(t, m, &apidef.Integration{HTTPMethod: "GET",
		Responses: []apidef.IntegrationResponse{{StatusCode: "200"}, {SelectionPattern: "4\\d{2}", StatusCode: "418"}}}, &fakeBackend{status: 404})
	if res, err := callTestHTTP(t, h, newTestCall()); err != nil || res.Status != 418 {
		t.Errorf("declared 418: got %v, %v; want 418", res, err)
	}
}

// TestLambdaErrorSelection: for Lambda integrations the errorMessage
// selects (empty on success), the pattern matching it whole.
func TestLambdaErrorSelection(t *testing.T) {
	rs, err := compileResponses(&apidef.Method{}, []apidef.IntegrationResponse{
		{StatusCode: "200"},
		{SelectionPattern: ".*not found.*", StatusCode: "404"},
		{SelectionPattern: "Bad.*", StatusCode: "400"},
		{SelectionPattern: "timeout", StatusCode: "504"},
	}, staticTestCompiler, binaryMedia{})
	if err != nil {
		t.Fatal(err)
	}
	tests := []struct {
		message string
		status  int
	}{
		{"", 200},
		{"Item not found", 404},
		{"Bad input", 400},
		{"Very Bad input", 200}, // Bad.* must match from the start
		{"timeout", 504},
		{"timeout after 3s", 200}, // and to the end
	}
	for _, tt := range tests {
		r, err := rs.selLambda(tt.message)
		if err != nil {
			t.Errorf("%q: %v", tt.message, err)
			continue
		}
		if r.status != tt.status {
			t.Errorf("%q: got %d, want %d", tt.message, r.status, tt.status)
		}
	}
	noDefault, err := compileResponses(&apidef.Method{}, []apidef.IntegrationResponse{{SelectionPattern: "x", StatusCode: "400"}}, staticTestCompiler, binaryMedia{})
	if err != nil {
		t.Fatal(err)
	}
	if _, err := noDefault.selLambda(""); err == nil || testShapeOf(t, err).Type != fault.APIConfigurationError {
		t.Errorf("no default: got %v, want API_CONFIGURATION_ERROR", err)
	}
}

// TestResponseTemplateByAccept: the response template is chosen by the
// first media type of Accept, else application/json, else the first in
// content-type order; the chosen type is the Content-Type.
func TestResponseTemplateByAccept(t *testing.T) {
	withJSON := map[string]string{"application/json": "json", "application/xml": "xml", "text/plain": "text"}
	withoutJSON := map[string]string{"text/plain": "text", "application/xml": "xml"}
	tests := []struct {
		name      string
		templates map[string]string
		accept    string
		body      string
		ct        string
	}{
		{"no Accept", withJSON, "", "json", "application/json"},
		{"an exact type", withJSON, "application/xml", "xml", "application/xml"},
		{"only the first type counts", withJSON, "text/plain, application/xml", "text", "text/plain"},
		{"parameters are ignored", withJSON, "application/xml; charset=utf-8, text/plain", "xml", "application/xml"},
		{"case is ignored", withJSON, "Application/XML", "xml", "application/xml"},
		{"q values are not weighed", withJSON, "text/plain;q=0.1, application/xml", "text", "text/plain"},
		{"no template for Accept: application/json", withJSON, "text/html", "json", "application/json"},
		{"a wildcard is not matched", withJSON, "*/*", "json", "application/json"},
		{"no application/json: the first", withoutJSON, "text/html", "xml", "application/xml"},
		{"no templates: the body passes, as JSON", nil, "text/plain", "from the back end", "application/json"},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			fake := &fakeBackend{body: "from the back end", header: http.Header{"Content-Type": {"text/csv"}}}
			h := newTestHTTP(t, nil, &apidef.Integration{HTTPMethod: "GET",
				Responses: []apidef.IntegrationResponse{{StatusCode: "200", ResponseTemplates: tt.templates}}}, fake)
			c := newTestCall()
			if tt.accept != "" {
				c.Header.Set("Accept", tt.accept)
			}
			res, err := callTestHTTP(t, h, c)
			if err != nil {
				t.Fatal(err)
			}
			if string(res.Body) != tt.body || res.Header.Get("Content-Type") != tt.ct {
				t.Errorf("got %q as %q, want %q as %q", res.Body, res.Header.Get("Content-Type"), tt.body, tt.ct)
			}
		})
	}
}

// TestResponseParameters: method.response.header.* values from the back
// end's headers and body, static values and context variables; a source
// with no value sets nothing; a mapped Content-Type replaces the template's.
func TestResponseParameters(t *testing.T) {
	fake := &fakeBackend{
		header: http.Header{"X-Up": {"first", "last"}, "Content-Type": {"application/json"}},
		body:   `{"pet":{"name":"Rex","ids":[4,5]}}`,
	}
	h := newTestHTTP(t, nil, &apidef.Integration{HTTPMethod: "GET", Responses: []apidef.IntegrationResponse{{
		StatusCode: "200",
		ResponseParameters: map[string]string{
			"method.response.header.X-Single":       "integration.response.header.X-Up",
			"method.response.header.X-Multi":        "integration.response.multivalueheader.X-Up",
			"method.response.header.X-Name":         "integration.response.body.pet.name",
			"method.response.header.X-Id":           "integration.response.body.pet.ids.1",
			"method.response.header.X-Body":         "integration.response.body",
			"method.response.header.X-Static":       "'fixed'",
			"method.response.header.X-Request":      "context.requestId",
			"method.response.header.X-Missing":      "integration.response.header.X-None",
			"method.response.header.X-Missing-Body": "integration.response.body.pet.none",
			"method.response.header.Content-Type":   "'text/plain'",
		},
		ResponseTemplates: map[string]string{"application/json": "rendered"},
	}}}, fake)
	res, err := callTestHTTP(t, h, newTestCall())
	if err != nil {
		t.Fatal(err)
	}
	want := map[string]string{
		"X-Single": "last", "X-Multi": "first,last", "X-Name": "Rex", "X-Id": "5",
		"X-Body": fake.body, "X-Static": "fixed", "X-Request": "req-1", "Content-Type": "text/plain",
	}
	for k, v := range want {
		if got := res.Header.Get(k); got != v {
			t.Errorf("%s: got %q, want %q", k, got, v)
		}
	}
	for _, k := range []string{"X-Missing", "X-Missing-Body"} {
		if _, ok := res.Header[k]; ok {
			t.Errorf("%s: got %q, want absent", k, res.Header.Get(k))
		}
	}
	if string(res.Body) != "rendered" {
		t.Errorf("body: got %q", res.Body)
	}
}

// TestMockSelection: a MOCK integration's request template gives the
// statusCode that selects the integration response; strict JSON and the
// relaxed {statusCode: 200} that CDK generates both work.
func TestMockSelection(t *testing.T) {
	responses := []apidef.IntegrationResponse{
		{StatusCode: "200", ResponseTemplates: map[string]string{"application/json": "ok"}},
		{SelectionPattern: "404", StatusCode: "404", ResponseTemplates: map[string]string{"application/json": "missing"}},
	}
	tests := []struct {
		name     string
		template map[string]string
		status   int
		body     string
		log      string // an API_CONFIGURATION_ERROR with this text instead
	}{
		{name: "strict JSON", template: map[string]string{"application/json": `{"statusCode": 404}`}, status: 404, body: "missing"},
		{name: "relaxed JSON", template: map[string]string{"application/json": `{statusCode: 404, other: 1}`}, status: 404, body: "missing"},
		{name: "no pattern matches: the default", template: map[string]string{"application/json": `{"statusCode": 201}`}, status: 200, body: "ok"},
		{name: "no request template: the default", status: 200, body: "ok"},
		{name: "no statusCode", template: map[string]string{"application/json": `{"code": 404}`},
			log: "Unable to parse statusCode. It should be an integer that is defined in the request template."},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			m, err := NewMock(&apidef.Method{}, &apidef.Integration{Type: "MOCK", RequestTemplates: tt.template, Responses: responses}, staticTestCompiler)
			if err != nil {
				t.Fatal(err)
			}
			res, err := m.Invoke(t.Context(), newTestCall())
			if tt.log != "" {
				if got := testShapeOf(t, err); got.Type != fault.APIConfigurationError || !strings.Contains(got.Text, tt.log) {
					t.Errorf("got %+v, want API_CONFIGURATION_ERROR with %q", got, tt.log)
				}
				return
			}
			if err != nil {
				t.Fatal(err)
			}
			if res.Status != tt.status || string(res.Body) != tt.body {
				t.Errorf("got %d %q, want %d %q", res.Status, res.Body, tt.status, tt.body)
			}
		})
	}
}
