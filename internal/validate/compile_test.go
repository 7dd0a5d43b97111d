package validate

import (
	"errors"
	"strings"
	"testing"

	"github.com/portico-gw/portico/internal/apidef"
	"github.com/portico-gw/portico/internal/fault"
)

func TestRefForms(t *testing.T) {
	api := testAPI(map[string]string{
		"Name":   `{"type":"string","minLength":1}`,
		"Parts":  `{"definitions":{"Local":{"type":"integer"}},"properties":{"name":{"type":"string","maxLength":3}}}`,
		"ByDefs": `{"properties":{"v":{"$ref":"#/definitions/Name"}}}`,
		"ByComp": `{"properties":{"v":{"$ref":"#/components/schemas/Name"}}}`,
		"ByURL":  `{"properties":{"v":{"$ref":"https://apigateway.amazonaws.com/restapis/a1b2c3/models/Name"}}}`,
		"ByFrag": `{"properties":{"v":{"$ref":"https://apigateway.amazonaws.com/restapis/x/models/Parts#/properties/name"}}}`,
		"ByPath": `{"properties":{"v":{"$ref":"#/definitions/Parts/properties/name"}}}`,
		"Local":  `{"definitions":{"Name":{"type":"integer"}},"properties":{"v":{"$ref":"#/definitions/Name"}}}`,
	})
	tests := []struct {
		model, body, detail string
	}{
		{"ByDefs", `{"v":""}`, `[string "" is too short (length: 0, required minimum: 1)]`},
		{"ByComp", `{"v":""}`, `[string "" is too short (length: 0, required minimum: 1)]`},
		{"ByURL", `{"v":""}`, `[string "" is too short (length: 0, required minimum: 1)]`},
		{"ByFrag", `{"v":"abcd"}`, `[string "abcd" is too long (length: 4, maximum allowed: 3)]`},
		{"ByPath", `{"v":"abcd"}`, `[string "abcd" is too long (length: 4, maximum allowed: 3)]`},
		{"Local", `{"v":"s"}`, `[instance type (string) does not match any allowed primitive type (allowed: ["integer"])]`},
	}
	for _, tt := range tests {
		t.Run(tt.model, func(t *testing.T) {
			s := mustStep(t, api, &apidef.Method{RequestModels: map[string]string{"application/json": tt.model}})
			checkFault(t, s.Run(t.Context(), request{body: tt.body}.call()), want{typ: fault.BadRequestBody, detail: tt.detail})
		})
	}
}

func TestRecursiveModels(t *testing.T) {
	api := testAPI(map[string]string{
		"Person":     `{"type":"object","required":["name"],"properties":{"name":{"type":"string"},"house":{"$ref":"#/definitions/House"}}}`,
		"House":      `{"type":"object","properties":{"owners":{"type":"array","items":{"$ref":"#/definitions/Person"}}}}`,
		"testSchema": `{"type":"object","required":["a","b"],"properties":{"a":{"type":"number"},"b":{"type":"number"}}}`,
		"testSchemaList": `{"type":"array","items":{"oneOf":[{"type":"null"},` +
			`{"$ref":"https://apigateway.amazonaws.com/restapis/abc123/models/testSchema"}]}}`,
	})
	person := mustStep(t, api, &apidef.Method{RequestModels: map[string]string{"application/json": "Person"}})
	list := mustStep(t, api, &apidef.Method{RequestModels: map[string]string{"application/json": "testSchemaList"}})
	tests := []struct {
		name string
		s    *Step
		body string
		want want
	}{
		{"valid nesting", person, `{"name":"a","house":{"owners":[{"name":"b","house":{"owners":[]}}]}}`, want{}},
		{"invalid nested item", person, `{"name":"a","house":{"owners":[{"name":"b","house":{"owners":[{}]}}]}}`,
			want{typ: fault.BadRequestBody, detail: `[object has missing required properties (["name"])]`}},
		{"oneOf null or ref: valid", list, `[null,{"a":1,"b":2}]`, want{}},
		{"oneOf null or ref: invalid", list, `[null,{"a":1}]`,
			want{typ: fault.BadRequestBody, detail: `[instance failed to match exactly one schema (matched 0 out of 2)]`}},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			checkFault(t, tt.s.Run(t.Context(), request{body: tt.body}.call()), tt.want)
		})
	}
}

func TestValidationLoop(t *testing.T) {
	api := testAPI(map[string]string{"Loop": `{"allOf":[{"$ref":"#/definitions/Loop"}]}`})
	s := mustStep(t, api, &apidef.Method{RequestModels: map[string]string{"application/json": "Loop"}})
	err := s.Run(t.Context(), request{body: `{}`}.call())
	checkFault(t, err, want{typ: fault.BadRequestBody, detail: "-"})
	if got := err.(*fault.Error).Vars[VarValidationError]; !strings.Contains(got, "instance failed to match all required schemas") {
		t.Errorf("got %s", got)
	}
}

func TestCheckModels(t *testing.T) {
	api := &apidef.RestAPI{Models: map[string][]byte{
		"Good":     []byte(`{"type":"object","properties":{"p":{"$ref":"#/definitions/Other"}}}`),
		"Other":    []byte(`{"type":"string"}`),
		"Dangling": []byte(`{"properties":{"owner":{"$ref":"#/definitions/Nope"}}}`),
		"External": []byte(`{"items":[{"$ref":"http://example.com/schema.json"}]}`),
		"NotJSON":  []byte(`{"type":`),
		"BadKw":    []byte(`{"properties":{"n":{"minLength":-1}}}`),
		"BadRegex": []byte(`{"properties":{"n":{"pattern":"("}}}`),
		"CycleA":   []byte(`{"$ref":"#/definitions/CycleB"}`),
		"CycleB":   []byte(`{"$ref":"#/definitions/CycleA"}`),
		"BadFrag":  []byte(`{"$ref":"#/definitions/Other/properties/missing"}`),
	}}
	wants := []string{
		`model "BadFrag" at /$ref: $ref target Other#/properties/missing not found`,
		`model "BadKw" at /properties/n/minLength: not a valid draft-4 schema`,
		`model "BadRegex" at /properties/n/pattern: not a valid draft-4 schema`,
		`$ref cycle`,
		`$ref cycle`,
		`model "Dangling" at /properties/owner/$ref: $ref "#/definitions/Nope" does not resolve: no model named "Nope"`,
		`model "External" at /items/0/$ref: $ref "http://example.com/schema.json" does not resolve`,
		`model "NotJSON" at /: invalid JSON`,
	}
	errs := CheckModels(api)
	if len(errs) != len(wants) {
		t.Fatalf("got %d errors, want %d: %v", len(errs), len(wants), errors.Join(errs...))
	}
	for i, w := range wants {
		if !strings.Contains(errs[i].Error(), w) {
			t.Errorf("error %d:\ngot  %v\nwant it to contain %s", i, errs[i], w)
		}
		if _, ok := errors.AsType[*ModelError](errs[i]); !ok {
			t.Errorf("error %d is not a *ModelError: %T", i, errs[i])
		}
	}
	delete(api.Models, "Dangling")
	for _, name := range []string{"External", "NotJSON", "BadKw", "BadRegex", "CycleA", "CycleB", "BadFrag"} {
		delete(api.Models, name)
	}
	if errs := CheckModels(api); errs != nil {
		t.Errorf("good models: got %v", errs)
	}
}
