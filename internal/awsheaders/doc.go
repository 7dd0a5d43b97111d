// Package awsheaders holds API Gateway's header rules: which request and
// response headers it passes on, drops or renames in each place a header
// goes through (docs/aws-behaviour.md#header-rules). It imports no other
// internal package.
package awsheaders
