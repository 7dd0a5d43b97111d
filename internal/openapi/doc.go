// Package openapi imports OpenAPI 3.0/3.1 and Swagger 2.0 documents with
// API Gateway's x-amazon-apigateway-* extensions into apidef.RestAPI. The
// document's structure is checked with kin-openapi (which also converts
// Swagger 2.0 to OpenAPI 3); the AWS extensions are read by one small
// function each, and every problem is reported with its file, line and JSON
// Pointer. Extension keys Portico does not implement become warnings, never
// silently ignored.
package openapi
