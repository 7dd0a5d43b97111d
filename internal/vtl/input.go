package vtl

import (
	"fmt"
	"sync"
)

// Params holds a request's parameters for $input.params: path parameters,
// query string parameters and headers, each by name.
type Params struct {
	Path        map[string]string
	QueryString map[string]string
	Header      map[string]string
}

// Input is API Gateway's $input for one request or integration response.
// Concurrent executions may share an Input, but the values $input.path
// returns are shared too: templates that modify them (for example with
// $list.add) must not run concurrently on one Input.
type Input struct {
	body   []byte
	params Params

	once sync.Once
	root any   // the body decoded as JSON
	err  error // the decoding error, if the body is not JSON
}

// NewInput returns $input for body and params. An empty body behaves as
// "{}", as it does in API Gateway.
func NewInput(body []byte, params Params) *Input {
	if len(body) == 0 {
		body = []byte("{}")
	}
	return &Input{body: body, params: params}
}

// Property implements $input.body.
func (in *Input) Property(name string) (any, bool) {
	if name == "body" {
		return string(in.body), true
	}
	return nil, false
}

// Method implements $input.json(path), $input.path(path), $input.params()
// and $input.params(name).
func (in *Input) Method(name string, args []any) (any, error) {
	switch {
	case name == "getBody" && len(args) == 0:
		return string(in.body), nil
	case name == "params" && len(args) == 0:
		m := NewMap(3)
		m.Set("path", stringMap(in.params.Path))
		m.Set("querystring", stringMap(in.params.QueryString))
		m.Set("header", stringMap(in.params.Header))
		return m, nil
	case name == "params" && len(args) == 1:
		// Path, then query string, then header, as API Gateway documents.
		key := display(args[0])
		if v, ok := in.params.Path[key]; ok {
			return v, nil
		}
		if v, ok := in.params.QueryString[key]; ok {
			return v, nil
		}
		if v, ok := in.params.Header[key]; ok {
			return v, nil
		}
		return "", nil
	case (name == "path" || name == "json") && len(args) == 1:
		v, ok, err := in.eval(display(args[0]))
		if err != nil {
			return nil, err
		}
		if name == "path" {
			if !ok {
				return absent{}, nil
			}
			return v, nil
		}
		if !ok {
			// Like path, nothing is printed for a missing path (not
			// confirmed against API Gateway for json).
			return "", nil
		}
		return toJSON(v), nil
	}
	return nil, ErrNoMethod
}

// eval evaluates a JSONPath against the body. A body that is not JSON
// gives itself for "$" and nothing for any other path.
func (in *Input) eval(path string) (any, bool, error) {
	p, err := compilePath(path)
	if err != nil {
		return nil, false, err
	}
	in.once.Do(func() { in.root, in.err = DecodeJSON(in.body) })
	if in.err != nil {
		if len(p.segs) == 0 {
			return string(in.body), true, nil
		}
		return nil, false, nil
	}
	v, ok := p.eval(in.root)
	return v, ok, nil
}

// absent is what $input.path gives for a path that matches nothing. As
// recorded from API Gateway, it prints as nothing and equals both null and
// "" (a Velocity null would print the reference's source text); it is false
// in #if.
type absent struct{}

func (absent) String() string { return "" }

// stringMap converts a parameter map to a *Map with sorted keys.
func stringMap(src map[string]string) *Map {
	m := NewMap(len(src))
	for _, k := range sortedKeys(src) {
		m.Set(k, src[k])
	}
	return m
}

// String is how $input prints.
func (in *Input) String() string { return fmt.Sprintf("$input(%d bytes)", len(in.body)) }

var _ Object = (*Input)(nil)
