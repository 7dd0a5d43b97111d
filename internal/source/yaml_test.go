package source

import (
	"encoding/json"
	"fmt"
	"reflect"
	"strings"
	"testing"

	"go.yaml.in/yaml/v4"
)

// TestUnmarshalYAMLReadsAsYAML: documents, JSON or not, read as
// yaml.Unmarshal reads them, the same values on the same lines, and
// documents yaml.Unmarshal refuses are refused with its error.
func TestUnmarshalYAMLReadsAsYAML(t *testing.T) {
	t.Parallel()
	docs := []string{
		`{"openapi": "3.0.1", "paths": {"/a": {"get": {"parameters": [{"name": "id", "in": "path"}]}}}}`,
		"{\n  \"a\": [1, 2.5, true, null, \"x\"],\n  \"b\": {\"c\": {}}\n}\n",
		`[{"a": 1}, [2, [3]], "s"]`,
		"{a: 1, b: [x, y]}  # a YAML flow mapping\n",
		"{a: 1}: b\n",          // a flow mapping as the first key: read as written
		"[a, b]: c\nd: e\n",    // the same with a sequence
		"openapi: 3.0.1\n",     // not JSON: untouched
		"{\"a\": 1\n",          // not a document
		"{\"a\": 1}\nb: 2\n",   // content after the document
		"{\"a\": 1, \"a\": 2}", // a duplicate key
		"",
	}
	for _, doc := range docs {
		var want, got any
		wantErr := yaml.Unmarshal([]byte(doc), &want)
		gotErr := UnmarshalYAML([]byte(doc), &got)
		if fmt.Sprint(gotErr) != fmt.Sprint(wantErr) || !reflect.DeepEqual(got, want) {
			t.Errorf("%q: got %#v, %v; want %#v, %v", doc, got, gotErr, want, wantErr)
		}
		var wantNode, gotNode yaml.Node
		_ = yaml.Unmarshal([]byte(doc), &wantNode)
		_ = UnmarshalYAML([]byte(doc), &gotNode)
		if w, g := lines(&wantNode), lines(&gotNode); w != g {
			t.Errorf("%q: lines %s, want %s", doc, g, w)
		}
	}
}

func lines(n *yaml.Node) string {
	var b strings.Builder
	var walk func(*yaml.Node)
	walk = func(n *yaml.Node) {
		fmt.Fprintf(&b, "%d:%s ", n.Line, n.Value)
		for _, c := range n.Content {
			walk(c)
		}
	}
	walk(n)
	return b.String()
}

// TestUnmarshalYAMLStructAfterRetry: a struct is filled only by the read
// that is returned, never partly by the attempt with the marker.
func TestUnmarshalYAMLStructAfterRetry(t *testing.T) {
	t.Parallel()
	var got struct{ A, B string }
	err := UnmarshalYAML([]byte("{A: x}: y\n"), &got)
	var want struct{ A, B string }
	wantErr := yaml.Unmarshal([]byte("{A: x}: y\n"), &want)
	if fmt.Sprint(err) != fmt.Sprint(wantErr) || got != want {
		t.Errorf("got %+v, %v; want %+v, %v", got, err, want, wantErr)
	}
}

// BenchmarkUnmarshalYAMLJSON reads a 1,000-route definition written as
// JSON; -benchmem shows what the document start saves (compare
// yaml.Unmarshal on the same bytes).
func BenchmarkUnmarshalYAMLJSON(b *testing.B) {
	paths := map[string]any{}
	for i := range 1000 {
		paths[fmt.Sprintf("/svc%d/pets/{id}", i)] = map[string]any{"get": map[string]any{
			"parameters": []any{map[string]any{"name": "id", "in": "path", "required": true, "schema": map[string]any{"type": "string"}}},
			"responses":  map[string]any{"200": map[string]any{"description": "proxied"}},
			"x-amazon-apigateway-integration": map[string]any{"type": "http_proxy", "httpMethod": "GET",
				"uri": "http://127.0.0.1:9101/pets/{id}", "requestParameters": map[string]any{"integration.request.path.id": "method.request.path.id"}},
		}}
	}
	data, err := json.MarshalIndent(map[string]any{"openapi": "3.0.1", "info": map[string]any{"title": "routes", "version": "1"}, "paths": paths}, "", "  ")
	if err != nil {
		b.Fatal(err)
	}
	b.ReportAllocs()
	for b.Loop() {
		var v any
		if err := UnmarshalYAML(data, &v); err != nil {
			b.Fatal(err)
		}
	}
}
