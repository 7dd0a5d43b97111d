package openapi

import (
	"bytes"
	"encoding/json"
	"maps"
	"slices"
	"strings"
)

// kinYAML encodes the document for kin-openapi's loader, which reads every
// document as YAML. Handed JSON, the loader holds the whole definition in
// memory as tokens: go.yaml.in/yaml/v4 keeps each token of a flow
// collection ({...}, [...]) queued until the collection closes, because
// the collection might turn out to be a mapping key. A 1,000-route
// definition took some 70 MB that way (docs/architecture.md#memory).
//
// kinYAML writes the same values in block style instead, one mapping or
// sequence entry a line, where the scanner keeps a line's tokens at most.
// Each key and scalar is written as its JSON literal (json.Marshal's own
// encoding, keys in its order), which YAML reads as the same scalar, so the
// loader decodes exactly what it decoded from the JSON; only empty
// collections and values other than the map[string]any and []any of a
// decoded document stay JSON, which is valid YAML flow.
func kinYAML(v any) ([]byte, error) {
	if m, ok := v.(map[string]any); !ok || len(m) == 0 {
		return json.Marshal(v)
	}
	var b bytes.Buffer
	err := writeBlock(&b, v, 0)
	return b.Bytes(), err
}

// writeBlock writes the entries of a non-empty mapping or sequence, each on
// its own line at the indent.
func writeBlock(b *bytes.Buffer, v any, indent int) error {
	pad := strings.Repeat(" ", indent)
	switch t := v.(type) {
	case map[string]any:
		for _, k := range slices.Sorted(maps.Keys(t)) {
			key, err := json.Marshal(k)
			if err != nil {
				return err
			}
			b.WriteString(pad)
			b.Write(key)
			b.WriteByte(':')
			if err := writeEntry(b, t[k], indent); err != nil {
				return err
			}
		}
	case []any:
		for _, e := range t {
			b.WriteString(pad)
			b.WriteByte('-')
			if err := writeEntry(b, e, indent); err != nil {
				return err
			}
		}
	}
	return nil
}

// writeEntry writes what follows "key:" or "-": a non-empty mapping or
// sequence on the next lines, indented, or else the value's JSON on this
// line.
func writeEntry(b *bytes.Buffer, v any, indent int) error {
	switch t := v.(type) {
	case map[string]any:
		if len(t) > 0 {
			b.WriteByte('\n')
			return writeBlock(b, t, indent+2)
		}
	case []any:
		if len(t) > 0 {
			b.WriteByte('\n')
			return writeBlock(b, t, indent+2)
		}
	}
	j, err := json.Marshal(v)
	if err != nil {
		return err
	}
	b.WriteByte(' ')
	b.Write(j)
	b.WriteByte('\n')
	return nil
}
