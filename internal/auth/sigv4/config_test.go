package sigv4

import (
	"errors"
	"net/http"
	"net/http/httptest"
	"strings"
	"testing"
	"time"

	v4 "github.com/aws/aws-sdk-go-v2/aws/signer/v4"
	"github.com/aws/aws-sdk-go-v2/credentials"
	"github.com/google/go-cmp/cmp"
)

func TestNewValidates(t *testing.T) {
	t.Parallel()
	_, err := New(Config{Skew: -time.Second, Credentials: []Credential{
		{AccessKeyID: "A", SecretAccessKey: "s"}, {AccessKeyID: "A", SecretAccessKey: "t"}, {AccessKeyID: "B"},
	}})
	for _, want := range []string{"region is required", "negative", "duplicate access key ID \"A\"", "credential 2"} {
		if err == nil || !strings.Contains(err.Error(), want) {
			t.Errorf("got %v, want it to mention %q", err, want)
		}
	}
	v, err := New(Config{Region: "eu-west-1"})
	if err != nil {
		t.Fatal(err)
	}
	if v.service != DefaultService || v.skew != DefaultSkew || v.now == nil {
		t.Fatalf("defaults not applied: %+v", v)
	}
}

func TestIdentity(t *testing.T) {
	t.Parallel()
	cases := []struct {
		arn, akid string
		want      Identity
	}{
		{testARN, testAKID, Identity{testAKID, testARN, "123456789012", "alice", "alice", testARN}},
		{sessionARN, sessionAKID, Identity{sessionAKID, sessionARN, "123456789012", "reader:sess-1", "reader:sess-1", sessionARN}},
		{"arn:aws:iam::111122223333:root", "AK", Identity{"AK", "arn:aws:iam::111122223333:root", "111122223333", "111122223333", "111122223333", "arn:aws:iam::111122223333:root"}},
		{"", "AK", Identity{AccessKeyID: "AK", Caller: "AK", User: "AK"}},
	}
	for _, tc := range cases {
		got := identityOf(&Credential{AccessKeyID: tc.akid, ARN: tc.arn})
		if d := cmp.Diff(tc.want, *got); d != "" {
			t.Errorf("%s (-want +got):\n%s", tc.arn, d)
		}
	}
	r, body := sdkSign(t, signOpts{url: base + "/prod", akid: sessionAKID, secret: sessionKey, token: sessionTok})
	id, err := newVerifier(t, 0, nil).Verify(r, body)
	if err != nil || id.ARN != sessionARN {
		t.Fatalf("got %+v, %v", id, err)
	}
}

// TestExplainMismatch: the canonical string reaches the client message only
// when asked for; it is always in the error's fields.
func TestExplainMismatch(t *testing.T) {
	t.Parallel()
	r, _ := sdkSign(t, signOpts{url: base + "/prod/x", body: ""})
	for _, explain := range []bool{false, true} {
		_, err := newVerifier(t, 0, func(c *Config) { c.ExplainMismatch = explain }).Verify(r, []byte("changed"))
		var ise *InvalidSignatureError
		if !errors.As(err, &ise) {
			t.Fatalf("got %T %v", err, err)
		}
		if !strings.HasPrefix(ise.CanonicalRequest, "GET\n/prod/x\n\nhost:abc123.execute-api.us-east-1.amazonaws.com\n") {
			t.Fatalf("canonical request:\n%s", ise.CanonicalRequest)
		}
		has := strings.Contains(ise.Message, "The Canonical String for this request should have been\n'GET\n/prod/x")
		if has != explain || !strings.HasPrefix(ise.Message, MsgSignatureMismatch) {
			t.Fatalf("explain=%v message:\n%s", explain, ise.Message)
		}
	}
}

// TestPathDoubleEscaped: like the SDK's default for execute-api, the
// canonical URI escapes the wire path again; a client that disables that
// (S3 style) does not verify.
func TestPathDoubleEscaped(t *testing.T) {
	t.Parallel()
	o := signOpts{url: base + "/prod/a b"}
	o.defaults()
	req := clientRequest(t, &o)
	creds, err := credentials.NewStaticCredentialsProvider(testAKID, testSecret, "").Retrieve(t.Context())
	if err != nil {
		t.Fatal(err)
	}
	signer := v4.NewSigner(func(so *v4.SignerOptions) { so.DisableURIPathEscaping = true })
	if err := signer.SignHTTP(t.Context(), creds, req, o.payloadHash, DefaultService, testRegion, o.at); err != nil {
		t.Fatal(err)
	}
	r, body := onTheWire(t, req)
	_, err = newVerifier(t, 0, nil).Verify(r, body)
	var ise *InvalidSignatureError
	if !errors.As(err, &ise) || !strings.Contains(ise.CanonicalRequest, "\n/prod/a%2520b\n") {
		t.Fatalf("got %v\n%s", err, explain(err))
	}
}

func TestMissingAndErrorTypes(t *testing.T) {
	t.Parallel()
	v := newVerifier(t, 0, nil)
	for _, target := range []string{"/prod", "/prod?X-Amz-Credential=a&x=1"} {
		r := httptest.NewRequest(http.MethodGet, target, nil)
		if _, err := v.Verify(r, nil); !errors.Is(err, ErrMissing) {
			t.Fatalf("%s: got %v, want ErrMissing", target, err)
		}
	}
	for err, want := range map[error]string{
		ErrMissing:                   "MissingAuthenticationTokenException",
		ErrExpiredToken:              "ExpiredTokenException",
		ErrUnrecognizedClient:        "UnrecognizedClientException",
		&IncompleteSignatureError{}:  "IncompleteSignatureException",
		&InvalidSignatureError{}:     "InvalidSignatureException",
		&SignatureExpiredError{}:     "InvalidSignatureException",
		errors.New("not from sigv4"): "",
	} {
		if got := ErrorType(err); got != want {
			t.Errorf("ErrorType(%T) = %q, want %q", err, got, want)
		}
	}
}
