// Package httpserver is the data-plane edge and the only data-plane code
// that writes HTTP: it selects the API and stage of a request (execute-api
// path, {apiId}.execute-api Host, or /restapis/{id}/{stage}/_user_request_/,
// then the template root mount of docs/templates.md#root-mount),
// enforces the payload limit, routes, builds the pipeline.Call, runs the
// method's pipeline on the snapshot current when the request arrived, and
// writes either the Result or the fault rendered through the API's
// gateway-response table. It writes one access-log line per request and logs
// each rejection once with its reason.
package httpserver
