package integration

import (
	"encoding/json"

	"github.com/portico-gw/portico/internal/pipeline"
)

// AuthorizerRequestEvent renders a REQUEST authorizer's input event: the
// proxy event's fields (without the body) plus type and methodArn
// (aws-reference.md §6.1).
func AuthorizerRequestEvent(c *pipeline.Call, methodArn string) ([]byte, error) {
	raw, err := buildEvent(c, nil, false)
	if err != nil {
		return nil, err
	}
	var ev map[string]any
	if err := json.Unmarshal(raw, &ev); err != nil {
		return nil, err
	}
	delete(ev, "body")
	delete(ev, "isBase64Encoded")
	ev["type"] = "REQUEST"
	ev["methodArn"] = methodArn
	return json.Marshal(ev)
}
