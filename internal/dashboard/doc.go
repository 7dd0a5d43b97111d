// Package dashboard is the admin listener's dashboard: a page embedded in
// the binary (served at /) and the JSON and server-sent-event endpoints
// under /portico/ it reads. It keeps what the gateway does not keep
// elsewhere, in memory and bounded: per-minute traffic series per route for
// the last hour, the last requests for the live tail, and the last
// execution-log lines per request id. Everything else (APIs, keys, usage,
// functions, the data plane for "try it") comes from a Source the app
// implements. See docs/dashboard.md.
package dashboard
