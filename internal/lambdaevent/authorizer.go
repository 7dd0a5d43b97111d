package lambdaevent

import (
	"context"
	"encoding/json"

	"github.com/portico-gw/portico/internal/pipeline"
)

// AuthorizerTokenEvent renders a TOKEN authorizer's input event:
// {"authorizationToken", "methodArn", "type": "TOKEN"}
// (https://docs.aws.amazon.com/apigateway/latest/developerguide/api-gateway-lambda-authorizer-input.html).
func AuthorizerTokenEvent(token, methodArn string) ([]byte, error) {
	return json.Marshal(map[string]string{"type": "TOKEN", "authorizationToken": token, "methodArn": methodArn})
}

// AuthorizerRequestEvent renders a REQUEST authorizer's input event: the
// proxy event's fields (without the body) plus type and methodArn
// (https://docs.aws.amazon.com/apigateway/latest/developerguide/api-gateway-lambda-authorizer-input.html).
func AuthorizerRequestEvent(ctx context.Context, c *pipeline.Call, methodArn string) ([]byte, error) {
	raw, err := BuildProxyEvent(ctx, c, nil, false)
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
