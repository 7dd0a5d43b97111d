package httpserver

import (
	"errors"
	"net/http"
	"net/http/httptest"
	"strings"
	"testing"

	"github.com/portico-gw/portico/internal/apidef"
	"github.com/portico-gw/portico/internal/deploy"
	"github.com/portico-gw/portico/internal/fault"
	"github.com/portico-gw/portico/internal/pipeline"
)

func newTestCall() *pipeline.Call {
	return &pipeline.Call{RequestID: "req-1", ExtendedRequestID: "ext=", Stage: "dev", StagePath: "/dev/x",
		Header: http.Header{}, StageVariables: map[string]string{"v": "1"}}
}

func deployed(t *testing.T, custom map[string]apidef.GatewayResponse) *deploy.API {
	t.Helper()
	snap, err := deploy.Build([]deploy.APISpec{{ID: "a", Def: &apidef.RestAPI{GatewayResponses: custom}, Stages: []deploy.StageSpec{{Name: "dev"}}}}, deploy.Options{})
	if err != nil {
		t.Fatal(err)
	}
	a, _ := snap.API("a")
	return a
}

// TestBuiltInResponses renders every type with no customization: AWS's
// default status, body and headers (docs/aws-behaviour.md#response-types-and-defaults, docs/aws-behaviour.md#default-error-bodies).
func TestBuiltInResponses(t *testing.T) {
	t.Parallel()
	api := deployed(t, nil)
	e := New(nil, Options{})
	want := map[fault.ResponseType]struct {
		status int
		body   string
	}{
		fault.AccessDenied:                 {403, `{"Message":"User is not authorized to access this resource"}`},
		fault.APIConfigurationError:        {500, `{"message":"Internal server error"}`},
		fault.AuthorizerConfigurationError: {500, `{"message":null}`},
		fault.AuthorizerFailure:            {500, `{"message":"Internal server error"}`},
		fault.BadRequestBody:               {400, `{"message":"Invalid request body"}`},
		fault.BadRequestParameters:         {400, `{"message":"Missing required request parameters"}`},
		fault.Default4XX:                   {400, `{"message":""}`},
		fault.Default5XX:                   {500, `{"message":""}`},
		fault.ExpiredToken:                 {403, `{"message":"The security token included in the request is expired"}`},
		fault.IntegrationFailure:           {504, `{"message":"Internal server error"}`},
		fault.IntegrationTimeout:           {504, `{"message":"Endpoint request timed out"}`},
		fault.InvalidAPIKey:                {403, `{"message":"Forbidden"}`},
		fault.InvalidSignature:             {403, `{"message":"The request signature we calculated does not match the signature you provided. Check your AWS Secret Access Key and signing method. Consult the service documentation for details."}`},
		fault.MissingAuthenticationToken:   {403, `{"message":"Missing Authentication Token"}`},
		fault.QuotaExceeded:                {429, `{"message":"Limit Exceeded"}`},
		fault.RequestTooLarge:              {413, "HTTP content length exceeded 10485760 bytes."},
		fault.ResourceNotFound:             {404, `{"message":"Not Found"}`},
		fault.Throttled:                    {429, `{"message":"Too Many Requests"}`},
		fault.Unauthorized:                 {401, `{"message":"Unauthorized"}`},
		fault.UnsupportedMediaType:         {415, `{"message":"Unsupported Media Type"}`},
		fault.WAFFiltered:                  {403, `{"message":"Forbidden"}`},
	}
	for _, rt := range fault.All() {
		rec := httptest.NewRecorder()
		req := httptest.NewRequest(http.MethodGet, "/dev/x", nil)
		status, _ := e.writeFault(rec, req, newTestCall(), api, nil, &fault.Error{Type: rt})
		w := want[rt]
		if status != w.status || rec.Code != w.status || rec.Body.String() != w.body {
			t.Errorf("%s: got %d %q, want %d %q", rt, rec.Code, rec.Body.String(), w.status, w.body)
		}
		if rec.Header()["x-amzn-RequestId"][0] != "req-1" || rec.Header()["x-amz-apigw-id"][0] != "ext=" {
			t.Errorf("%s: request id headers missing: %v", rt, rec.Header())
		}
		if et := rt.ErrorType(); rt != fault.RequestTooLarge && et != "" && rec.Header()["x-amzn-ErrorType"][0] != et {
			t.Errorf("%s: x-amzn-ErrorType %v, want %s", rt, rec.Header()["x-amzn-ErrorType"], et)
		}
	}
}

// TestFamilyFallback pins the DEFAULT_4XX rules: its status and template
// reach every uncustomized 4xx type, a type's own customization wins, and
// REQUEST_TOO_LARGE cannot be customized.
func TestFamilyFallback(t *testing.T) {
	t.Parallel()
	api := deployed(t, map[string]apidef.GatewayResponse{
		"DEFAULT_4XX": {StatusCode: "418", ResponseTemplates: map[string]string{"application/json": `{"family":"$context.error.responseType","v":"$stageVariables.v"}`}},
		"THROTTLED":   {ResponseTemplates: map[string]string{"application/json": `{"own":$context.error.messageString}`}},
	})
	e := New(nil, Options{})
	cases := []struct {
		rt     fault.ResponseType
		status int
		body   string
	}{
		{fault.InvalidAPIKey, 418, `{"family":"INVALID_API_KEY","v":"1"}`},
		{fault.MissingAuthenticationToken, 418, `{"family":"MISSING_AUTHENTICATION_TOKEN","v":"1"}`},
		{fault.Throttled, 429, `{"own":"Too Many Requests"}`},
		{fault.RequestTooLarge, 413, "HTTP content length exceeded 10485760 bytes."},
		{fault.IntegrationTimeout, 504, `{"message":"Endpoint request timed out"}`},
	}
	for _, c := range cases {
		rec := httptest.NewRecorder()
		e.writeFault(rec, httptest.NewRequest(http.MethodGet, "/dev/x", nil), newTestCall(), api, nil, &fault.Error{Type: c.rt})
		if rec.Code != c.status || rec.Body.String() != c.body {
			t.Errorf("%s: got %d %q, want %d %q", c.rt, rec.Code, rec.Body.String(), c.status, c.body)
		}
	}
}

// TestUnknownErrorIsGeneric makes sure an internal error never reaches the client.
func TestUnknownErrorIsGeneric(t *testing.T) {
	t.Parallel()
	e := New(nil, Options{})
	rec := httptest.NewRecorder()
	e.writeFault(rec, httptest.NewRequest(http.MethodGet, "/dev/x", nil), newTestCall(), deployed(t, nil), nil, errors.New("secret database password"))
	if rec.Code != 500 || rec.Body.String() != `{"message": "Internal server error"}` {
		t.Errorf("got %d %q", rec.Code, rec.Body.String())
	}
}

func TestDefaultAccessLogFormatCompiles(t *testing.T) {
	t.Parallel()
	var b strings.Builder
	al, aw := defaultAccessLog(&b)
	if al == nil || aw == nil {
		t.Fatal("no default access log")
	}
	_ = aw.Close()
}
