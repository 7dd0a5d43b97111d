package validate

import (
	"encoding/json"
	"fmt"
	"maps"
	"math/big"
	"slices"
	"strconv"
	"strings"

	"github.com/santhosh-tekuri/jsonschema/v6"
)

// node is one compiled draft-4 schema in the form the validator walks. It is
// built once from the jsonschema library's compiled graph (which did the
// meta-schema check and the $ref resolution) and is immutable afterwards, so
// a Step is safe for concurrent use. Recursive models are cyclic graphs.
type node struct {
	loc string // where the schema came from, for errors
	ref *node  // draft 4: a $ref replaces every sibling keyword

	types typeSet // 0: any type
	enum  []any   // nil: no enum
	// enumText is the enum printed as JSON, computed once.
	enumText string

	allOf, anyOf, oneOf []*node
	not                 *node

	// object keywords
	minProps, maxProps int // -1: absent
	required           []string
	props              map[string]*node
	patternProps       []patternNode
	additional         *node // schema for other members
	noAdditional       bool  // additionalProperties: false
	deps               []dependency

	// array keywords
	minItems, maxItems int // -1: absent
	unique             bool
	items              *node   // one schema for every item
	tuple              []*node // items given as an array
	additionalItems    *node
	noAdditionalItems  bool

	// string keywords
	minLen, maxLen int // -1: absent
	pattern        jsonschema.Regexp

	// number keywords
	minimum, maximum *bound
	multipleOf       *bound

	// propList is props as a list, for nodes with a few properties: the
	// streaming check finds a member's schema by comparing names, which
	// costs less than hashing them.
	propList []namedNode

	// streams marks a node the streaming check can apply (stream.go): no
	// keyword that looks at one value through several schemas (allOf,
	// anyOf, oneOf, not, schema dependencies) or compares several values
	// (uniqueItems, property dependencies).
	streams bool
}

type namedNode struct {
	name string
	n    *node
}

// maxPropList bounds propList: beyond it, the map is faster.
const maxPropList = 8

type patternNode struct {
	re jsonschema.Regexp
	n  *node
}

// dependency is one entry of draft-4 "dependencies": a property that, when
// present, requires other properties or a schema.
type dependency struct {
	prop     string
	requires []string
	schema   *node
}

// bound is a numeric keyword value, kept exact and as float64 for the fast
// comparison.
type bound struct {
	rat       *big.Rat
	f         float64
	text      string
	exclusive bool
	// short marks a value of at most 15 digits without exponent, which
	// float64 represents uniquely.
	short bool
}

func newBound(r *big.Rat, exclusive bool) *bound {
	f, _ := r.Float64()
	text := r.RatString()
	if !r.IsInt() {
		text = strconv.FormatFloat(f, 'f', -1, 64)
	}
	short := len(text) <= 15 && !strings.ContainsAny(text, "eE")
	return &bound{rat: r, f: f, text: text, exclusive: exclusive, short: short}
}

// converter turns the library's compiled schemas into nodes, sharing one
// node per schema so that cycles stay cycles.
type converter struct {
	done map[*jsonschema.Schema]*node
}

func (cv *converter) convert(s *jsonschema.Schema) *node {
	if s == nil {
		return nil
	}
	if n, ok := cv.done[s]; ok {
		return n
	}
	n := &node{loc: s.Location, minProps: -1, maxProps: -1, minItems: -1, maxItems: -1, minLen: -1, maxLen: -1}
	cv.done[s] = n
	if s.Ref != nil {
		n.ref = cv.convert(s.Ref)
		return n
	}
	if s.Bool != nil && !*s.Bool {
		n.not = &node{minProps: -1, maxProps: -1, minItems: -1, maxItems: -1, minLen: -1, maxLen: -1}
	}
	if s.Types != nil {
		for _, t := range s.Types.ToStrings() {
			n.types |= typeBit(t)
		}
	}
	if s.Enum != nil {
		n.enum = make([]any, len(s.Enum.Values))
		for i, v := range s.Enum.Values {
			n.enum[i] = fromLibrary(v)
		}
		n.enumText = string(appendJSON(nil, n.enum))
	}
	n.allOf = cv.convertAll(s.AllOf)
	n.anyOf = cv.convertAll(s.AnyOf)
	n.oneOf = cv.convertAll(s.OneOf)
	n.not = cmpOr(cv.convert(s.Not), n.not)
	cv.object(n, s)
	cv.array(n, s)
	n.minLen, n.maxLen = intOr(s.MinLength), intOr(s.MaxLength)
	n.pattern = s.Pattern
	switch {
	case s.Minimum != nil:
		n.minimum = newBound(s.Minimum, false)
	case s.ExclusiveMinimum != nil:
		n.minimum = newBound(s.ExclusiveMinimum, true)
	}
	switch {
	case s.Maximum != nil:
		n.maximum = newBound(s.Maximum, false)
	case s.ExclusiveMaximum != nil:
		n.maximum = newBound(s.ExclusiveMaximum, true)
	}
	if s.MultipleOf != nil {
		n.multipleOf = newBound(s.MultipleOf, false)
	}
	n.streams = n.allOf == nil && n.anyOf == nil && n.oneOf == nil && n.not == nil && n.deps == nil && !n.unique
	return n
}

func (cv *converter) convertAll(ss []*jsonschema.Schema) []*node {
	if len(ss) == 0 {
		return nil
	}
	out := make([]*node, len(ss))
	for i, s := range ss {
		out[i] = cv.convert(s)
	}
	return out
}

func (cv *converter) object(n *node, s *jsonschema.Schema) {
	n.minProps, n.maxProps = intOr(s.MinProperties), intOr(s.MaxProperties)
	// fge digests "required" into name order, and reports missing names in
	// that order.
	n.required = slices.Sorted(slices.Values(s.Required))
	if len(s.Properties) > 0 {
		n.props = make(map[string]*node, len(s.Properties))
		for k, p := range s.Properties {
			n.props[k] = cv.convert(p)
		}
		if len(n.props) <= maxPropList {
			for k, p := range n.props {
				n.propList = append(n.propList, namedNode{k, p})
			}
		}
	}
	for re, p := range s.PatternProperties {
		n.patternProps = append(n.patternProps, patternNode{re: re, n: cv.convert(p)})
	}
	// Map order is random: fix one so that messages are deterministic.
	slices.SortFunc(n.patternProps, func(a, b patternNode) int { return strings.Compare(a.re.String(), b.re.String()) })
	switch a := s.AdditionalProperties.(type) {
	case bool:
		n.noAdditional = !a
	case *jsonschema.Schema:
		n.additional = cv.convert(a)
	}
	for prop, d := range s.Dependencies {
		switch d := d.(type) {
		case []string:
			n.deps = append(n.deps, dependency{prop: prop, requires: slices.Sorted(slices.Values(d))})
		case *jsonschema.Schema:
			n.deps = append(n.deps, dependency{prop: prop, schema: cv.convert(d)})
		}
	}
	slices.SortFunc(n.deps, func(a, b dependency) int { return strings.Compare(a.prop, b.prop) })
}

func (cv *converter) array(n *node, s *jsonschema.Schema) {
	n.minItems, n.maxItems = intOr(s.MinItems), intOr(s.MaxItems)
	n.unique = s.UniqueItems
	switch it := s.Items.(type) {
	case *jsonschema.Schema:
		n.items = cv.convert(it)
	case []*jsonschema.Schema:
		n.tuple = cv.convertAll(it)
		if n.tuple == nil {
			n.tuple = []*node{}
		}
		switch a := s.AdditionalItems.(type) {
		case bool:
			n.noAdditionalItems = !a
		case *jsonschema.Schema:
			n.additionalItems = cv.convert(a)
		}
	}
}

// checkRefChains rejects schemas that are only references to themselves
// (A: {$ref: B}, B: {$ref: A}), which no instance can ever be checked against.
func checkRefChains(nodes map[*jsonschema.Schema]*node) error {
	for _, n := range nodes {
		m := n
		for i := 0; m.ref != nil; i++ {
			if i > len(nodes) {
				return fmt.Errorf("$ref cycle through %s", n.loc)
			}
			m = m.ref
		}
	}
	return nil
}

func intOr(p *int) int {
	if p == nil {
		return -1
	}
	return *p
}

func cmpOr(a, b *node) *node {
	if a != nil {
		return a
	}
	return b
}

// fromLibrary converts a value decoded by the jsonschema library (maps,
// json.Number) into the parser's representation; object members are sorted
// because the library's maps have no order.
func fromLibrary(v any) any {
	switch v := v.(type) {
	case json.Number:
		return number(v)
	case float64:
		return number(strconv.FormatFloat(v, 'g', -1, 64))
	case []any:
		out := make([]any, len(v))
		for i, e := range v {
			out[i] = fromLibrary(e)
		}
		return out
	case map[string]any:
		o := &object{}
		for _, k := range slices.Sorted(maps.Keys(v)) {
			o.keys = append(o.keys, k)
			o.vals = append(o.vals, fromLibrary(v[k]))
		}
		return o
	}
	return v
}
