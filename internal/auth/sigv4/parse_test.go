package sigv4

import (
	"errors"
	"net/http"
	"net/http/httptest"
	"strings"
	"testing"
	"time"
)

// TestParseAuthorizationErrors pins AWS's IncompleteSignatureException texts;
// the header value appears only as its SHA-256 in Base64.
func TestParseAuthorizationErrors(t *testing.T) {
	t.Parallel()
	const requires = "Authorization header requires 'Credential' parameter. " +
		"Authorization header requires 'Signature' parameter. " +
		"Authorization header requires 'SignedHeaders' parameter. "
	const dateReq = "Authorization header requires existence of either a 'X-Amz-Date' or a 'Date' header."
	cases := []struct {
		name, value string
		hasDate     bool
		want        string
	}{
		{"bearer token", "Bearer abc.def.ghi", true,
			"Invalid key=value pair (missing equal-sign) in Authorization header (hashed with SHA-256 and encoded with Base64): '" +
				hashValue("Bearer abc.def.ghi") + "'."},
		{"space after equal", "AWS4-HMAC-SHA256 Credential= AKID/20260101/us-east-1/execute-api/aws4_request, SignedHeaders=host, Signature=ab", true,
			"Invalid key=value pair (missing equal-sign) in Authorization header (hashed with SHA-256 and encoded with Base64): '" +
				hashValue("AWS4-HMAC-SHA256 Credential= AKID/20260101/us-east-1/execute-api/aws4_request, SignedHeaders=host, Signature=ab") + "'."},
		{"bearer with equal", "Bearer a=b", false,
			requires + dateReq + " Authorization header (hashed with SHA-256 and encoded with Base64): '" + hashValue("Bearer a=b") + "'."},
		{"algorithm only", "AWS4-HMAC-SHA256", true,
			requires[:len(requires)-1] + " Authorization header (hashed with SHA-256 and encoded with Base64): '" + hashValue("AWS4-HMAC-SHA256") + "'."},
		{"only signature missing", "AWS4-HMAC-SHA256 Credential=a/b/c/d/e, SignedHeaders=host", true,
			"Authorization header requires 'Signature' parameter. Authorization header (hashed with SHA-256 and encoded with Base64): '" +
				hashValue("AWS4-HMAC-SHA256 Credential=a/b/c/d/e, SignedHeaders=host") + "'."},
		{"other algorithm", "AWS4-HMAC-SHA512 Credential=a/b/c/d/e, SignedHeaders=host, Signature=ab", true,
			"Unsupported AWS 'algorithm': 'AWS4-HMAC-SHA512'."},
	}
	for _, tc := range cases {
		t.Run(tc.name, func(t *testing.T) {
			t.Parallel()
			_, err := parseAuthorization(tc.value, tc.hasDate)
			var ise *IncompleteSignatureError
			if !errors.As(err, &ise) {
				t.Fatalf("got %T %v, want *IncompleteSignatureError", err, err)
			}
			if ise.Message != tc.want {
				t.Fatalf("got  %q\nwant %q", ise.Message, tc.want)
			}
			if strings.Contains(ise.Message, "abc.def") || strings.Contains(ise.Message, "Signature=ab") {
				t.Fatalf("message echoes the header: %q", ise.Message)
			}
		})
	}
}

// TestParseAuthorizationOK: commas, spaces and tabs all separate parameters.
func TestParseAuthorizationOK(t *testing.T) {
	t.Parallel()
	for _, v := range []string{
		"AWS4-HMAC-SHA256 Credential=AKID/20260101/us-east-1/execute-api/aws4_request, SignedHeaders=host;x-amz-date, Signature=abcd",
		"AWS4-HMAC-SHA256 Credential=AKID/20260101/us-east-1/execute-api/aws4_request,SignedHeaders=host;x-amz-date,Signature=abcd",
		"  AWS4-HMAC-SHA256   Credential=AKID/20260101/us-east-1/execute-api/aws4_request ,\tSignedHeaders=host;x-amz-date Signature=abcd ",
	} {
		p, err := parseAuthorization(v, true)
		if err != nil {
			t.Fatalf("%q: %v", v, err)
		}
		want := authParams{algorithm, "AKID/20260101/us-east-1/execute-api/aws4_request", "host;x-amz-date", "abcd"}
		if p != want {
			t.Fatalf("%q: got %+v, want %+v", v, p, want)
		}
	}
}

// TestVerifyMalformed covers the errors raised before any signature is
// computed, for both the header and the presigned form.
func TestVerifyMalformed(t *testing.T) {
	t.Parallel()
	const cred = "AKIDEXAMPLE/20260101/us-east-1/execute-api/aws4_request"
	good := "AWS4-HMAC-SHA256 Credential=" + cred + ", SignedHeaders=host;x-amz-date, Signature=ab"
	cases := []struct {
		name, target, auth, date string
		want                     string
	}{
		{"credential elements", "/", "AWS4-HMAC-SHA256 Credential=AKID/20260101, SignedHeaders=host, Signature=ab", "20260101T120000Z",
			"Credential must have exactly 5 slash-delimited elements, e.g. keyid/date/region/service/term, got 'AKID/20260101'"},
		{"host unsigned", "/", "AWS4-HMAC-SHA256 Credential=" + cred + ", SignedHeaders=x-amz-date, Signature=ab", "20260101T120000Z",
			"'Host' or ':authority' must be a 'SignedHeader' in the AWS Authorization."},
		{"bad date", "/", good, "2026-01-01T12:00:00Z",
			"Date must be in ISO-8601 'basic format'. Got '2026-01-01T12:00:00Z'. See http://en.wikipedia.org/wiki/ISO_8601"},
		{"scope date", "/", good, "20260102T000100Z",
			"Date in Credential scope does not match YYYYMMDD from ISO-8601 version of date from HTTP: '20260101' != '20260102', from '20260102T000100Z'."},
		{"terminator", "/", "AWS4-HMAC-SHA256 Credential=AKID/20260101/us-east-1/execute-api/aws5, SignedHeaders=host, Signature=ab", "20260101T120000Z",
			"Credential should be scoped with a valid terminator: 'aws4_request', not 'aws5'. "},
		{"presign missing", "/?X-Amz-Algorithm=AWS4-HMAC-SHA256&X-Amz-Date=20260101T120000Z", "", "",
			"AWS query-string parameters must include 'X-Amz-Credential'. AWS query-string parameters must include 'X-Amz-SignedHeaders'. " +
				"AWS query-string parameters must include 'X-Amz-Signature'. Re-examine the query-string parameters."},
		{"presign algorithm", "/?X-Amz-Algorithm=HMAC&X-Amz-Credential=" + cred + "&X-Amz-Date=20260101T120000Z&X-Amz-SignedHeaders=host&X-Amz-Signature=ab", "", "",
			"Unsupported AWS 'algorithm': 'HMAC'."},
		{"presign expires", "/?X-Amz-Algorithm=AWS4-HMAC-SHA256&X-Amz-Credential=" + cred + "&X-Amz-Date=20260101T120000Z&X-Amz-SignedHeaders=host&X-Amz-Signature=ab&X-Amz-Expires=x", "", "",
			"X-Amz-Expires should be a number"},
		{"presign week", "/?X-Amz-Algorithm=AWS4-HMAC-SHA256&X-Amz-Credential=" + cred + "&X-Amz-Date=20260101T120000Z&X-Amz-SignedHeaders=host&X-Amz-Signature=ab&X-Amz-Expires=604801", "", "",
			"X-Amz-Expires must be less than a week (in seconds); that is, the given X-Amz-Expires must be less than 604800 seconds"},
	}
	v := newVerifier(t, 0, nil)
	for _, tc := range cases {
		t.Run(tc.name, func(t *testing.T) {
			t.Parallel()
			r := httptest.NewRequest(http.MethodGet, tc.target, nil)
			if tc.auth != "" {
				r.Header.Set("Authorization", tc.auth)
			}
			if tc.date != "" {
				r.Header.Set("X-Amz-Date", tc.date)
			}
			_, err := v.Verify(r, nil)
			if err == nil || err.Error() != tc.want {
				t.Fatalf("got  %v\nwant %s", err, tc.want)
			}
			if ErrorType(err) == "" {
				t.Fatalf("%T has no AWS error type", err)
			}
		})
	}
}

// TestVerifyDateHeader: without X-Amz-Date the Date header is the signing
// time, written in ISO 8601 basic format in the string to sign.
func TestVerifyDateHeader(t *testing.T) {
	t.Parallel()
	r := httptest.NewRequest(http.MethodGet, "/prod", nil)
	r.Header.Set("Date", signTime().Format(http.TimeFormat))
	r.Header.Set("Authorization", "AWS4-HMAC-SHA256 Credential=AKIDEXAMPLE/20260101/us-east-1/execute-api/aws4_request, SignedHeaders=date;host, Signature=00")
	_, err := newVerifier(t, time.Minute, nil).Verify(r, nil)
	var ise *InvalidSignatureError
	if !errors.As(err, &ise) {
		t.Fatalf("got %T %v, want *InvalidSignatureError", err, err)
	}
	if !strings.HasPrefix(ise.StringToSign, "AWS4-HMAC-SHA256\n20260101T120000Z\n20260101/us-east-1/execute-api/aws4_request\n") {
		t.Fatalf("string to sign:\n%s", ise.StringToSign)
	}
	if !strings.Contains(ise.CanonicalRequest, "\ndate:"+signTime().Format(http.TimeFormat)+"\nhost:example.com\n") {
		t.Fatalf("canonical request:\n%s", ise.CanonicalRequest)
	}
}

// TestSkewErrorText pins the AWS capture quoted in docs/aws-behaviour.md#iam-authorization-and-sigv4.
func TestSkewErrorText(t *testing.T) {
	t.Parallel()
	signed := time.Date(2020, 10, 27, 12, 30, 8, 0, time.UTC)
	now := time.Date(2020, 10, 27, 13, 0, 7, 0, time.UTC)
	const want = "Signature expired: 20201027T123008Z is now earlier than 20201027T125507Z (20201027T130007Z - 5 min.)"
	if got := skewError(signed, now, DefaultSkew).Error(); got != want {
		t.Fatalf("got  %s\nwant %s", got, want)
	}
}
