package sigv4

import (
	"bufio"
	"bytes"
	"crypto/sha256"
	"encoding/hex"
	"io"
	"net/http"
	"strings"
	"testing"
	"time"

	"github.com/aws/aws-sdk-go-v2/aws"
	v4 "github.com/aws/aws-sdk-go-v2/aws/signer/v4"
)

// Test fixtures: the SDK signs with these, the verifier knows them.
const (
	testRegion  = "us-east-1"
	testAKID    = "AKIDEXAMPLE"
	testSecret  = "wJalrXUtnFEMI/K7MDENG+bPxRfiCYEXAMPLEKEY"
	sessionAKID = "ASIAEXAMPLE"
	sessionKey  = "c2Vzc2lvbi1zZWNyZXQ"
	sessionTok  = "FwoGZXIvYXdzEXAMPLE//token+with/odd=chars"
	testARN     = "arn:aws:iam::123456789012:user/division/alice"
	sessionARN  = "arn:aws:sts::123456789012:assumed-role/reader/sess-1"
)

// signTime is when the tests sign; the verifier's clock is a little later.
func signTime() time.Time { return time.Date(2026, 1, 1, 12, 0, 0, 0, time.UTC) }

// newVerifier returns a verifier for the test credentials whose clock reads
// signTime plus offset.
func newVerifier(t testing.TB, offset time.Duration, mod func(*Config)) *Verifier {
	t.Helper()
	cfg := Config{
		Region: testRegion,
		Credentials: []Credential{
			{AccessKeyID: testAKID, SecretAccessKey: testSecret, ARN: testARN},
			{AccessKeyID: sessionAKID, SecretAccessKey: sessionKey, SessionToken: sessionTok, ARN: sessionARN,
				Expires: signTime().Add(time.Hour)},
		},
		Now: func() time.Time { return signTime().Add(offset) },
	}
	if mod != nil {
		mod(&cfg)
	}
	v, err := New(cfg)
	if err != nil {
		t.Fatalf("New: %v", err)
	}
	return v
}

// signOpts describes one request for the SDK to sign.
type signOpts struct {
	method, url, body string
	headers           map[string]string
	payloadHash       string // default: SHA-256 of body
	akid, secret      string // default: testAKID, testSecret
	token             string
	region, service   string // default: testRegion, execute-api
	at                time.Time
}

func sha256Hex(s string) string {
	sum := sha256.Sum256([]byte(s))
	return hex.EncodeToString(sum[:])
}

func (o *signOpts) defaults() {
	if o.method == "" {
		o.method = http.MethodGet
	}
	if o.payloadHash == "" {
		o.payloadHash = sha256Hex(o.body)
	}
	if o.akid == "" {
		o.akid, o.secret = testAKID, testSecret
	}
	if o.region == "" {
		o.region = testRegion
	}
	if o.service == "" {
		o.service = DefaultService
	}
	if o.at.IsZero() {
		o.at = signTime()
	}
}

// clientRequest builds the request a Go client would send.
func clientRequest(t testing.TB, o *signOpts) *http.Request {
	t.Helper()
	var body io.Reader
	if o.body != "" {
		body = strings.NewReader(o.body)
	}
	req, err := http.NewRequest(o.method, o.url, body)
	if err != nil {
		t.Fatalf("NewRequest: %v", err)
	}
	for k, v := range o.headers {
		req.Header.Set(k, v)
	}
	return req
}

// sdkSign signs o with aws-sdk-go-v2's signer (the oracle) and returns the
// request as a server receives it.
func sdkSign(t testing.TB, o signOpts) (*http.Request, []byte) {
	t.Helper()
	o.defaults()
	return signAndSend(t, o, clientRequest(t, &o))
}

// signAndSend signs req (built from o, with defaults applied) with the SDK
// and returns it as a server receives it.
func signAndSend(t testing.TB, o signOpts, req *http.Request) (*http.Request, []byte) {
	t.Helper()
	creds := aws.Credentials{AccessKeyID: o.akid, SecretAccessKey: o.secret, SessionToken: o.token}
	if err := v4.NewSigner().SignHTTP(t.Context(), creds, req, o.payloadHash, o.service, o.region, o.at); err != nil {
		t.Fatalf("SignHTTP: %v", err)
	}
	return onTheWire(t, req)
}

// sdkPresign presigns o with the SDK and returns the GET a browser would
// send to the resulting URL. expires is set as X-Amz-Expires when positive.
func sdkPresign(t testing.TB, o signOpts, expires int) (*http.Request, []byte) {
	t.Helper()
	o.defaults()
	req := clientRequest(t, &o)
	if expires > 0 {
		q := req.URL.Query()
		q.Set("X-Amz-Expires", itoa(expires))
		req.URL.RawQuery = q.Encode()
	}
	creds := aws.Credentials{AccessKeyID: o.akid, SecretAccessKey: o.secret, SessionToken: o.token}
	uri, hdr, err := v4.NewSigner().PresignHTTP(t.Context(), creds, req, o.payloadHash, o.service, o.region, o.at)
	if err != nil {
		t.Fatalf("PresignHTTP: %v", err)
	}
	var body io.Reader
	if o.body != "" {
		body = strings.NewReader(o.body)
	}
	out, err := http.NewRequest(o.method, uri, body)
	if err != nil {
		t.Fatalf("NewRequest(%q): %v", uri, err)
	}
	for k, vs := range hdr {
		if k != "Host" {
			out.Header[k] = vs
		}
	}
	return onTheWire(t, out)
}

func itoa(n int) string {
	var b [20]byte
	i := len(b)
	for {
		i--
		b[i] = byte('0' + n%10)
		n /= 10
		if n == 0 {
			return string(b[i:])
		}
	}
}

// onTheWire serializes a client request and parses it back the way
// net/http's server does, so RequestURI, Host and Content-Length are where a
// real gateway finds them.
func onTheWire(t testing.TB, req *http.Request) (*http.Request, []byte) {
	t.Helper()
	var buf bytes.Buffer
	if err := req.Write(&buf); err != nil {
		t.Fatalf("Write: %v", err)
	}
	srv, err := http.ReadRequest(bufio.NewReader(&buf))
	if err != nil {
		t.Fatalf("ReadRequest: %v\n%s", err, buf.String())
	}
	body, err := io.ReadAll(srv.Body)
	if err != nil {
		t.Fatalf("read body: %v", err)
	}
	return srv, body
}
