package deploy

import (
	"testing"

	"github.com/portico-gw/portico/internal/apidef"
)

// TestRootMount: Snapshot.Root picks, in spec order, the first root stage
// with the method and path, then the first with the path, then the first
// root stage; stages without Root are never picked
// (docs/templates.md#root-mount).
func TestRootMount(t *testing.T) {
	t.Parallel()
	api := func(routes ...[2]string) *apidef.RestAPI {
		def := &apidef.RestAPI{APIKeySource: "HEADER"}
		for _, r := range routes {
			def.Methods = append(def.Methods, &apidef.Method{HTTPMethod: r[0], Path: r[1],
				Integration: &apidef.Integration{Type: apidef.TypeMock, Responses: []apidef.IntegrationResponse{{StatusCode: "200"}}}})
		}
		return def
	}
	snap, err := Build([]APISpec{
		{ID: "hidden", Def: api([2]string{"GET", "/a"}, [2]string{"PUT", "/x"}), Stages: []StageSpec{{Name: "s"}}},
		{ID: "first", Def: api([2]string{"GET", "/a"}, [2]string{"POST", "/b"}), Stages: []StageSpec{{Name: "one", Root: true}, {Name: "two"}}},
		{ID: "second", Def: api([2]string{"GET", "/a"}, [2]string{"GET", "/b"}, [2]string{"GET", "/c"}), Stages: []StageSpec{{Name: "p", Root: true}}},
	}, Options{})
	if err != nil {
		t.Fatal(err)
	}
	for _, c := range []struct{ method, path, api, stage string }{
		{"GET", "/a", "first", "one"},    // both have it: the first
		{"GET", "/b", "second", "p"},     // only the second has GET /b
		{"DELETE", "/b", "first", "one"}, // nobody has DELETE /b: the first with /b
		{"GET", "/c", "second", "p"},
		{"PUT", "/x", "first", "one"}, // only a stage without Root has it
	} {
		a, st, ok := snap.Root(c.method, c.path)
		if !ok || a.ID != c.api || st.Name != c.stage {
			t.Errorf("%s %s: %v %v %v, want %s/%s", c.method, c.path, a, st, ok, c.api, c.stage)
		}
	}
	none, err := Build([]APISpec{{ID: "x", Def: api([2]string{"GET", "/a"}), Stages: []StageSpec{{Name: "s"}}}}, Options{})
	if err != nil {
		t.Fatal(err)
	}
	if _, _, ok := none.Root("GET", "/a"); ok {
		t.Error("a snapshot without root stages mounted one")
	}
}
