package cfn

import (
	"encoding/base64"
	"encoding/json"
	"fmt"
	"math/big"
	"net/netip"
	"slices"
	"strconv"
	"strings"

	"github.com/portico-gw/portico/internal/source"
)

// Work limits of one resolution.
const (
	maxSteps       = 10_000_000 // values visited
	maxStringBytes = 64 << 20   // bytes of strings built by Fn::Sub, Fn::Join, Fn::Base64...
)

// noValue is AWS::NoValue: the key or list item holding it is removed.
type noValue struct{}

// broken is the value of a function that failed; its error is already
// recorded, and functions given it fail silently.
type broken struct{}

type resolver struct {
	t         *Template
	s         *Stack
	errs      []error
	condState map[string]int // 1 evaluating, 2 done
	condPath  []string       // the conditions being evaluated, outermost first
	removed   map[string]string
	// undecided are resources whose condition failed; references to them
	// are not reported again.
	undecided map[string]bool
	conds     map[string]any
	mappings  map[string]any
	steps     int
	bytes     int
	exhausted bool
}

// Resolve applies opts to the template and resolves it. Every problem is
// reported, joined, as *source.Error values located by file, line and
// JSON Pointer; the Stack is nil then.
func (t *Template) Resolve(opts Options) (*Stack, error) {
	opts.fill()
	s := &Stack{
		File: t.File, Transform: t.Transform,
		Region: opts.Region, AccountID: opts.AccountID, Partition: opts.Partition, URLSuffix: opts.URLSuffix,
		StackName: opts.StackName, StackID: opts.StackID, NotificationARNs: slices.Clone(opts.NotificationARNs),
		Parameters: map[string]ParameterValue{}, Conditions: map[string]bool{}, Resources: map[string]*Resource{},
		Implicit: map[string]string{}, Outputs: map[string]*Output{},
		pos: t.pos, rendered: map[string]ResourceRef{}, redirect: map[string]string{},
	}
	s.Description, _ = t.Body["Description"].(string)
	r := &resolver{t: t, s: s, condState: map[string]int{}, removed: map[string]string{}, undecided: map[string]bool{}}
	r.conds, _ = t.Body["Conditions"].(map[string]any)
	r.mappings, _ = t.Body["Mappings"].(map[string]any)
	s.Mappings = r.mappings
	r.parameters(opts)
	for _, name := range sortedKeys(r.conds) {
		if b, ok := r.condition(name, "/Conditions/"+source.Escape(name)); ok {
			s.Conditions[name] = b
		}
	}
	res, _ := t.Body["Resources"].(map[string]any)
	kept := map[string]map[string]any{}
	for _, name := range sortedKeys(res) {
		m, _ := res[name].(map[string]any)
		if c, ok := m["Condition"].(string); ok {
			b, ok := r.condition(c, "/Resources/"+source.Escape(name)+"/Condition")
			if !ok {
				r.undecided[name] = true
				continue
			}
			if !b {
				r.removed[name] = c
				continue
			}
		}
		kept[name] = m
		typ, _ := m["Type"].(string)
		s.Resources[name] = &Resource{Name: name, Type: typ, Pointer: "/Resources/" + source.Escape(name)}
	}
	r.implicit(kept)
	for _, name := range sortedKeys(kept) {
		r.resource(s.Resources[name], kept[name])
	}
	if g, ok := t.Body["Globals"].(map[string]any); ok {
		s.Globals, _ = r.eval(g, "/Globals", 0).(map[string]any)
	}
	outs, _ := t.Body["Outputs"].(map[string]any)
	for _, name := range sortedKeys(outs) {
		r.output(name, outs[name])
	}
	if len(r.errs) > 0 {
		return nil, joinSorted(r.errs)
	}
	return s, nil
}

func (r *resolver) errorf(ptr, format string, args ...any) {
	r.errs = append(r.errs, r.t.Errorf(ptr, format, args...))
}

func (r *resolver) parameters(opts Options) {
	overrides := map[string]string{}
	for _, o := range opts.Overrides {
		if _, ok := r.t.Parameters[o.Key]; !ok {
			r.errs = append(r.errs, &source.Error{File: r.t.File, Message: fmt.Sprintf(
				"parameter override %s: the template declares no parameter %s", o.Key, o.Key)})
			continue
		}
		overrides[o.Key] = o.Value
	}
	for _, name := range sortedKeys(r.t.Parameters) {
		p := r.t.Parameters[name]
		var ov *string
		if v, ok := overrides[name]; ok {
			ov = &v
		}
		pv, probs := parameterValue(p, ov)
		for _, msg := range probs {
			r.errorf("/Parameters/"+source.Escape(name), "%s", msg)
		}
		if len(probs) == 0 {
			r.s.Parameters[name] = pv
		}
	}
}

// implicit lists the resources SAM generates that templates refer to.
func (r *resolver) implicit(kept map[string]map[string]any) {
	add := func(name, typ string) {
		if _, ok := r.s.Resources[name]; !ok {
			r.s.Implicit[name] = typ
		}
	}
	for _, name := range sortedKeys(kept) {
		m := kept[name]
		props, _ := m["Properties"].(map[string]any)
		switch m["Type"] {
		case "AWS::Serverless::Function":
			if _, ok := props["Role"]; !ok {
				add(name+"Role", "AWS::IAM::Role")
			}
			events, _ := props["Events"].(map[string]any)
			for _, e := range events {
				em, _ := e.(map[string]any)
				ep, _ := em["Properties"].(map[string]any)
				switch em["Type"] {
				case "Api":
					if _, ok := ep["RestApiId"]; !ok {
						add("ServerlessRestApi", "AWS::Serverless::Api")
						add("ServerlessRestApiProdStage", "AWS::ApiGateway::Stage")
					}
				case "HttpApi":
					if _, ok := ep["ApiId"]; !ok {
						add("ServerlessHttpApi", "AWS::Serverless::HttpApi")
						add("ServerlessHttpApiApiGatewayDefaultStage", "AWS::ApiGatewayV2::Stage")
					}
				}
			}
		case "AWS::Serverless::Api":
			switch st, isStr := props["StageName"].(string); {
			case isStr && validLogicalID(st):
				add(name+st+"Stage", "AWS::ApiGateway::Stage")
			case !isStr:
				add(name+"Stage", "AWS::ApiGateway::Stage")
			}
		case "AWS::Serverless::HttpApi":
			switch st, isStr := props["StageName"].(string); {
			case isStr && validLogicalID(st):
				add(name+st+"Stage", "AWS::ApiGatewayV2::Stage")
			case props["StageName"] == nil:
				add(name+"ApiGatewayDefaultStage", "AWS::ApiGatewayV2::Stage")
			}
		}
	}
}

func (r *resolver) resource(res *Resource, m map[string]any) {
	res.Condition, _ = m["Condition"].(string)
	res.DeletionPolicy, _ = m["DeletionPolicy"].(string)
	res.UpdateReplacePolicy, _ = m["UpdateReplacePolicy"].(string)
	res.Metadata, _ = m["Metadata"].(map[string]any)
	switch d := m["DependsOn"].(type) {
	case string:
		res.DependsOn = []string{d}
	case []any:
		for _, x := range d {
			s, _ := x.(string)
			res.DependsOn = append(res.DependsOn, s)
		}
	}
	for i, d := range res.DependsOn {
		ptr := res.Pointer + "/DependsOn"
		if _, isList := m["DependsOn"].([]any); isList {
			ptr += "/" + strconv.Itoa(i)
		}
		if c, ok := r.removed[d]; ok {
			r.errorf(ptr, "resource %s depends on %s, whose condition %s is false", res.Name, d, c)
		} else if r.s.ResourceType(d) == "" && !r.undecided[d] {
			r.errorf(ptr, "resource %s depends on %s, which is not a resource of the template", res.Name, d)
		}
	}
	if p, ok := m["Properties"]; ok && p != nil {
		v := r.eval(p, res.Pointer+"/Properties", 0)
		switch pv := v.(type) {
		case map[string]any:
			res.Properties = pv
		case noValue, broken, nil:
		default:
			r.errorf(res.Pointer+"/Properties", "the Properties of resource %s resolve to %s, not a mapping", res.Name, describe(v))
		}
	}
}

func (r *resolver) output(name string, v any) {
	ptr := "/Outputs/" + source.Escape(name)
	m, ok := v.(map[string]any)
	if !ok {
		r.errorf(ptr, "an output is a mapping with a Value")
		return
	}
	o := &Output{Name: name, Pointer: ptr}
	if c, ok := m["Condition"]; ok {
		if _, isStr := c.(string); !isStr {
			r.errorf(ptr+"/Condition", "an output's Condition names a condition")
			return
		}
	}
	if c, ok := m["Condition"].(string); ok {
		b, ok := r.condition(c, ptr+"/Condition")
		if !ok || !b {
			return
		}
		o.Condition = c
	}
	if _, ok := m["Value"]; !ok {
		r.errorf(ptr, "output %s has no Value", name)
		return
	}
	o.Value = r.eval(m["Value"], ptr+"/Value", 0)
	if _, none := o.Value.(noValue); none {
		r.errorf(ptr+"/Value", "the Value of output %s is AWS::NoValue", name)
	}
	if d, ok := m["Description"]; ok {
		o.Description, _ = r.eval(d, ptr+"/Description", 0).(string)
	}
	if e, ok := m["Export"].(map[string]any); ok {
		o.ExportName = r.eval(e["Name"], ptr+"/Export/Name", 0)
		if _, none := o.ExportName.(noValue); none {
			r.errorf(ptr+"/Export/Name", "the export name of output %s is AWS::NoValue", name)
		}
	}
	r.s.Outputs[name] = o
}

// condition evaluates the named condition once; ptr locates the reference.
func (r *resolver) condition(name, ptr string) (bool, bool) {
	def, ok := r.conds[name]
	if !ok {
		r.errorf(ptr, "condition %q is not defined in the Conditions section", name)
		return false, false
	}
	switch r.condState[name] {
	case 1:
		cycle := append(r.condPath[slices.Index(r.condPath, name):], name)
		r.errorf(ptr, "conditions refer to each other in a cycle: %s", strings.Join(cycle, " → "))
		return false, false
	case 2:
		b, ok := r.s.Conditions[name]
		return b, ok
	}
	r.condState[name] = 1
	r.condPath = append(r.condPath, name)
	b, ok := r.condExpr(def, "/Conditions/"+source.Escape(name), 0)
	r.condPath = r.condPath[:len(r.condPath)-1]
	r.condState[name] = 2
	if ok {
		r.s.Conditions[name] = b
	}
	return b, ok
}

// condExpr evaluates a condition function.
func (r *resolver) condExpr(v any, ptr string, depth int) (bool, bool) {
	if !r.step(ptr, depth) {
		return false, false
	}
	switch x := v.(type) {
	case bool:
		return x, true
	case string:
		if x == "true" || x == "false" {
			return x == "true", true
		}
	case map[string]any:
		if len(x) == 1 {
			for k, arg := range x {
				ap := ptr + "/" + source.Escape(k)
				switch k {
				case "Condition":
					name, ok := arg.(string)
					if !ok {
						r.errorf(ap, "Condition names a condition")
						return false, false
					}
					return r.condition(name, ap)
				case "Fn::Equals", "Fn::And", "Fn::Or", "Fn::Not":
					b, ok := r.eval(x, ptr, depth).(bool)
					return b, ok
				}
			}
		}
	}
	r.errorf(ptr, "a condition is Fn::Equals, Fn::And, Fn::Or, Fn::Not or a Condition reference, not %s", describe(v))
	return false, false
}

// step counts work and reports false once the limits are passed.
func (r *resolver) step(ptr string, depth int) bool {
	r.steps++
	if depth > 2*MaxDepth {
		r.errorf(ptr, "functions nested deeper than %d levels", 2*MaxDepth)
		return false
	}
	if r.steps > maxSteps || r.bytes > maxStringBytes {
		if !r.exhausted {
			r.exhausted = true
			r.errorf(ptr, "the template needs too much work to resolve (more than %d values or %d bytes of strings)", maxSteps, maxStringBytes)
		}
		return false
	}
	return true
}

// eval resolves v, found at ptr.
func (r *resolver) eval(v any, ptr string, depth int) any {
	if !r.step(ptr, depth) {
		return broken{}
	}
	switch x := v.(type) {
	case map[string]any:
		if len(x) == 1 {
			for k, arg := range x {
				if k == "Ref" || strings.HasPrefix(k, "Fn::") {
					return r.intrinsic(k, arg, ptr+"/"+source.Escape(k), depth+1)
				}
			}
		}
		out := make(map[string]any, len(x))
		for _, k := range sortedKeys(x) {
			val := x[k]
			if strings.HasPrefix(k, "Fn::") {
				r.errorf(ptr+"/"+source.Escape(k), "%s must be the only key of its mapping", k)
				continue
			}
			rv := r.eval(val, ptr+"/"+source.Escape(k), depth+1)
			if _, drop := rv.(noValue); !drop {
				out[k] = rv
			}
		}
		return out
	case []any:
		out := make([]any, 0, len(x))
		for i, val := range x {
			rv := r.eval(val, ptr+"/"+strconv.Itoa(i), depth+1)
			if _, drop := rv.(noValue); !drop {
				out = append(out, rv)
			}
		}
		return out
	}
	return v
}

func isBroken(vs ...any) bool {
	for _, v := range vs {
		if _, ok := v.(broken); ok {
			return true
		}
	}
	return false
}

// args checks that arg is a list of n to max items (max < 0: no upper bound).
func (r *resolver) args(fn string, arg any, ptr string, n, max int) ([]any, bool) {
	l, ok := arg.([]any)
	if !ok || len(l) < n || (max >= 0 && len(l) > max) {
		want := fmt.Sprintf("%d", n)
		if max != n {
			want = fmt.Sprintf("%d to %d", n, max)
			if max < 0 {
				want = fmt.Sprintf("at least %d", n)
			}
		}
		r.errorf(ptr, "%s takes a list of %s arguments, not %s", fn, want, describe(arg))
		return nil, false
	}
	return l, true
}

func (r *resolver) intrinsic(fn string, arg any, ptr string, depth int) any {
	switch fn {
	case "Ref":
		name, ok := arg.(string)
		if !ok {
			r.errorf(ptr, "Ref takes the name of a parameter or resource, not %s", describe(arg))
			return broken{}
		}
		return r.ref(name, ptr)
	case "Fn::GetAtt":
		return r.getAtt(arg, ptr, depth)
	case "Fn::Sub":
		return r.sub(arg, ptr, depth)
	case "Fn::Join":
		l, ok := r.args(fn, arg, ptr, 2, 2)
		if !ok {
			return broken{}
		}
		delim, ok := r.text(r.eval(l[0], ptr+"/0", depth), ptr+"/0", fn+" delimiter")
		if !ok {
			return broken{}
		}
		items, ok := r.list(r.eval(l[1], ptr+"/1", depth), ptr+"/1", fn)
		if !ok {
			return broken{}
		}
		parts := make([]string, 0, len(items))
		for i, it := range items {
			s, ok := r.text(it, ptr+"/1/"+strconv.Itoa(i), fn+" item")
			if !ok {
				return broken{}
			}
			parts = append(parts, s)
		}
		return r.built(strings.Join(parts, delim))
	case "Fn::Select":
		l, ok := r.args(fn, arg, ptr, 2, 2)
		if !ok {
			return broken{}
		}
		idx, ok := r.text(r.eval(l[0], ptr+"/0", depth), ptr+"/0", fn+" index")
		if !ok {
			return broken{}
		}
		items, ok := r.list(r.eval(l[1], ptr+"/1", depth), ptr+"/1", fn)
		if !ok {
			return broken{}
		}
		i, err := strconv.Atoi(idx)
		if err != nil || i < 0 || i >= len(items) {
			r.errorf(ptr+"/0", "Fn::Select index %q is not between 0 and %d", idx, len(items)-1)
			return broken{}
		}
		return items[i]
	case "Fn::Split":
		l, ok := r.args(fn, arg, ptr, 2, 2)
		if !ok {
			return broken{}
		}
		delim, ok1 := r.text(r.eval(l[0], ptr+"/0", depth), ptr+"/0", fn+" delimiter")
		s, ok2 := r.text(r.eval(l[1], ptr+"/1", depth), ptr+"/1", fn+" source")
		if !ok1 || !ok2 {
			return broken{}
		}
		if delim == "" {
			r.errorf(ptr+"/0", "Fn::Split needs a non-empty delimiter")
			return broken{}
		}
		parts := strings.Split(s, delim)
		out := make([]any, len(parts))
		for i, p := range parts {
			out[i] = p
		}
		return out
	case "Fn::If":
		l, ok := r.args(fn, arg, ptr, 3, 3)
		if !ok {
			return broken{}
		}
		name, ok := l[0].(string)
		if !ok {
			r.errorf(ptr+"/0", "Fn::If's first argument names a condition")
			return broken{}
		}
		b, ok := r.condition(name, ptr+"/0")
		if !ok {
			return broken{}
		}
		taken, other := 1, 2
		if !b {
			taken, other = 2, 1
		}
		r.checkNames(l[other], ptr+"/"+strconv.Itoa(other), depth)
		r.s.redirect[parentOf(ptr)] = ptr + "/" + strconv.Itoa(taken)
		return r.eval(l[taken], ptr+"/"+strconv.Itoa(taken), depth)
	case "Fn::Equals":
		l, ok := r.args(fn, arg, ptr, 2, 2)
		if !ok {
			return broken{}
		}
		a, b := r.eval(l[0], ptr+"/0", depth), r.eval(l[1], ptr+"/1", depth)
		if isBroken(a, b) {
			return broken{}
		}
		ca, ok1 := r.comparable(a, ptr+"/0")
		cb, ok2 := r.comparable(b, ptr+"/1")
		if !ok1 || !ok2 {
			return broken{}
		}
		return slices.Equal(ca, cb)
	case "Fn::And", "Fn::Or":
		l, ok := r.args(fn, arg, ptr, 2, 10)
		if !ok {
			return broken{}
		}
		all, any_, good := true, false, true
		for i, c := range l {
			b, ok := r.condExpr(c, ptr+"/"+strconv.Itoa(i), depth+1)
			good = good && ok
			all, any_ = all && b, any_ || b
		}
		if !good {
			return broken{}
		}
		if fn == "Fn::And" {
			return all
		}
		return any_
	case "Fn::Not":
		l, ok := r.args(fn, arg, ptr, 1, 1)
		if !ok {
			return broken{}
		}
		b, ok := r.condExpr(l[0], ptr+"/0", depth+1)
		if !ok {
			return broken{}
		}
		return !b
	case "Fn::FindInMap":
		return r.findInMap(arg, ptr, depth)
	case "Fn::Base64":
		s, ok := r.text(r.eval(arg, ptr, depth), ptr, fn+" argument")
		if !ok {
			return broken{}
		}
		return r.built(base64.StdEncoding.EncodeToString([]byte(s)))
	case "Fn::GetAZs":
		region, ok := r.text(r.eval(arg, ptr, depth), ptr, fn+" argument")
		if !ok {
			return broken{}
		}
		if region == "" {
			region = r.s.Region
		}
		return []any{region + "a", region + "b", region + "c"}
	case "Fn::Cidr":
		return r.cidr(arg, ptr, depth)
	case "Fn::Length":
		items, ok := r.list(r.eval(arg, ptr, depth), ptr, fn)
		if !ok {
			return broken{}
		}
		return float64(len(items))
	case "Fn::ToJsonString":
		v := r.eval(arg, ptr, depth)
		if isBroken(v) {
			return broken{}
		}
		b, err := json.Marshal(r.renderRefs(v, ptr))
		if err != nil {
			r.errorf(ptr, "Fn::ToJsonString: %v", err)
			return broken{}
		}
		return r.built(string(b))
	case "Fn::ImportValue":
		r.errorf(ptr, "Fn::ImportValue reads another stack's export, which cannot be resolved locally; replace it with a parameter")
		return broken{}
	case "Fn::Transform":
		name := "?"
		if m, ok := arg.(map[string]any); ok {
			name = fmt.Sprint(m["Name"])
		}
		r.errorf(ptr, "Fn::Transform %s cannot be run locally (only AWS::Include of a local file is)", name)
		return broken{}
	}
	r.errorf(ptr, "unknown intrinsic function %s", fn)
	return broken{}
}

// checkNames reports the names in v, an Fn::If branch not taken, that
// would be errors anywhere: Ref, Fn::GetAtt and Fn::Sub names that are no
// parameter or resource, Fn::If conditions that are not defined. Resources
// removed by their condition are fine there, and so is what only AWS
// could resolve.
func (r *resolver) checkNames(v any, ptr string, depth int) {
	if !r.step(ptr, depth) {
		return
	}
	switch x := v.(type) {
	case []any:
		for i, c := range x {
			r.checkNames(c, ptr+"/"+strconv.Itoa(i), depth+1)
		}
	case map[string]any:
		for k, c := range x {
			kp := ptr + "/" + source.Escape(k)
			switch k {
			case "Ref":
				if name, ok := c.(string); ok && len(x) == 1 && !r.known(name, true) {
					r.errorf(kp, "Ref to %s: no parameter, pseudo parameter or resource has that name", name)
				}
				continue
			case "Fn::GetAtt":
				var name string
				switch a := c.(type) {
				case string:
					name, _, _ = strings.Cut(a, ".")
				case []any:
					if len(a) > 0 {
						name, _ = a[0].(string)
					}
				}
				if name != "" && len(x) == 1 && !r.known(name, false) {
					r.errorf(kp, "Fn::GetAtt: the template has no resource %s", name)
				}
			case "Fn::Sub":
				tmpl, vars := c, map[string]any{}
				if l, ok := c.([]any); ok && len(l) == 2 {
					tmpl = l[0]
					vars, _ = l[1].(map[string]any)
				}
				if t, ok := tmpl.(string); ok && len(x) == 1 {
					for _, name := range subNames(t) {
						base, _, dotted := strings.Cut(name, ".")
						if _, ok := vars[name]; !ok && !r.known(name, true) && !(dotted && r.known(base, false)) {
							r.errorf(kp, "Fn::Sub variable ${%s}: no parameter, pseudo parameter or resource has that name", name)
						}
					}
				}
			case "Fn::If":
				if l, ok := c.([]any); ok && len(l) > 0 && len(x) == 1 {
					if name, ok := l[0].(string); ok {
						if _, defined := r.conds[name]; !defined {
							r.errorf(kp+"/0", "condition %q is not defined in the Conditions section", name)
						}
					}
				}
			}
			r.checkNames(c, kp, depth+1)
		}
	}
}

// known reports whether name is a resource of the template (kept, removed
// or implicit) or, with params, a parameter or pseudo parameter.
func (r *resolver) known(name string, params bool) bool {
	res, _ := r.t.Body["Resources"].(map[string]any)
	if _, ok := res[name]; ok || r.s.Implicit[name] != "" {
		return true
	}
	if !params {
		return false
	}
	if _, ok := r.t.Parameters[name]; ok || strings.HasPrefix(name, "AWS::") {
		return true
	}
	base, _, dotted := strings.Cut(name, ".")
	return dotted && strings.HasPrefix(r.s.ResourceType(base), "AWS::Serverless::")
}

// subNames lists the variables of an Fn::Sub template, literals excluded.
func subNames(tmpl string) []string {
	var out []string
	for rest := tmpl; ; {
		i := strings.Index(rest, "${")
		if i < 0 {
			return out
		}
		rest = rest[i+2:]
		j := strings.IndexByte(rest, '}')
		if j < 0 {
			return out
		}
		if name := rest[:j]; !strings.HasPrefix(name, "!") {
			out = append(out, name)
		}
		rest = rest[j+1:]
	}
}

// parentOf cuts the last token off a pointer.
func parentOf(ptr string) string { return ptr[:strings.LastIndexByte(ptr, '/')] }

// built counts the bytes of a string a function built.
func (r *resolver) built(s string) any {
	r.bytes += len(s)
	return s
}

// ref resolves Ref name.
func (r *resolver) ref(name, ptr string) any {
	switch name {
	case "AWS::Region":
		return r.s.Region
	case "AWS::AccountId":
		return r.s.AccountID
	case "AWS::Partition":
		return r.s.Partition
	case "AWS::StackName":
		return r.s.StackName
	case "AWS::StackId":
		return r.s.StackID
	case "AWS::URLSuffix":
		return r.s.URLSuffix
	case "AWS::NoValue":
		return noValue{}
	case "AWS::NotificationARNs":
		out := make([]any, len(r.s.NotificationARNs))
		for i, a := range r.s.NotificationARNs {
			out[i] = a
		}
		return out
	}
	if pv, ok := r.s.Parameters[name]; ok {
		if l, ok := pv.Value.([]string); ok {
			out := make([]any, len(l))
			for i, s := range l {
				out[i] = s
			}
			return out
		}
		return pv.Value
	}
	if _, ok := r.t.Parameters[name]; ok {
		return broken{} // its problem is reported under /Parameters
	}
	if ref, ok := r.resourceRef(name, "", ptr); ok || isBroken(ref) {
		return ref
	}
	if base, attr, ok := strings.Cut(name, "."); ok && strings.HasPrefix(r.s.ResourceType(base), "AWS::Serverless::") {
		return r.use(ResourceRef{Name: base, Attribute: attr}, ptr)
	}
	r.errorf(ptr, "Ref to %s: no parameter, pseudo parameter or resource has that name", name)
	return broken{}
}

// resourceRef returns the reference to resource name, or an error when it
// was removed by its condition; ok is false when there is no such resource.
func (r *resolver) resourceRef(name, attr, ptr string) (any, bool) {
	if c, ok := r.removed[name]; ok {
		r.errorf(ptr, "refers to resource %s, whose condition %s is false (put the reference in an Fn::If on %s)", name, c, c)
		return broken{}, false
	}
	if r.undecided[name] {
		return broken{}, false
	}
	if r.s.ResourceType(name) == "" {
		if res, _ := r.t.Body["Resources"].(map[string]any); res[name] != nil {
			// Only conditions are evaluated before the resources are known.
			r.errorf(ptr, "conditions cannot refer to resource %s: they may use parameters, mappings and other conditions", name)
			return broken{}, false
		}
		return nil, false
	}
	return r.use(ResourceRef{Name: name, Attribute: attr}, ptr), true
}

// use records that ref was met at ptr.
func (r *resolver) use(ref ResourceRef, ptr string) ResourceRef {
	r.s.uses = append(r.s.uses, refUse{pointer: ptr, ref: ref})
	text := r.s.Render(ref)
	if old, ok := r.s.rendered[text]; !ok || (old.Attribute != "" && ref.Attribute == "") {
		r.s.rendered[text] = ref
	}
	return ref
}

func (r *resolver) getAtt(arg any, ptr string, depth int) any {
	var name, attr string
	switch x := arg.(type) {
	case string:
		var ok bool
		name, attr, ok = strings.Cut(x, ".")
		if !ok || name == "" || attr == "" {
			r.errorf(ptr, "Fn::GetAtt %q is not Resource.Attribute", x)
			return broken{}
		}
	case []any:
		l, ok := r.args("Fn::GetAtt", x, ptr, 2, 2)
		if !ok {
			return broken{}
		}
		name, ok = l[0].(string)
		if !ok {
			r.errorf(ptr+"/0", "Fn::GetAtt names a resource with a literal string")
			return broken{}
		}
		attr, ok = r.text(r.eval(l[1], ptr+"/1", depth), ptr+"/1", "Fn::GetAtt attribute")
		if !ok {
			return broken{}
		}
	default:
		r.errorf(ptr, "Fn::GetAtt takes Resource.Attribute or [Resource, Attribute], not %s", describe(arg))
		return broken{}
	}
	if v, ok := r.resourceRef(name, attr, ptr); ok || isBroken(v) {
		return v
	}
	r.errorf(ptr, "Fn::GetAtt %s.%s: the template has no resource %s", name, attr, name)
	return broken{}
}

func (r *resolver) sub(arg any, ptr string, depth int) any {
	var tmpl string
	vars := map[string]any{}
	tp := ptr
	switch x := arg.(type) {
	case string:
		tmpl = x
	case []any:
		l, ok := r.args("Fn::Sub", x, ptr, 2, 2)
		if !ok {
			return broken{}
		}
		tp = ptr + "/0"
		tmpl, ok = l[0].(string)
		if !ok {
			r.errorf(tp, "Fn::Sub's template is a literal string, not %s", describe(l[0]))
			return broken{}
		}
		m, ok := l[1].(map[string]any)
		if !ok {
			r.errorf(ptr+"/1", "Fn::Sub's variables are a mapping, not %s", describe(l[1]))
			return broken{}
		}
		for _, k := range sortedKeys(m) {
			vars[k] = r.eval(m[k], ptr+"/1/"+source.Escape(k), depth)
		}
	default:
		r.errorf(ptr, "Fn::Sub takes a string or [string, variables], not %s", describe(arg))
		return broken{}
	}
	var b strings.Builder
	good := true
	for rest := tmpl; ; {
		i := strings.Index(rest, "${")
		if i < 0 {
			b.WriteString(rest)
			break
		}
		b.WriteString(rest[:i])
		rest = rest[i+2:]
		j := strings.IndexByte(rest, '}')
		if j < 0 {
			b.WriteString("${")
			b.WriteString(rest)
			break
		}
		name := rest[:j]
		rest = rest[j+1:]
		if lit, ok := strings.CutPrefix(name, "!"); ok {
			b.WriteString("${" + lit + "}")
			continue
		}
		var v any
		if x, ok := vars[name]; ok {
			v = x
		} else if base, attr, dotted := strings.Cut(name, "."); dotted && !strings.HasPrefix(name, "AWS::") {
			if rv, ok := r.resourceRef(base, attr, tp); ok || isBroken(rv) {
				v = rv
			} else {
				r.errorf(tp, "Fn::Sub variable ${%s}: the template has no resource %s", name, base)
				v = broken{}
			}
		} else {
			v = r.ref(name, tp)
		}
		if isBroken(v) {
			good = false
			continue
		}
		s, ok := r.text(v, tp, "Fn::Sub variable ${"+name+"}")
		if !ok {
			good = false
			continue
		}
		b.WriteString(s)
		if r.bytes+b.Len() > maxStringBytes {
			r.bytes += b.Len()
			r.step(tp, depth)
			return broken{}
		}
	}
	if !good {
		return broken{}
	}
	return r.built(b.String())
}

func (r *resolver) findInMap(arg any, ptr string, depth int) any {
	l, ok := r.args("Fn::FindInMap", arg, ptr, 3, 4)
	if !ok {
		return broken{}
	}
	var def any
	hasDef := false
	if len(l) == 4 {
		m, ok := l[3].(map[string]any)
		if _, has := m["DefaultValue"]; !ok || !has || len(m) != 1 {
			r.errorf(ptr+"/3", "Fn::FindInMap's fourth argument is {DefaultValue: value}")
			return broken{}
		}
		def, hasDef = r.eval(m["DefaultValue"], ptr+"/3/DefaultValue", depth), true
	}
	keys := make([]string, 3)
	for i := range 3 {
		s, ok := r.text(r.eval(l[i], ptr+"/"+strconv.Itoa(i), depth), ptr+"/"+strconv.Itoa(i), "Fn::FindInMap key")
		if !ok {
			return broken{}
		}
		keys[i] = s
	}
	var cur any = r.mappings
	for i, k := range keys {
		m, _ := cur.(map[string]any)
		v, ok := m[k]
		if !ok {
			if hasDef {
				return def
			}
			what := [...]string{"mapping", "top-level key", "second-level key"}[i]
			in := strings.Join(append([]string{"Mappings"}, keys[:i]...), "/")
			r.errorf(ptr+"/"+strconv.Itoa(i), "Fn::FindInMap: no %s %q in %s", what, k, in)
			return broken{}
		}
		cur = v
	}
	// A copy, so that changing the resolved values leaves Mappings as
	// they are (the parser made sure they hold no functions).
	src := source.Pointer("Mappings", keys[0], keys[1], keys[2])
	r.s.redirect[parentOf(ptr)] = src
	return r.eval(cur, src, depth)
}

func (r *resolver) cidr(arg any, ptr string, depth int) any {
	l, ok := r.args("Fn::Cidr", arg, ptr, 3, 3)
	if !ok {
		return broken{}
	}
	var s [3]string
	for i := range 3 {
		if s[i], ok = r.text(r.eval(l[i], ptr+"/"+strconv.Itoa(i), depth), ptr+"/"+strconv.Itoa(i), "Fn::Cidr argument"); !ok {
			return broken{}
		}
	}
	prefix, err := netip.ParsePrefix(s[0])
	if err != nil {
		r.errorf(ptr+"/0", "Fn::Cidr: %q is not an address block: %v", s[0], err)
		return broken{}
	}
	count, err1 := strconv.Atoi(s[1])
	bits, err2 := strconv.Atoi(s[2])
	total := prefix.Addr().BitLen()
	if err1 != nil || count < 1 || count > 256 {
		r.errorf(ptr+"/1", "Fn::Cidr count %q is not between 1 and 256", s[1])
		return broken{}
	}
	newLen := total - bits
	if err2 != nil || bits < 1 || newLen < prefix.Bits() {
		r.errorf(ptr+"/2", "Fn::Cidr: %q subnet bits do not fit in %s", s[2], s[0])
		return broken{}
	}
	if newLen-prefix.Bits() < 63 && count > 1<<(newLen-prefix.Bits()) {
		r.errorf(ptr+"/1", "Fn::Cidr: %s holds fewer than %d subnets of /%d", s[0], count, newLen)
		return broken{}
	}
	base := new(big.Int).SetBytes(prefix.Masked().Addr().AsSlice())
	step := new(big.Int).Lsh(big.NewInt(1), uint(bits))
	out := make([]any, 0, count)
	for i := range count {
		n := new(big.Int).Add(base, new(big.Int).Mul(step, big.NewInt(int64(i))))
		buf := make([]byte, total/8)
		n.FillBytes(buf)
		addr, _ := netip.AddrFromSlice(buf)
		out = append(out, netip.PrefixFrom(addr, newLen).String())
	}
	return out
}

// text converts a resolved scalar to the string CloudFormation would use.
func (r *resolver) text(v any, ptr, what string) (string, bool) {
	switch x := v.(type) {
	case string:
		return x, true
	case float64:
		return formatNumber(x), true
	case bool:
		return strconv.FormatBool(x), true
	case ResourceRef:
		return r.s.Render(x), true
	case broken:
		return "", false
	}
	r.errorf(ptr, "%s must be a string, not %s", what, describe(v))
	return "", false
}

// list requires a resolved list.
func (r *resolver) list(v any, ptr, fn string) ([]any, bool) {
	switch x := v.(type) {
	case []any:
		return x, true
	case broken:
		return nil, false
	case ResourceRef:
		r.errorf(ptr, "%s needs a list; %s is known only to AWS", fn, x)
		return nil, false
	}
	r.errorf(ptr, "%s needs a list, not %s", fn, describe(v))
	return nil, false
}

// comparable turns a value of Fn::Equals into strings.
func (r *resolver) comparable(v any, ptr string) ([]string, bool) {
	if l, ok := v.([]any); ok {
		out := make([]string, 0, len(l)+1)
		out = append(out, "\x00list")
		for i, x := range l {
			s, ok := r.comparable(x, ptr+"/"+strconv.Itoa(i))
			if !ok {
				return nil, false
			}
			out = append(out, s...)
		}
		return out, true
	}
	if ref, ok := v.(ResourceRef); ok {
		r.errorf(ptr, "Fn::Equals cannot compare %s, a value known only to AWS (conditions may use parameters and mappings)", ref)
		return nil, false
	}
	s, ok := r.text(v, ptr, "Fn::Equals argument")
	return []string{s}, ok
}

// renderRefs replaces references by their renderings, for JSON text.
func (r *resolver) renderRefs(v any, ptr string) any {
	switch x := v.(type) {
	case ResourceRef:
		return r.s.Render(x)
	case map[string]any:
		out := make(map[string]any, len(x))
		for k, val := range x {
			out[k] = r.renderRefs(val, ptr)
		}
		return out
	case []any:
		out := make([]any, len(x))
		for i, val := range x {
			out[i] = r.renderRefs(val, ptr)
		}
		return out
	}
	return v
}

// describe names a value's kind for messages.
func describe(v any) string {
	switch x := v.(type) {
	case nil:
		return "null"
	case string:
		return "a string"
	case float64:
		return "a number"
	case bool:
		return "a boolean"
	case []any:
		return "a list"
	case map[string]any:
		if len(x) == 1 {
			for k := range x {
				if k == "Ref" || strings.HasPrefix(k, "Fn::") {
					return "a " + k
				}
			}
		}
		return "a mapping"
	case ResourceRef:
		return x.String()
	case noValue:
		return "AWS::NoValue"
	}
	return fmt.Sprintf("%T", v)
}
