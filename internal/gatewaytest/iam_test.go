package gatewaytest

import (
	"bytes"
	"context"
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

const iamSettings = `store: {type: memory}
iam:
  credentials:
    - {accessKeyId: AKIAPORTICOTEST0001, secretAccessKey: secret-one, arn: "arn:aws:iam::123456789012:user/alice"}
    - {accessKeyId: AKIAPORTICOTEST0002, secretAccessKey: secret-two, arn: "arn:aws:iam::123456789012:user/mallory"}
`

// signed builds a request signed by aws-sdk-go-v2's signer, the oracle.
func signed(t *testing.T, method, url, body, akid, secret string, when time.Time) *http.Request {
	t.Helper()
	req, err := http.NewRequest(method, url, strings.NewReader(body))
	if err != nil {
		t.Fatal(err)
	}
	sum := sha256.Sum256([]byte(body))
	creds := aws.Credentials{AccessKeyID: akid, SecretAccessKey: secret}
	if err := v4.NewSigner().SignHTTP(context.Background(), creds, req, hex.EncodeToString(sum[:]), "execute-api", "us-east-1", when); err != nil {
		t.Fatal(err)
	}
	return req
}

func doRead(t *testing.T, g *Gateway, req *http.Request) (int, http.Header, string) {
	t.Helper()
	resp := g.Do(t, req)
	defer resp.Body.Close()
	b, _ := io.ReadAll(resp.Body)
	return resp.StatusCode, resp.Header, string(b)
}

// TestIAM: SDK-signed requests pass; unsigned, tampered, malformed, stale
// and policy-denied ones get AWS's answers (docs/aws-behaviour.md#iam-authorization-and-sigv4).
func TestIAM(t *testing.T) {
	g := Start(t, Options{Definition: "../../testdata/auth/iam-api.yaml", Extra: iamSettings})
	now := time.Now()
	url := g.URL + "/dev/items/a%20b?x=1&y=two%2Fthree"
	cases := []struct {
		name    string
		req     func() *http.Request
		status  int
		errType string
		body    string
	}{
		{"signed GET with query", func() *http.Request {
			return signed(t, "GET", url, "", "AKIAPORTICOTEST0001", "secret-one", now)
		}, 200, "", `"X-Caller-Arn":["arn:aws:iam::123456789012:user/alice"]`},
		{"signed POST with body", func() *http.Request {
			return signed(t, "POST", g.URL+"/dev/items/1", `{"a":1}`, "AKIAPORTICOTEST0001", "secret-one", now)
		}, 200, "", `"body":"{\"a\":1}"`},
		{"unsigned", func() *http.Request { r, _ := http.NewRequest("GET", url, nil); return r }, 403, "MissingAuthenticationTokenException", `{"message":"Missing Authentication Token"}`},
		{"tampered body", func() *http.Request {
			r := signed(t, "POST", g.URL+"/dev/items/1", `{"a":1}`, "AKIAPORTICOTEST0001", "secret-one", now)
			r.Body = io.NopCloser(bytes.NewReader([]byte(`{"a":2}`)))
			return r
		}, 403, "InvalidSignatureException", "The request signature we calculated does not match"},
		{"wrong secret", func() *http.Request {
			return signed(t, "GET", url, "", "AKIAPORTICOTEST0001", "not-the-secret", now)
		}, 403, "InvalidSignatureException", "does not match the signature you provided"},
		{"bearer token", func() *http.Request {
			r, _ := http.NewRequest("GET", url, nil)
			r.Header.Set("Authorization", "Bearer abc")
			return r
		}, 403, "IncompleteSignatureException", "Authorization header"},
		{"signed 10 minutes ago", func() *http.Request {
			return signed(t, "GET", url, "", "AKIAPORTICOTEST0001", "secret-one", now.Add(-10*time.Minute))
		}, 403, "InvalidSignatureException", "Signature expired"},
		{"resource policy denies the caller", func() *http.Request {
			return signed(t, "GET", url, "", "AKIAPORTICOTEST0002", "secret-two", now)
		}, 403, "AccessDeniedException", "User: arn:aws:iam::123456789012:user/mallory is not authorized to perform: execute-api:Invoke"},
	}
	for _, c := range cases {
		t.Run(c.name, func(t *testing.T) {
			status, hdr, body := doRead(t, g, c.req())
			if status != c.status || !strings.Contains(body, c.body) {
				t.Errorf("got %d %s, want %d containing %q", status, body, c.status, c.body)
			}
			if c.errType != "" && hdr.Get("x-amzn-ErrorType") != c.errType {
				t.Errorf("x-amzn-ErrorType %q, want %q", hdr.Get("x-amzn-ErrorType"), c.errType)
			}
		})
	}
}

// TestIAMPresigned: a presigned URL from the SDK is accepted.
func TestIAMPresigned(t *testing.T) {
	g := Start(t, Options{Definition: "../../testdata/auth/iam-api.yaml", Extra: iamSettings})
	req, _ := http.NewRequest("GET", g.URL+"/dev/items/7?X-Amz-Expires=300", nil)
	creds := aws.Credentials{AccessKeyID: "AKIAPORTICOTEST0001", SecretAccessKey: "secret-one"}
	u, _, err := v4.NewSigner().PresignHTTP(context.Background(), creds, req, "UNSIGNED-PAYLOAD", "execute-api", "us-east-1", time.Now())
	if err != nil {
		t.Fatal(err)
	}
	r, _ := http.NewRequest("GET", u, nil)
	if status, _, body := doRead(t, g, r); status != 200 {
		t.Errorf("presigned: got %d %s\n%s", status, body, g.Logs())
	}
}
