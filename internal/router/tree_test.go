package router

import (
	"strings"
	"testing"

	"github.com/google/go-cmp/cmp"
)

func build(t *testing.T, routes ...string) *Tree[string] {
	t.Helper()
	tr := New[string]()
	for _, r := range routes {
		method, path, _ := strings.Cut(r, " ")
		if err := tr.Add(path, method, r); err != nil {
			t.Fatalf("Add(%s): %v", r, err)
		}
	}
	return tr
}

func TestLookupPrecedence(t *testing.T) {
	t.Parallel()
	// Cases from docs/aws-behaviour.md#how-requests-reach-an-api and docs/aws-behaviour.md#routing.
	tr := build(t,
		"POST /test", "ANY /test/any", "OPTIONS /{proxy+}",
		"GET /part1", "GET /part1/hardcoded-value",
		"GET /pets", "GET /pets/{id}", "GET /pets/search", "DELETE /pets/{id}", "GET /",
		"GET /files/{path+}",
	)
	cases := []struct {
		method, path string
		want         string
		params       []Param
		ok           bool
	}{
		{"OPTIONS", "/test", "OPTIONS /{proxy+}", []Param{{"proxy", "test"}}, true},
		{"POST", "/test", "POST /test", nil, true},
		{"OPTIONS", "/part1/random-value", "OPTIONS /{proxy+}", []Param{{"proxy", "part1/random-value"}}, true},
		{"OPTIONS", "/test/any", "ANY /test/any", nil, true},
		{"GET", "/test/any", "ANY /test/any", nil, true},
		{"GET", "/pets/search", "GET /pets/search", nil, true},
		{"GET", "/pets/42", "GET /pets/{id}", []Param{{"id", "42"}}, true},
		{"GET", "/pets/42/", "GET /pets/{id}", []Param{{"id", "42"}}, true},
		{"GET", "/pets/a%20b", "GET /pets/{id}", []Param{{"id", "a b"}}, true},
		{"DELETE", "/pets/7", "DELETE /pets/{id}", []Param{{"id", "7"}}, true},
		{"PUT", "/pets/7", "", nil, false},
		{"POST", "/pets", "", nil, false},
		{"GET", "/", "GET /", nil, true},
		{"GET", "", "GET /", nil, true},
		{"GET", "/files/a/b/c.txt", "GET /files/{path+}", []Param{{"path", "a/b/c.txt"}}, true},
		{"GET", "/files/a//b/", "GET /files/{path+}", []Param{{"path", "a//b"}}, true},
		{"GET", "/files", "", nil, false},
		{"GET", "/nope", "", nil, false},
		{"OPTIONS", "/any/thing/else", "OPTIONS /{proxy+}", []Param{{"proxy", "any/thing/else"}}, true},
		{"GET", "//pets", "GET /pets", nil, true},
	}
	for _, c := range cases {
		m, ok := tr.Lookup(c.method, c.path)
		if ok != c.ok || m.Value != c.want {
			t.Errorf("%s %s: got %q ok=%v, want %q ok=%v", c.method, c.path, m.Value, ok, c.want, c.ok)
			continue
		}
		if diff := cmp.Diff(c.params, m.Params); ok && diff != "" {
			t.Errorf("%s %s params (-want +got):\n%s", c.method, c.path, diff)
		}
	}
}

func TestAddErrors(t *testing.T) {
	t.Parallel()
	cases := []struct{ first, second, want string }{
		{"GET /{proxy+}", "GET /{proxy+}/x", "cannot create a child of a resource with a greedy path variable"},
		{"GET /{a}", "GET /{proxy+}", "only one is allowed"},
		{"GET /{a}", "GET /{b}", "only one is allowed"},
		{"GET /a", "GET /a", "defined twice"},
	}
	for _, c := range cases {
		tr := build(t, c.first)
		m, p, _ := strings.Cut(c.second, " ")
		err := tr.Add(p, m, c.second)
		if err == nil || !strings.Contains(err.Error(), c.want) {
			t.Errorf("Add(%s) after %s: got %v, want %q", c.second, c.first, err, c.want)
		}
	}
}

func FuzzLookup(f *testing.F) {
	for _, s := range []string{"/pets/1", "//a//b/", "/%zz/x", "/files/a/b", "", "/"} {
		f.Add("GET", s)
	}
	tr := build(&testing.T{}, "GET /pets/{id}", "GET /pets/search", "ANY /files/{p+}", "GET /", "POST /a/b/c")
	f.Fuzz(func(t *testing.T, method, path string) {
		m, ok := tr.Lookup(method, path)
		if ok && m.Resource == "" {
			t.Fatalf("match without resource for %q", path)
		}
	})
}

func BenchmarkLookup(b *testing.B) {
	tr := New[int]()
	for i, p := range []string{"/pets", "/pets/{id}", "/pets/{id}/toys", "/users/{u}/orders/{o}", "/{proxy+}"} {
		_ = tr.Add(p, "GET", i)
	}
	for b.Loop() {
		if _, ok := tr.Lookup("GET", "/users/42/orders/7"); !ok {
			b.Fatal("no match")
		}
	}
}

// HTTP API routes: the example of
// https://docs.aws.amazon.com/apigateway/latest/developerguide/http-api-develop-routes.html
// (a full match first, then a greedy one), and a {param} beside a {proxy+},
// which a REST resource tree refuses.
func TestRoutesPrecedence(t *testing.T) {
	t.Parallel()
	tr := NewRoutes[string]()
	for _, r := range []string{"GET /pets/dog/1", "GET /pets/dog/{id}", "GET /pets/{proxy+}", "ANY /{proxy+}", "GET /pets/{id}", "DELETE /pets/{id}"} {
		method, path, _ := strings.Cut(r, " ")
		if err := tr.Add(path, method, r); err != nil {
			t.Fatalf("Add(%s): %v", r, err)
		}
	}
	for _, c := range []struct{ method, path, want string }{
		{"GET", "/pets/dog/1", "GET /pets/dog/1"},
		{"GET", "/pets/dog/2", "GET /pets/dog/{id}"},
		{"GET", "/pets/cat/1", "GET /pets/{proxy+}"},
		{"GET", "/pets/7", "GET /pets/{id}"},
		{"DELETE", "/pets/7", "DELETE /pets/{id}"},
		{"PUT", "/pets/7", "ANY /{proxy+}"},
		{"POST", "/anything", "ANY /{proxy+}"},
	} {
		m, ok := tr.Lookup(c.method, c.path)
		if !ok || m.Value != c.want {
			t.Errorf("%s %s: got %q ok=%v, want %q", c.method, c.path, m.Value, ok, c.want)
		}
	}
	if err := New[string]().Add("/pets/{id}", "GET", ""); err != nil {
		t.Fatal(err)
	}
	rest := New[string]()
	_ = rest.Add("/pets/{id}", "GET", "")
	if err := rest.Add("/pets/{proxy+}", "GET", ""); err == nil {
		t.Error("a REST tree accepted {proxy+} beside {id}")
	}
}
