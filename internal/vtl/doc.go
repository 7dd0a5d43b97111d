// Package vtl is Portico's Apache Velocity 1.7 template engine, with the
// $input and $util bindings of Amazon API Gateway mapping templates.
//
// A template is parsed once with [Parse] (at deploy time) and executed many
// times, concurrently, with [Template.Execute] or [Template.ExecuteTo].
// Variables are plain Go values: nil, bool, int64 (int is accepted),
// float64, string, []any, map[string]any, the ordered [*Map] and mutable
// [*List], and host objects implementing [Object]; map[string]string and
// []string are accepted too (a []string is read-only, and #set into a
// map[string]string stores the value's string form). [NewInput] builds $input
// from a body and [Params]; [NewUtil] builds $util; $context and
// $stageVariables are plain maps supplied by the caller. #set of a nested
// key, such as #set($context.responseOverride.status = 444), writes into the
// caller's map, while #set of a top-level variable stays local to the
// execution.
//
// [ParseOptions] with EmptyNulls renders null and undefined references as
// nothing, as API Gateway does; the default is Velocity's literal source
// text. Semantics otherwise follow Velocity 1.7 as API Gateway runs it,
// down to whitespace handling, escaping, Java-style printing ({k=v},
// [a, b], 1.0E10) and integer-versus-double arithmetic; testdata/golden pins them against the
// real Velocity (see testdata/velocity/README.md for the harness and the
// known differences).
//
// The package performs no I/O. Execution is bounded: #foreach stops after
// [MaxForeach] iterations as in API Gateway, and [MaxIterations],
// [MaxOutput], [MaxAlloc] and [MaxDepth] make longer loops, larger output or
// strings and deeper #define or macro recursion fail with an error, so no
// template can run or allocate without bound. Parsing limits nesting depth
// in the same spirit.
package vtl
