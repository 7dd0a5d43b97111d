package app

import (
	"context"
	"io"
	"net/http"
	"strings"
	"testing"

	"github.com/aws/aws-sdk-go-v2/aws"
	"github.com/aws/aws-sdk-go-v2/service/apigateway"
	"github.com/aws/aws-sdk-go-v2/service/apigateway/types"
)

// post sends POST path with a JSON body to a stage of a managed API.
func (m *managed) post(t *testing.T, api, stage, path, body string) (int, string) {
	t.Helper()
	resp, err := http.Post(m.data.URL+"/restapis/"+api+"/"+stage+"/_user_request_"+path, "application/json", strings.NewReader(body))
	if err != nil {
		t.Fatal(err)
	}
	defer resp.Body.Close()
	b, _ := io.ReadAll(resp.Body)
	return resp.StatusCode, string(b)
}

// TestManagementModelsValidatorsResponses: a model, a request validator
// and a gateway response made through the API are served after the next
// create-deployment, and their operations answer as AWS's.
func TestManagementModelsValidatorsResponses(t *testing.T) {
	m := startManaged(t, t.TempDir(), "listen: 127.0.0.1:0\nadmin: {listen: 127.0.0.1:0}\nstore: {type: memory}\n")
	ctx := context.Background()
	c := m.c
	api, err := c.CreateRestApi(ctx, &apigateway.CreateRestApiInput{Name: aws.String("validated")})
	if err != nil {
		t.Fatal(err)
	}
	id := aws.ToString(api.Id)

	// Models.
	schema := `{"type":"object","required":["name"],"properties":{"name":{"type":"string"}}}`
	model, err := c.CreateModel(ctx, &apigateway.CreateModelInput{RestApiId: &id, Name: aws.String("Pet"), ContentType: aws.String("application/json"),
		Schema: aws.String(schema), Description: aws.String("a pet")})
	if err != nil || !awsID.MatchString(aws.ToString(model.Id)) || aws.ToString(model.Schema) != schema {
		t.Fatalf("create model: %+v %v", model, err)
	}
	_, err = c.CreateModel(ctx, &apigateway.CreateModelInput{RestApiId: &id, Name: aws.String("Pet"), ContentType: aws.String("application/json"), Schema: aws.String(schema)})
	wantAPIError(t, err, "ConflictException", "Model name already exists for this REST API")
	_, err = c.CreateModel(ctx, &apigateway.CreateModelInput{RestApiId: &id, Name: aws.String("bad-name"), ContentType: aws.String("application/json")})
	wantAPIError(t, err, "BadRequestException", "Model name must be non-empty and alphanumeric")
	_, err = c.GetModel(ctx, &apigateway.GetModelInput{RestApiId: &id, ModelName: aws.String("Nope")})
	wantAPIError(t, err, "NotFoundException", "Invalid model name specified: Nope")
	if ms, err := c.GetModels(ctx, &apigateway.GetModelsInput{RestApiId: &id}); err != nil || len(ms.Items) != 1 || aws.ToString(ms.Items[0].Name) != "Pet" {
		t.Fatalf("get models: %+v %v", ms, err)
	}
	um, err := c.UpdateModel(ctx, &apigateway.UpdateModelInput{RestApiId: &id, ModelName: aws.String("Pet"), PatchOperations: []types.PatchOperation{patch(types.OpReplace, "/description", "still a pet")}})
	if err != nil || aws.ToString(um.Description) != "still a pet" || aws.ToString(um.Id) != aws.ToString(model.Id) {
		t.Fatalf("update model: %+v %v", um, err)
	}

	// Validators.
	v, err := c.CreateRequestValidator(ctx, &apigateway.CreateRequestValidatorInput{RestApiId: &id, Name: aws.String("body"), ValidateRequestBody: true})
	if err != nil || !v.ValidateRequestBody || v.ValidateRequestParameters {
		t.Fatalf("create validator: %+v %v", v, err)
	}
	_, err = c.CreateRequestValidator(ctx, &apigateway.CreateRequestValidatorInput{RestApiId: &id, Name: aws.String(" ")})
	wantAPIError(t, err, "BadRequestException", "Request Validator name cannot be blank")
	_, err = c.GetRequestValidator(ctx, &apigateway.GetRequestValidatorInput{RestApiId: &id, RequestValidatorId: aws.String("missing")})
	wantAPIError(t, err, "NotFoundException", "Invalid Request Validator identifier specified")
	_, err = c.UpdateRequestValidator(ctx, &apigateway.UpdateRequestValidatorInput{RestApiId: &id, RequestValidatorId: v.Id, PatchOperations: []types.PatchOperation{patch(types.OpReplace, "/x", "1")}})
	wantAPIError(t, err, "BadRequestException", "Must be one of: [/name, /validateRequestParameters, /validateRequestBody]")

	// A POST / that validates its body against Pet, with a MOCK integration.
	root := api.RootResourceId
	if _, err := c.PutMethod(ctx, &apigateway.PutMethodInput{RestApiId: &id, ResourceId: root, HttpMethod: aws.String("POST"), AuthorizationType: aws.String("NONE"),
		RequestValidatorId: v.Id, RequestModels: map[string]string{"application/json": "Pet"}}); err != nil {
		t.Fatal(err)
	}
	if _, err := c.PutIntegration(ctx, &apigateway.PutIntegrationInput{RestApiId: &id, ResourceId: root, HttpMethod: aws.String("POST"), Type: types.IntegrationTypeMock,
		RequestTemplates: map[string]string{"application/json": `{"statusCode": 200}`}}); err != nil {
		t.Fatal(err)
	}
	if _, err := c.PutIntegrationResponse(ctx, &apigateway.PutIntegrationResponseInput{RestApiId: &id, ResourceId: root, HttpMethod: aws.String("POST"), StatusCode: aws.String("200"),
		ResponseTemplates: map[string]string{"application/json": `{"ok": true}`}}); err != nil {
		t.Fatal(err)
	}
	_, err = c.DeleteModel(ctx, &apigateway.DeleteModelInput{RestApiId: &id, ModelName: aws.String("Pet")})
	wantAPIError(t, err, "ConflictException", "Cannot delete model 'Pet', is referenced in method request: //POST")
	_, err = c.DeleteRequestValidator(ctx, &apigateway.DeleteRequestValidatorInput{RestApiId: &id, RequestValidatorId: v.Id})
	wantAPIError(t, err, "ConflictException", "Cannot delete request validator 'body'")
	if _, err := c.CreateDeployment(ctx, &apigateway.CreateDeploymentInput{RestApiId: &id, StageName: aws.String("dev")}); err != nil {
		t.Fatal(err)
	}
	if st, body := m.post(t, id, "dev", "/", `{"name":"rex"}`); st != 200 || body != `{"ok": true}` {
		t.Fatalf("valid body: %d %s", st, body)
	}
	if st, body := m.post(t, id, "dev", "/", `{"age":3}`); st != 400 || body != `{"message":"Invalid request body"}` {
		t.Fatalf("invalid body: %d %s", st, body)
	}

	// Gateway responses: the defaults, then a customization, served after
	// the next deployment.
	all, err := c.GetGatewayResponses(ctx, &apigateway.GetGatewayResponsesInput{RestApiId: &id, Limit: aws.Int32(500)})
	if err != nil || len(all.Items) != 21 {
		t.Fatalf("get gateway responses: %+v %v", all, err)
	}
	for _, gr := range all.Items {
		if !gr.DefaultResponse || gr.ResponseTemplates["application/json"] != `{"message":$context.error.messageString}` ||
			(gr.ResponseType == types.GatewayResponseTypeDefault4xx) != (gr.StatusCode == nil && gr.ResponseType != types.GatewayResponseTypeDefault5xx) {
			t.Fatalf("default %s: %+v", gr.ResponseType, gr)
		}
	}
	one, err := c.GetGatewayResponse(ctx, &apigateway.GetGatewayResponseInput{RestApiId: &id, ResponseType: types.GatewayResponseTypeBadRequestBody})
	if err != nil || aws.ToString(one.StatusCode) != "400" || !one.DefaultResponse {
		t.Fatalf("default BAD_REQUEST_BODY: %+v %v", one, err)
	}
	_, err = c.GetGatewayResponse(ctx, &apigateway.GetGatewayResponseInput{RestApiId: &id, ResponseType: "FAKE_RESPONSE_TYPE"})
	wantAPIError(t, err, "ValidationException", "Value 'FAKE_RESPONSE_TYPE' at 'responseType' failed to satisfy constraint: Member must satisfy enum value set: [")
	_, err = c.DeleteGatewayResponse(ctx, &apigateway.DeleteGatewayResponseInput{RestApiId: &id, ResponseType: types.GatewayResponseTypeBadRequestBody})
	wantAPIError(t, err, "NotFoundException", "Gateway response type not defined on api")
	put, err := c.PutGatewayResponse(ctx, &apigateway.PutGatewayResponseInput{RestApiId: &id, ResponseType: types.GatewayResponseTypeBadRequestBody,
		StatusCode: aws.String("422"), ResponseTemplates: map[string]string{"application/json": `{"error":"$context.error.validationErrorString"}`}})
	if err != nil || put.DefaultResponse || aws.ToString(put.StatusCode) != "422" {
		t.Fatalf("put gateway response: %+v %v", put, err)
	}
	upd, err := c.UpdateGatewayResponse(ctx, &apigateway.UpdateGatewayResponseInput{RestApiId: &id, ResponseType: types.GatewayResponseTypeBadRequestBody,
		PatchOperations: []types.PatchOperation{patch(types.OpAdd, "/responseParameters/gatewayresponse.header.x-why", "'invalid'")}})
	if err != nil || upd.ResponseParameters["gatewayresponse.header.x-why"] != "'invalid'" {
		t.Fatalf("update gateway response: %+v %v", upd, err)
	}
	if st, _ := m.post(t, id, "dev", "/", `{"age":3}`); st != 400 {
		t.Fatalf("a customization is served before a deployment: %d", st)
	}
	if _, err := c.CreateDeployment(ctx, &apigateway.CreateDeploymentInput{RestApiId: &id, StageName: aws.String("dev")}); err != nil {
		t.Fatal(err)
	}
	req, _ := http.NewRequest(http.MethodPost, m.data.URL+"/restapis/"+id+"/dev/_user_request_/", strings.NewReader(`{"age":3}`))
	req.Header.Set("Content-Type", "application/json")
	resp, err := http.DefaultClient.Do(req)
	if err != nil {
		t.Fatal(err)
	}
	body, _ := io.ReadAll(resp.Body)
	resp.Body.Close()
	if resp.StatusCode != 422 || resp.Header.Get("x-why") != "invalid" || !strings.HasPrefix(string(body), `{"error":"[object has missing required properties`) {
		t.Fatalf("customized BAD_REQUEST_BODY: %d %v %s", resp.StatusCode, resp.Header, body)
	}
	if _, err := c.DeleteGatewayResponse(ctx, &apigateway.DeleteGatewayResponseInput{RestApiId: &id, ResponseType: types.GatewayResponseTypeBadRequestBody}); err != nil {
		t.Fatal(err)
	}
	if one, _ := c.GetGatewayResponse(ctx, &apigateway.GetGatewayResponseInput{RestApiId: &id, ResponseType: types.GatewayResponseTypeBadRequestBody}); !one.DefaultResponse {
		t.Fatalf("after delete: %+v", one)
	}

	// Tags on the API and on its stage.
	region := "us-east-1"
	apiARN := "arn:aws:apigateway:" + region + "::/restapis/" + id
	stageARN := apiARN + "/stages/dev"
	for _, arn := range []string{apiARN, stageARN} {
		if _, err := c.TagResource(ctx, &apigateway.TagResourceInput{ResourceArn: aws.String(arn), Tags: map[string]string{"team": "pets", "env": "dev"}}); err != nil {
			t.Fatal(err)
		}
		if _, err := c.UntagResource(ctx, &apigateway.UntagResourceInput{ResourceArn: aws.String(arn), TagKeys: []string{"env"}}); err != nil {
			t.Fatal(err)
		}
		tags, err := c.GetTags(ctx, &apigateway.GetTagsInput{ResourceArn: aws.String(arn)})
		if err != nil || len(tags.Tags) != 1 || tags.Tags["team"] != "pets" {
			t.Fatalf("tags of %s: %+v %v", arn, tags, err)
		}
	}
	if got, _ := c.GetRestApi(ctx, &apigateway.GetRestApiInput{RestApiId: &id}); got.Tags["team"] != "pets" {
		t.Fatalf("rest api tags: %+v", got.Tags)
	}
	if got, _ := c.GetStage(ctx, &apigateway.GetStageInput{RestApiId: &id, StageName: aws.String("dev")}); got.Tags["team"] != "pets" {
		t.Fatalf("stage tags: %+v", got.Tags)
	}
	_, err = c.GetTags(ctx, &apigateway.GetTagsInput{ResourceArn: aws.String("arn:aws:apigateway:" + region + "::/restapis/" + id + "/stages/nope")})
	wantAPIError(t, err, "NotFoundException", "Invalid stage identifier specified")
	_, err = c.GetTags(ctx, &apigateway.GetTagsInput{ResourceArn: aws.String("arn:aws:s3:::bucket")})
	wantAPIError(t, err, "BadRequestException", "Invalid resource ARN specified")
}

// TestManagementAuthorizers drives the authorizer operations; a method
// takes an authorizer made through the API.
func TestManagementAuthorizers(t *testing.T) {
	m := startManaged(t, t.TempDir(), "listen: 127.0.0.1:0\nadmin: {listen: 127.0.0.1:0}\nstore: {type: memory}\n")
	ctx := context.Background()
	c := m.c
	api, err := c.CreateRestApi(ctx, &apigateway.CreateRestApiInput{Name: aws.String("authorized")})
	if err != nil {
		t.Fatal(err)
	}
	id := aws.ToString(api.Id)
	uri := "arn:aws:apigateway:us-east-1:lambda:path/2015-03-31/functions/arn:aws:lambda:us-east-1:123456789012:function:auth/invocations"
	a, err := c.CreateAuthorizer(ctx, &apigateway.CreateAuthorizerInput{RestApiId: &id, Name: aws.String("tok"), Type: types.AuthorizerTypeToken,
		AuthorizerUri: aws.String(uri), IdentitySource: aws.String("method.request.header.Authorization"), AuthorizerCredentials: aws.String("arn:aws:iam::123456789012:role/invoker")})
	if err != nil || !awsID.MatchString(aws.ToString(a.Id)) || aws.ToInt32(a.AuthorizerResultTtlInSeconds) != 300 || aws.ToString(a.AuthorizerCredentials) == "" {
		t.Fatalf("create authorizer: %+v %v", a, err)
	}
	_, err = c.CreateAuthorizer(ctx, &apigateway.CreateAuthorizerInput{RestApiId: &id, Name: aws.String("x"), Type: "OAUTH"})
	wantAPIError(t, err, "ValidationException", "Member must satisfy enum value set: [TOKEN, REQUEST, COGNITO_USER_POOLS]")
	_, err = c.CreateAuthorizer(ctx, &apigateway.CreateAuthorizerInput{RestApiId: &id, Name: aws.String("x"), Type: types.AuthorizerTypeToken, AuthorizerUri: aws.String("http://x")})
	wantAPIError(t, err, "BadRequestException", "Invalid Authorizer URI specified")
	_, err = c.CreateAuthorizer(ctx, &apigateway.CreateAuthorizerInput{RestApiId: &id, Name: aws.String("x"), Type: types.AuthorizerTypeCognitoUserPools, IdentitySource: aws.String("method.request.header.Authorization")})
	wantAPIError(t, err, "BadRequestException", "Invalid providerARNs specified")
	_, err = c.CreateAuthorizer(ctx, &apigateway.CreateAuthorizerInput{RestApiId: &id, Name: aws.String("tok"), Type: types.AuthorizerTypeRequest, AuthorizerUri: aws.String(uri), AuthorizerResultTtlInSeconds: aws.Int32(0)})
	wantAPIError(t, err, "ConflictException", "Authorizer name already exists")
	_, err = c.GetAuthorizer(ctx, &apigateway.GetAuthorizerInput{RestApiId: &id, AuthorizerId: aws.String("missing")})
	wantAPIError(t, err, "NotFoundException", "Invalid Authorizer identifier specified")
	ua, err := c.UpdateAuthorizer(ctx, &apigateway.UpdateAuthorizerInput{RestApiId: &id, AuthorizerId: a.Id, PatchOperations: []types.PatchOperation{
		patch(types.OpReplace, "/authorizerResultTtlInSeconds", "60"), patch(types.OpReplace, "/identityValidationExpression", "^Bearer .+$")}})
	if err != nil || aws.ToInt32(ua.AuthorizerResultTtlInSeconds) != 60 || aws.ToString(ua.IdentityValidationExpression) != "^Bearer .+$" {
		t.Fatalf("update authorizer: %+v %v", ua, err)
	}
	if list, err := c.GetAuthorizers(ctx, &apigateway.GetAuthorizersInput{RestApiId: &id}); err != nil || len(list.Items) != 1 {
		t.Fatalf("get authorizers: %+v %v", list, err)
	}
	if _, err := c.PutMethod(ctx, &apigateway.PutMethodInput{RestApiId: &id, ResourceId: api.RootResourceId, HttpMethod: aws.String("GET"),
		AuthorizationType: aws.String("CUSTOM"), AuthorizerId: a.Id}); err != nil {
		t.Fatal(err)
	}
	_, err = c.UpdateAuthorizer(ctx, &apigateway.UpdateAuthorizerInput{RestApiId: &id, AuthorizerId: a.Id, PatchOperations: []types.PatchOperation{
		patch(types.OpReplace, "/type", "COGNITO_USER_POOLS"), patch(types.OpAdd, "/providerARNs/arn:aws:cognito-idp:us-east-1:123456789012:userpool~1us-east-1_x", "")}})
	wantAPIError(t, err, "BadRequestException", "is used by method GET / with authorizationType CUSTOM")
	_, err = c.DeleteAuthorizer(ctx, &apigateway.DeleteAuthorizerInput{RestApiId: &id, AuthorizerId: a.Id})
	wantAPIError(t, err, "ConflictException", "Cannot delete authorizer 'tok', is referenced in method: //GET")
	if _, err := c.DeleteMethod(ctx, &apigateway.DeleteMethodInput{RestApiId: &id, ResourceId: api.RootResourceId, HttpMethod: aws.String("GET")}); err != nil {
		t.Fatal(err)
	}
	if _, err := c.DeleteAuthorizer(ctx, &apigateway.DeleteAuthorizerInput{RestApiId: &id, AuthorizerId: a.Id}); err != nil {
		t.Fatal(err)
	}
}
