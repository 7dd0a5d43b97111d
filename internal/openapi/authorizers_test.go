package openapi

import (
	"strings"
	"testing"
)

func TestRequestAuthorizerNeedsIdentityWhenCaching(t *testing.T) {
	t.Parallel()
	src := `openapi: "3.0.1"
info: {title: t, version: "1"}
components:
  securitySchemes:
    cached:
      type: apiKey
      name: x
      in: header
      x-amazon-apigateway-authorizer:
        type: request
        authorizerUri: arn:aws:apigateway:us-east-1:lambda:path/2015-03-31/functions/F/invocations
    uncached:
      type: apiKey
      name: x
      in: header
      x-amazon-apigateway-authorizer:
        type: request
        authorizerUri: arn:aws:apigateway:us-east-1:lambda:path/2015-03-31/functions/F/invocations
        authorizerResultTtlInSeconds: 0
paths: {}
`
	_, err := Import("a.yaml", []byte(src))
	if err == nil || !strings.Contains(err.Error(), "/components/securitySchemes/cached/x-amazon-apigateway-authorizer/identitySource") {
		t.Fatalf("got %v, want an error for the cached authorizer without identitySource", err)
	}
	if strings.Contains(err.Error(), "uncached") {
		t.Errorf("the TTL-0 authorizer was refused too: %v", err)
	}
}
