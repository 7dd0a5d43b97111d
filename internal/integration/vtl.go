package integration

import (
	"context"
	"fmt"
	"strconv"
	"strings"

	"github.com/portico-gw/portico/internal/awsheaders"
	"github.com/portico-gw/portico/internal/contextvars"
	"github.com/portico-gw/portico/internal/pipeline"
	"github.com/portico-gw/portico/internal/vtl"
)

// VTL compiles mapping templates with the Velocity engine; templates with
// no $ or # stay Static (identical output, no engine at request time).
// Null and undefined references render as "" as in API Gateway
// ($stageVariables.unknown, $input.body.x, a #set to null), where plain
// Velocity prints their source text.
func VTL(name, src string) (Template, error) {
	if IsStatic(src) {
		return Static(src), nil
	}
	t, err := vtl.ParseOptions(name, src, vtl.Options{EmptyNulls: true})
	if err != nil {
		return nil, err
	}
	return &vtlTemplate{t: t}, nil
}

// vtlTemplate runs a compiled template with API Gateway's bindings.
type vtlTemplate struct{ t *vtl.Template }

// Render executes the template with $input (over body), $util, $context
// (including requestOverride and responseOverride, carried in o) and
// $stageVariables, then reads the overrides back into o.
func (v *vtlTemplate) Render(ctx context.Context, c *pipeline.Call, body []byte, o *Overrides) (string, error) {
	ctxMap := contextVars(c, o)
	vars := map[string]any{
		"input":          vtl.NewInput(body, params(c)),
		"util":           vtl.NewUtil(),
		"context":        ctxMap,
		"stageVariables": stageVars(c),
	}
	out, err := v.t.Execute(ctx, vars)
	if err != nil {
		return "", err
	}
	readOverrides(ctxMap, o)
	return out, nil
}

// params is $input.params(): the decoded path, query string (last value)
// and header (last value) parameters. Headers that never reach an
// integration are left out (so $input.params('Expect') is ""), and Host
// is the Host the client sent.
func params(c *pipeline.Call) vtl.Params {
	p := vtl.Params{Path: c.PathParams, QueryString: map[string]string{}, Header: map[string]string{}}
	for k, vs := range c.Query {
		if len(vs) > 0 {
			p.QueryString[k] = vs[len(vs)-1]
		}
	}
	for k, vs := range c.Header {
		if len(vs) > 0 && !awsheaders.Dropped(k, awsheaders.InputParams) {
			p.Header[k] = vs[len(vs)-1]
		}
	}
	if c.Host != "" {
		p.Header["Host"] = c.Host
	}
	return p
}

func stageVars(c *pipeline.Call) map[string]any {
	m := make(map[string]any, len(c.StageVariables))
	for k, v := range c.StageVariables {
		m[k] = v
	}
	return m
}

// contextVars builds $context as nested maps (docs/aws-behaviour.md#context-variables): the
// variables of the contextvars table that VTL knows, by their dotted names
// (a missing value is absent at the top level and null inside a group), then
// the authorizer's raw values and the writable override groups.
func contextVars(c *pipeline.Call, o *Overrides) map[string]any {
	m := make(map[string]any, len(vtlVars)+4)
	for _, vv := range vtlVars {
		val, ok := vv.v.Typed(c, nil)
		g := m
		for _, group := range vv.groups {
			sub, _ := g[group].(map[string]any)
			if sub == nil {
				sub = map[string]any{}
				g[group] = sub
			}
			g = sub
		}
		if ok {
			g[vv.leaf] = val
		} else if len(vv.groups) > 0 {
			g[vv.leaf] = nil
		}
	}
	auth := map[string]any{}
	for k, v := range c.Authorizer {
		auth[k] = v
	}
	m["authorizer"] = auth
	m["requestOverride"] = map[string]any{"header": strMap(o.RequestHeader), "querystring": strMap(o.RequestQuery), "path": strMap(o.RequestPath)}
	ro := make(map[string]any, len(o.ResponseExtra)+2)
	for k, v := range o.ResponseExtra {
		ro[k] = v
	}
	ro["header"] = strMap(o.Header)
	if o.Status != 0 {
		ro["status"] = int64(o.Status)
	}
	m["responseOverride"] = ro
	return m
}

// vtlVars are the fixed variables of the table that VTL knows, with their
// dotted names split into groups and the leaf.
var vtlVars = func() []vtlVar {
	var vs []vtlVar
	for _, id := range contextvars.All() {
		v := contextvars.Get(id)
		if v.In&contextvars.VTL == 0 || v.Parameterised() {
			continue
		}
		parts := strings.Split(v.Name, ".")
		vs = append(vs, vtlVar{v: v, groups: parts[:len(parts)-1], leaf: parts[len(parts)-1]})
	}
	return vs
}()

type vtlVar struct {
	v      *contextvars.Var
	groups []string
	leaf   string
}

func strMap(in map[string]string) map[string]any {
	m := make(map[string]any, len(in))
	for k, v := range in {
		m[k] = v
	}
	return m
}

// readOverrides copies #set($context.requestOverride.*) and
// responseOverride.* back. A status that is not an integer in 200–599 is
// ignored, as AWS does.
func readOverrides(ctxMap map[string]any, o *Overrides) {
	if ro, ok := ctxMap["responseOverride"].(map[string]any); ok {
		if st, ok := ro["status"]; ok {
			if n, err := strconv.Atoi(fmt.Sprint(st)); err == nil && n >= 200 && n <= 599 {
				o.Status = n
			}
		}
		o.Header = fromAny(ro["header"], o.Header)
		for k, v := range ro {
			if k == "status" || k == "header" {
				continue
			}
			if o.ResponseExtra == nil {
				o.ResponseExtra = map[string]any{}
			}
			o.ResponseExtra[k] = v
		}
	}
	if rq, ok := ctxMap["requestOverride"].(map[string]any); ok {
		o.RequestHeader = fromAny(rq["header"], o.RequestHeader)
		o.RequestQuery = fromAny(rq["querystring"], o.RequestQuery)
		o.RequestPath = fromAny(rq["path"], o.RequestPath)
	}
}

func fromAny(v any, into map[string]string) map[string]string {
	m, ok := v.(map[string]any)
	if !ok || len(m) == 0 {
		return into
	}
	if into == nil {
		into = map[string]string{}
	}
	for k, val := range m {
		into[k] = fmt.Sprint(val)
	}
	return into
}
