package config

import (
	"fmt"
	"strings"
	"testing"
)

// TestExpandDomains: a settings domain replaces a template's domain of the
// same name; the templates' domains of one name are merged.
func TestExpandDomains(t *testing.T) {
	f := Default()
	f.Store.Type = "memory"
	f.Domains = []Domain{{Name: "api.example.com", Mappings: []Mapping{{BasePath: "v1", API: "pets", Stage: "prod"}}}}
	err := f.Expand(nil, nil, nil, nil, []Domain{
		{Name: "api.example.com", Mappings: []Mapping{{BasePath: "(none)", API: "petsapi", Stage: "Prod"}}},
		{Name: "t.example.com", Mappings: []Mapping{{BasePath: "a", API: "x", Stage: "s"}}},
		{Name: "t.example.com", Mappings: []Mapping{{BasePath: "b", API: "y", Stage: "s"}}},
	})
	if err != nil {
		t.Fatal(err)
	}
	var got []string
	for _, d := range f.Domains {
		got = append(got, fmt.Sprint(d.Name, d.Mappings))
	}
	want := "api.example.com[{v1 pets prod}]; t.example.com[{a x s} {b y s}]"
	if g := strings.Join(got, "; "); g != want {
		t.Errorf("domains %s, want %s", g, want)
	}
	// Two templates mapping one base path: the merged settings say so.
	err = f.Expand(nil, nil, nil, nil, []Domain{{Name: "u.example.com", Mappings: []Mapping{{BasePath: "a", API: "x", Stage: "s"}, {BasePath: "/a/", API: "y", Stage: "s"}}}})
	if err == nil || !strings.Contains(err.Error(), `/domains/2/mappings/1/basePath: duplicate base path "/a/"`) {
		t.Errorf("error %v", err)
	}
}
