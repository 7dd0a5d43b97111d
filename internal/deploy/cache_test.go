package deploy

import (
	"context"
	"net/http"
	"net/url"
	"strings"
	"testing"
	"time"

	"github.com/portico-gw/portico/internal/apidef"
	"github.com/portico-gw/portico/internal/pipeline"
)

// TestMethodCaching: which methods the stage cache covers
// (docs/aws-behaviour.md#response-caching): "/*" "*" turns on GET (and the
// GET requests of ANY) only; another method needs its own entry; a method's
// own entry overrides the stage-wide one; a TTL of 0 turns caching off.
func TestMethodCaching(t *testing.T) {
	t.Parallel()
	on, off := true, false
	zero := time.Duration(0)
	all := MethodSetting{ResourcePath: "/*", HTTPMethod: "*", Caching: MethodCaching{Enabled: &on}}
	cases := []struct {
		name     string
		method   string // the definition's method
		request  string // the request's method
		settings []MethodSetting
		noCache  bool
		want     pipeline.CacheOutcome // of the second request
	}{
		{"GET under /* *", "GET", "GET", []MethodSetting{all}, false, pipeline.CacheHit},
		{"POST under /* *", "POST", "POST", []MethodSetting{all}, false, pipeline.CacheNone},
		{"POST under its resource's * entry", "POST", "POST", []MethodSetting{{ResourcePath: "/pets", HTTPMethod: "*", Caching: MethodCaching{Enabled: &on}}}, false, pipeline.CacheNone},
		{"POST with its own entry", "POST", "POST", []MethodSetting{{ResourcePath: "/pets", HTTPMethod: "POST", Caching: MethodCaching{Enabled: &on}}}, false, pipeline.CacheHit},
		{"ANY's GET under /* *", "ANY", "GET", []MethodSetting{all}, false, pipeline.CacheHit},
		{"ANY's POST under /* *", "ANY", "POST", []MethodSetting{all}, false, pipeline.CacheNone},
		{"GET turned off by its own entry", "GET", "GET", []MethodSetting{all, {ResourcePath: "/pets", HTTPMethod: "GET", Caching: MethodCaching{Enabled: &off}}}, false, pipeline.CacheNone},
		{"GET with TTL 0", "GET", "GET", []MethodSetting{all, {ResourcePath: "/pets", HTTPMethod: "GET", Caching: MethodCaching{TTL: &zero}}}, false, pipeline.CacheNone},
		{"no cluster", "GET", "GET", []MethodSetting{all}, true, pipeline.CacheNone},
		{"a cluster without cachingEnabled", "GET", "GET", nil, false, pipeline.CacheNone},
	}
	for _, tc := range cases {
		t.Run(tc.name, func(t *testing.T) {
			t.Parallel()
			m := &apidef.Method{Path: "/pets", HTTPMethod: tc.method, Integration: &apidef.Integration{Type: apidef.TypeMock,
				RequestTemplates: map[string]string{"application/json": `{"statusCode": 200}`}, Responses: []apidef.IntegrationResponse{{StatusCode: "200"}}}}
			ss := StageSpec{Name: "dev", MethodSettings: tc.settings}
			if !tc.noCache {
				ss.Cache = &StageCache{Capacity: 1 << 20, DefaultTTL: 300 * time.Second}
			}
			snap, err := Build([]APISpec{{ID: "a", Def: &apidef.RestAPI{Methods: []*apidef.Method{m}}, Stages: []StageSpec{ss}}}, Options{})
			if err != nil {
				t.Fatal(err)
			}
			api, _ := snap.API("a")
			st, _ := api.Stage("dev")
			match, ok := st.Lookup(tc.request, "/pets")
			if !ok {
				t.Fatal("no match")
			}
			if got := match.Value.Pipeline.StepNames(); got[len(got)-1] != "integration:MOCK" {
				t.Errorf("the cache renamed the integration step: %v", got)
			}
			var c *pipeline.Call
			for range 2 {
				c = &pipeline.Call{HTTPMethod: tc.request, ResourcePath: "/pets", Path: "/pets", Header: http.Header{}, Query: url.Values{},
					Body: pipeline.NewBodyBytes(nil), PathParams: map[string]string{}}
				res, err := match.Value.Pipeline.Serve(context.Background(), c)
				if err != nil || res.Status != 200 {
					t.Fatalf("serve: %v %v", res, err)
				}
			}
			if c.Cache != tc.want {
				t.Errorf("second request's outcome %d, want %d", c.Cache, tc.want)
			}
		})
	}
}

// A cacheKeyParameters entry Portico cannot read fails the deploy, located.
func TestCacheKeyParameterErrors(t *testing.T) {
	t.Parallel()
	on := true
	m := &apidef.Method{Path: "/pets", HTTPMethod: "GET", Integration: &apidef.Integration{Type: apidef.TypeMock,
		CacheKeyParameters: []string{"method.request.body.x"}, Responses: []apidef.IntegrationResponse{{StatusCode: "200"}}}}
	_, err := Build([]APISpec{{ID: "a", Def: &apidef.RestAPI{Methods: []*apidef.Method{m}}, Stages: []StageSpec{{Name: "dev",
		Cache: &StageCache{Capacity: 1 << 20, DefaultTTL: time.Minute}, MethodSettings: []MethodSetting{{ResourcePath: "/*", HTTPMethod: "*", Caching: MethodCaching{Enabled: &on}}}}}}}, Options{})
	if err == nil || !strings.Contains(err.Error(), `stage dev: GET /pets: cacheKeyParameters: "method.request.body.x" is not a method.request.path, querystring or header parameter`) {
		t.Errorf("got %v", err)
	}
}
