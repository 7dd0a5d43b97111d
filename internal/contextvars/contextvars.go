// Package contextvars is the one table of API Gateway's $context variables:
// each variable's name, the consumers that know it, and how to read it from
// a pipeline.Call (and, for the variables only known once the response is,
// from an Outcome). Parameter mapping (context.* sources), gateway-response
// templates and headers, VTL mapping templates and access logs all resolve
// $context through it, so adding a variable means adding one row to table.
//
// Names and meanings follow
// https://docs.aws.amazon.com/apigateway/latest/developerguide/api-gateway-mapping-template-reference.html#context-variable-reference
// and, for access logs,
// https://docs.aws.amazon.com/apigateway/latest/developerguide/api-gateway-variables-for-access-logging.html.
package contextvars

import (
	"strconv"
	"strings"
	"time"

	"github.com/portico-gw/portico/internal/fault"
	"github.com/portico-gw/portico/internal/pipeline"
)

// Consumer is a set of the places that resolve $context variables.
type Consumer uint8

const (
	// Mapping is parameter mapping (context.* sources of
	// requestParameters and responseParameters) and gateway-response
	// templates and headers.
	Mapping Consumer = 1 << iota
	// VTL is $context in mapping templates.
	VTL
	// AccessLog is $context in access-log formats.
	AccessLog
)

// ID identifies one variable (a row of the table); access-log formats
// compile their references to IDs so that rendering never looks a name up.
// The zero value is invalid.
type ID uint8

// Outcome is what the edge knows once the response is decided: the status,
// length and latency of the answer and the gateway response it rendered, if
// any. Variables that read it have no value where it is nil (mapping).
type Outcome struct {
	Status  int
	Length  int64
	Latency time.Duration
	Fault   *fault.Error
}

// Var is one row of the table: a $context variable and how to read it. A row
// with no accessor (Field, Str, Int or Append) is a variable AWS defines that
// Portico never has a value for; it is known (a format may use it) and
// renders as missing.
type Var struct {
	// Name is the name after "$context."; a parameterised variable's Name
	// is its prefix with the trailing dot ("authorizer.claims."), and the
	// rest of the reference is the key passed to the accessor.
	Name string
	// In is the set of consumers that know the variable.
	In Consumer
	// Secret values are masked in access logs (pipeline.MaskKey).
	Secret bool
	// Optional Field values have no value when empty; other fields always
	// have one, possibly "".
	Optional bool

	// Field reads a string of the call.
	Field func(c *pipeline.Call) string
	// Str reads a string value; ok false is "no value".
	Str func(c *pipeline.Call, o *Outcome, key string) (string, bool)
	// Int reads an integer (a number in VTL, decimal text elsewhere).
	Int func(c *pipeline.Call, o *Outcome) (int64, bool)
	// Append appends a formatted value without allocating (nothing
	// appended is "no value"), for values that are text but not a field.
	Append func(dst []byte, c *pipeline.Call, o *Outcome, key string) []byte
	// Log, when set, is how access logs render the variable where they
	// differ from the other consumers.
	Log func(dst []byte, c *pipeline.Call, o *Outcome, key string) []byte
}

// logEntry is what access logs need of a row, kept dense for the render
// loop: field and num are Field and Int where access logs write them as
// they are, so that the common rows cost one call; log covers the rest.
type logEntry struct {
	field func(c *pipeline.Call) string
	num   func(c *pipeline.Call, o *Outcome) (int64, bool)
	str   func(c *pipeline.Call, o *Outcome, key string) (string, bool)
	log   func(dst []byte, c *pipeline.Call, o *Outcome, key string) []byte
}

// Parameterised reports whether the variable takes a key after its prefix.
func (v *Var) Parameterised() bool { return strings.HasSuffix(v.Name, ".") }

// HasAccessor reports whether Portico can have a value for the variable.
func (v *Var) HasAccessor() bool {
	return v.Field != nil || v.Str != nil || v.Int != nil || v.Append != nil || v.Log != nil
}

// String reads the variable as text, as mapping and templates see it.
func (v *Var) String(c *pipeline.Call, o *Outcome, key string) (string, bool) {
	switch {
	case v.Field != nil:
		s := v.Field(c)
		return s, s != "" || !v.Optional
	case v.Str != nil:
		return v.Str(c, o, key)
	case v.Int != nil:
		n, ok := v.Int(c, o)
		if !ok {
			return "", false
		}
		return strconv.FormatInt(n, 10), true
	case v.Append != nil:
		b := v.Append(nil, c, o, key)
		return string(b), len(b) > 0
	}
	return "", false
}

// Typed reads the variable as VTL sees it: an int64 for Int variables, a
// string otherwise; ok false is "no value".
func (v *Var) Typed(c *pipeline.Call, o *Outcome) (any, bool) {
	if v.Int != nil {
		n, ok := v.Int(c, o)
		if !ok {
			return nil, false
		}
		return n, true
	}
	return v.String(c, o, "")
}

// logFunc is how access logs render v: Secret values masked, nothing for no
// value, without allocating unless dst must grow.
func (v *Var) logFunc() func(dst []byte, c *pipeline.Call, o *Outcome, key string) []byte {
	switch {
	case v.Log != nil:
		return v.Log
	case v.Append != nil:
		return v.Append
	case v.Int != nil:
		get := v.Int
		return func(dst []byte, c *pipeline.Call, o *Outcome, _ string) []byte {
			if n, ok := get(c, o); ok {
				return strconv.AppendInt(dst, n, 10)
			}
			return dst
		}
	case v.Field != nil && v.Secret:
		get := v.Field
		return func(dst []byte, c *pipeline.Call, _ *Outcome, _ string) []byte {
			if s := get(c); s != "" {
				return append(dst, pipeline.MaskKey(s)...)
			}
			return dst
		}
	case v.Field != nil:
		get := v.Field
		return func(dst []byte, c *pipeline.Call, _ *Outcome, _ string) []byte {
			return append(dst, get(c)...)
		}
	case v.Str != nil:
		get, secret := v.Str, v.Secret
		return func(dst []byte, c *pipeline.Call, o *Outcome, key string) []byte {
			s, ok := get(c, o, key)
			if !ok || s == "" {
				return dst
			}
			if secret {
				return append(dst, pipeline.MaskKey(s)...)
			}
			return append(dst, s...)
		}
	}
	return noValue
}

func noValue(dst []byte, _ *pipeline.Call, _ *Outcome, _ string) []byte { return dst }

// The table indexed by ID (entry 0 unused), and per consumer the fixed
// names and the parameterised rows, longest prefix first.
var (
	byID     []*Var
	logs     []logEntry
	fixed    [3]map[string]ID
	prefixes [3][]ID
)

func init() {
	if len(table) > 255 {
		panic("contextvars: more rows than an ID can number")
	}
	byID = make([]*Var, 1, len(table)+1)
	logs = append(make([]logEntry, 0, len(table)+1), logEntry{log: noValue})
	for i := range fixed {
		fixed[i] = map[string]ID{}
	}
	for i := range table {
		v := &table[i]
		id := ID(len(byID))
		e := logEntry{log: v.logFunc()}
		if !v.Secret && v.Log == nil {
			e.field, e.num, e.str = v.Field, v.Int, v.Str
		}
		logs = append(logs, e)
		byID = append(byID, v)
		for ci := range fixed {
			if v.In&(1<<ci) == 0 {
				continue
			}
			if v.Parameterised() {
				prefixes[ci] = append(prefixes[ci], id)
			} else {
				fixed[ci][v.Name] = id
			}
		}
	}
	for ci := range prefixes {
		p := prefixes[ci]
		// Longest prefix first: authorizer.claims. before authorizer.
		for i := 1; i < len(p); i++ {
			for j := i; j > 0 && len(byID[p[j]].Name) > len(byID[p[j-1]].Name); j-- {
				p[j], p[j-1] = p[j-1], p[j]
			}
		}
	}
}

// consumerIndex is the index of one consumer in fixed and prefixes, -1 for
// anything else.
func consumerIndex(in Consumer) int {
	switch in {
	case Mapping:
		return 0
	case VTL:
		return 1
	case AccessLog:
		return 2
	}
	return -1
}

// Lookup resolves a name as written after "$context." (case-sensitive, as
// AWS's names are) for one consumer, to its id and, for a parameterised
// variable, the key. ok is false for names the consumer does not know,
// including a bare prefix ("authorizer.").
func Lookup(name string, in Consumer) (id ID, key string, ok bool) {
	ci := consumerIndex(in)
	if ci < 0 {
		return 0, "", false
	}
	if id, ok := fixed[ci][name]; ok {
		return id, "", true
	}
	for _, id := range prefixes[ci] {
		p := byID[id].Name
		if len(name) > len(p) && strings.HasPrefix(name, p) {
			return id, name[len(p):], true
		}
	}
	return 0, "", false
}

// Get returns the row of id, nil for an invalid id.
func Get(id ID) *Var {
	if int(id) >= len(byID) {
		return nil
	}
	return byID[id]
}

// All returns the ids of every row, in table order.
func All() []ID {
	ids := make([]ID, 0, len(table))
	for id := 1; id < len(byID); id++ {
		ids = append(ids, ID(id))
	}
	return ids
}

// Name is the variable's name after "$context." (a parameterised variable's
// prefix, with its trailing dot); "" for an invalid id.
func (id ID) Name() string {
	if v := Get(id); v != nil {
		return v.Name
	}
	return ""
}

// Values are one request's values for its access-log line; *Values
// implements telemetry.Vars.
type Values struct {
	Call *pipeline.Call
	Outcome
}

// AppendVar appends variable id as access logs render it: Secret values
// masked, nothing for no value (the format writes "-"), without allocating
// unless dst must grow. The common rows, fields and numbers, cost one call to
// their accessor: access logs are on every request's path.
func (v *Values) AppendVar(dst []byte, id ID, key string) []byte {
	if int(id) >= len(logs) {
		return dst
	}
	r := &logs[id]
	switch {
	case r.field != nil:
		return append(dst, r.field(v.Call)...)
	case r.num != nil:
		if n, ok := r.num(v.Call, &v.Outcome); ok {
			return strconv.AppendInt(dst, n, 10)
		}
		return dst
	case r.str != nil:
		if s, ok := r.str(v.Call, &v.Outcome, key); ok {
			return append(dst, s...)
		}
		return dst
	}
	return r.log(dst, v.Call, &v.Outcome, key)
}

// Value resolves a $context variable (name without "$context.") as mapping
// and gateway-response templates see it; o may be nil. ok is false for a
// variable that has no value, or that mapping does not know.
func Value(c *pipeline.Call, o *Outcome, name string) (string, bool) {
	id, key, ok := Lookup(name, Mapping)
	if !ok {
		return "", false
	}
	return byID[id].String(c, o, key)
}

// Resolve evaluates a parameter-mapping source expression: 'static',
// method.request.*, context.* or stageVariables.*; o may be nil. The body
// sources (method.request.body.*) are resolved by the mapping code that has
// the body.
func Resolve(c *pipeline.Call, o *Outcome, expr string) (string, bool) {
	switch {
	case len(expr) >= 2 && expr[0] == '\'' && expr[len(expr)-1] == '\'':
		return expr[1 : len(expr)-1], true
	case strings.HasPrefix(expr, "method.request."):
		return c.MethodRequestValue(expr[len("method.request."):])
	case strings.HasPrefix(expr, "context."):
		return Value(c, o, expr[len("context."):])
	case strings.HasPrefix(expr, "stageVariables."):
		v, ok := c.StageVariables[expr[len("stageVariables."):]]
		return v, ok
	}
	return "", false
}

// RequestTime formats t as $context.requestTime: the CLF time
// "02/Jan/2006:15:04:05 +0000", in UTC.
func RequestTime(t time.Time) string {
	var b [32]byte
	return string(AppendRequestTime(b[:0], t))
}

// AppendRequestTime appends t as $context.requestTime renders it; see
// RequestTime. It is a hand-rolled time.AppendFormat for this one layout,
// which is about half of a CLF line's rendering cost otherwise.
func AppendRequestTime(dst []byte, t time.Time) []byte {
	t = t.UTC()
	year, month, day := t.Date()
	hour, minute, sec := t.Clock()
	if year < 0 || year > 9999 {
		return t.AppendFormat(dst, "02/Jan/2006:15:04:05 -0700")
	}
	const months = "JanFebMarAprMayJunJulAugSepOctNovDec"
	m := 3 * (int(month) - 1)
	dst = append(dst, byte('0'+day/10), byte('0'+day%10), '/', months[m], months[m+1], months[m+2], '/',
		byte('0'+year/1000), byte('0'+year/100%10), byte('0'+year/10%10), byte('0'+year%10), ':',
		byte('0'+hour/10), byte('0'+hour%10), ':', byte('0'+minute/10), byte('0'+minute%10), ':',
		byte('0'+sec/10), byte('0'+sec%10))
	return append(dst, " +0000"...)
}

// Mask is pipeline.MaskKey, the one credential masker, for the packages
// that reach the pipeline only through this table (telemetry).
func Mask(v string) string { return pipeline.MaskKey(v) }
