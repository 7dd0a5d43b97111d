package app

import (
	"os"
	"path/filepath"
	"testing"

	"github.com/portico-gw/portico/internal/config"
)

// TestLoadResolvesAWSVariablesFromSettings: ${AWS::Region}, ${AWS::AccountId}
// and ${AWS::Partition} come from the settings' region and accountId.
func TestLoadResolvesAWSVariablesFromSettings(t *testing.T) {
	t.Parallel()
	dir := t.TempDir()
	def := `openapi: "3.0.1"
info: {title: t, version: "1"}
paths:
  /a:
    get:
      responses: {"200": {description: x}}
      x-amazon-apigateway-integration:
        type: aws_proxy
        httpMethod: POST
        uri: arn:${AWS::Partition}:apigateway:${AWS::Region}:lambda:path/2015-03-31/functions/arn:${AWS::Partition}:lambda:${AWS::Region}:${AWS::AccountId}:function:F/invocations
`
	if err := os.WriteFile(filepath.Join(dir, "api.yaml"), []byte(def), 0o600); err != nil {
		t.Fatal(err)
	}
	settings := "region: cn-north-1\naccountId: \"111122223333\"\napis:\n  - id: a\n    definition: ./api.yaml\n    stages: [{name: dev}]\n"
	p := filepath.Join(dir, "portico.yaml")
	if err := os.WriteFile(p, []byte(settings), 0o600); err != nil {
		t.Fatal(err)
	}
	cfg, err := config.Load(p, func(string) string { return "" })
	if err != nil {
		t.Fatal(err)
	}
	l, err := Load(cfg)
	if err != nil {
		t.Fatal(err)
	}
	want := "arn:aws-cn:apigateway:cn-north-1:lambda:path/2015-03-31/functions/arn:aws-cn:lambda:cn-north-1:111122223333:function:F/invocations"
	if got := l.Specs[0].Def.Methods[0].Integration.URI; got != want {
		t.Errorf("got %q, want %q", got, want)
	}
}
