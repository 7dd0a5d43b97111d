package openapi

import (
	"encoding/json"
	"fmt"
	"os"
	"reflect"
	"strings"
	"testing"

	"github.com/getkin/kin-openapi/openapi3"
	"go.yaml.in/yaml/v4"
)

// TestKinYAMLReadsAsTheJSON: YAML reads kinYAML's block form as the same
// document as the JSON it replaces, whatever the keys and scalars hold.
func TestKinYAMLReadsAsTheJSON(t *testing.T) {
	t.Parallel()
	doc := map[string]any{
		"openapi": "3.0.1",
		"info":    map[string]any{"title": "a: b # c", "version": "1"},
		"strings": []any{"", " lead", "trail ", "-", "- x", "? x", ": x", "#", "'", `"`, `\`, "yes", "no", "null", "~", "1", "0x1F",
			"1e3", "2016-09-02", "line\nbreak", "tab\there", "<html>&", "ü€😀", "\u2028", "{a: b}", "[1]", "*alias", "&anchor", "!tag", "%directive", "@", "`"},
		"numbers": []any{0, -1, 42, int64(1) << 53, 1.5, -0.25, 1e21, 1e-7, float64(3)},
		"other":   []any{true, false, nil, map[string]any{}, []any{}, []any(nil), map[string]any(nil)},
		"nested":  []any{[]any{[]any{"deep"}, map[string]any{"k": []any{1, map[string]any{"j": "v"}}}}, map[string]any{"a": map[string]any{"b": map[string]any{}}}},
		"keys": map[string]any{"/pets/{id}": 1, "~0/~1": 2, "$ref": "#/x", "a: b": 3, "- k": 4, "": 5, "ü": 6, "x-amazon-apigateway-integration": 7,
			strings.Repeat("k", 2000): "a key longer than YAML's 1,024-character limit on implicit keys"},
		"long": strings.Repeat("v", 100_000),
	}
	j, err := json.Marshal(doc)
	if err != nil {
		t.Fatal(err)
	}
	y, err := kinYAML(doc)
	if err != nil {
		t.Fatal(err)
	}
	var fromJSON, fromYAML any
	if err := yaml.Unmarshal(j, &fromJSON); err != nil {
		t.Fatal(err)
	}
	if err := yaml.Unmarshal(y, &fromYAML); err != nil {
		t.Fatalf("%v\n%s", err, y)
	}
	if !reflect.DeepEqual(fromJSON, fromYAML) {
		t.Errorf("YAML reads the block form differently:\n%s", y)
	}
	for _, v := range []any{map[string]any{}, "text", []any{1}} {
		if got, err := kinYAML(v); err != nil || string(got) != string(must(json.Marshal(v))) {
			t.Errorf("kinYAML(%#v) = %s, %v; want its JSON", v, got, err)
		}
	}
}

func must[T any](v T, err error) T {
	if err != nil {
		panic(err)
	}
	return v
}

// TestKinYAMLLoadsAsTheJSON: kin-openapi loads the example definitions from
// the block form exactly as from their JSON.
func TestKinYAMLLoadsAsTheJSON(t *testing.T) {
	t.Parallel()
	for _, file := range []string{"../../examples/petstore/openapi.yaml", "../../bench/openapi-full.yaml", "../../bench/openapi-validate.yaml"} {
		data, err := os.ReadFile(file)
		if err != nil {
			t.Fatal(err)
		}
		var raw any
		if err := yaml.Unmarshal(data, &raw); err != nil {
			t.Fatal(err)
		}
		doc := normalize(raw)
		j := must(json.Marshal(doc))
		y := must(kinYAML(doc))
		fromJSON, errJ := openapi3.NewLoader().LoadFromData(j)
		fromYAML, errY := openapi3.NewLoader().LoadFromData(y)
		if fmt.Sprint(errJ) != fmt.Sprint(errY) {
			t.Fatalf("%s: loading the JSON: %v; the block form: %v", file, errJ, errY)
		}
		if a, b := must(json.Marshal(fromJSON)), must(json.Marshal(fromYAML)); string(a) != string(b) {
			t.Errorf("%s: kin-openapi loads the block form differently", file)
		}
	}
}

// BenchmarkCheckStructure is kin-openapi's structural check of a
// definition with 1,000 HTTP_PROXY routes (what bench/judge's routes
// scenario imports); -benchmem shows its allocations.
func BenchmarkCheckStructure(b *testing.B) {
	var sb strings.Builder
	sb.WriteString("openapi: \"3.0.1\"\ninfo: {title: routes, version: \"1\"}\npaths:\n")
	for i := range 1000 {
		fmt.Fprintf(&sb, `  /svc%d/pets/{id}:
    get:
      parameters: [{name: id, in: path, required: true, schema: {type: string}}]
      responses: {"200": {description: proxied}}
      x-amazon-apigateway-integration:
        type: http_proxy
        httpMethod: GET
        uri: http://127.0.0.1:9101/pets/{id}
        requestParameters: {integration.request.path.id: method.request.path.id}
`, i)
	}
	data := []byte(sb.String())
	var raw any
	if err := yaml.Unmarshal(data, &raw); err != nil {
		b.Fatal(err)
	}
	root := normalize(raw).(map[string]any)
	b.ReportAllocs()
	for b.Loop() {
		im := &importer{root: root}
		if err := im.checkStructure(); err != nil || len(im.errs) > 0 {
			b.Fatal(err, im.errs)
		}
	}
}
