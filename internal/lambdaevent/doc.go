// Package lambdaevent is the contract between API Gateway and a Lambda
// function: the FunctionInvoker that runs one, the payload format 1.0
// proxy event (AWS_PROXY integrations), the REQUEST authorizer event built
// from it, and the rules a proxy response must follow
// (docs/aws-behaviour.md#lambda-proxy-event,
// docs/aws-behaviour.md#lambda-proxy-response,
// docs/aws-behaviour.md#lambda-authorizers), and for HTTP APIs the payload
// format 2.0 event and answer rules, the payload 1.0 event of an HTTP API
// route and the HTTP API authorizer events
// (docs/aws-behaviour.md#http-api-lambda-event-payload-20,
// docs/aws-behaviour.md#http-api-lambda-response-payload-20,
// docs/aws-behaviour.md#http-api-lambda-authorizers). Integrations and authorizers
// both import it, so neither imports the other.
package lambdaevent
