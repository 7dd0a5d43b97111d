package openapi

import "testing"

func TestImportOpenAPI31(t *testing.T) {
	t.Parallel()
	src := `openapi: "3.1.0"
info: {title: t, version: "1"}
paths:
  /items/{id}:
    get:
      parameters: [{name: id, in: path, required: true, schema: {type: [string, "null"]}}]
      responses: {"200": {description: x}}
      x-amazon-apigateway-integration: {type: http_proxy, httpMethod: GET, uri: "https://example.com/items/{id}"}
`
	api, err := Import("t.yaml", []byte(src))
	if err != nil {
		t.Fatal(err)
	}
	if len(api.Methods) != 1 || api.Methods[0].Integration.Type != "HTTP_PROXY" || !api.Methods[0].RequestParameters["method.request.path.id"] {
		t.Errorf("got %+v", api.Methods)
	}
}
