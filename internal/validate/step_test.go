package validate

import (
	"strings"
	"testing"

	"github.com/portico-gw/portico/internal/apidef"
	"github.com/portico-gw/portico/internal/fault"
	"github.com/portico-gw/portico/internal/pipeline"
)

func TestNewEffectiveValidator(t *testing.T) {
	models := map[string]string{"M": `{"type":"object"}`}
	params := map[string]bool{"method.request.querystring.q": true}
	bodyModels := map[string]string{"application/json": "M"}
	tests := []struct {
		name       string
		apiDefault string
		method     apidef.Method
		wantStep   bool
	}{
		{"no validator anywhere", "", apidef.Method{RequestParameters: params, RequestModels: bodyModels}, false},
		{"API default applies", "all", apidef.Method{RequestParameters: params}, true},
		{"method validator wins over the default", "all", apidef.Method{RequestValidator: "none", RequestParameters: params, RequestModels: bodyModels}, false},
		{"method validator without a default", "", apidef.Method{RequestValidator: "params", RequestParameters: params}, true},
		{"params-only validator, only a body model", "params", apidef.Method{RequestModels: bodyModels}, false},
		{"body-only validator, only parameters", "body", apidef.Method{RequestParameters: params}, false},
		{"optional parameters only", "all", apidef.Method{RequestParameters: map[string]bool{"method.request.querystring.q": false}}, false},
		{"body validator with a model", "body", apidef.Method{RequestModels: bodyModels}, true},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			api := testAPI(models)
			api.DefaultValidator = tt.apiDefault
			s, err := New(api, &tt.method)
			if err != nil {
				t.Fatalf("New: %v", err)
			}
			if got := s != nil; got != tt.wantStep {
				t.Errorf("got step %v, want %v", got, tt.wantStep)
			}
		})
	}
}

func TestNewErrors(t *testing.T) {
	api := testAPI(map[string]string{"Bad": `{"type":"nope"}`})
	if _, err := New(api, &apidef.Method{RequestValidator: "missing"}); err == nil || !strings.Contains(err.Error(), `"missing"`) {
		t.Errorf("undefined validator: got %v", err)
	}
	_, err := New(api, &apidef.Method{RequestModels: map[string]string{"application/json": "Bad"}})
	if err == nil || !strings.Contains(err.Error(), `model "Bad" at /type`) {
		t.Errorf("bad model: got %v", err)
	}
	_, err = New(api, &apidef.Method{RequestModels: map[string]string{"application/json": "Nope"}})
	if err == nil || !strings.Contains(err.Error(), `model "Nope"`) {
		t.Errorf("unknown model: got %v", err)
	}
}

func TestStepName(t *testing.T) {
	s := mustStep(t, testAPI(nil), &apidef.Method{RequestParameters: map[string]bool{"method.request.path.p": true}})
	if got := s.Name(); got != "validate" {
		t.Errorf("got %q, want validate", got)
	}
	p := pipeline.New([]pipeline.Step{s}, nil)
	if got := p.StepNames()[0]; got != "validate" {
		t.Errorf("pipeline name: got %q", got)
	}
}

func TestModelByContentType(t *testing.T) {
	api := testAPI(map[string]string{
		"Obj":   `{"type":"object","required":["a"]}`,
		"Arr":   `{"type":"array"}`,
		"Other": `{"type":"object","required":["d"]}`,
	})
	missingA := want{typ: fault.BadRequestBody, detail: `[object has missing required properties (["a"])]`}
	notArray := want{typ: fault.BadRequestBody, detail: `[instance type (object) does not match any allowed primitive type (allowed: ["array"])]`}
	missingD := want{typ: fault.BadRequestBody, detail: `[object has missing required properties (["d"])]`}
	withDefault := mustStep(t, api, &apidef.Method{RequestModels: map[string]string{
		"application/json": "Obj", "Application/X-List": "Arr", "$default": "Other",
	}})
	noDefault := mustStep(t, api, &apidef.Method{RequestModels: map[string]string{"application/json": "Obj"}})
	tests := []struct {
		name string
		s    *Step
		ct   string
		want want
	}{
		{"exact media type", withDefault, "application/json", missingA},
		{"parameters and case are ignored", withDefault, "APPLICATION/JSON; charset=utf-8", missingA},
		{"model key is case-insensitive", withDefault, "application/x-list", notArray},
		{"no Content-Type is application/json", withDefault, "", missingA},
		{"$default for other types", withDefault, "text/plain", missingD},
		{"no match and no $default: not validated", noDefault, "text/plain", want{}},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			t.Parallel()
			checkFault(t, tt.s.Run(t.Context(), request{contentType: tt.ct, body: `{}`}.call()), tt.want)
		})
	}
}

func TestBuiltinEmptyModel(t *testing.T) {
	s := mustStep(t, testAPI(nil), &apidef.Method{RequestModels: map[string]string{"application/json": "Empty"}})
	checkFault(t, s.Run(t.Context(), request{body: `{"any":"thing"}`}.call()), want{})
	checkFault(t, s.Run(t.Context(), request{body: `[]`}.call()), want{typ: fault.BadRequestBody,
		detail: `[instance type (array) does not match any allowed primitive type (allowed: ["object"])]`})
}

func TestBodyTooLarge(t *testing.T) {
	s := mustStep(t, testAPI(map[string]string{"M": `{}`}), &apidef.Method{RequestModels: map[string]string{"application/json": "M"}})
	c := request{}.call()
	c.Body = pipeline.NewBody(strings.NewReader(`{"a":"`+strings.Repeat("x", 100)+`"}`), 64)
	checkFault(t, s.Run(t.Context(), c), want{typ: fault.RequestTooLarge, detail: "-"})
}

func TestNoBodyIsEmptyObject(t *testing.T) {
	s := mustStep(t, testAPI(map[string]string{"M": `{"required":["a"]}`}), &apidef.Method{RequestModels: map[string]string{"application/json": "M"}})
	c := request{}.call()
	c.Body = nil
	checkFault(t, s.Run(t.Context(), c), want{typ: fault.BadRequestBody, detail: `[object has missing required properties (["a"])]`})
}

func TestNewReadsOnlyReachableModels(t *testing.T) {
	api := testAPI(map[string]string{
		"Used":    `{"properties":{"p":{"$ref":"#/definitions/Ref"}}}`,
		"Ref":     `{"type":"string"}`,
		"Broken":  `{"type":`,
		"UsesBad": `{"items":{"$ref":"#/definitions/Broken"}}`,
	})
	if _, err := New(api, &apidef.Method{RequestModels: map[string]string{"application/json": "Used"}}); err != nil {
		t.Errorf("an unrelated broken model failed the method: %v", err)
	}
	_, err := New(api, &apidef.Method{RequestModels: map[string]string{"application/json": "UsesBad"}})
	if err == nil || !strings.Contains(err.Error(), `model "Broken" at /: invalid JSON`) {
		t.Errorf("got %v, want the broken model named", err)
	}
}
