package integration

import (
	"bytes"
	"encoding/json"
	"errors"
	"fmt"
	"net/http"
	"net/url"
	"sort"
	"strconv"
	"strings"

	"github.com/portico-gw/portico/internal/awsheaders"
	"github.com/portico-gw/portico/internal/awslimits"
	"github.com/portico-gw/portico/internal/contextvars"
	"github.com/portico-gw/portico/internal/pipeline"
)

// HTTP API parameter mapping ("Transform API requests and responses for
// HTTP APIs",
// https://docs.aws.amazon.com/apigateway/latest/developerguide/http-api-parameter-mapping.html):
// an integration's requestParameters change the request before it reaches
// the back end, its responseParameters (by status code) the answer before
// it reaches the client. Keys are "{append|overwrite|remove}:header.{name}",
// "{append|overwrite|remove}:querystring.{name}", "overwrite:path" and, in
// responses, "overwrite:statuscode". Values are static text, variables
// ($request.header.x, ${request.header.x}, ...) or text mixing both.

// MappingError is one problem of a parameter mapping, located by its key
// (and, for response mappings, its status code) so that deploy can point at
// it in the definition.
type MappingError struct {
	// Status is the response mapping's status code; "" for request mappings.
	Status string
	// Key is the mapping's key ("overwrite:header.x").
	Key string
	// Msg says what is wrong.
	Msg string
}

func (e *MappingError) Error() string {
	if e.Status != "" {
		return fmt.Sprintf("responseParameters %q %q: %s", e.Status, e.Key, e.Msg)
	}
	return fmt.Sprintf("requestParameters %q: %s", e.Key, e.Msg)
}

// mapAction is what a mapping does to its target.
type mapAction uint8

// The actions, in the order a mapping set applies them.
const (
	actRemove mapAction = iota
	actOverwrite
	actAppend
)

// mapTarget is where a mapping writes.
type mapTarget uint8

const (
	targetHeader mapTarget = iota
	targetQuery
	targetPath
	targetStatus
)

// mapOp is one compiled mapping.
type mapOp struct {
	action mapAction
	target mapTarget
	name   string // the header or query parameter; "" for path and statuscode
	value  mapValue
}

// mapValue is a compiled value: static text and variables.
type mapValue []valuePart

// source kinds of a value part.
type sourceKind uint8

const (
	srcStatic sourceKind = iota
	srcReqHeader
	srcReqQuery
	srcReqPath      // $request.path: the path without the stage
	srcReqPathParam // $request.path.name
	srcReqBody
	srcRespHeader
	srcRespBody
	srcContext
	srcStageVar
)

// valuePart is static text (src srcStatic) or one variable.
type valuePart struct {
	src  sourceKind
	text string    // the static text, or the variable's name / key
	path jsonPath  // body variables
	ctx  contextID // context variables
}

// contextID is a $context variable compiled against contextvars' table.
type contextID struct {
	id  contextvars.ID
	key string
}

// ParamMapping is a compiled set of HTTP API request parameter mappings
// (Integration.ParameterMappings). It is immutable and safe for concurrent
// use; a nil *ParamMapping maps nothing.
type ParamMapping struct {
	ops      []mapOp
	readBody bool
}

// CompileParameterMappings compiles an HTTP API integration's request
// parameters. Every problem is reported, each as a *MappingError joined
// into the returned error (errors.Join); nil m gives a nil mapping.
func CompileParameterMappings(m map[string]string) (*ParamMapping, error) {
	if len(m) == 0 {
		return nil, nil
	}
	p := &ParamMapping{}
	var errs []error
	for _, k := range sortedKeys(m) {
		op, err := compileRequestKey(k)
		if err == nil {
			op.value, err = compileValue(m[k], false)
		}
		if err != nil {
			errs = append(errs, &MappingError{Key: k, Msg: err.Error()})
			continue
		}
		if op.value.reads(srcReqBody) {
			p.readBody = true
		}
		p.ops = append(p.ops, op)
	}
	if len(errs) > 0 {
		return nil, errors.Join(errs...)
	}
	sortOps(p.ops)
	return p, nil
}

func sortedKeys[V any](m map[string]V) []string {
	keys := make([]string, 0, len(m))
	for k := range m {
		keys = append(keys, k)
	}
	sort.Strings(keys)
	return keys
}

// sortOps orders mappings as they are applied: removes, then overwrites,
// then appends, each group by target and name; so "append:header.a" adds to
// what "overwrite:header.a" wrote, and a removal never undoes either.
func sortOps(ops []mapOp) {
	sort.SliceStable(ops, func(i, j int) bool {
		if ops[i].action != ops[j].action {
			return ops[i].action < ops[j].action
		}
		if ops[i].target != ops[j].target {
			return ops[i].target < ops[j].target
		}
		return ops[i].name < ops[j].name
	})
}

// compileRequestKey reads a request mapping key.
func compileRequestKey(k string) (mapOp, error) {
	act, rest, ok := strings.Cut(k, ":")
	if !ok {
		return mapOp{}, errors.New(`a key is "{append|overwrite|remove}:{header|querystring}.{name}" or "overwrite:path"`)
	}
	op := mapOp{}
	switch act {
	case "append":
		op.action = actAppend
	case "overwrite":
		op.action = actOverwrite
	case "remove":
		op.action = actRemove
	default:
		return mapOp{}, fmt.Errorf("unknown action %q (append, overwrite or remove)", act)
	}
	if rest == "path" {
		if op.action != actOverwrite {
			return mapOp{}, errors.New(`the path can only be overwritten ("overwrite:path")`)
		}
		op.target = targetPath
		return op, nil
	}
	loc, name, ok := strings.Cut(rest, ".")
	switch {
	case !ok || name == "":
		return mapOp{}, fmt.Errorf("%q names no parameter (header.{name}, querystring.{name} or path)", rest)
	case loc == "header":
		if err := checkMappedHeader(name); err != nil {
			return mapOp{}, err
		}
		op.target = targetHeader
		op.name = http.CanonicalHeaderKey(name)
	case loc == "querystring":
		op.target = targetQuery
		op.name = name
	default:
		return mapOp{}, fmt.Errorf("unknown location %q (header, querystring or path)", loc)
	}
	return op, nil
}

// checkMappedHeader refuses header names HTTP APIs reserve and names that
// are not valid header names.
func checkMappedHeader(name string) error {
	for i := 0; i < len(name); i++ {
		if !headerNameChar(name[i]) {
			return fmt.Errorf("%q is not a valid header name", name)
		}
	}
	if awsheaders.HTTPAPIReserved(name) {
		return fmt.Errorf("header %q is reserved and cannot be mapped (see https://docs.aws.amazon.com/apigateway/latest/developerguide/http-api-parameter-mapping.html#http-api-mapping-reserved-headers)", name)
	}
	return nil
}

func headerNameChar(c byte) bool {
	switch {
	case 'a' <= c && c <= 'z', 'A' <= c && c <= 'Z', '0' <= c && c <= '9':
		return true
	}
	return strings.IndexByte("!#$%&'*+-.^_`|~", c) >= 0
}

// compileValue reads a mapping value: text in which "$name.rest" and
// "${name.rest}" are variables. A "$" not followed by a letter or "{" is
// text. response says which variables the value may use: $response.* only
// in response mappings.
func compileValue(v string, response bool) (mapValue, error) {
	var out mapValue
	var text strings.Builder
	flush := func() {
		if text.Len() > 0 {
			out = append(out, valuePart{src: srcStatic, text: text.String()})
			text.Reset()
		}
	}
	for i := 0; i < len(v); {
		c := v[i]
		if c != '$' || i+1 == len(v) || !(v[i+1] == '{' || isLetter(v[i+1])) {
			text.WriteByte(c)
			i++
			continue
		}
		var ref string
		if v[i+1] == '{' {
			end := strings.IndexByte(v[i+2:], '}')
			if end < 0 {
				return nil, fmt.Errorf("%q: \"${\" without its \"}\"", v)
			}
			ref = v[i+2 : i+2+end]
			i += 2 + end + 1
		} else {
			j := i + 1
			for j < len(v) && refChar(v[j]) {
				j++
			}
			ref = strings.TrimRight(v[i+1:j], ".")
			i += 1 + len(ref)
		}
		part, err := compileRef(ref, response)
		if err != nil {
			return nil, err
		}
		flush()
		out = append(out, part)
	}
	flush()
	return out, nil
}

func isLetter(c byte) bool { return 'a' <= c && c <= 'z' || 'A' <= c && c <= 'Z' }

// refChar reports whether c may continue an unbraced variable: names,
// dots, dashes and the brackets and quotes of a JSON path.
func refChar(c byte) bool {
	return isLetter(c) || '0' <= c && c <= '9' || strings.IndexByte("._-[]'*", c) >= 0
}

// compileRef compiles one variable (without "$" and braces).
func compileRef(ref string, response bool) (valuePart, error) {
	root, rest, _ := strings.Cut(ref, ".")
	switch root {
	case "request":
		loc, name := splitLoc(rest)
		switch loc {
		case "header":
			if name == "" {
				return valuePart{}, fmt.Errorf("$%s names no header", ref)
			}
			return valuePart{src: srcReqHeader, text: name}, nil
		case "querystring":
			if name == "" {
				return valuePart{}, fmt.Errorf("$%s names no query parameter", ref)
			}
			return valuePart{src: srcReqQuery, text: name}, nil
		case "path":
			if name == "" {
				return valuePart{src: srcReqPath}, nil
			}
			return valuePart{src: srcReqPathParam, text: name}, nil
		case "body":
			p, err := compileJSONPath(name)
			if err != nil {
				return valuePart{}, fmt.Errorf("$%s: %w", ref, err)
			}
			return valuePart{src: srcReqBody, path: p}, nil
		}
		return valuePart{}, fmt.Errorf("$%s: unknown request variable ($request.header.*, $request.querystring.*, $request.path, $request.path.*, $request.body)", ref)
	case "response":
		if !response {
			return valuePart{}, fmt.Errorf("$%s: $response variables are for response parameters only", ref)
		}
		loc, name := splitLoc(rest)
		switch loc {
		case "header":
			if name == "" {
				return valuePart{}, fmt.Errorf("$%s names no header", ref)
			}
			return valuePart{src: srcRespHeader, text: name}, nil
		case "body":
			p, err := compileJSONPath(name)
			if err != nil {
				return valuePart{}, fmt.Errorf("$%s: %w", ref, err)
			}
			return valuePart{src: srcRespBody, path: p}, nil
		}
		return valuePart{}, fmt.Errorf("$%s: unknown response variable ($response.header.*, $response.body)", ref)
	case "context":
		id, key, ok := contextvars.Lookup(rest, contextvars.Mapping)
		if !ok {
			return valuePart{}, fmt.Errorf("$%s: unknown context variable", ref)
		}
		return valuePart{src: srcContext, ctx: contextID{id: id, key: key}}, nil
	case "stageVariables":
		if rest == "" {
			return valuePart{}, fmt.Errorf("$%s names no stage variable", ref)
		}
		return valuePart{src: srcStageVar, text: rest}, nil
	}
	return valuePart{}, fmt.Errorf("$%s: unknown variable ($request.*, $context.*, $stageVariables.*%s)", ref, map[bool]string{true: ", $response.*"}[response])
}

// splitLoc splits "header.x" into "header" and "x", and "body[0].a" into
// "body" and "[0].a".
func splitLoc(rest string) (loc, name string) {
	i := strings.IndexAny(rest, ".[")
	if i < 0 {
		return rest, ""
	}
	if rest[i] == '.' {
		return rest[:i], rest[i+1:]
	}
	return rest[:i], rest[i:]
}

// reads reports whether the value uses a variable of kind k.
func (v mapValue) reads(k sourceKind) bool {
	for _, p := range v {
		if p.src == k {
			return true
		}
	}
	return false
}

// mapEnv is what values are resolved against.
type mapEnv struct {
	call       *pipeline.Call
	rawReqBody []byte
	reqBody    any // decoded request body (nil: none or not JSON)
	resp       *pipeline.Result
	respBody   any
}

// resolve renders the value. ok is false when the value is a single
// variable that has no value (the mapping is then skipped); in a mix a
// variable with no value renders as "".
func (v mapValue) resolve(env *mapEnv) (string, bool) {
	if len(v) == 1 {
		return v[0].resolve(env)
	}
	var b strings.Builder
	for _, p := range v {
		s, _ := p.resolve(env)
		b.WriteString(s)
	}
	return b.String(), true
}

func (p *valuePart) resolve(env *mapEnv) (string, bool) {
	c := env.call
	switch p.src {
	case srcStatic:
		return p.text, true
	case srcReqHeader:
		return c.MethodRequestValue("multivalueheader." + p.text)
	case srcReqQuery:
		vs, ok := c.Query[p.text]
		return strings.Join(vs, ","), ok
	case srcReqPath:
		return c.Path, true
	case srcReqPathParam:
		v, ok := c.PathParams[p.text]
		return v, ok
	case srcReqBody:
		if len(p.path) == 0 {
			return string(env.rawReqBody), true // $request.body: the whole body, as sent
		}
		return p.path.eval(env.reqBody)
	case srcRespHeader:
		if env.resp == nil {
			return "", false
		}
		vs := env.resp.Header.Values(p.text)
		return strings.Join(vs, ","), len(vs) > 0
	case srcRespBody:
		if len(p.path) == 0 {
			return string(env.resp.Body), true
		}
		return p.path.eval(env.respBody)
	case srcContext:
		return contextvars.Get(p.ctx.id).String(c, nil, p.ctx.key)
	case srcStageVar:
		v, ok := c.StageVariables[p.text]
		return v, ok
	}
	return "", false
}

// decodeMappingBody decodes the first HTTPAPIMappingBodyBytes of a body as
// JSON, as AWS applies body paths to the body truncated at 100 KB. A body
// that is not JSON (or is cut inside a value) decodes to nil: every path
// then has no value.
func decodeMappingBody(b []byte) any {
	if len(b) > awslimits.HTTPAPIMappingBodyBytes {
		b = b[:awslimits.HTTPAPIMappingBodyBytes]
	}
	if len(bytes.TrimSpace(b)) == 0 {
		return nil
	}
	var v any
	d := json.NewDecoder(bytes.NewReader(b))
	d.UseNumber()
	if err := d.Decode(&v); err != nil {
		return nil
	}
	return v
}

// requestEdits are the mapped changes to one request.
type requestEdits struct {
	header http.Header         // the headers to send, already edited
	query  func(string) string // edits the raw query string
	path   *string             // overwrite:path, when set
}

// apply resolves the mappings against the call and edits header (the
// headers about to be sent) in place. It returns the query editor and the
// overwritten path. A nil mapping edits nothing.
func (p *ParamMapping) apply(c *pipeline.Call, header http.Header) (func(string) string, *string, error) {
	if p == nil {
		return nil, nil, nil
	}
	env := &mapEnv{call: c}
	if p.readBody {
		b, err := c.Body.Bytes()
		if err != nil {
			return nil, nil, err
		}
		env.rawReqBody, env.reqBody = b, decodeMappingBody(b)
	}
	type queryEdit struct {
		action mapAction
		name   string
		value  string
	}
	var qs []queryEdit
	var path *string
	for i := range p.ops {
		op := &p.ops[i]
		val, ok := "", true
		if op.action != actRemove {
			val, ok = op.value.resolve(env)
			if !ok {
				continue
			}
		}
		switch op.target {
		case targetHeader:
			val = headerSafe(val)
			switch op.action {
			case actRemove:
				header.Del(op.name)
			case actOverwrite:
				header.Set(op.name, val)
			case actAppend:
				header.Add(op.name, val)
			}
		case targetQuery:
			qs = append(qs, queryEdit{op.action, op.name, val})
		case targetPath:
			v := val
			path = &v
		}
	}
	if len(qs) == 0 {
		return nil, path, nil
	}
	return func(raw string) string {
		for _, e := range qs {
			switch e.action {
			case actRemove:
				raw = removeQueryParam(raw, e.name)
			case actOverwrite:
				raw = appendQueryParam(removeQueryParam(raw, e.name), e.name, e.value)
			case actAppend:
				raw = appendQueryParam(raw, e.name, e.value)
			}
		}
		return raw
	}, path, nil
}

// removeQueryParam drops every pair named name from a raw query string,
// keeping the other pairs as they were sent.
func removeQueryParam(raw, name string) string {
	if raw == "" {
		return raw
	}
	var kept []string
	for pair := range strings.SplitSeq(raw, "&") {
		k, _, _ := strings.Cut(pair, "=")
		if uk, err := url.QueryUnescape(k); err == nil && uk == name || k == name {
			continue
		}
		kept = append(kept, pair)
	}
	return strings.Join(kept, "&")
}

// appendQueryParam adds name=value to a raw query string.
func appendQueryParam(raw, name, value string) string {
	pair := url.QueryEscape(name) + "=" + url.QueryEscape(value)
	if raw == "" {
		return pair
	}
	return raw + "&" + pair
}

// headerSafe makes a mapped value sendable as a header value: control
// characters other than tab (a "\n" from a JSON body) become spaces, as
// net/http does to response header values.
func headerSafe(v string) string {
	if strings.IndexFunc(v, func(r rune) bool { return r < ' ' && r != '\t' || r == 0x7f }) < 0 {
		return v
	}
	return strings.Map(func(r rune) rune {
		if r < ' ' && r != '\t' || r == 0x7f {
			return ' '
		}
		return r
	}, v)
}

// validStatus parses an overwritten status code: 200 to 599, as Portico
// never relays a 1xx (docs/differences.md#deliberate-differences).
func validStatus(s string) (int, bool) {
	n, err := strconv.Atoi(strings.TrimSpace(s))
	return n, err == nil && n >= 200 && n <= 599
}

// MappingValue is one compiled HTTP API mapping value outside a
// ParamMapping: an AWS service integration's request parameter
// ("QueueUrl": "$request.header.queueUrl"). It is immutable and safe for
// concurrent use.
type MappingValue struct {
	v mapValue
}

// CompileMappingValue compiles a request mapping value: static text,
// $request.*, $context.* and $stageVariables.* variables, or a mix
// (https://docs.aws.amazon.com/apigateway/latest/developerguide/http-api-develop-integrations-aws-services.html).
func CompileMappingValue(v string) (*MappingValue, error) {
	mv, err := compileValue(v, false)
	if err != nil {
		return nil, err
	}
	return &MappingValue{v: mv}, nil
}

// Resolve renders the value for a call. ok is false when the value is one
// variable with no value. $request.body alone is the whole body as sent; a
// body path reads the body's first 100 KB as JSON. err is the body's read
// error (too large, cut short).
func (m *MappingValue) Resolve(c *pipeline.Call) (val string, ok bool, err error) {
	env := &mapEnv{call: c}
	if m.v.reads(srcReqBody) {
		b, err := c.Body.Bytes()
		if err != nil {
			return "", false, err
		}
		env.rawReqBody, env.reqBody = b, decodeMappingBody(b)
	}
	val, ok = m.v.resolve(env)
	return val, ok, nil
}

// MapCall returns a copy of c with the request mappings applied, for
// integrations that build something else than an HTTP request from the call
// (a Lambda event): the headers edited, the query string edited (RawQuery
// and Query), and, with "overwrite:path", Path. c itself is not changed; a
// nil mapping returns c.
func (p *ParamMapping) MapCall(c *pipeline.Call) (*pipeline.Call, error) {
	if p == nil {
		return c, nil
	}
	out := *c
	out.Header = c.Header.Clone()
	if out.Header == nil {
		out.Header = http.Header{}
	}
	editQuery, path, err := p.apply(c, out.Header)
	if err != nil {
		return nil, err
	}
	if editQuery != nil {
		out.RawQuery = editQuery(c.RawQuery)
		q, _ := url.ParseQuery(out.RawQuery)
		out.Query = q
	}
	if path != nil {
		v, _, _ := strings.Cut(*path, "?")
		if !strings.HasPrefix(v, "/") {
			v = "/" + v
		}
		out.Path = v
	}
	return &out, nil
}
