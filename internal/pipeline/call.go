package pipeline

import (
	"bytes"
	"errors"
	"io"
	"net"
	"net/http"
	"net/url"
	"os"
	"time"
)

// Call is one request as the pipeline sees it. The edge fills the request
// fields; steps enrich the identity and authorizer fields. It is a plain
// struct: nothing travels through context.Value.
type Call struct {
	// Start is when the edge received the request.
	Start time.Time
	// RequestID is $context.requestId (client-overridable with x-amzn-RequestId).
	RequestID string
	// ExtendedRequestID is $context.extendedRequestId, sent as x-amz-apigw-id.
	ExtendedRequestID string

	AccountID    string
	Region       string
	APIID        string
	Stage        string
	DeploymentID string
	DomainName   string
	DomainPrefix string
	// StageVariables are the stage's variables ($stageVariables.*).
	StageVariables map[string]string

	// HTTPMethod is the request's method.
	HTTPMethod string
	// ResourceID and ResourcePath identify the matched resource ("/pets/{id}").
	ResourceID   string
	ResourcePath string
	// RouteKey is an HTTP API's matched route key ("GET /pets/{id}",
	// "$default"; $context.routeKey); "" on REST APIs.
	RouteKey string
	// Path is the request path after the stage, not decoded ("/pets/1").
	Path string
	// StagePath is $context.path: the path including the stage ("/prod/pets/1");
	// on an HTTP API's $default stage, the path itself.
	StagePath string
	// PathParams are the decoded path parameters, by name without braces or "+".
	PathParams map[string]string
	// Query holds the decoded query string parameters.
	Query url.Values
	// RawQuery is the query string as sent.
	RawQuery string
	// RequestURI is the request target as sent (path and query), which
	// SigV4 signatures cover.
	RequestURI string
	// Header holds the request headers.
	Header http.Header
	// SourceIP is the immediate TCP peer.
	SourceIP string
	// Protocol is the request protocol, e.g. HTTP/1.1.
	Protocol string
	// Host is the Host header as sent.
	Host string
	// BasePathMatched is the custom domain's base path mapping that
	// selected the API ($context.customDomain.basePathMatched); "" on the
	// default endpoint and for the "(none)" mapping.
	BasePathMatched string
	// ClientCert is the mutual-TLS client certificate
	// ($context.identity.clientCert); nil without one.
	ClientCert *ClientCert

	// Body is the request body; see Body for lazy buffering.
	Body *Body

	// Identity is $context.identity.*, filled by authorization and key steps.
	Identity Identity
	// Authorizer is $context.authorizer.*: principalId, claims and context
	// values. On an HTTP API it is the requestContext.authorizer object of
	// payload 2.0 as is: {"jwt": {"claims": {...}, "scopes": [...]}},
	// {"lambda": {...}} or {"iam": {...}}. An authorizer's cached answer
	// gives every call it serves the same map: read it, never write it.
	Authorizer map[string]any

	// TraceID is the X-Amzn-Trace-Id of the call (the client's, continued,
	// or a new one), passed to back ends and functions.
	TraceID string

	// IntegrationLatency is set by the integration: the time spent upstream.
	IntegrationLatency time.Duration
	// IntegrationStatus is the status the integration answered with, if any.
	IntegrationStatus int
	// Cache is how the stage cache took part (set by the cache wrapper of
	// a method that caches; CacheNone otherwise).
	Cache CacheOutcome

	// deferred is a check a step postponed (Defer); nil when none is.
	deferred Deferred
}

// CacheOutcome is the stage cache's part in a call (CacheHitCount and
// CacheMissCount).
type CacheOutcome uint8

const (
	// CacheNone: the method does not cache this request.
	CacheNone CacheOutcome = iota
	// CacheHit: the answer came from the cache; the integration was skipped.
	CacheHit
	// CacheMiss: the method caches, but the integration answered.
	CacheMiss
)

// Identity is $context.identity.
type Identity struct {
	APIKey    string
	APIKeyID  string
	Caller    string
	User      string
	UserArn   string
	AccountID string
	AccessKey string
	// UsagePlanID is the plan the API key was admitted under (not an AWS variable).
	UsagePlanID string
}

// ClientCert is a client certificate as API Gateway describes it.
type ClientCert struct {
	// PEM is the certificate, PEM-encoded.
	PEM string
	// SubjectDN and IssuerDN are the names, most significant attribute
	// first ("C=US,O=Example,CN=client").
	SubjectDN, IssuerDN string
	// SerialNumber is decimal when it fits 64 bits, else colon-separated hex.
	SerialNumber string
	// NotBefore and NotAfter are "May 28 12:30:02 2019 GMT".
	NotBefore, NotAfter string
}

// Body is a request body read at most once and bounded: the first reader that
// needs it buffered calls Bytes; a proxy that streams calls Reader instead.
type Body struct {
	r     io.Reader
	limit int64
	hint  int64 // the declared length, when known
	buf   []byte
	read  bool
	err   error
}

// NewBody wraps r; reading more than limit bytes fails with ErrTooLarge.
func NewBody(r io.Reader, limit int64) *Body {
	if r == nil {
		r = http.NoBody
	}
	return &Body{r: r, limit: limit}
}

// SetLengthHint records the body's declared length (Content-Length, -1 when
// unknown), so that buffering it allocates once.
func (b *Body) SetLengthHint(n int64) { b.hint = n }

// NewBodyBytes returns a body already buffered.
func NewBodyBytes(b []byte) *Body { return &Body{buf: b, read: true} }

// ErrTooLarge reports a body over the payload limit.
type ErrTooLarge struct{ Limit int64 }

func (e *ErrTooLarge) Error() string { return "request body exceeds the payload limit" }

// ErrClientBody reports a request body the client failed to deliver: a
// malformed chunked encoding, a body cut short, or one sent too slowly (the
// server's read timeout passed). It is the client's fault, never the
// integration's.
type ErrClientBody struct{ Err error }

func (e *ErrClientBody) Error() string { return "reading the request body: " + e.Err.Error() }

// Unwrap returns the read error.
func (e *ErrClientBody) Unwrap() error { return e.Err }

// Timeout reports whether the client was too slow.
func (e *ErrClientBody) Timeout() bool {
	ne, ok := errors.AsType[net.Error](e.Err)
	return ok && ne.Timeout() || errors.Is(e.Err, os.ErrDeadlineExceeded)
}

// Bytes buffers and returns the whole body.
func (b *Body) Bytes() ([]byte, error) {
	if b == nil {
		return nil, nil
	}
	if b.read {
		return b.buf, b.err
	}
	b.read = true
	if b.r == http.NoBody {
		// net/http's body for a request that declared none: nothing to
		// read (an empty, non-nil slice, as a read of nothing gives).
		b.buf = []byte{}
		return b.buf, nil
	}
	var buf bytes.Buffer
	if b.hint > 0 && b.hint <= b.limit {
		buf.Grow(int(b.hint) + bytes.MinRead) // one allocation, room left to see the end
	}
	_, err := buf.ReadFrom(io.LimitReader(b.r, b.limit+1))
	data := buf.Bytes()
	switch {
	case err != nil:
		err, data = &ErrClientBody{Err: err}, nil
	case int64(len(data)) > b.limit:
		err, data = &ErrTooLarge{Limit: b.limit}, nil
	}
	b.buf, b.err = data, err
	return b.buf, b.err
}

// Reader returns the body as a stream: the buffer when it was already read,
// else the underlying reader (bounded by the limit).
func (b *Body) Reader() io.Reader {
	if b == nil {
		return http.NoBody
	}
	if b.read {
		return newBytesReader(b.buf)
	}
	b.read = true
	b.err = errStreamed
	return &limitedReader{r: b.r, n: b.limit}
}

// Unread returns the body's declared length when nothing has read it yet
// and the client declared one (Content-Length): a proxy may then stream
// it, knowing its length.
func (b *Body) Unread() (int64, bool) {
	if b == nil || b.read || b.hint < 0 || b.r == http.NoBody {
		return 0, false
	}
	return b.hint, true
}

// Buffered reports whether the body has been read into memory.
func (b *Body) Buffered() bool { return b != nil && b.read && b.err == nil }

// MaskKey renders an API key (or another credential) for logs: "****" and
// the last four characters; "****" alone for eight characters or fewer, so
// a short value is never mostly shown. It is Portico's one masker.
func MaskKey(k string) string {
	if len(k) <= 8 {
		return "****"
	}
	return "****" + k[len(k)-4:]
}
