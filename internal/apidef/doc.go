// Package apidef holds API definitions as plain data named after AWS's own
// resources (RestAPI, Method, Integration, IntegrationResponse,
// GatewayResponse, Model, RequestValidator) plus Validate, which reports every
// problem with its location. It does no I/O and imports no internal package;
// importers (openapi) produce it and deploy compiles it.
package apidef
