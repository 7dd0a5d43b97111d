// Package vtl is Portico's Apache Velocity 1.7 template engine, with the
// $input and $util bindings of Amazon API Gateway mapping templates.
//
// A template is parsed once with [Parse] (at deploy time) and executed many
// times, concurrently, with [Template.Execute]. Variables are plain Go values:
// nil, bool, int64, float64, string, []any, map[string]any, the ordered [*Map]
// and mutable [*List], and host objects implementing [Object]. [NewInput]
// builds $input from a request or response body and parameters, [NewUtil]
// builds $util; $context and $stageVariables are plain maps supplied by the
// caller, and #set on a nested map key (for example
// $context.responseOverride.status) writes into the caller's map.
//
// The package never performs I/O. Execution is bounded: #foreach stops after
// 1,000 iterations as in API Gateway, and the limits documented on
// [MaxOutput] and its neighbours cap output size, total loop work and nesting depth so that no template can run or
// allocate without bound. Behaviour is pinned against the real Apache Velocity
// 1.7 by the golden corpus under testdata/.
package vtl
