package source

import (
	"reflect"

	"go.yaml.in/yaml/v4"
)

// UnmarshalYAML is yaml.Unmarshal for documents that may be JSON. A
// document whose first byte opens a JSON object or array is read with an
// explicit document start ("--- ") put before it on its first line, so
// line numbers stay the document's: go.yaml.in/yaml/v4 keeps every token
// of a flow collection that might turn out to be a mapping key queued
// until the collection closes, and the outermost object of a JSON document
// is such a collection, so the whole document was held as tokens (a
// 1,000-route definition: 84 MB allocated rather than 13 MB;
// docs/architecture.md#memory). After "---" no key can start there, so the
// document reads the same; should it not read (a YAML document whose
// first key is a flow collection, {a: 1}: b), it is read as it is.
func UnmarshalYAML(data []byte, v any) error {
	if len(data) > 0 && (data[0] == '{' || data[0] == '[') {
		marked := append([]byte("--- "), data...)
		if err := yaml.Unmarshal(marked, v); err == nil {
			return nil
		}
		if p := reflect.ValueOf(v); p.Kind() == reflect.Pointer && !p.IsNil() {
			p.Elem().SetZero() // nothing of the failed attempt remains
		}
	}
	return yaml.Unmarshal(data, v)
}
