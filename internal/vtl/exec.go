package vtl

import (
	"bytes"
	"context"
	"errors"
	"fmt"
	"regexp"
	"strconv"
	"strings"

	"github.com/portico-gw/portico/internal/awslimits"
)

// Execution limits. They apply to every execution and exist so that no
// template can loop forever or allocate without bound.
const (
	// MaxForeach is the number of iterations after which a #foreach loop
	// silently stops, as API Gateway's Velocity does (directive.foreach.maxloops).
	MaxForeach = awslimits.ForeachIterations
	// MaxIterations caps the #foreach iterations plus #define and macro
	// expansions of one execution; exceeding it is an error.
	MaxIterations = 100_000
	// MaxOutput caps the rendered output in bytes (API Gateway's 10 MB
	// payload limit); exceeding it is an error.
	MaxOutput = awslimits.PayloadBytes
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

// control is an error that unwinds #break and #stop.
type control uint8

const (
	errBreak control = iota + 1
	errStop
)

func (c control) Error() string {
	if c == errBreak {
		return "#break"
	}
	return "#stop"
}

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
	s := &state{ctx: ctx, t: t, global: vars, local: map[string]any{}, w: w, max: w.Len() + MaxOutput}
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
	max    int // the length w may reach
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
	if s.w.Len()+len(str) > s.max {
		return ErrOutputTooLarge
	}
	s.w.WriteString(str)
	return nil
}

// writeBytes writes b, which may alias s.w's available buffer.
func (s *state) writeBytes(b []byte) error {
	if s.w.Len()+len(b) > s.max {
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
	if s.steps%16 == 0 {
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
		case n.quiet || s.t.opts.EmptyNulls:
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
	case float64:
		return s.writeBytes(appendJavaDouble(s.w.AvailableBuffer(), x))
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
	saved, savedMax := s.w, s.max
	var buf bytes.Buffer
	s.w, s.max = &buf, MaxOutput
	err := b.render()
	s.w, s.max = saved, savedMax
	if err != nil {
		return ""
	}
	return buf.String()
}

// renderString renders interpolated string parts to a string.
func (s *state) renderString(parts []node) (string, error) {
	saved, savedMax := s.w, s.max
	var buf bytes.Buffer
	s.w, s.max = &buf, MaxOutput
	err := s.render(parts)
	s.w, s.max = saved, savedMax
	if err != nil && !errors.Is(err, errStop) {
		return "", err
	}
	return buf.String(), s.charge(buf.Len())
}

var _ fmt.Stringer = (*block)(nil)
