package validate

import (
	"slices"
	"strings"
	"unicode/utf8"
)

const (
	// maxMessages bounds the validation error list: validation stops once
	// this many messages are collected.
	maxMessages = 100
	// maxLoop bounds how many schemas may be applied to one instance value
	// through $ref, allOf, anyOf, oneOf, not and dependencies before it is a
	// validation loop.
	maxLoop = 64
)

// budget counts schema applications left for one request. Combinators over
// recursive models can make validation exponential in the body's depth; the
// budget turns that into a bounded 400 instead of a stuck worker.
type budget struct{ left int }

// checker validates one instance against compiled nodes, collecting fge
// messages. Like fge without deep checking, it descends into an array's or
// object's members only while its scope has no error yet, so a message list
// names the first problems found rather than every problem.
type checker struct {
	errs []string
	// quick marks a sub-scope (allOf, anyOf, oneOf, not) where only pass or
	// fail matters, so checking stops at the first error.
	quick bool
	b     *budget
}

// validateValue validates v against n and returns the messages; nil means
// valid. steps is the budget of schema applications.
func validateValue(n *node, v any, steps int) []string {
	ck := checker{b: &budget{left: steps}}
	ck.check(n, v, 0)
	if ck.b.left < 0 {
		return []string{msgTooComplex()}
	}
	return ck.errs
}

func (ck *checker) stop() bool {
	return ck.b.left < 0 || (ck.quick && len(ck.errs) > 0) || len(ck.errs) >= maxMessages
}

func (ck *checker) fail(msg string) { ck.errs = append(ck.errs, msg) }

// matches reports whether v is valid against n, in a scope of its own.
func (ck *checker) matches(n *node, v any, loop int) bool {
	sub := checker{quick: true, b: ck.b}
	sub.check(n, v, loop)
	return len(sub.errs) == 0 && ck.b.left >= 0
}

// check applies n to v: the keywords in alphabetical order (one fixed order
// keeps messages deterministic), then the members.
func (ck *checker) check(n *node, v any, loop int) {
	if ck.stop() {
		return
	}
	ck.b.left--
	for n.ref != nil { // acyclic: see checkRefChains
		n = n.ref
	}
	if loop > maxLoop {
		ck.fail(msgLoop(n.loc))
		return
	}
	ck.additionalItems(n, v)
	ck.additionalProperties(n, v)
	ck.allOf(n, v, loop)
	ck.anyOf(n, v, loop)
	ck.dependencies(n, v, loop)
	ck.enum(n, v)
	ck.lengthsAndCounts(n, v)
	ck.numeric(n, v)
	ck.not(n, v, loop)
	ck.oneOf(n, v, loop)
	ck.pattern(n, v)
	ck.required(n, v)
	ck.typ(n, v)
	ck.uniqueItems(n, v)
	if len(ck.errs) > 0 {
		return
	}
	switch v := v.(type) {
	case *object:
		ck.members(n, v)
	case []any:
		ck.items(n, v)
	}
}

func (ck *checker) additionalItems(n *node, v any) {
	if a, ok := v.([]any); ok && n.noAdditionalItems && len(a) > len(n.tuple) {
		ck.fail(msgAdditionalItems(len(n.tuple), len(a)))
	}
}

func (ck *checker) additionalProperties(n *node, v any) {
	o, ok := v.(*object)
	if !ok || !n.noAdditional {
		return
	}
	var extra []string
	for _, k := range o.keys {
		if !n.declares(k) {
			extra = append(extra, k)
		}
	}
	if len(extra) > 0 {
		slices.Sort(extra)
		ck.fail(msgAdditional(extra))
	}
}

// declares reports whether member k is covered by properties or
// patternProperties.
func (n *node) declares(k string) bool {
	if _, ok := n.props[k]; ok {
		return true
	}
	for _, pp := range n.patternProps {
		if pp.re.MatchString(k) {
			return true
		}
	}
	return false
}

func (ck *checker) allOf(n *node, v any, loop int) {
	matched := 0
	for _, s := range n.allOf {
		if ck.matches(s, v, loop+1) {
			matched++
		}
	}
	if matched < len(n.allOf) {
		ck.fail(msgAllOf(matched, len(n.allOf)))
	}
}

func (ck *checker) anyOf(n *node, v any, loop int) {
	if len(n.anyOf) == 0 {
		return
	}
	for _, s := range n.anyOf {
		if ck.matches(s, v, loop+1) {
			return
		}
	}
	ck.fail(msgAnyOf(len(n.anyOf)))
}

func (ck *checker) oneOf(n *node, v any, loop int) {
	if len(n.oneOf) == 0 {
		return
	}
	matched := 0
	for _, s := range n.oneOf {
		if ck.matches(s, v, loop+1) {
			matched++
		}
	}
	if matched != 1 {
		ck.fail(msgOneOf(matched, len(n.oneOf)))
	}
}

func (ck *checker) not(n *node, v any, loop int) {
	if n.not != nil && ck.matches(n.not, v, loop+1) {
		ck.fail(msgNot())
	}
}

func (ck *checker) dependencies(n *node, v any, loop int) {
	o, ok := v.(*object)
	if !ok {
		return
	}
	for _, d := range n.deps {
		if !o.has(d.prop) {
			continue
		}
		if d.schema != nil {
			ck.check(d.schema, v, loop+1)
			continue
		}
		var missing []string
		for _, r := range d.requires {
			if !o.has(r) {
				missing = append(missing, r)
			}
		}
		if len(missing) > 0 {
			ck.fail(msgDependency(d.prop, d.requires, missing))
		}
	}
}

func (ck *checker) enum(n *node, v any) {
	if n.enum == nil {
		return
	}
	for _, e := range n.enum {
		if equal(e, v) {
			return
		}
	}
	ck.fail(msgEnum(v, n.enumText))
}

// lengthsAndCounts checks maxItems, maxLength, maxProperties, then the
// min* counterparts, matching the alphabetical keyword order.
func (ck *checker) lengthsAndCounts(n *node, v any) {
	switch v := v.(type) {
	case []any:
		if n.maxItems >= 0 && len(v) > n.maxItems {
			ck.fail(msgMaxItems(n.maxItems, len(v)))
		}
		if n.minItems >= 0 && len(v) < n.minItems {
			ck.fail(msgMinItems(n.minItems, len(v)))
		}
	case string:
		if n.maxLen < 0 && n.minLen < 0 {
			return
		}
		l := utf8.RuneCountInString(v)
		if n.maxLen >= 0 && l > n.maxLen {
			ck.fail(msgMaxLength(v, l, n.maxLen))
		}
		if n.minLen >= 0 && l < n.minLen {
			ck.fail(msgMinLength(v, l, n.minLen))
		}
	case *object:
		if n.maxProps >= 0 && len(v.keys) > n.maxProps {
			ck.fail(msgMaxProperties(len(v.keys), n.maxProps))
		}
		if n.minProps >= 0 && len(v.keys) < n.minProps {
			ck.fail(msgMinProperties(len(v.keys), n.minProps))
		}
	}
}

// numeric checks maximum, minimum and multipleOf.
func (ck *checker) numeric(n *node, v any) {
	num, ok := v.(number)
	if !ok {
		return
	}
	if b := n.maximum; b != nil {
		if c := compare(num, b); c > 0 || (c == 0 && b.exclusive) {
			ck.fail(msgMaximum(b, num))
		}
	}
	if b := n.minimum; b != nil {
		if c := compare(num, b); c < 0 || (c == 0 && b.exclusive) {
			ck.fail(msgMinimum(b, num))
		}
	}
	if n.multipleOf != nil && !multipleOf(num, n.multipleOf) {
		ck.fail(msgMultipleOf(num, n.multipleOf))
	}
}

func (ck *checker) pattern(n *node, v any) {
	if s, ok := v.(string); ok && n.pattern != nil && !n.pattern.MatchString(s) {
		ck.fail(msgPattern(n.pattern.String(), s))
	}
}

func (ck *checker) required(n *node, v any) {
	o, ok := v.(*object)
	if !ok || len(n.required) == 0 {
		return
	}
	var missing []string
	for _, r := range n.required {
		if !o.has(r) {
			missing = append(missing, r)
		}
	}
	if len(missing) > 0 {
		ck.fail(msgRequired(missing))
	}
}

func (ck *checker) typ(n *node, v any) {
	if t := typeOf(v); n.types != 0 && !n.types.allows(t) {
		ck.fail(msgType(t, n.types))
	}
}

func (ck *checker) uniqueItems(n *node, v any) {
	a, ok := v.([]any)
	if !ok || !n.unique || len(a) < 2 {
		return
	}
	seen := make(map[string]struct{}, len(a))
	var key []byte
	for _, e := range a {
		key = canonical(key[:0], e)
		// Nested uniqueItems re-read subtrees: charge the bytes read.
		if ck.b.left -= 1 + len(key); ck.b.left < 0 {
			return
		}
		if _, dup := seen[string(key)]; dup {
			ck.fail(msgUnique())
			return
		}
		seen[string(key)] = struct{}{}
	}
}

// members applies properties, patternProperties and additionalProperties to
// each member, in name order.
func (ck *checker) members(n *node, o *object) {
	if n.props == nil && n.patternProps == nil && n.additional == nil {
		return
	}
	var buf [16]int
	for _, i := range sortedIndex(buf[:0], o.keys) {
		k, val := o.keys[i], o.vals[i]
		matched := false
		if p, ok := n.props[k]; ok {
			ck.check(p, val, 0)
			matched = true
		}
		for _, pp := range n.patternProps {
			if pp.re.MatchString(k) {
				ck.check(pp.n, val, 0)
				matched = true
			}
		}
		if !matched && n.additional != nil {
			ck.check(n.additional, val, 0)
		}
	}
}

func (ck *checker) items(n *node, a []any) {
	for i, e := range a {
		switch {
		case n.items != nil:
			ck.check(n.items, e, 0)
		case i < len(n.tuple):
			ck.check(n.tuple[i], e, 0)
		case n.additionalItems != nil:
			ck.check(n.additionalItems, e, 0)
		default:
			return
		}
	}
}

// sortedIndex appends to dst the indexes of keys in name order.
func sortedIndex(dst []int, keys []string) []int {
	idx := dst
	for i := range keys {
		idx = append(idx, i)
	}
	if !slices.IsSorted(keys) {
		slices.SortFunc(idx, func(a, b int) int { return strings.Compare(keys[a], keys[b]) })
	}
	return idx
}
