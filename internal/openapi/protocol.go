package openapi

import (
	"fmt"
	"os"
	"sort"
	"strings"

	"go.yaml.in/yaml/v4"

	"github.com/portico-gw/portico/internal/apidef"
	"github.com/portico-gw/portico/internal/source"
)

// ImportAs says which kind of API a definition is imported as.
type ImportAs int

// The import kinds. The zero value imports a REST API, as before HTTP APIs
// existed, so a caller that says nothing keeps the REST importer.
const (
	// AsREST imports a REST API (API Gateway's ImportRestApi).
	AsREST ImportAs = iota
	// AsHTTP imports an HTTP API (API Gateway v2's ImportApi).
	AsHTTP
	// AsAuto imports an HTTP API when the document's root holds
	// x-amazon-apigateway-importexport-version (which only API Gateway v2's
	// export writes), a REST API otherwise.
	AsAuto
)

// String is "REST", "HTTP" or "auto".
func (a ImportAs) String() string {
	switch a {
	case AsHTTP:
		return "HTTP"
	case AsAuto:
		return "auto"
	}
	return "REST"
}

// ParseImportAs reads "REST", "HTTP" or "auto" (any case; "" is REST) and
// reports whether s is one of them.
func ParseImportAs(s string) (ImportAs, bool) {
	switch strings.ToUpper(strings.TrimSpace(s)) {
	case "", "REST":
		return AsREST, true
	case "HTTP":
		return AsHTTP, true
	case "AUTO":
		return AsAuto, true
	}
	return AsREST, false
}

// importExportVersionKey marks an HTTP API definition: API Gateway v2
// writes it into every export, and its import reads it
// (https://docs.aws.amazon.com/apigateway/latest/developerguide/api-gateway-extensions-importexport-version.html).
const importExportVersionKey = "x-amazon-apigateway-importexport-version"

// Detect reports which kind of API a definition describes: HTTP when its
// root holds x-amazon-apigateway-importexport-version, REST otherwise. The
// error is for data that is not a YAML or JSON mapping; nothing else in the
// document is checked (Import does that).
func Detect(file string, data []byte) (apidef.Protocol, error) {
	if len(data) > MaxDocumentBytes {
		return apidef.ProtocolREST, &source.Error{File: file, Message: "definition exceeds 6 MB"}
	}
	// The root's keys first: a document without the export marker is a REST
	// API, whatever its values hold (and their YAML aliases are never
	// expanded).
	var doc yaml.Node
	if err := source.UnmarshalYAML(data, &doc); err != nil {
		return apidef.ProtocolREST, &source.Error{File: file, Message: "not valid YAML or JSON: " + err.Error()}
	}
	if len(doc.Content) != 1 || doc.Content[0].Kind != yaml.MappingNode {
		return apidef.ProtocolREST, &source.Error{File: file, Line: 1, Message: "a definition must be a mapping with an openapi or swagger key"}
	}
	marked := false
	m := doc.Content[0]
	for i := 0; i+1 < len(m.Content); i += 2 {
		marked = marked || m.Content[i].Value == importExportVersionKey
	}
	if !marked {
		return apidef.ProtocolREST, nil
	}
	// Marked: an HTTP API unless its integrations are a REST API's. A
	// document that cannot be decoded is left to the import to report.
	var raw any
	if err := source.UnmarshalYAML(data, &raw); err != nil {
		return apidef.ProtocolHTTP, nil
	}
	root, ok := normalize(raw).(map[string]any)
	if !ok {
		return apidef.ProtocolHTTP, nil
	}
	return resolveProtocol(AsAuto, root), nil
}

// DetectFile is Detect on the file at path.
func DetectFile(path string) (apidef.Protocol, error) {
	st, err := os.Stat(path)
	if err != nil {
		return apidef.ProtocolREST, fmt.Errorf("read definition: %w", err)
	}
	if st.Size() > MaxDocumentBytes {
		return apidef.ProtocolREST, &source.Error{File: path, Message: fmt.Sprintf("definition is %d bytes; the limit is %d (6 MB)", st.Size(), MaxDocumentBytes)}
	}
	data, err := os.ReadFile(path)
	if err != nil {
		return apidef.ProtocolREST, fmt.Errorf("read definition: %w", err)
	}
	return Detect(path, data)
}

func protocolOf(http bool) apidef.Protocol {
	if http {
		return apidef.ProtocolHTTP
	}
	return apidef.ProtocolREST
}

// resolveProtocol applies the caller's choice to a decoded document.
func resolveProtocol(as ImportAs, root map[string]any) apidef.Protocol {
	switch as {
	case AsHTTP:
		return apidef.ProtocolHTTP
	case AsAuto:
		_, ok := root[importExportVersionKey]
		return protocolOf(ok && restShape(root) == "")
	}
	return apidef.ProtocolREST
}

// restShape names what makes a document marked as an HTTP API export a REST
// API all the same ("" when nothing does): Swagger 2.0, which HTTP APIs do
// not import, or an integration only REST APIs have (type aws, http or
// mock, REST-style integration.request.* parameters, mapping templates).
// Templates copied from REST projects often carry the export marker; auto
// detection then imports them as the REST APIs they are, with a warning.
func restShape(root map[string]any) string {
	if root["swagger"] != nil {
		return "it is Swagger 2.0 (HTTP APIs import OpenAPI 3 only)"
	}
	paths, _ := root["paths"].(map[string]any)
	for _, p := range sortedKeysOf(paths) {
		item, _ := paths[p].(map[string]any)
		for _, op := range sortedKeysOf(item) {
			o, _ := item[op].(map[string]any)
			in, _ := o["x-amazon-apigateway-integration"].(map[string]any)
			if in == nil {
				continue
			}
			if t, _ := in["type"].(string); t != "" {
				switch strings.ToLower(t) {
				case "aws", "http", "mock":
					return fmt.Sprintf("%s %s has a %s integration", strings.ToUpper(op), p, strings.ToLower(t))
				}
			}
			if in["requestTemplates"] != nil {
				return fmt.Sprintf("%s %s has mapping templates", strings.ToUpper(op), p)
			}
			rp, _ := in["requestParameters"].(map[string]any)
			for k := range rp {
				if strings.HasPrefix(k, "integration.request.") {
					return fmt.Sprintf("%s %s maps %s", strings.ToUpper(op), p, k)
				}
			}
		}
	}
	return ""
}

func sortedKeysOf(m map[string]any) []string {
	out := make([]string, 0, len(m))
	for k := range m {
		out = append(out, k)
	}
	sort.Strings(out)
	return out
}
