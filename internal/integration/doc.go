// Package integration implements the integrations a method calls: HTTP_PROXY
// (streamed), HTTP (non-proxy, with integration-response selection) and MOCK,
// plus the request-parameter mapping they share; the header rules they
// apply are in awsheaders, the Lambda contract in lambdaevent. Each kind classifies its own transport failures into faults
// (INTEGRATION_TIMEOUT, INTEGRATION_FAILURE, API_CONFIGURATION_ERROR); a
// back end's own 4xx or 5xx is a Result, not a fault. It never sees the
// client's ResponseWriter.
package integration
