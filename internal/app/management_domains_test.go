package app

import (
	"context"
	"io"
	"net/http"
	"testing"

	"github.com/aws/aws-sdk-go-v2/aws"
	"github.com/aws/aws-sdk-go-v2/service/apigateway"
	"github.com/aws/aws-sdk-go-v2/service/apigateway/types"
)

// hostCall sends GET path to the data plane with a Host header.
func (m *managed) hostCall(t *testing.T, host, path string) (int, string) {
	t.Helper()
	req, err := http.NewRequest(http.MethodGet, m.data.URL+path, nil)
	if err != nil {
		t.Fatal(err)
	}
	req.Host = host
	resp, err := http.DefaultClient.Do(req)
	if err != nil {
		t.Fatal(err)
	}
	defer resp.Body.Close()
	b, _ := io.ReadAll(resp.Body)
	return resp.StatusCode, string(b)
}

// TestManagementDomainNames: CreateDomainName and CreateBasePathMapping
// serve the stage at the domain's base path; updates move it, deletes
// unmap it; AWS's conflicts and validation; the state survives a restart.
func TestManagementDomainNames(t *testing.T) {
	dir := t.TempDir()
	settings := `listen: 127.0.0.1:0
admin: {listen: 127.0.0.1:0}
domains:
  - name: file.example.com
    mappings: [{basePath: x, api: nothing, stage: s}]
`
	m := startManaged(t, dir, settings)
	ctx := context.Background()
	imp, err := m.c.ImportRestApi(ctx, &apigateway.ImportRestApiInput{Body: []byte(mockAPI)})
	if err != nil {
		t.Fatal(err)
	}
	id := aws.ToString(imp.Id)
	for _, st := range []string{"prod", "beta"} {
		if _, err := m.c.CreateDeployment(ctx, &apigateway.CreateDeploymentInput{RestApiId: &id, StageName: aws.String(st), Variables: map[string]string{"color": st}}); err != nil {
			t.Fatal(err)
		}
	}
	const host = "api.example.com"
	if st, body := m.hostCall(t, host, "/v1/hello"); st != 403 || body != `{"message":"Forbidden"}` {
		t.Fatalf("before the domain: %d %s", st, body)
	}

	dn, err := m.c.CreateDomainName(ctx, &apigateway.CreateDomainNameInput{DomainName: aws.String("API.example.com"),
		RegionalCertificateArn: aws.String("arn:aws:acm:us-east-1:123456789012:certificate/abc"),
		EndpointConfiguration:  &types.EndpointConfiguration{Types: []types.EndpointType{types.EndpointTypeRegional}}})
	if err != nil {
		t.Fatal(err)
	}
	if aws.ToString(dn.DomainName) != host || dn.DomainNameStatus != types.DomainNameStatusAvailable || aws.ToString(dn.RegionalCertificateArn) != "arn:aws:acm:us-east-1:123456789012:certificate/abc" ||
		dn.EndpointConfiguration == nil || len(dn.EndpointConfiguration.Types) != 1 || dn.EndpointConfiguration.Types[0] != types.EndpointTypeRegional ||
		aws.ToString(dn.DomainNameArn) != "arn:aws:apigateway:us-east-1::/domainnames/api.example.com" || dn.SecurityPolicy != types.SecurityPolicyTls12 {
		t.Fatalf("create domain: %+v", dn)
	}
	_, err = m.c.CreateDomainName(ctx, &apigateway.CreateDomainNameInput{DomainName: aws.String(host)})
	wantAPIError(t, err, "ConflictException", "The domain name you provided already exists.")
	_, err = m.c.CreateDomainName(ctx, &apigateway.CreateDomainNameInput{DomainName: aws.String("file.example.com")})
	wantAPIError(t, err, "ConflictException", "The domain name you provided already exists: the settings file serves file.example.com")
	_, err = m.c.CreateDomainName(ctx, &apigateway.CreateDomainNameInput{DomainName: aws.String("not a name")})
	wantAPIError(t, err, "BadRequestException", "Invalid domain name identifier specified")

	// Mapping checks: the API, the stage, the base path.
	_, err = m.c.CreateBasePathMapping(ctx, &apigateway.CreateBasePathMappingInput{DomainName: aws.String(host), RestApiId: aws.String("nosuchapi0"), Stage: aws.String("prod")})
	wantAPIError(t, err, "BadRequestException", "Invalid REST API identifier specified")
	_, err = m.c.CreateBasePathMapping(ctx, &apigateway.CreateBasePathMappingInput{DomainName: aws.String(host), RestApiId: &id, Stage: aws.String("gamma")})
	wantAPIError(t, err, "BadRequestException", "Invalid stage identifier specified")
	_, err = m.c.CreateBasePathMapping(ctx, &apigateway.CreateBasePathMappingInput{DomainName: aws.String(host), RestApiId: &id, Stage: aws.String("prod"), BasePath: aws.String("v1/x")})
	wantAPIError(t, err, "BadRequestException", "API Gateway V1 doesn't support the slash character (/) in base path mappings.")
	_, err = m.c.CreateBasePathMapping(ctx, &apigateway.CreateBasePathMappingInput{DomainName: aws.String("other.example.com"), RestApiId: &id, Stage: aws.String("prod")})
	wantAPIError(t, err, "NotFoundException", "Invalid domain name identifier specified")

	bpm, err := m.c.CreateBasePathMapping(ctx, &apigateway.CreateBasePathMappingInput{DomainName: aws.String(host), RestApiId: &id, Stage: aws.String("prod"), BasePath: aws.String("v1")})
	if err != nil {
		t.Fatal(err)
	}
	if aws.ToString(bpm.BasePath) != "v1" || aws.ToString(bpm.RestApiId) != id || aws.ToString(bpm.Stage) != "prod" {
		t.Fatalf("create mapping: %+v", bpm)
	}
	_, err = m.c.CreateBasePathMapping(ctx, &apigateway.CreateBasePathMappingInput{DomainName: aws.String(host), RestApiId: &id, Stage: aws.String("beta"), BasePath: aws.String("v1")})
	wantAPIError(t, err, "ConflictException", "Base path already exists for this domain name")
	if _, err := m.c.CreateBasePathMapping(ctx, &apigateway.CreateBasePathMappingInput{DomainName: aws.String(host), RestApiId: &id, Stage: aws.String("beta")}); err != nil {
		t.Fatal(err)
	}
	if st, body := m.hostCall(t, host, "/v1/hello"); st != 200 || body != `{"v": 1, "color": "prod"}` {
		t.Fatalf("mapped v1: %d %s", st, body)
	}
	if st, body := m.hostCall(t, host, "/hello"); st != 200 || body != `{"v": 1, "color": "beta"}` {
		t.Fatalf("mapped (none): %d %s", st, body)
	}

	// Reading them back.
	list, err := m.c.GetBasePathMappings(ctx, &apigateway.GetBasePathMappingsInput{DomainName: aws.String(host)})
	if err != nil {
		t.Fatal(err)
	}
	if len(list.Items) != 2 || aws.ToString(list.Items[0].BasePath) != "(none)" || aws.ToString(list.Items[0].Stage) != "beta" || aws.ToString(list.Items[1].BasePath) != "v1" {
		t.Fatalf("mappings: %+v", list.Items)
	}
	got, err := m.c.GetBasePathMapping(ctx, &apigateway.GetBasePathMappingInput{DomainName: aws.String(host), BasePath: aws.String("(none)")})
	if err != nil || aws.ToString(got.Stage) != "beta" || aws.ToString(got.RestApiId) != id {
		t.Fatalf("get (none): %+v %v", got, err)
	}
	domains, err := m.c.GetDomainNames(ctx, &apigateway.GetDomainNamesInput{})
	if err != nil || len(domains.Items) != 1 || aws.ToString(domains.Items[0].DomainName) != host {
		t.Fatalf("domains: %+v %v", domains, err)
	}

	// Moving a mapping: the new base path serves, the old one no longer.
	upd, err := m.c.UpdateBasePathMapping(ctx, &apigateway.UpdateBasePathMappingInput{DomainName: aws.String(host), BasePath: aws.String("v1"),
		PatchOperations: []types.PatchOperation{patch(types.OpReplace, "/basePath", "v2"), patch(types.OpReplace, "/stage", "beta")}})
	if err != nil || aws.ToString(upd.BasePath) != "v2" || aws.ToString(upd.Stage) != "beta" {
		t.Fatalf("update: %+v %v", upd, err)
	}
	if st, body := m.hostCall(t, host, "/v2/hello"); st != 200 || body != `{"v": 1, "color": "beta"}` {
		t.Fatalf("moved to v2: %d %s", st, body)
	}
	if st, body := m.hostCall(t, host, "/v1/hello"); st != 403 || body != `{"message":"Missing Authentication Token"}` {
		t.Fatalf("v1 after the move ((none) has no /v1/hello): %d %s", st, body)
	}
	_, err = m.c.UpdateBasePathMapping(ctx, &apigateway.UpdateBasePathMappingInput{DomainName: aws.String(host), BasePath: aws.String("v2"),
		PatchOperations: []types.PatchOperation{patch(types.OpReplace, "/stage", "gamma")}})
	wantAPIError(t, err, "BadRequestException", "Invalid stage identifier specified")
	_, err = m.c.UpdateBasePathMapping(ctx, &apigateway.UpdateBasePathMappingInput{DomainName: aws.String(host), BasePath: aws.String("v2"),
		PatchOperations: []types.PatchOperation{patch(types.OpReplace, "/basePath", "(none)")}})
	wantAPIError(t, err, "ConflictException", "Base path already exists for this domain name")

	// The state is stored: a restart on the same file serves it.
	m.stop()
	m = startManaged(t, dir, "")
	if st, body := m.hostCall(t, host, "/v2/hello"); st != 200 || body != `{"v": 1, "color": "beta"}` {
		t.Fatalf("after a restart: %d %s", st, body)
	}

	// Deleting the mappings and the domain unmaps.
	if _, err := m.c.DeleteBasePathMapping(ctx, &apigateway.DeleteBasePathMappingInput{DomainName: aws.String(host), BasePath: aws.String("(none)")}); err != nil {
		t.Fatal(err)
	}
	if st, body := m.hostCall(t, host, "/hello"); st != 403 || body != `{"message":"Forbidden"}` {
		t.Fatalf("(none) deleted: %d %s", st, body)
	}
	_, err = m.c.DeleteBasePathMapping(ctx, &apigateway.DeleteBasePathMappingInput{DomainName: aws.String(host), BasePath: aws.String("(none)")})
	wantAPIError(t, err, "NotFoundException", "Invalid base path mapping identifier specified")
	if _, err := m.c.DeleteDomainName(ctx, &apigateway.DeleteDomainNameInput{DomainName: aws.String(host)}); err != nil {
		t.Fatal(err)
	}
	if st, body := m.hostCall(t, host, "/v2/hello"); st != 403 || body != `{"message":"Forbidden"}` {
		t.Fatalf("domain deleted: %d %s", st, body)
	}
	_, err = m.c.GetDomainName(ctx, &apigateway.GetDomainNameInput{DomainName: aws.String(host)})
	wantAPIError(t, err, "NotFoundException", "Invalid domain name identifier specified")
}
