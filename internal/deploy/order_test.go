package deploy

import (
	"testing"

	"github.com/google/go-cmp/cmp"

	"github.com/portico-gw/portico/internal/apidef"
)

// TestPipelineOrder pins the step list of a method that needs every
// feature this build has, in AWS's order (docs/architecture.md#pipeline-order).
func TestPipelineOrder(t *testing.T) {
	t.Parallel()
	rate, burst := 5.0, 10
	m := &apidef.Method{Path: "/pets", HTTPMethod: "POST", APIKeyRequired: true,
		RequestParameters: map[string]bool{"method.request.querystring.q": true},
		Integration:       &apidef.Integration{Type: apidef.TypeMock, Responses: []apidef.IntegrationResponse{{StatusCode: "200"}}}}
	def := &apidef.RestAPI{APIKeySource: "HEADER", Methods: []*apidef.Method{m},
		RequestValidators: map[string]apidef.RequestValidator{"all": {ValidateRequestBody: true, ValidateRequestParameters: true}}, DefaultValidator: "all"}
	snap, err := Build([]APISpec{{ID: "a", Def: def, Stages: []StageSpec{{Name: "dev",
		MethodSettings: []MethodSetting{{ResourcePath: "/*", HTTPMethod: "*", RateLimit: &rate, BurstLimit: &burst}}}}}}, Options{})
	if err != nil {
		t.Fatal(err)
	}
	api, _ := snap.API("a")
	st, _ := api.Stage("dev")
	match, ok := st.Lookup("POST", "/pets")
	if !ok {
		t.Fatal("no match")
	}
	want := []string{"throttle", "identity-headers", "apikey", "validate", "integration:MOCK"}
	if diff := cmp.Diff(want, match.Value.Pipeline.StepNames()); diff != "" {
		t.Errorf("pipeline order (-want +got):\n%s", diff)
	}
}
