package vtl

import (
	"bytes"
	"context"
	"errors"
	"fmt"
	"regexp"
	"strconv"
	"strings"
)

// Execution limits. They apply to every execution and exist so that no
// template can loop forever or allocate without bound.
const (
	// MaxForeach is the number of iterations after which a #foreach loop
	// silently stops, as API Gateway's Velocity does (directive.foreach.maxloops).
	MaxForeach = 1000
	// MaxIterations caps the #foreach iterations plus #define and macro
	// expansions of one execution; exceeding it is an error.
	MaxIterations = 100_000
	// MaxOutput caps the rendered output in bytes (API Gateway's 10 MB
	// payload limit); exceeding it is an error.
	MaxOutput = 10 << 20
	// MaxAlloc caps the bytes of strings built during one execution
	// (interpolation, concatenation, string methods); exceeding it is an error.
	MaxAlloc = 64 << 20
	// MaxDepth caps the nesting of #define and macro expansions.
	MaxDepth = 64
	// maxRange caps the length of a range literal [a..b].
	maxRange = 100_000
)

// Errors returned by Execute when a limit is hit.
var (
	ErrOutputTooLarge = errors.New("vtl: output exceeds MaxOutput")
	ErrTooManySteps   = errors.New("vtl: execution exceeds MaxIterations")
	ErrTooDeep        = errors.New("vtl: #define or macro nesting exceeds MaxDepth")
	ErrAllocTooLarge  = errors.New("vtl: strings built exceed MaxAlloc")
)

// errBreak and errStop unwind #break and #stop.
var (
	errBreak = errors.New("#break")
	errStop  = errors.New("#stop")
)

// Execute renders the template with vars and returns the output. vars is
// read, never written at its top level: #set($x = ...) is local to this
// execution, but #set($ctx.a.b = ...) writes into the map held in vars.
// Execute is safe for concurrent use when the maps in vars are not shared
// between concurrent executions.
func (t *Template) Execute(ctx context.Context, vars map[string]any) (string, error) {
	var b bytes.Buffer
	err := t.ExecuteTo(ctx, &b, vars)
	return b.String(), err
}

// ExecuteTo is Execute writing to w, for callers that pool buffers. On error,
// w holds the output rendered so far.
func (t *Template) ExecuteTo(ctx context.Context, w *bytes.Buffer, vars map[string]any) error {
	s := &state{ctx: ctx, t: t, global: vars, local: map[string]any{}, w: w}
	err := s.render(t.nodes)
	if errors.Is(err, errStop) || errors.Is(err, errBreak) {
		err = nil
	}
	return err
}

// state is one execution.
type state struct {
	ctx    context.Context
	t      *Template
	global map[string]any
	local  map[string]any
	w      *bytes.Buffer
	steps  int
	alloc  int
	depth  int
	re     map[string]*regexp.Regexp // compiled Java regexps, by pattern
}

// nullRef is a macro parameter bound to an undefined reference: null, but
// rendered as the argument's source text.
type nullRef struct{ raw string }

func (s *state) lookup(name string) (any, bool) {
	if v, ok := s.local[name]; ok {
		if _, isNull := v.(nullRef); isNull {
			return nil, false
		}
		return v, true
	}
	v, ok := s.global[name]
	if ok && v == nil {
		return nil, false
	}
	return v, ok
}

// errorf reports an execution error located in the template source.
func (s *state) errorf(off int, format string, args ...any) error {
	p := parser{name: s.t.name, full: s.t.src}
	return p.errorf(off, format, args...)
}

func (s *state) write(str string) error {
	if s.w.Len()+len(str) > MaxOutput {
		return ErrOutputTooLarge
	}
	s.w.WriteString(str)
	return nil
}

// writeBytes writes b, which may alias s.w's available buffer.
func (s *state) writeBytes(b []byte) error {
	if s.w.Len()+len(b) > MaxOutput {
		return ErrOutputTooLarge
	}
	s.w.Write(b)
	return nil
}

// charge accounts for n bytes of newly built strings.
func (s *state) charge(n int) error {
	s.alloc += n
	if s.alloc > MaxAlloc {
		return ErrAllocTooLarge
	}
	return nil
}

// step accounts for one loop iteration or block expansion.
func (s *state) step() error {
	s.steps++
	if s.steps > MaxIterations {
		return ErrTooManySteps
	}
	if s.steps%256 == 0 {
		return s.ctx.Err()
	}
	return nil
}

func (s *state) render(nodes []node) error {
	for _, n := range nodes {
		var err error
		switch n := n.(type) {
		case textNode:
			err = s.write(n.text)
		case *refNode:
			err = s.renderRef(n)
		case *setNode:
			err = s.execSet(n)
		case *ifNode:
			err = s.execIf(n)
		case *foreachNode:
			err = s.execForeach(n)
		case *defineNode:
			s.local[n.name] = &block{s: s, body: n.body}
		case *macroCallNode:
			err = s.execMacro(n)
		case breakNode:
			err = errBreak
		case stopNode:
			err = errStop
		}
		if err != nil {
			return err
		}
	}
	return nil
}

// renderRef writes a reference, applying Velocity 1.7's escaping rules:
// with a value, \\ pairs halve and an odd backslash escapes the reference;
// without one, the source text is written as is.
func (s *state) renderRef(n *refNode) error {
	v, err := s.evalRef(n)
	if err != nil {
		return err
	}
	raw := n.raw
	if v == nil && len(n.parts) == 0 {
		if nr, ok := s.local[n.name].(nullRef); ok {
			raw = nr.raw
		}
	}
	if v == nil {
		switch {
		case n.esc%2 == 1:
			return s.write(strings.Repeat(`\`, n.esc/2+1) + raw)
		case n.quiet:
			return s.write(strings.Repeat(`\`, n.esc))
		}
		return s.write(strings.Repeat(`\`, n.esc) + raw)
	}
	if n.esc > 0 {
		if err := s.write(strings.Repeat(`\`, n.esc/2)); err != nil {
			return err
		}
		if n.esc%2 == 1 {
			return s.write(n.raw)
		}
	}
	switch x := v.(type) {
	case *block:
		return x.render()
	case int64:
		return s.writeBytes(strconv.AppendInt(s.w.AvailableBuffer(), x, 10))
	case string:
		return s.write(x)
	}
	return s.write(display(v))
}

// block is the value of a #define'd reference: its body renders where the
// reference is used, with the variables current at that time.
type block struct {
	s    *state
	body []node
}

func (b *block) render() error {
	s := b.s
	if err := s.step(); err != nil {
		return err
	}
	s.depth++
	defer func() { s.depth-- }()
	if s.depth > MaxDepth {
		return ErrTooDeep
	}
	return s.render(b.body)
}

// String renders the block to a string, for uses other than direct output.
func (b *block) String() string {
	s := b.s
	saved := s.w
	var buf bytes.Buffer
	s.w = &buf
	err := b.render()
	s.w = saved
	if err != nil {
		return ""
	}
	return buf.String()
}

// renderString renders interpolated string parts to a string.
func (s *state) renderString(parts []node) (string, error) {
	saved := s.w
	var buf bytes.Buffer
	s.w = &buf
	err := s.render(parts)
	s.w = saved
	if err != nil && !errors.Is(err, errStop) {
		return "", err
	}
	return buf.String(), s.charge(buf.Len())
}

func (s *state) execSet(n *setNode) error {
	v, err := s.eval(n.rhs)
	if err != nil {
		return err
	}
	if v == nil || n.lhs.quiet {
		return nil // Velocity 1.7 leaves the target unchanged
	}
	if len(n.lhs.parts) == 0 {
		s.local[n.lhs.name] = v
		return nil
	}
	head := *n.lhs
	head.parts = n.lhs.parts[:len(n.lhs.parts)-1]
	target, err := s.evalRef(&head)
	if err != nil || target == nil {
		return err
	}
	last := n.lhs.parts[len(n.lhs.parts)-1]
	key := last.name
	if last.kind == accIndex {
		k, err := s.eval(last.args[0])
		if err != nil {
			return err
		}
		if l, ok := asList(target); ok {
			i, ok := toInt(k)
			if !ok || i < 0 || int(i) >= len(l) {
				return s.errorf(last.off, "index %s out of range", display(k))
			}
			l[i] = v
			return nil
		}
		key = display(k)
	} else if last.kind == accMethod {
		return s.errorf(n.off, "cannot #set a method call")
	}
	switch m := target.(type) {
	case *Map:
		m.Set(key, v)
	case map[string]any:
		m[key] = v
	}
	return nil
}

func (s *state) execIf(n *ifNode) error {
	for i, c := range n.conds {
		ok, err := s.cond(c)
		if err != nil {
			return err
		}
		if ok {
			return s.render(n.bodies[i])
		}
	}
	if n.els != nil {
		return s.render(n.els)
	}
	return nil
}

func (s *state) execMacro(n *macroCallNode) error {
	m := s.t.macros[n.name]
	if m == nil {
		return s.write(n.raw + n.lineEnd)
	}
	if err := s.step(); err != nil {
		return err
	}
	s.depth++
	defer func() { s.depth-- }()
	if s.depth > MaxDepth {
		return ErrTooDeep
	}
	args := make([]any, len(n.args))
	for i, a := range n.args {
		v, err := s.eval(a)
		if err != nil {
			return err
		}
		if r, ok := a.(*refNode); ok && v == nil {
			// Velocity passes arguments by name: an undefined argument
			// renders as its own source text inside the macro.
			v = nullRef{raw: r.raw}
		}
		args[i] = v
	}
	restore := s.bind(m.params, args)
	defer restore()
	err := s.render(m.body)
	if errors.Is(err, errBreak) {
		err = nil
	}
	return err
}

// bind sets local variables and returns a function restoring their previous
// values.
func (s *state) bind(names []string, vals []any) func() {
	type saved struct {
		v  any
		ok bool
	}
	old := make([]saved, len(names))
	for i, name := range names {
		v, ok := s.local[name]
		old[i] = saved{v, ok}
		if i < len(vals) && vals[i] != nil {
			s.local[name] = vals[i]
		} else {
			delete(s.local, name)
		}
	}
	return func() {
		for i, name := range names {
			if old[i].ok {
				s.local[name] = old[i].v
			} else {
				delete(s.local, name)
			}
		}
	}
}

func (s *state) execForeach(n *foreachNode) error {
	it, err := s.eval(n.iter)
	if err != nil {
		return err
	}
	items := iterItems(it)
	if len(items) == 0 {
		return nil
	}
	names := []string{n.varName, "velocityCount", "velocityHasNext", "foreach"}
	restore := s.bind(names, nil)
	defer restore()
	// One $foreach object per loop, updated each iteration, as in Velocity.
	info := &foreachInfo{}
	for i, v := range items {
		if i >= MaxForeach {
			break
		}
		if err := s.step(); err != nil {
			return err
		}
		if v == nil {
			delete(s.local, n.varName)
		} else {
			s.local[n.varName] = v
		}
		hasNext := i+1 < len(items)
		s.local["velocityCount"] = int64(i + 1)
		s.local["velocityHasNext"] = hasNext
		info.index, info.hasNext = i, hasNext
		s.local["foreach"] = info
		if err := s.render(n.body); err != nil {
			if errors.Is(err, errBreak) {
				return nil
			}
			return err
		}
	}
	return nil
}

// iterItems returns the elements #foreach visits: list elements, map
// values, or nothing.
func iterItems(v any) []any {
	switch x := v.(type) {
	case *List:
		return append([]any(nil), x.Items...)
	case []any:
		return x
	case *Map:
		return append([]any(nil), x.vals...)
	case map[string]any:
		out := make([]any, 0, len(x))
		for _, k := range sortedKeys(x) {
			out = append(out, x[k])
		}
		return out
	}
	return nil
}

var _ fmt.Stringer = (*block)(nil)
