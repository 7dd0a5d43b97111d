package awsheaders

// Place is a place a request header passes through on its way to an
// integration.
type Place uint8

const (
	// ProxyRequest is an HTTP_PROXY request: the client's headers are passed
	// on to the back end.
	ProxyRequest Place = 1 << iota
	// HTTPRequest is a non-proxy HTTP (or AWS service) request: only mapped
	// headers and the gateway's own reach the back end.
	HTTPRequest
	// ProxyEvent is the Lambda proxy event (AWS_PROXY) and the REQUEST
	// authorizer event built from it.
	ProxyEvent
	// InputParams is $input.params() in a mapping template.
	InputParams
	// HTTPAPIEvent is an HTTP API's Lambda event (payload 1.0 and 2.0) and
	// its Lambda authorizer event. HTTP APIs pass the client's headers
	// except the hop-by-hop ones, and Cookie goes into the cookies list
	// (docs/aws-behaviour.md#http-api-lambda-event-payload-20).
	HTTPAPIEvent

	// everywhere is every place a client header can reach.
	everywhere = ProxyRequest | ProxyEvent | InputParams
)

// Mapping is what an integration.request.header.{name} mapping does for an
// HTTP or HTTP_PROXY back end.
type Mapping uint8

const (
	// MapSent: the mapped value replaces what would otherwise be sent.
	MapSent Mapping = iota
	// MapNotSent: the mapping is accepted but the header is never sent.
	MapNotSent
	// MapHost: the mapped value becomes the request's Host.
	MapHost
	// MapLowerCase: the header is written under its lower-case name.
	// net/http writes a canonical Trailer header only for chunked bodies
	// with trailers; a key outside its canonical form is written as is, so
	// the mapped value reaches the back end.
	MapLowerCase
)

// Illegal says when an integration.request.header.{name} mapping deploys
// but makes every call fail with 500.
type Illegal uint8

const (
	// Legal mappings work.
	Legal Illegal = iota
	// IllegalForLambda mappings fail for AWS and AWS_PROXY integrations.
	IllegalForLambda
	// IllegalAlways mappings fail for every integration type.
	IllegalAlways
)

// Action is what happens to a response header on its way to the client.
type Action uint8

const (
	// Keep passes the header on.
	Keep Action = iota
	// Drop leaves the header out.
	Drop
	// Remap renames the header x-amzn-Remapped-{name}.
	Remap
)

// Rule is every rule API Gateway applies to one header name.
type Rule struct {
	// Dropped lists the places where the client's header is left out.
	Dropped Place
	// Added lists the places where the gateway writes its own value,
	// replacing the client's (X-Amzn-Trace-Id only when the call has a
	// trace id). The code that writes them is in integration and
	// lambdaevent; their tests check it against this field.
	Added Place
	// Mapped is what an integration.request.header mapping does.
	Mapped Mapping
	// Illegal says when such a mapping fails every call.
	Illegal Illegal
	// ProxyResponse applies to an HTTP_PROXY back end's response headers.
	ProxyResponse Action
	// LambdaResponse applies to a Lambda proxy response's headers.
	LambdaResponse Action
	// MethodResponse applies to a method.response.header mapping of a
	// non-proxy (HTTP, AWS) integration.
	MethodResponse Action
	// EventName is the name in a proxy event when AWS does not keep the
	// client's spelling.
	EventName string
	// RemapName is the spelling after x-amzn-Remapped- in proxy and Lambda
	// responses when it is not the canonical one.
	RemapName string
	// Source is where the rule is documented.
	Source string
}

// Sources of the rules, in docs/aws-behaviour.md. The recorded AWS answers
// behind them are LocalStack snapshots test_apigateway_header_remapping_http,
// test_apigateway_header_remapping_aws and test_lambda_aws_proxy_integration;
// the AWS page is "Important notes for REST APIs"
// (https://docs.aws.amazon.com/apigateway/latest/developerguide/api-gateway-known-issues.html).
const (
	srcDropped  = "docs/aws-behaviour.md#request-headers-dropped"
	srcIllegal  = "docs/aws-behaviour.md#illegal-header-mappings"
	srcResponse = "docs/aws-behaviour.md#response-headers-remapped-or-dropped"
	srcSent     = "docs/aws-behaviour.md#headers-sent-to-the-back-end"
	srcEvent    = "docs/aws-behaviour.md#lambda-proxy-event"
	srcDiff     = "docs/differences.md#deliberate-differences"
	// hopByHop are the connection's own headers, which no HTTP API event
	// carries (RFC 9110 section 7.6.1).
	hopByHop = everywhere | HTTPAPIEvent
)

// Rules is the one table of header rules, by canonical header name
// (http.CanonicalHeaderKey). A header not listed is passed on everywhere
// unchanged, and a mapping of it is sent.
//
// Host is dropped from client headers because the edge keeps the Host the
// client sent apart (pipeline.Call.Host); the proxy event and
// $input.params() add that one back. The headers a client lists in its
// Connection header are dropped from HTTP_PROXY requests as well.
//
// Headers the gateway adds to responses are written where the response is
// made, not listed here: x-amzn-RequestId and x-amz-apigw-id on every
// response (httpserver: result.go, render.go), Content-Type
// application/json when an integration's answer has none (result.go);
// X-Amzn-Trace-Id on answers from HTTP,
// AWS and Lambda back ends, not HTTP_PROXY or MOCK (integration:
// responses.go, lambda_result.go). The edge also drops any Content-Length
// and Transfer-Encoding a result carries: the framing is its own.
var Rules = map[string]Rule{
	"Connection": {Dropped: hopByHop, Mapped: MapNotSent, Illegal: IllegalForLambda,
		ProxyResponse: Remap, LambdaResponse: Remap, MethodResponse: Remap,
		Source: srcDropped + ", " + srcIllegal + ", " + srcResponse},
	"Content-Length": {Dropped: everywhere, Illegal: IllegalAlways,
		ProxyResponse: Remap, LambdaResponse: Remap, MethodResponse: Remap,
		Source: srcDropped + ", " + srcIllegal + ", " + srcResponse},
	"Content-Md5": {Dropped: everywhere, MethodResponse: Remap,
		Source: srcDropped + ", " + srcResponse},
	"Expect": {Dropped: hopByHop, Mapped: MapNotSent, Illegal: IllegalForLambda, MethodResponse: Remap,
		Source: srcDropped + ", " + srcIllegal + ", " + srcResponse},
	"Max-Forwards": {Dropped: everywhere, MethodResponse: Remap,
		Source: srcDropped + ", " + srcResponse},
	"Proxy-Authenticate": {Dropped: everywhere, Mapped: MapNotSent, Illegal: IllegalForLambda, MethodResponse: Remap,
		Source: srcDropped + ", " + srcIllegal + ", " + srcResponse},
	"Server": {Dropped: everywhere, ProxyResponse: Remap, LambdaResponse: Remap, MethodResponse: Remap,
		Source: srcDropped + ", " + srcResponse},
	"Te": {Dropped: hopByHop, Mapped: MapNotSent, Illegal: IllegalForLambda,
		Source: srcDropped + ", " + srcIllegal},
	"Transfer-Encoding": {Dropped: hopByHop, Illegal: IllegalAlways, ProxyResponse: Drop, LambdaResponse: Drop,
		Source: srcDropped + ", " + srcIllegal + ", " + srcResponse},
	"Trailer": {Dropped: hopByHop, Mapped: MapLowerCase, MethodResponse: Remap,
		Source: srcDropped + ", " + srcResponse},
	"Upgrade": {Dropped: hopByHop, MethodResponse: Remap,
		Source: srcDropped + ", " + srcResponse},
	"Www-Authenticate": {Dropped: everywhere, MethodResponse: Remap,
		Source: srcDropped + ", " + srcResponse},
	"Host": {Dropped: everywhere | HTTPAPIEvent, Added: ProxyEvent | InputParams | HTTPAPIEvent, Mapped: MapHost, MethodResponse: Remap,
		Source: srcDropped + ", " + srcSent + ", " + srcResponse},
	"Keep-Alive": {Dropped: hopByHop, ProxyResponse: Drop,
		Source: srcDropped + " (hop-by-hop, RFC 9110 section 7.6.1)"},
	"Proxy-Connection": {Dropped: hopByHop,
		Source: srcDropped + " (hop-by-hop, RFC 9110 section 7.6.1)"},
	"Content-Encoding": {Dropped: ProxyRequest,
		Source: srcDropped + "; kept in HTTP_PROXY responses: " + srcDiff},
	"Via": {Dropped: ProxyRequest, Mapped: MapNotSent, ProxyResponse: Drop,
		Source: srcDropped + ", " + srcResponse},
	"Date": {ProxyResponse: Remap, LambdaResponse: Remap, MethodResponse: Remap,
		Source: srcResponse},
	"X-Amzn-Requestid": {ProxyResponse: Remap, LambdaResponse: Remap, MethodResponse: Remap, RemapName: "x-amzn-RequestId",
		Source: srcResponse},
	"Authorization": {Illegal: IllegalForLambda, MethodResponse: Remap, EventName: "Authorization",
		Source: srcIllegal + ", " + srcResponse + ", " + srcEvent},
	"User-Agent": {Added: HTTPRequest, MethodResponse: Remap, EventName: "User-Agent",
		Source: srcSent + ", " + srcResponse + ", " + srcEvent},
	"Accept":            {Added: HTTPRequest, Source: srcSent},
	"X-Forwarded-For":   {Added: ProxyRequest | ProxyEvent | HTTPAPIEvent, Source: srcSent},
	"X-Forwarded-Proto": {Added: ProxyRequest | ProxyEvent | HTTPAPIEvent, Source: srcSent},
	"X-Forwarded-Port":  {Added: ProxyEvent | HTTPAPIEvent, Source: srcSent},
	"X-Amzn-Trace-Id": {Added: ProxyRequest | HTTPRequest | ProxyEvent | HTTPAPIEvent,
		Source: srcSent + ", docs/aws-behaviour.md#trace-header"},
	"X-Amzn-Apigateway-Api-Id": {Added: ProxyRequest | HTTPRequest, Source: srcSent},
}

// Dropped reports whether the client's header k (canonical key) is left
// out at place p.
func Dropped(k string, p Place) bool { return Rules[k].Dropped&p != 0 }

// AddedAt returns the canonical names of the headers the gateway writes
// itself at place p, for tests that check the code against the table.
func AddedAt(p Place) map[string]bool {
	out := map[string]bool{}
	for k, r := range Rules {
		if r.Added&p != 0 {
			out[k] = true
		}
	}
	return out
}
