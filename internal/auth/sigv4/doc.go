// Package sigv4 verifies AWS Signature Version 4 on inbound requests, the way
// Amazon API Gateway does for methods whose authorizationType is AWS_IAM
// (service "execute-api"). It accepts both the Authorization header form and
// presigned query-string URLs, rebuilds the canonical request from the
// client's SignedHeaders exactly as the AWS SDKs build it, and compares the
// signature in constant time.
//
// The package owns only the cryptographic check and AWS's error texts: it
// never writes HTTP and never decides on IAM policies. New builds an immutable
// Verifier from a Config; Verifier.Verify returns the caller's Identity or one
// of the typed errors in errors.go, and Fault maps those onto the gateway
// response types (MISSING_AUTHENTICATION_TOKEN, INVALID_SIGNATURE,
// EXPIRED_TOKEN) that the edge renders. See docs/aws-behaviour.md#iam-authorization-and-sigv4 and docs/aws-behaviour.md#default-error-bodies.
package sigv4
