package openapi

import (
	"fmt"
	"os"
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
	// Only the root's keys are read: the values (and any YAML aliases in
	// them) are never expanded.
	var doc yaml.Node
	if err := yaml.Unmarshal(data, &doc); err != nil {
		return apidef.ProtocolREST, &source.Error{File: file, Message: "not valid YAML or JSON: " + err.Error()}
	}
	if len(doc.Content) != 1 || doc.Content[0].Kind != yaml.MappingNode {
		return apidef.ProtocolREST, &source.Error{File: file, Line: 1, Message: "a definition must be a mapping with an openapi or swagger key"}
	}
	m := doc.Content[0]
	for i := 0; i+1 < len(m.Content); i += 2 {
		if m.Content[i].Value == importExportVersionKey {
			return apidef.ProtocolHTTP, nil
		}
	}
	return apidef.ProtocolREST, nil
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
		return protocolOf(ok)
	}
	return apidef.ProtocolREST
}
