package openapi

import (
	"strings"
	"testing"

	"github.com/portico-gw/portico/internal/apidef"
)

// TestEnumFields: the importer parses the enumerated fields into their
// apidef types (any case) and reports each invalid value at its pointer,
// every one of them at once.
func TestEnumFields(t *testing.T) {
	t.Parallel()
	const good = `openapi: 3.0.1
info: {title: t, version: "1"}
components:
  securitySchemes:
    auth:
      type: apiKey
      name: Authorization
      in: header
      x-amazon-apigateway-authtype: custom
      x-amazon-apigateway-authorizer:
        type: token
        authorizerUri: arn:aws:apigateway:us-east-1:lambda:path/2015-03-31/functions/arn:aws:lambda:us-east-1:123456789012:function:auth/invocations
paths:
  /a:
    get:
      security: [{auth: []}]
      x-amazon-apigateway-integration:
        type: http
        httpMethod: GET
        uri: http://example.com/a
        passthroughBehavior: when_no_templates
        contentHandling: convert_to_text
        responses:
          default: {statusCode: "200", contentHandling: convert_to_binary}
`
	api, err := Import("good.yaml", []byte(good))
	if err != nil {
		t.Fatal(err)
	}
	m := api.Methods[0]
	in := m.Integration
	if m.AuthorizationType != apidef.AuthCustom || api.Authorizers["auth"].Type != apidef.AuthorizerToken || in.Type != apidef.TypeHTTP ||
		in.PassthroughBehavior != apidef.PassthroughWhenNoTemplates || in.ContentHandling != apidef.ConvertToText ||
		in.Responses[0].ContentHandling != apidef.ConvertToBinary {
		t.Errorf("parsed: method %q, authorizer %q, integration %+v", m.AuthorizationType, api.Authorizers["auth"].Type, in)
	}

	bad := strings.NewReplacer("type: token", "type: lambda", "type: http", "type: web",
		"passthroughBehavior: when_no_templates", "passthroughBehavior: always",
		"contentHandling: convert_to_text", "contentHandling: convert_to_json").Replace(good)
	_, err = Import("bad.yaml", []byte(bad))
	if err == nil {
		t.Fatal("invalid values accepted")
	}
	for _, want := range []string{
		`bad.yaml:11: /components/securitySchemes/auth/x-amazon-apigateway-authorizer/type: authorizer type must be token, request, cognito_user_pools or jwt, not "lambda"`,
		`bad.yaml:18: /paths/~1a/get/x-amazon-apigateway-integration/type: unknown integration type "web"`,
		`bad.yaml:21: /paths/~1a/get/x-amazon-apigateway-integration/passthroughBehavior: must be when_no_match, when_no_templates or never, not "ALWAYS"`,
		`bad.yaml:22: /paths/~1a/get/x-amazon-apigateway-integration/contentHandling: must be CONVERT_TO_TEXT or CONVERT_TO_BINARY, not "CONVERT_TO_JSON"`,
	} {
		if !strings.Contains(err.Error(), want) {
			t.Errorf("missing %q in:\n%v", want, err)
		}
	}
}
