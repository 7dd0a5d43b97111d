// Package openapi imports OpenAPI 3.0/3.1 and Swagger 2.0 documents with
// API Gateway's x-amazon-apigateway-* extensions into apidef.RestAPI, as a
// REST API or (OpenAPI 3 only) as an HTTP API (API Gateway v2): the
// caller's Options.As chooses, and AsAuto follows the document's
// x-amazon-apigateway-importexport-version (Detect reports the same
// without importing). The document's structure is checked with kin-openapi
// (which also converts Swagger 2.0 to OpenAPI 3); the AWS extensions are
// read by one small function each, and every problem is reported with its
// file, line and JSON Pointer. Extension keys Portico does not implement,
// and those of the other API kind, become warnings, never silently ignored.
package openapi
