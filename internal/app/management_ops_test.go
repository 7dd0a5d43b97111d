package app

import (
	"bytes"
	"compress/gzip"
	"context"
	"encoding/json"
	"fmt"
	"io"
	"net/http"
	"os"
	"os/exec"
	"path/filepath"
	"slices"
	"strings"
	"testing"
	"time"

	"github.com/aws/aws-sdk-go-v2/aws"
	"github.com/aws/aws-sdk-go-v2/service/apigateway"
	"github.com/aws/aws-sdk-go-v2/service/apigateway/types"
)

func patch(op types.Op, path, value string) types.PatchOperation {
	p := types.PatchOperation{Op: op, Path: aws.String(path)}
	if value != "" {
		p.Value = aws.String(value)
	}
	return p
}

// TestManagementOperations drives every phase-1 operation through
// aws-sdk-go-v2 and checks AWS's validation answers.
func TestManagementOperations(t *testing.T) {
	dir := t.TempDir()
	m := startManaged(t, dir, "listen: 127.0.0.1:0\nadmin: {listen: 127.0.0.1:0}\nstore: {type: memory}\n")
	ctx := context.Background()
	c := m.c

	// Rest APIs.
	api, err := c.CreateRestApi(ctx, &apigateway.CreateRestApiInput{Name: aws.String("pets"), Description: aws.String("d"),
		BinaryMediaTypes: []string{"image/png"}, ApiKeySource: types.ApiKeySourceTypeAuthorizer})
	if err != nil {
		t.Fatal(err)
	}
	id := aws.ToString(api.Id)
	if !awsID.MatchString(id) || api.ApiKeySource != types.ApiKeySourceTypeAuthorizer || !slices.Equal(api.BinaryMediaTypes, []string{"image/png"}) ||
		api.EndpointConfiguration == nil || !slices.Equal(api.EndpointConfiguration.Types, []types.EndpointType{types.EndpointTypeEdge}) {
		t.Fatalf("create: %+v", api)
	}
	_, err = c.GetRestApi(ctx, &apigateway.GetRestApiInput{RestApiId: aws.String("nope")})
	wantAPIError(t, err, "NotFoundException", "Invalid API identifier specified 123456789012:nope")
	_, err = c.CreateRestApi(ctx, &apigateway.CreateRestApiInput{Name: aws.String("x"), Policy: aws.String("{not json")})
	wantAPIError(t, err, "BadRequestException", "Invalid policy document")
	_, err = c.CreateRestApi(ctx, &apigateway.CreateRestApiInput{Name: aws.String("x"), ApiKeySource: "BODY"})
	wantAPIError(t, err, "ValidationException", "Member must satisfy enum value set: [HEADER, AUTHORIZER]")
	policy := `{"Version":"2012-10-17","Statement":[{"Effect":"Allow","Principal":"*","Action":"execute-api:Invoke","Resource":"*"}]}`
	up, err := c.UpdateRestApi(ctx, &apigateway.UpdateRestApiInput{RestApiId: &id, PatchOperations: []types.PatchOperation{
		patch(types.OpReplace, "/name", "pets2"), patch(types.OpReplace, "/description", "new"), patch(types.OpAdd, "/binaryMediaTypes/image~1gif", ""),
		patch(types.OpRemove, "/binaryMediaTypes/image~1png", ""), patch(types.OpReplace, "/apiKeySource", "HEADER"), patch(types.OpReplace, "/policy", policy)}})
	if err != nil {
		t.Fatal(err)
	}
	if aws.ToString(up.Name) != "pets2" || aws.ToString(up.Description) != "new" || !slices.Equal(up.BinaryMediaTypes, []string{"image/gif"}) ||
		up.ApiKeySource != types.ApiKeySourceTypeHeader || aws.ToString(up.Policy) != policy {
		t.Fatalf("update: %+v", up)
	}
	_, err = c.UpdateRestApi(ctx, &apigateway.UpdateRestApiInput{RestApiId: &id, PatchOperations: []types.PatchOperation{patch(types.OpReplace, "/nope", "x")}})
	wantAPIError(t, err, "BadRequestException", "Invalid patch path  '/nope' specified for op 'replace'. Must be one of: [")

	// Pagination over three more APIs: limit 2 gives two pages.
	for _, n := range []string{"a", "b", "c"} {
		if _, err := c.CreateRestApi(ctx, &apigateway.CreateRestApiInput{Name: aws.String(n)}); err != nil {
			t.Fatal(err)
		}
	}
	p1, err := c.GetRestApis(ctx, &apigateway.GetRestApisInput{Limit: aws.Int32(2)})
	if err != nil || len(p1.Items) != 2 || p1.Position == nil {
		t.Fatalf("page 1: %+v %v", p1, err)
	}
	p2, err := c.GetRestApis(ctx, &apigateway.GetRestApisInput{Limit: aws.Int32(2), Position: p1.Position})
	if err != nil || len(p2.Items) != 2 || p2.Position != nil {
		t.Fatalf("page 2: %+v %v", p2, err)
	}
	var all []string
	for pg := apigateway.NewGetRestApisPaginator(c, &apigateway.GetRestApisInput{Limit: aws.Int32(1)}); pg.HasMorePages(); {
		out, err := pg.NextPage(ctx)
		if err != nil {
			t.Fatal(err)
		}
		for _, a := range out.Items {
			all = append(all, aws.ToString(a.Id))
		}
	}
	if len(all) != 4 || !slices.Contains(all, id) || len(slices.Compact(slices.Sorted(slices.Values(all)))) != 4 {
		t.Fatalf("paginator: %v", all)
	}
	_, err = c.GetRestApis(ctx, &apigateway.GetRestApisInput{Limit: aws.Int32(501)})
	wantAPIError(t, err, "BadRequestException", "Invalid limit")

	// Resources.
	root := aws.ToString(api.RootResourceId)
	pets, err := c.CreateResource(ctx, &apigateway.CreateResourceInput{RestApiId: &id, ParentId: &root, PathPart: aws.String("pets")})
	if err != nil || aws.ToString(pets.Path) != "/pets" || aws.ToString(pets.ParentId) != root {
		t.Fatalf("create resource: %+v %v", pets, err)
	}
	petID, err := c.CreateResource(ctx, &apigateway.CreateResourceInput{RestApiId: &id, ParentId: pets.Id, PathPart: aws.String("{id}")})
	if err != nil || aws.ToString(petID.Path) != "/pets/{id}" {
		t.Fatalf("create child: %+v %v", petID, err)
	}
	_, err = c.CreateResource(ctx, &apigateway.CreateResourceInput{RestApiId: &id, ParentId: &root, PathPart: aws.String("pets")})
	wantAPIError(t, err, "ConflictException", "Another resource with the same parent already has this name: pets")
	_, err = c.CreateResource(ctx, &apigateway.CreateResourceInput{RestApiId: &id, ParentId: &root, PathPart: aws.String("a b")})
	wantAPIError(t, err, "BadRequestException", "Resource's path part only allow a-zA-Z0-9._- and curly braces")
	_, err = c.CreateResource(ctx, &apigateway.CreateResourceInput{RestApiId: &id, ParentId: aws.String("missing"), PathPart: aws.String("x")})
	wantAPIError(t, err, "NotFoundException", "Invalid Resource identifier specified")
	_, err = c.UpdateResource(ctx, &apigateway.UpdateResourceInput{RestApiId: &id, ResourceId: &root, PatchOperations: []types.PatchOperation{patch(types.OpReplace, "/pathPart", "x")}})
	wantAPIError(t, err, "BadRequestException", "Root resource cannot update its pathPart.")
	_, err = c.UpdateResource(ctx, &apigateway.UpdateResourceInput{RestApiId: &id, ResourceId: pets.Id, PatchOperations: []types.PatchOperation{patch(types.OpReplace, "/parentId", aws.ToString(petID.Id))}})
	wantAPIError(t, err, "BadRequestException", "Resources cannot be cyclical.")
	ren, err := c.UpdateResource(ctx, &apigateway.UpdateResourceInput{RestApiId: &id, ResourceId: pets.Id, PatchOperations: []types.PatchOperation{patch(types.OpReplace, "/pathPart", "animals")}})
	if err != nil || aws.ToString(ren.Path) != "/animals" {
		t.Fatalf("rename: %+v %v", ren, err)
	}
	child, err := c.GetResource(ctx, &apigateway.GetResourceInput{RestApiId: &id, ResourceId: petID.Id})
	if err != nil || aws.ToString(child.Path) != "/animals/{id}" {
		t.Fatalf("child after rename: %+v %v", child, err)
	}

	// Methods.
	get := aws.String("GET")
	meth, err := c.PutMethod(ctx, &apigateway.PutMethodInput{RestApiId: &id, ResourceId: petID.Id, HttpMethod: get, AuthorizationType: aws.String("NONE"),
		RequestParameters: map[string]bool{"method.request.path.id": true}})
	if err != nil || aws.ToString(meth.HttpMethod) != "GET" || aws.ToString(meth.AuthorizationType) != "NONE" || !meth.RequestParameters["method.request.path.id"] {
		t.Fatalf("put method: %+v %v", meth, err)
	}
	_, err = c.PutMethod(ctx, &apigateway.PutMethodInput{RestApiId: &id, ResourceId: petID.Id, HttpMethod: get, AuthorizationType: aws.String("NONE")})
	wantAPIError(t, err, "ConflictException", "Method already exists for this resource")
	_, err = c.PutMethod(ctx, &apigateway.PutMethodInput{RestApiId: &id, ResourceId: petID.Id, HttpMethod: aws.String("FETCH"), AuthorizationType: aws.String("NONE")})
	wantAPIError(t, err, "BadRequestException", "Invalid HttpMethod specified. Valid options are ANY,DELETE,GET,HEAD,OPTIONS,PATCH,POST,PUT")
	_, err = c.PutMethod(ctx, &apigateway.PutMethodInput{RestApiId: &id, ResourceId: petID.Id, HttpMethod: aws.String("POST"), AuthorizationType: aws.String("CUSTOM")})
	wantAPIError(t, err, "BadRequestException", "Invalid authorizer ID specified. Setting the authorization type to CUSTOM or COGNITO_USER_POOLS requires a valid authorizer.")
	um, err := c.UpdateMethod(ctx, &apigateway.UpdateMethodInput{RestApiId: &id, ResourceId: petID.Id, HttpMethod: get, PatchOperations: []types.PatchOperation{
		patch(types.OpReplace, "/apiKeyRequired", "true"), patch(types.OpAdd, "/requestParameters/method.request.querystring.q", "false"),
		patch(types.OpReplace, "/operationName", "getPet")}})
	if err != nil || !aws.ToBool(um.ApiKeyRequired) || um.RequestParameters["method.request.querystring.q"] || len(um.RequestParameters) != 2 || aws.ToString(um.OperationName) != "getPet" {
		t.Fatalf("update method: %+v %v", um, err)
	}
	_, err = c.GetMethod(ctx, &apigateway.GetMethodInput{RestApiId: &id, ResourceId: petID.Id, HttpMethod: aws.String("POST")})
	wantAPIError(t, err, "NotFoundException", "Invalid Method identifier specified")

	// Method responses.
	mr, err := c.PutMethodResponse(ctx, &apigateway.PutMethodResponseInput{RestApiId: &id, ResourceId: petID.Id, HttpMethod: get, StatusCode: aws.String("200"),
		ResponseParameters: map[string]bool{"method.response.header.X-Pet": false}})
	if err != nil || aws.ToString(mr.StatusCode) != "200" {
		t.Fatalf("put method response: %+v %v", mr, err)
	}
	_, err = c.PutMethodResponse(ctx, &apigateway.PutMethodResponseInput{RestApiId: &id, ResourceId: petID.Id, HttpMethod: get, StatusCode: aws.String("200")})
	wantAPIError(t, err, "ConflictException", "Response already exists for this resource")
	umr, err := c.UpdateMethodResponse(ctx, &apigateway.UpdateMethodResponseInput{RestApiId: &id, ResourceId: petID.Id, HttpMethod: get, StatusCode: aws.String("200"),
		PatchOperations: []types.PatchOperation{patch(types.OpAdd, "/responseModels/application~1json", "Empty")}})
	if err != nil || umr.ResponseModels["application/json"] != "Empty" {
		t.Fatalf("update method response: %+v %v", umr, err)
	}
	_, err = c.GetMethodResponse(ctx, &apigateway.GetMethodResponseInput{RestApiId: &id, ResourceId: petID.Id, HttpMethod: get, StatusCode: aws.String("404")})
	wantAPIError(t, err, "NotFoundException", "Invalid Response status code specified")

	// Deployment needs integrations.
	_, err = c.CreateDeployment(ctx, &apigateway.CreateDeploymentInput{RestApiId: &id, StageName: aws.String("dev")})
	wantAPIError(t, err, "BadRequestException", "No integration defined for method")
	empty, _ := c.CreateRestApi(ctx, &apigateway.CreateRestApiInput{Name: aws.String("empty")})
	_, err = c.CreateDeployment(ctx, &apigateway.CreateDeploymentInput{RestApiId: empty.Id})
	wantAPIError(t, err, "BadRequestException", "The REST API doesn't contain any methods")

	// Integrations.
	_, err = c.GetIntegration(ctx, &apigateway.GetIntegrationInput{RestApiId: &id, ResourceId: petID.Id, HttpMethod: get})
	wantAPIError(t, err, "NotFoundException", "No integration defined for method")
	_, err = c.PutIntegration(ctx, &apigateway.PutIntegrationInput{RestApiId: &id, ResourceId: petID.Id, HttpMethod: get, Type: types.IntegrationTypeHttp,
		IntegrationHttpMethod: get, Uri: aws.String("not a url")})
	wantAPIError(t, err, "BadRequestException", "Invalid HTTP endpoint specified for URI")
	_, err = c.PutIntegration(ctx, &apigateway.PutIntegrationInput{RestApiId: &id, ResourceId: petID.Id, HttpMethod: get, Type: types.IntegrationTypeHttp,
		Uri: aws.String("https://example.com")})
	wantAPIError(t, err, "BadRequestException", "Enumeration value for HttpMethod must be non-empty")
	_, err = c.PutIntegration(ctx, &apigateway.PutIntegrationInput{RestApiId: &id, ResourceId: petID.Id, HttpMethod: get, Type: "HTTPS_PROXY"})
	wantAPIError(t, err, "ValidationException", "Value 'HTTPS_PROXY' at 'putIntegrationInput.type' failed to satisfy constraint")
	_, err = c.PutIntegration(ctx, &apigateway.PutIntegrationInput{RestApiId: &id, ResourceId: petID.Id, HttpMethod: get, Type: types.IntegrationTypeMock, TimeoutInMillis: aws.Int32(30000)})
	wantAPIError(t, err, "BadRequestException", "Timeout should be between 50 ms and 29000 ms")
	integ, err := c.PutIntegration(ctx, &apigateway.PutIntegrationInput{RestApiId: &id, ResourceId: petID.Id, HttpMethod: get, Type: types.IntegrationTypeMock,
		RequestTemplates: map[string]string{"application/json": `{"statusCode": 200}`}})
	if err != nil || integ.Type != types.IntegrationTypeMock || integ.TimeoutInMillis != 29000 || aws.ToString(integ.PassthroughBehavior) != "WHEN_NO_MATCH" {
		t.Fatalf("put integration: %+v %v", integ, err)
	}
	ui, err := c.UpdateIntegration(ctx, &apigateway.UpdateIntegrationInput{RestApiId: &id, ResourceId: petID.Id, HttpMethod: get, PatchOperations: []types.PatchOperation{
		patch(types.OpReplace, "/timeoutInMillis", "1000"), patch(types.OpReplace, "/passthroughBehavior", "NEVER")}})
	if err != nil || ui.TimeoutInMillis != 1000 || aws.ToString(ui.PassthroughBehavior) != "NEVER" {
		t.Fatalf("update integration: %+v %v", ui, err)
	}
	_, err = c.GetIntegrationResponse(ctx, &apigateway.GetIntegrationResponseInput{RestApiId: &id, ResourceId: petID.Id, HttpMethod: get, StatusCode: aws.String("200")})
	wantAPIError(t, err, "NotFoundException", "Invalid Response status code specified")
	ir, err := c.PutIntegrationResponse(ctx, &apigateway.PutIntegrationResponseInput{RestApiId: &id, ResourceId: petID.Id, HttpMethod: get, StatusCode: aws.String("200"),
		ResponseTemplates: map[string]string{"application/json": `{"pet": "$input.params('id')"}`}, ResponseParameters: map[string]string{"method.response.header.X-Pet": "'yes'"}})
	if err != nil || aws.ToString(ir.StatusCode) != "200" {
		t.Fatalf("put integration response: %+v %v", ir, err)
	}
	uir, err := c.UpdateIntegrationResponse(ctx, &apigateway.UpdateIntegrationResponseInput{RestApiId: &id, ResourceId: petID.Id, HttpMethod: get, StatusCode: aws.String("200"),
		PatchOperations: []types.PatchOperation{patch(types.OpReplace, "/selectionPattern", "")}})
	if err != nil || uir.ResponseParameters["method.response.header.X-Pet"] != "'yes'" {
		t.Fatalf("update integration response: %+v %v", uir, err)
	}
	_, err = c.UpdateIntegrationResponse(ctx, &apigateway.UpdateIntegrationResponseInput{RestApiId: &id, ResourceId: petID.Id, HttpMethod: get, StatusCode: aws.String("200"),
		PatchOperations: []types.PatchOperation{patch(types.OpReplace, "/statusCode", "201")}})
	wantAPIError(t, err, "BadRequestException", "Invalid patch path  '/statusCode' specified for op 'replace'")

	// Deploy with the method; the answer comes through.
	dep, err := c.CreateDeployment(ctx, &apigateway.CreateDeploymentInput{RestApiId: &id, StageName: aws.String("dev"), StageDescription: aws.String("development")})
	if err != nil || !awsID.MatchString(aws.ToString(dep.Id)) {
		t.Fatalf("deploy: %+v %v", dep, err)
	}
	resp, err := http.Get(m.data.URL + "/restapis/" + id + "/dev/_user_request_/animals/7")
	if err != nil {
		t.Fatal(err)
	}
	body, _ := io.ReadAll(resp.Body)
	resp.Body.Close()
	if resp.StatusCode != 403 || !strings.Contains(string(body), "Forbidden") {
		// the method needs an API key (apiKeyRequired above): no key is 403 Forbidden
		t.Fatalf("keyless call: %d %s", resp.StatusCode, body)
	}
	if _, err := c.UpdateMethod(ctx, &apigateway.UpdateMethodInput{RestApiId: &id, ResourceId: petID.Id, HttpMethod: get,
		PatchOperations: []types.PatchOperation{patch(types.OpReplace, "/apiKeyRequired", "false")}}); err != nil {
		t.Fatal(err)
	}
	if _, err := c.CreateDeployment(ctx, &apigateway.CreateDeploymentInput{RestApiId: &id, StageName: aws.String("dev")}); err != nil {
		t.Fatal(err)
	}
	resp, err = http.Get(m.data.URL + "/restapis/" + id + "/dev/_user_request_/animals/7")
	if err != nil {
		t.Fatal(err)
	}
	body, _ = io.ReadAll(resp.Body)
	resp.Body.Close()
	if resp.StatusCode != 200 || string(body) != `{"pet": "7"}` || resp.Header.Get("X-Pet") != "yes" {
		t.Fatalf("call: %d %s %v", resp.StatusCode, body, resp.Header)
	}

	// Deployments and stages.
	deps, err := c.GetDeployments(ctx, &apigateway.GetDeploymentsInput{RestApiId: &id, Limit: aws.Int32(1)})
	if err != nil || len(deps.Items) != 1 || deps.Position == nil {
		t.Fatalf("deployments page: %+v %v", deps, err)
	}
	ud, err := c.UpdateDeployment(ctx, &apigateway.UpdateDeploymentInput{RestApiId: &id, DeploymentId: dep.Id, PatchOperations: []types.PatchOperation{patch(types.OpReplace, "/description", "first")}})
	if err != nil || aws.ToString(ud.Description) != "first" {
		t.Fatalf("update deployment: %+v %v", ud, err)
	}
	_, err = c.GetDeployment(ctx, &apigateway.GetDeploymentInput{RestApiId: &id, DeploymentId: aws.String("zzzzzzzzzz")})
	wantAPIError(t, err, "NotFoundException", "Invalid Deployment identifier specified")
	_, err = c.CreateStage(ctx, &apigateway.CreateStageInput{RestApiId: &id, StageName: aws.String("qa"), DeploymentId: aws.String("zzzzzzzzzz")})
	wantAPIError(t, err, "BadRequestException", "Deployment id does not exist")
	_, err = c.CreateStage(ctx, &apigateway.CreateStageInput{RestApiId: &id, StageName: aws.String("dev"), DeploymentId: dep.Id})
	wantAPIError(t, err, "ConflictException", "Stage already exists")
	_, err = c.CreateStage(ctx, &apigateway.CreateStageInput{RestApiId: &id, StageName: aws.String("q a"), DeploymentId: dep.Id})
	wantAPIError(t, err, "BadRequestException", "Stage name only allows")
	qa, err := c.CreateStage(ctx, &apigateway.CreateStageInput{RestApiId: &id, StageName: aws.String("qa"), DeploymentId: dep.Id, Variables: map[string]string{"a": "1"}})
	if err != nil || aws.ToString(qa.DeploymentId) != aws.ToString(dep.Id) || qa.Variables["a"] != "1" || qa.CacheClusterStatus != types.CacheClusterStatusNotAvailable {
		t.Fatalf("create stage: %+v %v", qa, err)
	}
	stages, err := c.GetStages(ctx, &apigateway.GetStagesInput{RestApiId: &id})
	if err != nil || len(stages.Item) != 2 || aws.ToString(stages.Item[0].StageName) != "dev" || aws.ToString(stages.Item[0].Description) != "development" {
		t.Fatalf("stages: %+v %v", stages, err)
	}
	st, err := c.UpdateStage(ctx, &apigateway.UpdateStageInput{RestApiId: &id, StageName: aws.String("qa"), PatchOperations: []types.PatchOperation{
		patch(types.OpRemove, "/variables/a", ""), patch(types.OpReplace, "/variables/b", "2"),
		patch(types.OpReplace, "/~1animals~1{id}/GET/throttling/burstLimit", "7"), patch(types.OpReplace, "/~1animals~1{id}/GET/logging/loglevel", "INFO")}})
	if err != nil {
		t.Fatal(err)
	}
	ms := st.MethodSettings["~1animals~1{id}/GET"]
	if len(st.Variables) != 1 || st.Variables["b"] != "2" || ms.ThrottlingBurstLimit != 7 || ms.ThrottlingRateLimit != 10000 || aws.ToString(ms.LoggingLevel) != "INFO" {
		t.Fatalf("update stage: %+v, %+v", st, ms)
	}
	_, err = c.UpdateStage(ctx, &apigateway.UpdateStageInput{RestApiId: &id, StageName: aws.String("qa"), PatchOperations: []types.PatchOperation{
		patch(types.OpReplace, "/*/*/throttling/rateLimit", "fast")}})
	wantAPIError(t, err, "BadRequestException", "Invalid value 'fast' for /*/*/throttling/rateLimit")
	_, err = c.UpdateStage(ctx, &apigateway.UpdateStageInput{RestApiId: &id, StageName: aws.String("qa"), PatchOperations: []types.PatchOperation{
		patch(types.OpReplace, "/variables/b", "has space")}})
	wantAPIError(t, err, "BadRequestException", "Stage variable value has space for b")
	_, err = c.GetStage(ctx, &apigateway.GetStageInput{RestApiId: &id, StageName: aws.String("prod")})
	wantAPIError(t, err, "NotFoundException", "Invalid Stage identifier specified")
	if _, err := c.DeleteStage(ctx, &apigateway.DeleteStageInput{RestApiId: &id, StageName: aws.String("qa")}); err != nil {
		t.Fatal(err)
	}

	// Deletes.
	if _, err := c.DeleteIntegrationResponse(ctx, &apigateway.DeleteIntegrationResponseInput{RestApiId: &id, ResourceId: petID.Id, HttpMethod: get, StatusCode: aws.String("200")}); err != nil {
		t.Fatal(err)
	}
	if _, err := c.DeleteIntegration(ctx, &apigateway.DeleteIntegrationInput{RestApiId: &id, ResourceId: petID.Id, HttpMethod: get}); err != nil {
		t.Fatal(err)
	}
	if _, err := c.DeleteMethodResponse(ctx, &apigateway.DeleteMethodResponseInput{RestApiId: &id, ResourceId: petID.Id, HttpMethod: get, StatusCode: aws.String("200")}); err != nil {
		t.Fatal(err)
	}
	if _, err := c.DeleteMethod(ctx, &apigateway.DeleteMethodInput{RestApiId: &id, ResourceId: petID.Id, HttpMethod: get}); err != nil {
		t.Fatal(err)
	}
	_, err = c.DeleteMethod(ctx, &apigateway.DeleteMethodInput{RestApiId: &id, ResourceId: petID.Id, HttpMethod: get})
	wantAPIError(t, err, "NotFoundException", "Invalid Method identifier specified")
	if _, err := c.DeleteResource(ctx, &apigateway.DeleteResourceInput{RestApiId: &id, ResourceId: pets.Id}); err != nil {
		t.Fatal(err)
	}
	_, err = c.GetResource(ctx, &apigateway.GetResourceInput{RestApiId: &id, ResourceId: petID.Id})
	wantAPIError(t, err, "NotFoundException", "Invalid Resource identifier specified")
	rs, err := c.GetResources(ctx, &apigateway.GetResourcesInput{RestApiId: &id})
	if err != nil || len(rs.Items) != 1 || aws.ToString(rs.Items[0].Path) != "/" {
		t.Fatalf("after deleting the subtree: %+v %v", rs, err)
	}
	// The dev stage still serves its deployment's copy.
	if resp, err := http.Get(m.data.URL + "/restapis/" + id + "/dev/_user_request_/animals/7"); err != nil || resp.StatusCode != 200 {
		t.Fatalf("dev after deletes: %v %v", resp, err)
	}
	if _, err := c.DeleteRestApi(ctx, &apigateway.DeleteRestApiInput{RestApiId: &id}); err != nil {
		t.Fatal(err)
	}
	_, err = c.GetRestApi(ctx, &apigateway.GetRestApiInput{RestApiId: &id})
	wantAPIError(t, err, "NotFoundException", "Invalid API identifier specified")
	if resp, err := http.Get(m.data.URL + "/restapis/" + id + "/dev/_user_request_/animals/7"); err != nil || resp.StatusCode != 403 {
		t.Fatalf("deleted API still served: %v %v", resp, err)
	}
}

// TestManagementImportErrors: import answers AWS's error shapes.
func TestManagementImportErrors(t *testing.T) {
	m := startManaged(t, t.TempDir(), "listen: 127.0.0.1:0\nadmin: {listen: 127.0.0.1:0}\nstore: {type: memory}\n")
	ctx := context.Background()
	_, err := m.c.ImportRestApi(ctx, &apigateway.ImportRestApiInput{Body: []byte("not: [valid")})
	wantAPIError(t, err, "BadRequestException", "Errors found during import:\n\t")
	_, err = m.c.ImportRestApi(ctx, &apigateway.ImportRestApiInput{Body: []byte(`{"swagger": "1.2", "info": {"title": "x"}, "paths": {}}`)})
	wantAPIError(t, err, "BadRequestException", "unsupported swagger version")
	warn := strings.Replace(mockAPI, "paths:", "x-amazon-apigateway-documentation: {version: \"1\"}\npaths:", 1)
	_, err = m.c.ImportRestApi(ctx, &apigateway.ImportRestApiInput{Body: []byte(warn), FailOnWarnings: true})
	wantAPIError(t, err, "BadRequestException", "Warnings found during import:\n\t/x-amazon-apigateway-documentation")
	out, err := m.c.ImportRestApi(ctx, &apigateway.ImportRestApiInput{Body: []byte(warn)})
	if err != nil || len(out.Warnings) != 1 || !strings.HasPrefix(out.Warnings[0], "/x-amazon-apigateway-documentation") {
		t.Fatalf("warnings: %+v %v", out, err)
	}
	_, err = m.c.PutRestApi(ctx, &apigateway.PutRestApiInput{RestApiId: aws.String("nope"), Body: []byte(mockAPI)})
	wantAPIError(t, err, "NotFoundException", "Invalid API identifier specified")
	merged, err := m.c.PutRestApi(ctx, &apigateway.PutRestApiInput{RestApiId: out.Id, Mode: types.PutModeMerge,
		Body: []byte(strings.ReplaceAll(mockAPI, "/hello", "/more"))})
	if err != nil {
		t.Fatal(err)
	}
	rs, err := m.c.GetResources(ctx, &apigateway.GetResourcesInput{RestApiId: merged.Id, Embed: []string{"methods"}})
	if err != nil {
		t.Fatal(err)
	}
	var paths []string
	for _, r := range rs.Items {
		paths = append(paths, aws.ToString(r.Path))
		if p := aws.ToString(r.Path); p != "/" && (r.ResourceMethods["GET"].MethodIntegration == nil || r.ResourceMethods["GET"].MethodIntegration.Type != types.IntegrationTypeMock) {
			t.Errorf("%s: embedded method %+v", p, r.ResourceMethods["GET"])
		}
	}
	slices.Sort(paths)
	if !slices.Equal(paths, []string{"/", "/hello", "/more"}) {
		t.Fatalf("merged: %v", paths)
	}
}

// TestManagementSettingsFileAPIs: the settings file's APIs are listed and
// readable, and every change to them is refused.
func TestManagementSettingsFileAPIs(t *testing.T) {
	dir := t.TempDir()
	if err := os.WriteFile(filepath.Join(dir, "api.yaml"), []byte(mockAPI), 0o600); err != nil {
		t.Fatal(err)
	}
	m := startManaged(t, dir, "listen: 127.0.0.1:0\nadmin: {listen: 127.0.0.1:0}\nstore: {type: memory}\napis:\n  - id: fileapi\n    definition: api.yaml\n    stages: [{name: live, variables: {color: red}}]\n")
	ctx := context.Background()
	list, err := m.c.GetRestApis(ctx, &apigateway.GetRestApisInput{})
	if err != nil || len(list.Items) != 1 || aws.ToString(list.Items[0].Id) != "fileapi" || aws.ToString(list.Items[0].Name) != "hello-api" ||
		list.Items[0].CreatedDate == nil || list.Items[0].CreatedDate.Year() < 2000 {
		t.Fatalf("list: %+v %v", list, err)
	}
	rs, err := m.c.GetResources(ctx, &apigateway.GetResourcesInput{RestApiId: aws.String("fileapi")})
	if err != nil || len(rs.Items) != 2 {
		t.Fatalf("resources: %+v %v", rs, err)
	}
	rs2, _ := m.c.GetResources(ctx, &apigateway.GetResourcesInput{RestApiId: aws.String("fileapi")})
	if aws.ToString(rs2.Items[0].Id) != aws.ToString(rs.Items[0].Id) {
		t.Errorf("resource ids change between listings")
	}
	st, err := m.c.GetStage(ctx, &apigateway.GetStageInput{RestApiId: aws.String("fileapi"), StageName: aws.String("live")})
	if err != nil || st.Variables["color"] != "red" {
		t.Fatalf("stage: %+v %v", st, err)
	}
	_, err = m.c.UpdateRestApi(ctx, &apigateway.UpdateRestApiInput{RestApiId: aws.String("fileapi"), PatchOperations: []types.PatchOperation{patch(types.OpReplace, "/name", "x")}})
	wantAPIError(t, err, "BadRequestException", "REST API fileapi comes from the settings file")
	_, err = m.c.CreateDeployment(ctx, &apigateway.CreateDeploymentInput{RestApiId: aws.String("fileapi"), StageName: aws.String("live")})
	wantAPIError(t, err, "BadRequestException", "comes from the settings file")
	_, err = m.c.DeleteRestApi(ctx, &apigateway.DeleteRestApiInput{RestApiId: aws.String("fileapi")})
	wantAPIError(t, err, "BadRequestException", "comes from the settings file")
	// A managed API beside it; both are served.
	imp, err := m.c.ImportRestApi(ctx, &apigateway.ImportRestApiInput{Body: []byte(mockAPI)})
	if err != nil {
		t.Fatal(err)
	}
	if _, err := m.c.CreateDeployment(ctx, &apigateway.CreateDeploymentInput{RestApiId: imp.Id, StageName: aws.String("live"), Variables: map[string]string{"color": "blue"}}); err != nil {
		t.Fatal(err)
	}
	if code, body := m.call(t, "fileapi", "live", "/hello"); code != 200 || body != `{"v": 1, "color": "red"}` {
		t.Fatalf("file API: %d %s", code, body)
	}
	if code, body := m.call(t, aws.ToString(imp.Id), "live", "/hello"); code != 200 || body != `{"v": 1, "color": "blue"}` {
		t.Fatalf("managed API: %d %s", code, body)
	}
	list, _ = m.c.GetRestApis(ctx, &apigateway.GetRestApisInput{})
	if len(list.Items) != 2 {
		t.Fatalf("list: %+v", list.Items)
	}
}

// TestManagementAuthentication: the wire shape of errors, unsigned
// requests, and configured credentials.
func TestManagementAuthentication(t *testing.T) {
	m := startManaged(t, t.TempDir(), "listen: 127.0.0.1:0\nstore: {type: memory}\nadmin:\n  listen: 127.0.0.1:0\n  credentials: [{accessKeyId: AKIDADMIN, secretAccessKey: right}]\n")
	ctx := context.Background()
	resp, err := http.Get(m.admin.URL + "/restapis")
	if err != nil {
		t.Fatal(err)
	}
	body, _ := io.ReadAll(resp.Body)
	resp.Body.Close()
	if resp.StatusCode != 403 || resp.Header.Get("x-amzn-ErrorType") != "MissingAuthenticationTokenException" || string(body) != `{"message":"Missing Authentication Token"}` ||
		resp.Header.Get("Content-Type") != "application/json" {
		t.Fatalf("unsigned: %d %v %s", resp.StatusCode, resp.Header, body)
	}
	_, err = sdkClient(m.admin.URL, "AKIDADMIN", "wrong").GetRestApis(ctx, &apigateway.GetRestApisInput{})
	wantAPIError(t, err, "InvalidSignatureException", "The request signature we calculated does not match")
	_, err = sdkClient(m.admin.URL, "AKIDOTHER", "x").GetRestApis(ctx, &apigateway.GetRestApisInput{})
	wantAPIError(t, err, "UnrecognizedClientException", "The security token included in the request is invalid.")
	ok := sdkClient(m.admin.URL, "AKIDADMIN", "right")
	if _, err := ok.GetRestApis(ctx, &apigateway.GetRestApisInput{}); err != nil {
		t.Fatal(err)
	}
	// The raw error shape botocore parses: header and {"message"}.
	_, err = ok.GetRestApi(ctx, &apigateway.GetRestApiInput{RestApiId: aws.String("nope")})
	wantAPIError(t, err, "NotFoundException", "Invalid API identifier specified 123456789012:nope")
	// The admin routes still answer beside it.
	if r, err := http.Get(m.admin.URL + "/healthz"); err != nil || r.StatusCode != 200 {
		t.Fatalf("healthz: %v %v", r, err)
	}
}

// TestManagementAWSCLI runs the AWS CLI against the management API when it
// is installed (PORTICO_REQUIRE_AWSCLI=1 makes it required).
func TestManagementAWSCLI(t *testing.T) {
	bin, err := exec.LookPath("aws")
	if err != nil {
		if os.Getenv("PORTICO_REQUIRE_AWSCLI") == "1" {
			t.Fatal("PORTICO_REQUIRE_AWSCLI=1 but the aws command is not installed")
		}
		t.Skip("SKIPPED: the aws command (AWS CLI) is not installed; set PORTICO_REQUIRE_AWSCLI=1 to require it")
	}
	m := startManaged(t, t.TempDir(), "listen: 127.0.0.1:0\nadmin: {listen: 127.0.0.1:0}\nstore: {type: memory}\n")
	home := t.TempDir()
	aws := func(args ...string) map[string]any {
		t.Helper()
		cmd := exec.Command(bin, append([]string{"--endpoint-url", m.admin.URL, "--output", "json", "apigateway"}, args...)...)
		// The caller's environment (the CLI may run from a pyenv shim)
		// without its AWS settings, then dummy credentials.
		for _, kv := range os.Environ() {
			if !strings.HasPrefix(kv, "AWS_") {
				cmd.Env = append(cmd.Env, kv)
			}
		}
		cmd.Env = append(cmd.Env, "AWS_ACCESS_KEY_ID=AKIDCLI", "AWS_SECRET_ACCESS_KEY=dummy", "AWS_DEFAULT_REGION=us-east-1",
			"AWS_CONFIG_FILE="+filepath.Join(home, "none"), "AWS_SHARED_CREDENTIALS_FILE="+filepath.Join(home, "none"), "AWS_PAGER=")
		var stderr bytes.Buffer
		cmd.Stderr = &stderr
		out, err := cmd.Output()
		if err != nil {
			t.Fatalf("aws %v: %v\n%s", args, err, stderr.String())
		}
		v := map[string]any{}
		if len(bytes.TrimSpace(out)) > 0 {
			if err := json.Unmarshal(out, &v); err != nil {
				t.Fatalf("aws %v: %v\n%s", args, err, out)
			}
		}
		return v
	}
	created := aws("create-rest-api", "--name", "from-cli")
	id, _ := created["id"].(string)
	if !awsID.MatchString(id) || created["name"] != "from-cli" {
		t.Fatalf("create-rest-api: %v", created)
	}
	list := aws("get-rest-apis")
	items, _ := list["items"].([]any)
	if len(items) != 1 || items[0].(map[string]any)["id"] != id {
		t.Fatalf("get-rest-apis: %v", list)
	}
	res := aws("get-resources", "--rest-api-id", id)
	if items, _ := res["items"].([]any); len(items) != 1 || items[0].(map[string]any)["path"] != "/" {
		t.Fatalf("get-resources: %v", res)
	}
	aws("delete-rest-api", "--rest-api-id", id)
	if items, _ := aws("get-rest-apis")["items"].([]any); len(items) != 0 {
		t.Fatalf("after delete: %v", items)
	}

	// A keys, plans and usage session: an API whose GET /hello requires
	// a key, a key in a plan with a quota of two a day, the calls that
	// use it up, and get-usage.
	apiID := keyedAPI(t, m.c)
	key := aws("create-api-key", "--name", "cli-key", "--enabled")
	keyID, _ := key["id"].(string)
	value, _ := key["value"].(string)
	if !awsID.MatchString(keyID) || !generatedKey.MatchString(value) || key["enabled"] != true {
		t.Fatalf("create-api-key: %v", key)
	}
	plan := aws("create-usage-plan", "--name", "cli-plan", "--api-stages", "apiId="+apiID+",stage=prod",
		"--throttle", "burstLimit=10,rateLimit=5", "--quota", "limit=2,period=DAY")
	planID, _ := plan["id"].(string)
	if q, _ := plan["quota"].(map[string]any); !awsID.MatchString(planID) || q["limit"] != 2.0 || q["period"] != "DAY" {
		t.Fatalf("create-usage-plan: %v", plan)
	}
	if pk := aws("create-usage-plan-key", "--usage-plan-id", planID, "--key-id", keyID, "--key-type", "API_KEY"); pk["id"] != keyID || pk["type"] != "API_KEY" {
		t.Fatalf("create-usage-plan-key: %v", pk)
	}
	for i, want := range []int{200, 200, 429} {
		if st, _ := m.callKey(t, apiID, "prod", "/hello", value); st != want {
			t.Fatalf("call %d: %d, want %d", i, st, want)
		}
	}
	today := time.Now().UTC().Format("2006-01-02")
	use := aws("get-usage", "--usage-plan-id", planID, "--start-date", today, "--end-date", today)
	usageItems, _ := use["items"].(map[string]any)
	if rows, _ := usageItems[keyID].([]any); use["usagePlanId"] != planID || len(rows) != 1 || fmt.Sprint(rows[0]) != "[2 0]" {
		t.Fatalf("get-usage: %v", use)
	}
	csvFile := filepath.Join(home, "keys.csv")
	if err := os.WriteFile(csvFile, []byte("name,key,usageplanIds\ncli-imported,cliimported0123456789abcdef,"+planID+"\n"), 0o600); err != nil {
		t.Fatal(err)
	}
	imported := aws("import-api-keys", "--body", "fileb://"+csvFile, "--format", "csv")
	if ids, _ := imported["ids"].([]any); len(ids) != 1 {
		t.Fatalf("import-api-keys: %v", imported)
	}
	if st, _ := m.callKey(t, apiID, "prod", "/hello", "cliimported0123456789abcdef"); st != 200 {
		t.Fatalf("imported key: %d", st)
	}
}

// TestManagementStageLogs: the "*/*" loggingLevel turns the stage's
// execution log on at once; an access-log format is checked when set.
func TestManagementStageLogs(t *testing.T) {
	m := startManaged(t, t.TempDir(), "listen: 127.0.0.1:0\nadmin: {listen: 127.0.0.1:0}\nstore: {type: memory}\n")
	ctx := context.Background()
	imp, err := m.c.ImportRestApi(ctx, &apigateway.ImportRestApiInput{Body: []byte(mockAPI)})
	if err != nil {
		t.Fatal(err)
	}
	id := aws.ToString(imp.Id)
	if _, err := m.c.CreateDeployment(ctx, &apigateway.CreateDeploymentInput{RestApiId: &id, StageName: aws.String("prod")}); err != nil {
		t.Fatal(err)
	}
	execLine := "apiId=" + id + " stage=prod"
	m.call(t, id, "prod", "/hello")
	if strings.Contains(m.logs.String(), execLine) {
		t.Fatalf("execution log while OFF:\n%s", m.logs)
	}
	if _, err := m.c.UpdateStage(ctx, &apigateway.UpdateStageInput{RestApiId: &id, StageName: aws.String("prod"), PatchOperations: []types.PatchOperation{
		patch(types.OpReplace, "/*/*/logging/loglevel", "INFO"), patch(types.OpReplace, "/accessLogSettings/format", "$context.requestId $context.status"),
		patch(types.OpReplace, "/accessLogSettings/destinationArn", "arn:aws:logs:us-east-1:123456789012:log-group:g")}}); err != nil {
		t.Fatal(err)
	}
	if code, _ := m.call(t, id, "prod", "/hello"); code != 200 {
		t.Fatalf("status %d", code)
	}
	if !strings.Contains(m.logs.String(), execLine) {
		t.Fatalf("no execution log at INFO:\n%s", m.logs)
	}
	st, err := m.c.GetStage(ctx, &apigateway.GetStageInput{RestApiId: &id, StageName: aws.String("prod")})
	if err != nil || st.AccessLogSettings == nil || aws.ToString(st.AccessLogSettings.Format) != "$context.requestId $context.status" {
		t.Fatalf("stage: %+v %v", st, err)
	}
	_, err = m.c.UpdateStage(ctx, &apigateway.UpdateStageInput{RestApiId: &id, StageName: aws.String("prod"), PatchOperations: []types.PatchOperation{
		patch(types.OpReplace, "/accessLogSettings/format", "$context.nope")}})
	wantAPIError(t, err, "BadRequestException", "Invalid access log format")
}

// TestManagementDisableExecuteAPIEndpoint: once a deployment carries
// disableExecuteApiEndpoint, the stage answers 403 Forbidden.
func TestManagementDisableExecuteAPIEndpoint(t *testing.T) {
	m := startManaged(t, t.TempDir(), "listen: 127.0.0.1:0\nadmin: {listen: 127.0.0.1:0}\nstore: {type: memory}\n")
	ctx := context.Background()
	imp, err := m.c.ImportRestApi(ctx, &apigateway.ImportRestApiInput{Body: []byte(mockAPI)})
	if err != nil {
		t.Fatal(err)
	}
	id := aws.ToString(imp.Id)
	deploy := func() {
		if _, err := m.c.CreateDeployment(ctx, &apigateway.CreateDeploymentInput{RestApiId: &id, StageName: aws.String("prod")}); err != nil {
			t.Fatal(err)
		}
	}
	deploy()
	if _, err := m.c.UpdateRestApi(ctx, &apigateway.UpdateRestApiInput{RestApiId: &id, PatchOperations: []types.PatchOperation{
		patch(types.OpReplace, "/disableExecuteApiEndpoint", "true")}}); err != nil {
		t.Fatal(err)
	}
	if code, _ := m.call(t, id, "prod", "/hello"); code != 200 {
		t.Fatalf("before the redeploy: %d", code)
	}
	deploy()
	if code, body := m.call(t, id, "prod", "/hello"); code != 403 || body != `{"message":"Forbidden"}` {
		t.Fatalf("disabled: %d %s", code, body)
	}
}

// TestManagementMinimumCompressionSize: minimumCompressionSize set through
// UpdateRestApi compresses the answers of the next deployment; an import
// carrying the extension and disableExecuteApiEndpoint keeps both (export
// writes them back).
func TestManagementMinimumCompressionSize(t *testing.T) {
	m := startManaged(t, t.TempDir(), "listen: 127.0.0.1:0\nadmin: {listen: 127.0.0.1:0}\nstore: {type: memory}\n")
	ctx := context.Background()
	imp, err := m.c.ImportRestApi(ctx, &apigateway.ImportRestApiInput{Body: []byte(mockAPI)})
	if err != nil {
		t.Fatal(err)
	}
	id := aws.ToString(imp.Id)
	if _, err := m.c.UpdateRestApi(ctx, &apigateway.UpdateRestApiInput{RestApiId: &id, PatchOperations: []types.PatchOperation{
		patch(types.OpReplace, "/minimumCompressionSize", "0")}}); err != nil {
		t.Fatal(err)
	}
	if _, err := m.c.CreateDeployment(ctx, &apigateway.CreateDeploymentInput{RestApiId: &id, StageName: aws.String("prod")}); err != nil {
		t.Fatal(err)
	}
	req, _ := http.NewRequest(http.MethodGet, m.data.URL+"/restapis/"+id+"/prod/_user_request_/hello", nil)
	req.Header.Set("Accept-Encoding", "gzip")
	resp, err := (&http.Transport{DisableCompression: true}).RoundTrip(req)
	if err != nil {
		t.Fatal(err)
	}
	defer resp.Body.Close()
	zr, err := gzip.NewReader(resp.Body)
	if err != nil {
		t.Fatalf("Content-Encoding %q: %v", resp.Header.Get("Content-Encoding"), err)
	}
	b, _ := io.ReadAll(zr)
	if resp.Header.Get("Content-Encoding") != "gzip" || string(b) != `{"v": 1, "color": ""}` {
		t.Errorf("got %q %q", resp.Header.Get("Content-Encoding"), b)
	}

	def := strings.Replace(mockAPI, "paths:", "x-amazon-apigateway-minimum-compression-size: 1024\nx-amazon-apigateway-endpoint-configuration: {disableExecuteApiEndpoint: true}\npaths:", 1)
	imp2, err := m.c.ImportRestApi(ctx, &apigateway.ImportRestApiInput{Body: []byte(def)})
	if err != nil {
		t.Fatal(err)
	}
	if aws.ToInt32(imp2.MinimumCompressionSize) != 1024 || !imp2.DisableExecuteApiEndpoint {
		t.Errorf("imported: minimumCompressionSize %v, disableExecuteApiEndpoint %v", imp2.MinimumCompressionSize, imp2.DisableExecuteApiEndpoint)
	}
	if _, err := m.c.CreateDeployment(ctx, &apigateway.CreateDeploymentInput{RestApiId: imp2.Id, StageName: aws.String("prod")}); err != nil {
		t.Fatal(err)
	}
	if code, body := m.call(t, aws.ToString(imp2.Id), "prod", "/hello"); code != 403 || body != `{"message":"Forbidden"}` {
		t.Errorf("default endpoint of the imported API: %d %s", code, body)
	}
	exp, err := m.c.GetExport(ctx, &apigateway.GetExportInput{RestApiId: imp2.Id, StageName: aws.String("prod"), ExportType: aws.String("oas30"),
		Parameters: map[string]string{"extensions": "apigateway"}})
	if err != nil {
		t.Fatal(err)
	}
	var doc struct {
		MinSize  *int `json:"x-amazon-apigateway-minimum-compression-size"`
		Endpoint struct {
			Disable bool `json:"disableExecuteApiEndpoint"`
		} `json:"x-amazon-apigateway-endpoint-configuration"`
	}
	if err := json.Unmarshal(exp.Body, &doc); err != nil || doc.MinSize == nil || *doc.MinSize != 1024 || !doc.Endpoint.Disable {
		t.Errorf("export lacks the settings (%v): %s", err, exp.Body)
	}
}
