package template

import (
	"fmt"
	"strings"
	"testing"
)

// TestDomains: SAM's Domain and the DomainName, BasePathMapping and
// ApiMapping resources become the settings' domains; a certificate ARN is
// a note, not an error.
func TestDomains(t *testing.T) {
	t.Parallel()
	for _, tc := range []struct{ file, want string }{
		{"testdata/domains/sam.yaml", `api.example.com: v1=petsapi/prod petsv2=petsapi/prod orders/v1=ordersapi/$default`},
		{"testdata/domains/cfn.yaml", `api.example.com: (none)=petsapi/live beta=petsapi/beta orders=ordersapi/$default; orders.example.com: v2/orders=ordersapi/$default`},
	} {
		res, err := Load(tc.file, Options{Parameters: map[string]string{"Upstream": "127.0.0.1:1"}})
		if err != nil {
			t.Fatalf("%s: %v", tc.file, err)
		}
		var got []string
		for _, d := range res.Domains {
			var ms []string
			for _, m := range d.Mappings {
				ms = append(ms, fmt.Sprintf("%s=%s/%s", m.BasePath, m.API, m.Stage))
			}
			if d.Certificate != nil {
				t.Errorf("%s: domain %s has a certificate", tc.file, d.Name)
			}
			got = append(got, d.Name+": "+strings.Join(ms, " "))
		}
		if g := strings.Join(got, "; "); g != tc.want {
			t.Errorf("%s: domains\n%s\nwant\n%s", tc.file, g, tc.want)
		}
		var notes []string
		for _, n := range res.Notes {
			notes = append(notes, fmt.Sprintf("%d %s %s", n.Line, n.Pointer, n.Message))
		}
		cert := "a certificate ARN cannot be loaded locally; the domain is served with the listener's certificates (listen.tls, chosen by SNI)"
		want := map[string][]string{
			"testdata/domains/sam.yaml": {"9 /Resources/PetsApi/Properties/Domain domain api.example.com: " + cert},
			"testdata/domains/cfn.yaml": {"28 /Resources/Domain domain api.example.com: " + cert, "55 /Resources/OrdersDomain domain orders.example.com: " + cert},
		}[tc.file]
		if strings.Join(notes, "\n") != strings.Join(want, "\n") {
			t.Errorf("%s: notes\n%s\nwant\n%s", tc.file, strings.Join(notes, "\n"), strings.Join(want, "\n"))
		}
	}
}

// TestDomainErrors: mappings to unknown APIs, stages or domains, and
// duplicate base paths, are located errors.
func TestDomainErrors(t *testing.T) {
	t.Parallel()
	const api = `  Api:
    Type: AWS::ApiGateway::RestApi
    Properties:
      Body: {swagger: "2.0", info: {title: a, version: "1"}, paths: {}}
  Dep:
    Type: AWS::ApiGateway::Deployment
    Properties: {RestApiId: !Ref Api, StageName: live}
  Dom:
    Type: AWS::ApiGateway::DomainName
    Properties: {DomainName: api.example.com}
`
	for _, tc := range []struct{ name, body, want string }{
		{"missing stage", api + `  M:
    Type: AWS::ApiGateway::BasePathMapping
    Properties: {DomainName: !Ref Dom, RestApiId: !Ref Api, Stage: prod}
`, `template.yaml:14: /Resources/M/Properties/Stage: AWS::ApiGateway::BasePathMapping M: API Api has no stage "prod"`},
		{"no stage", api + `  M:
    Type: AWS::ApiGateway::BasePathMapping
    Properties: {DomainName: !Ref Dom, RestApiId: !Ref Api}
`, `template.yaml:14: /Resources/M/Properties: AWS::ApiGateway::BasePathMapping M needs Stage`},
		{"other API", api + `  M:
    Type: AWS::ApiGateway::BasePathMapping
    Properties: {DomainName: !Ref Dom, RestApiId: abc123, Stage: live}
`, `template.yaml:14: /Resources/M/Properties/RestApiId: AWS::ApiGateway::BasePathMapping M: RestApiId abc123 is not a REST API of this template`},
		{"duplicate base path", api + `  M:
    Type: AWS::ApiGateway::BasePathMapping
    Properties: {DomainName: !Ref Dom, RestApiId: !Ref Api, Stage: live, BasePath: v1}
  N:
    Type: AWS::ApiGateway::BasePathMapping
    Properties: {DomainName: !Ref Dom, RestApiId: !Ref Api, Stage: live, BasePath: /v1/}
`, `template.yaml:17: /Resources/N/Properties/BasePath: domain api.example.com already maps the base path v1 (at /Resources/M)`},
		{"bad base path", api + `  M:
    Type: AWS::ApiGateway::BasePathMapping
    Properties: {DomainName: !Ref Dom, RestApiId: !Ref Api, Stage: live, BasePath: "a b"}
`, `template.yaml:14: /Resources/M/Properties/BasePath: "a b" is not a base path`},
		{"multi-level V1 base path", api + `  M:
    Type: AWS::ApiGateway::BasePathMapping
    Properties: {DomainName: !Ref Dom, RestApiId: !Ref Api, Stage: live, BasePath: v1/x}
`, `template.yaml:14: /Resources/M/Properties/BasePath: "v1/x": an AWS::ApiGateway::BasePathMapping has one segment`},
		{"bad domain", strings.Replace(api, "api.example.com", "api_example", 1), `template.yaml:11: /Resources/Dom/Properties/DomainName: "api_example" is not a domain name`},
		{"ref to a non-domain", api + `  M:
    Type: AWS::ApiGateway::BasePathMapping
    Properties: {DomainName: !Ref Dep, RestApiId: !Ref Api, Stage: live}
`, `template.yaml:14: /Resources/M/Properties/DomainName: AWS::ApiGateway::BasePathMapping M: DomainName refers to Dep, which is not a domain name resource of this template`},
		{"SAM HTTP base path", samHeader + `  H:
    Type: AWS::Serverless::HttpApi
    Properties:
      Domain: {DomainName: h.example.com, CertificateArn: arn:x, BasePath: [ok, "no.dots"]}
`, `template.yaml:6: /Resources/H/Properties/Domain/BasePath/1: "no.dots" is not a base path: SAM allows letters, digits, '/', '-' and '_'`},
	} {
		t.Run(tc.name, func(t *testing.T) {
			body := tc.body
			if !strings.HasPrefix(body, "Transform") {
				body = "Resources:\n" + body
			}
			_, err := Load(write(t, body), Options{})
			if err == nil || !strings.Contains(err.Error(), tc.want) {
				t.Errorf("error %v\nwant %s", err, tc.want)
			}
		})
	}
}
