package validate

import (
	"strings"
	"testing"

	"github.com/portico-gw/portico/internal/apidef"
	"github.com/portico-gw/portico/internal/fault"
)

// kitchen uses every draft-4 keyword the checker implements.
const kitchen = `{
  "$schema": "http://json-schema.org/draft-04/schema#",
  "type": "object",
  "properties": {
    "email": {"type": "string", "format": "email"},
    "age": {"type": "integer", "minimum": 0, "maximum": 150},
    "score": {"type": "number", "minimum": 0, "exclusiveMinimum": true, "maximum": 10, "exclusiveMaximum": true, "multipleOf": 0.5},
    "count": {"type": "integer", "multipleOf": 3},
    "big": {"multipleOf": 3},
    "kind": {"enum": ["dog", "cat", "fish"]},
    "name": {"type": "string", "minLength": 2, "maxLength": 5, "pattern": "^[a-z]+$"},
    "tags": {"type": "array", "minItems": 1, "maxItems": 3, "uniqueItems": true, "items": {"type": "string"}},
    "pair": {"type": "array", "items": [{"type": "string"}, {"type": "integer"}], "additionalItems": false},
    "strict": {"type": "object", "properties": {"a": {}}, "patternProperties": {"^x-": {}}, "additionalProperties": false},
    "sized": {"type": "object", "minProperties": 1, "maxProperties": 2},
    "card": {"type": "object", "dependencies": {"number": ["expiry", "cvv"], "billing": {"required": ["zip"]}}},
    "nullable": {"type": ["string", "null"]},
    "any": {"anyOf": [{"type": "string"}, {"type": "integer"}]},
    "one": {"oneOf": [{"type": "integer"}, {"minimum": 5}]},
    "all": {"allOf": [{"type": "integer"}, {"minimum": 5}]},
    "not": {"not": {"type": "string"}},
    "extra": {"type": "object", "additionalProperties": {"type": "integer"}}
  },
  "required": ["email"]
}`

// TestRequiredOrder: fge sorts "required" when it digests the schema, so
// missing names come out in name order whatever the schema's order.
func TestRequiredOrder(t *testing.T) {
	api := testAPI(map[string]string{"M": `{"required":["zeta","alpha","mid"]}`})
	s := mustStep(t, api, &apidef.Method{RequestModels: map[string]string{"application/json": "M"}})
	checkFault(t, s.Run(t.Context(), request{body: `{"mid":1}`}.call()),
		want{typ: fault.BadRequestBody, detail: `[object has missing required properties (["alpha","zeta"])]`})
}

func TestValidateRequestBody(t *testing.T) {
	api := testAPI(map[string]string{"Kitchen": kitchen})
	s := mustStep(t, api, &apidef.Method{RequestModels: map[string]string{"application/json": "Kitchen"}})
	bad := func(detail string) want { return want{typ: fault.BadRequestBody, detail: detail} }
	tests := []struct {
		name string
		body string
		want want
	}{
		{"valid", `{"email":"a@b.c","age":3,"score":1.5,"kind":"cat","name":"abc","tags":["x"],"pair":["a",1],"card":{"number":1,"expiry":2,"cvv":3},"nullable":null,"any":1,"one":1,"all":7,"not":1,"extra":{"q":1}}`, want{}},
		{"format is not asserted", `{"email":"not an email"}`, want{}},
		{"empty body is validated as {}", ``, bad(`[object has missing required properties (["email"])]`)},
		{"whitespace body is validated as {}", " \n", bad(`[object has missing required properties (["email"])]`)},
		{"required", `{"age":1}`, bad(`[object has missing required properties (["email"])]`)},
		{"members are not checked when the object fails", `{"age":"x"}`, bad(`[object has missing required properties (["email"])]`)},
		{"type", `{"email":"e","age":"x"}`, bad(`[instance type (string) does not match any allowed primitive type (allowed: ["integer"])]`)},
		{"1.0 is a number, not an integer", `{"email":"e","age":1.0}`, bad(`[instance type (number) does not match any allowed primitive type (allowed: ["integer"])]`)},
		{"type list", `{"email":"e","nullable":1}`, bad(`[instance type (integer) does not match any allowed primitive type (allowed: ["null","string"])]`)},
		{"root type", `[]`, bad(`[instance type (array) does not match any allowed primitive type (allowed: ["object"])]`)},
		{"enum", `{"email":"e","kind":"bird"}`, bad(`[instance value ("bird") not found in enum (possible values: ["dog","cat","fish"])]`)},
		{"minimum", `{"email":"e","age":-1}`, bad(`[numeric instance is lower than the required minimum (minimum: 0, found: -1)]`)},
		{"maximum", `{"email":"e","age":151}`, bad(`[numeric instance is greater than the required maximum (maximum: 150, found: 151)]`)},
		{"exclusiveMinimum", `{"email":"e","score":0}`, bad(`[numeric instance is not strictly greater than the required minimum 0]`)},
		{"exclusiveMaximum", `{"email":"e","score":10}`, bad(`[numeric instance is not strictly lower than the required maximum 10]`)},
		{"multipleOf decimal", `{"email":"e","score":1.25}`, bad(`[remainder of division is not zero (1.25 / 0.5)]`)},
		{"multipleOf integer", `{"email":"e","count":7}`, bad(`[remainder of division is not zero (7 / 3)]`)},
		{"minLength", `{"email":"e","name":"a"}`, bad(`[string "a" is too short (length: 1, required minimum: 2)]`)},
		{"maxLength counts code points", `{"email":"e","name":"ééééééé"}`, bad(`[string "ééééééé" is too long (length: 7, maximum allowed: 5), ECMA 262 regex "^[a-z]+$" does not match input string "ééééééé"]`)},
		{"pattern", `{"email":"e","name":"AB"}`, bad(`[ECMA 262 regex "^[a-z]+$" does not match input string "AB"]`)},
		{"minItems", `{"email":"e","tags":[]}`, bad(`[array is too short: must have at least 1 elements but instance has 0 elements]`)},
		{"maxItems", `{"email":"e","tags":["a","b","c","d"]}`, bad(`[array is too long: must have at most 3 elements but instance has 4 elements]`)},
		{"uniqueItems", `{"email":"e","tags":["a","a"]}`, bad(`[array must not contain duplicate elements]`)},
		{"items", `{"email":"e","tags":["a",1]}`, bad(`[instance type (integer) does not match any allowed primitive type (allowed: ["string"])]`)},
		{"additionalItems", `{"email":"e","pair":["a",1,2]}`, bad(`[schema only allows 2 elements in array but instance has 3 elements]`)},
		{"tuple items", `{"email":"e","pair":[1,"a"]}`, bad(`[instance type (integer) does not match any allowed primitive type (allowed: ["string"]), instance type (string) does not match any allowed primitive type (allowed: ["integer"])]`)},
		{"additionalProperties false", `{"email":"e","strict":{"a":1,"x-ok":2,"z":3,"b":4}}`, bad(`[object instance has properties which are not allowed by the schema: ["b","z"]]`)},
		{"additionalProperties schema", `{"email":"e","extra":{"q":"x"}}`, bad(`[instance type (string) does not match any allowed primitive type (allowed: ["integer"])]`)},
		{"minProperties", `{"email":"e","sized":{}}`, bad(`[object has too few properties (found 0 but schema requires at least 1)]`)},
		{"maxProperties", `{"email":"e","sized":{"a":1,"b":2,"c":3}}`, bad(`[object has too many properties (found 3 but schema requires at most 2)]`)},
		{"property dependencies", `{"email":"e","card":{"number":1,"cvv":2}}`, bad(`[property "number" of object has missing property dependencies (schema requires ["cvv","expiry"]; missing: ["expiry"])]`)},
		{"schema dependencies", `{"email":"e","card":{"billing":1}}`, bad(`[object has missing required properties (["zip"])]`)},
		{"anyOf", `{"email":"e","any":1.5}`, bad(`[instance failed to match at least one required schema among 2]`)},
		{"oneOf none", `{"email":"e","one":1.5}`, bad(`[instance failed to match exactly one schema (matched 0 out of 2)]`)},
		{"oneOf both", `{"email":"e","one":6}`, bad(`[instance failed to match exactly one schema (matched 2 out of 2)]`)},
		{"allOf", `{"email":"e","all":3}`, bad(`[instance failed to match all required schemas (matched only 1 out of 2)]`)},
		{"not", `{"email":"e","not":"s"}`, bad(`[instance matched a schema which it should not have]`)},
		{"several errors, members in name order", `{"kind":"bird","age":"x","email":1}`, bad(`[instance type (string) does not match any allowed primitive type (allowed: ["integer"]), instance type (integer) does not match any allowed primitive type (allowed: ["string"]), instance value ("bird") not found in enum (possible values: ["dog","cat","fish"])]`)},
		{"duplicate member: last wins", `{"email":1,"email":"e"}`, want{}},
		{"not JSON", `{"email":`, want{typ: fault.BadRequestBody, detail: "-"}},
		{"trailing data", `{"email":"e"} x`, want{typ: fault.BadRequestBody, detail: "-"}},
		{"invalid UTF-8", "{\"email\":\"\xff\"}", want{typ: fault.BadRequestBody, detail: "-"}},
		{"huge number is just a number", `{"email":"e","age":1` + strings.Repeat("0", 5000) + `}`, bad(`[numeric instance is greater than the required maximum (maximum: 150, found: 1` + strings.Repeat("0", maxQuoted-1) + `...)]`)},
		{"huge exponent", `{"email":"e","age":1e999999999}`, bad(`[numeric instance is greater than the required maximum (maximum: 150, found: 1e999999999), instance type (number) does not match any allowed primitive type (allowed: ["integer"])]`)},
		{"huge exponent against bounds", `{"email":"e","score":1e999999999}`, bad(`[numeric instance is not strictly lower than the required maximum 10]`)},
		{"huge exponent is an exact multiple", `{"email":"e","big":3e999999999}`, want{}},
		{"huge exponent is not a multiple", `{"email":"e","big":1e999999999}`, bad(`[remainder of division is not zero (1e999999999 / 3)]`)},
		{"tiny exponent is not a multiple", `{"email":"e","big":1e-999999999}`, bad(`[remainder of division is not zero (1e-999999999 / 3)]`)},
		{"exponent form of an exact multiple", `{"email":"e","big":0.3e2}`, want{}},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			t.Parallel()
			checkFault(t, s.Run(t.Context(), request{body: tt.body}.call()), tt.want)
		})
	}
}
