package vtl

// The syntax tree. Nodes are immutable after Parse, so one Template can be
// executed concurrently.

// node is a piece of template text: text, a reference or a directive.
type node any

// expr is an expression inside a directive or method call.
type expr any

type textNode struct{ text string }

// accKind says how an accessor reaches into a value.
type accKind uint8

const (
	accProp   accKind = iota // $a.b
	accMethod                // $a.b(...)
	accIndex                 // $a[...]
)

type accessor struct {
	kind accKind
	name string
	args []expr // method arguments, or the single index expression
	off  int
}

// refNode is a reference such as $a, $!{a.b(1)[0]}. raw is its source text,
// rendered when the value is null. esc counts the backslashes written
// before it in template text.
type refNode struct {
	name  string
	quiet bool
	parts []accessor
	raw   string
	esc   int
	off   int
}

type setNode struct {
	lhs *refNode
	rhs expr
	off int
}

type ifNode struct {
	conds  []expr
	bodies [][]node
	els    []node // nil when there is no #else
}

type foreachNode struct {
	varName string
	iter    expr
	body    []node
	off     int
}

type defineNode struct {
	name string
	body []node
}

// macroCallNode is #name(args). The macro is looked up when rendering, as
// Velocity does, so a call may precede the definition; a call of a macro
// never defined renders as its source text.
type macroCallNode struct {
	name    string
	args    []expr
	raw     string
	lineEnd string // the line end swallowed after the call
	off     int
}

type macro struct {
	name   string
	params []string
	body   []node
}

type (
	breakNode struct{}
	stopNode  struct{}
)

// Expressions.

type litExpr struct{ v any }

// strExpr is a string literal. parts is non-nil for a double-quoted string
// that needs interpolation.
type strExpr struct {
	s     string
	parts []node
}

type listExpr struct{ items []expr }

type rangeExpr struct{ from, to expr }

type mapExpr struct{ keys, vals []expr }

type notExpr struct{ x expr }

type binOp uint8

const (
	opOr binOp = iota
	opAnd
	opEq
	opNe
	opLt
	opLe
	opGt
	opGe
	opAdd
	opSub
	opMul
	opDiv
	opMod
)

type binExpr struct {
	op   binOp
	l, r expr
	off  int
	lit  string // for arithmetic: see parser.mathLiteral
}
