package router

import (
	"fmt"
	"net/url"
	"strings"
)

// Param is one matched path parameter, decoded.
type Param struct {
	Name  string
	Value string
}

// Match is the result of a successful lookup.
type Match[T any] struct {
	// Value is what was added for the resource and method.
	Value T
	// Resource is the resource path template ("/pets/{id}").
	Resource string
	// Params are the path parameters in path order.
	Params []Param
}

// Tree is a compiled resource tree.
type Tree[T any] struct {
	root *node[T]
}

// Routes is an HTTP API's route table: the same precedence (a full match
// before a greedy one, a static segment before a variable), but routes are
// independent keys, not a resource tree, so a {param} and a {proxy+} may
// sit side by side (GET /pets/{id} and ANY /pets/{proxy+}); see
// https://docs.aws.amazon.com/apigateway/latest/developerguide/http-api-develop-routes.html.
func NewRoutes[T any]() *Tree[T] { return &Tree[T]{root: newNode[T]("/", true)} }

type node[T any] struct {
	resource   string
	static     map[string]*node[T]
	param      *node[T]
	paramName  string
	greedy     *node[T]
	greedyName string
	methods    map[string]T
	isGreedy   bool
	// routes marks an HTTP API route table (see NewRoutes).
	routes bool
}

func newNode[T any](resource string, routes bool) *node[T] {
	return &node[T]{resource: resource, static: map[string]*node[T]{}, methods: map[string]T{}, routes: routes}
}

// New returns an empty tree.
func New[T any]() *Tree[T] { return &Tree[T]{root: newNode[T]("/", false)} }

// Add registers value for resource path (a template such as "/pets/{id}")
// and method (GET, ..., or ANY). It reports AWS's resource-tree errors.
func (t *Tree[T]) Add(resource, method string, value T) error {
	if !strings.HasPrefix(resource, "/") {
		return fmt.Errorf("resource path %q must start with /", resource)
	}
	n := t.root
	for _, seg := range segments(resource) {
		next, err := n.child(seg, resource)
		if err != nil {
			return err
		}
		n = next
	}
	if _, dup := n.methods[method]; dup {
		return fmt.Errorf("method %s %s is defined twice", method, resource)
	}
	n.methods[method] = value
	return nil
}

// child returns (creating) the child of n for one template segment.
func (n *node[T]) child(seg, resource string) (*node[T], error) {
	path := strings.TrimSuffix(n.resource, "/") + "/" + seg
	if n.isGreedy {
		return nil, fmt.Errorf("resource %s: cannot create a child of a resource with a greedy path variable", resource)
	}
	if !strings.HasPrefix(seg, "{") {
		c, ok := n.static[seg]
		if !ok {
			c = newNode[T](path, n.routes)
			n.static[seg] = c
		}
		return c, nil
	}
	name := strings.Trim(seg, "{}")
	greedy := strings.HasSuffix(name, "+")
	name = strings.TrimSuffix(name, "+")
	switch {
	case greedy && n.greedy == nil && (n.param == nil || n.routes):
		n.greedy, n.greedyName = newNode[T](path, n.routes), name
		n.greedy.isGreedy = true
		return n.greedy, nil
	case greedy && n.greedy != nil && n.greedyName == name:
		return n.greedy, nil
	case !greedy && n.param != nil && n.paramName == name:
		return n.param, nil
	case !greedy && n.param == nil && (n.greedy == nil || n.routes):
		n.param, n.paramName = newNode[T](path, n.routes), name
		return n.param, nil
	}
	return nil, fmt.Errorf("resource %s: a sibling of {%s} already has a variable path part -- only one is allowed", resource, name)
}

// segments splits a template or request path into non-empty segments.
func segments(p string) []string {
	return strings.FieldsFunc(p, func(r rune) bool { return r == '/' })
}

// Lookup finds the method for httpMethod and the escaped request path (the
// part after the stage). ok is false when no resource and method match: the
// caller answers MISSING_AUTHENTICATION_TOKEN.
func (t *Tree[T]) Lookup(httpMethod, escapedPath string) (m Match[T], ok bool) {
	p := strings.TrimSuffix(escapedPath, "/")
	var params []Param
	return t.root.lookup(httpMethod, p, params)
}

// lookup matches rest (an escaped path starting with "/" or empty) below n.
func (n *node[T]) lookup(method, rest string, params []Param) (Match[T], bool) {
	rest = strings.TrimLeft(rest, "/")
	if rest == "" {
		if v, ok := n.method(method); ok {
			return Match[T]{Value: v, Resource: n.resource, Params: params}, true
		}
		return Match[T]{}, false
	}
	seg, tail := rest, ""
	if i := strings.IndexByte(rest, '/'); i >= 0 {
		seg, tail = rest[:i], rest[i:]
	}
	if c, ok := n.static[unescape(seg)]; ok {
		if m, ok := c.lookup(method, tail, params); ok {
			return m, true
		}
	}
	if n.param != nil {
		if m, ok := n.param.lookup(method, tail, append(params[:len(params):len(params)], Param{n.paramName, unescape(seg)})); ok {
			return m, true
		}
	}
	if n.greedy != nil {
		if v, ok := n.greedy.method(method); ok {
			ps := append(params[:len(params):len(params)], Param{n.greedyName, unescape(rest)})
			return Match[T]{Value: v, Resource: n.greedy.resource, Params: ps}, true
		}
	}
	return Match[T]{}, false
}

// method returns the exact method, else ANY.
func (n *node[T]) method(m string) (T, bool) {
	if v, ok := n.methods[m]; ok {
		return v, true
	}
	v, ok := n.methods["ANY"]
	return v, ok
}

// unescape decodes one path segment; an invalid escape is kept as sent.
func unescape(s string) string {
	if !strings.ContainsRune(s, '%') {
		return s
	}
	if u, err := url.PathUnescape(s); err == nil {
		return u
	}
	return s
}
