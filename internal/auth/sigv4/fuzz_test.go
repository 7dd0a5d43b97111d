package sigv4

import (
	"errors"
	"net/http"
	"net/http/httptest"
	"strings"
	"testing"
)

// FuzzParseAuthorization: parsing any Authorization header never panics,
// never echoes the header's parameters in a hashed-form message, and Verify
// on a request carrying it returns one of the package's errors.
func FuzzParseAuthorization(f *testing.F) {
	for _, s := range []string{
		"",
		"Bearer abc.def",
		"Bearer a=b",
		"AWS4-HMAC-SHA256",
		"AWS4-HMAC-SHA256 Credential=AKIDEXAMPLE/20260101/us-east-1/execute-api/aws4_request, SignedHeaders=host;x-amz-date, Signature=abcd",
		"AWS4-HMAC-SHA256 Credential=, SignedHeaders=;;, Signature==",
		"AWS4-HMAC-SHA256 Credential=a/b/c/d/e/f,,,\t SignedHeaders=HOST",
		"\x00 \xff=\xfe",
	} {
		f.Add(s, true)
		f.Add(s, false)
	}
	v := newVerifier(f, 0, nil)
	f.Fuzz(func(t *testing.T, value string, hasDate bool) {
		p, err := parseAuthorization(value, hasDate)
		if err == nil {
			_, _ = parseCredential(p.Credential)
			_, _ = splitSignedHeaders(p.SignedHeaders)
		} else if msg := err.Error(); strings.Contains(msg, "hashed with SHA-256") {
			_, rest, _ := strings.Cut(strings.TrimSpace(value), " ")
			if rest = strings.TrimSpace(rest); len(rest) >= 8 && strings.Contains(msg, rest) {
				t.Fatalf("message %q echoes %q", msg, rest)
			}
		}
		r := httptest.NewRequest(http.MethodGet, "/prod", nil)
		r.Header["Authorization"] = []string{value}
		if hasDate {
			r.Header.Set("X-Amz-Date", "20260101T120000Z")
		}
		_, err = v.Verify(r, nil)
		if err == nil {
			t.Fatalf("%q verified", value)
		}
		if ErrorType(err) == "" && !errors.Is(err, ErrMissing) {
			t.Fatalf("%q: foreign error %T %v", value, err, err)
		}
	})
}

// FuzzVerifyQuery: any presigned-looking query string (and any path) yields
// one of the package's errors, never a panic or a success.
func FuzzVerifyQuery(f *testing.F) {
	const cred = "AKIDEXAMPLE%2F20260101%2Fus-east-1%2Fexecute-api%2Faws4_request"
	for _, s := range []string{
		"X-Amz-Algorithm=AWS4-HMAC-SHA256",
		"X-Amz-Algorithm=AWS4-HMAC-SHA256&X-Amz-Credential=" + cred + "&X-Amz-Date=20260101T120000Z&X-Amz-SignedHeaders=host&X-Amz-Signature=00&X-Amz-Expires=60",
		"X-Amz-Algorithm=&X-Amz-Expires=-1&%zz=1&a;b=2",
		"X-Amz-Algorithm=AWS4-HMAC-SHA256&X-Amz-Credential=a%2Fb&X-Amz-Expires=99999999999999999999",
	} {
		f.Add("/prod/x", s)
	}
	v := newVerifier(f, 0, nil)
	f.Fuzz(func(t *testing.T, path, query string) {
		r := httptest.NewRequest(http.MethodGet, "/", nil)
		r.RequestURI = "/" + path + "?" + query
		_, err := v.Verify(r, nil)
		if err == nil {
			t.Fatalf("%q verified", r.RequestURI)
		}
		if ErrorType(err) == "" {
			t.Fatalf("%q: foreign error %T %v", r.RequestURI, err, err)
		}
	})
}
