package sigv4

import (
	"errors"
	"net/http"
	"strings"
	"testing"
	"time"
)

// TestVerifyPresignedTampered: presigned URLs fail when altered, used too
// late or too early.
func TestVerifyPresignedTampered(t *testing.T) {
	t.Parallel()
	o := signOpts{url: base + "/prod/ws?room=a"}
	cases := []struct {
		name    string
		expires int
		tamper  func(r *http.Request)
		offset  time.Duration
		wantIs  error
		wantAs  func(error) bool
		wantMsg string
	}{
		{name: "query value", expires: 300, tamper: func(r *http.Request) {
			r.RequestURI = strings.Replace(r.RequestURI, "room=a", "room=b", 1)
		}, wantAs: isA[*InvalidSignatureError]},
		{name: "expires extended", expires: 300, tamper: func(r *http.Request) {
			r.RequestURI = strings.Replace(r.RequestURI, "X-Amz-Expires=300", "X-Amz-Expires=3000", 1)
		}, wantAs: isA[*InvalidSignatureError]},
		{name: "path", expires: 300, tamper: func(r *http.Request) {
			r.RequestURI = strings.Replace(r.RequestURI, "/ws", "/wss", 1)
		}, wantAs: isA[*InvalidSignatureError]},
		{name: "method", expires: 300, tamper: func(r *http.Request) { r.Method = http.MethodPost }, wantAs: isA[*InvalidSignatureError]},
		{name: "expired", expires: 60, offset: 61 * time.Second, wantAs: isA[*SignatureExpiredError], wantMsg: "Request has expired"},
		{name: "long expiry outlives skew", expires: 3600, offset: 59 * time.Minute},
		{name: "no expiry uses skew", offset: 6 * time.Minute, wantAs: isA[*SignatureExpiredError],
			wantMsg: "Signature expired: 20260101T120000Z is now earlier than 20260101T120100Z (20260101T120600Z - 5 min.)"},
		{name: "not yet current", expires: 300, offset: -6 * time.Minute, wantAs: isA[*SignatureExpiredError]},
		{name: "signature removed", expires: 300, tamper: func(r *http.Request) {
			i := strings.Index(r.RequestURI, "&X-Amz-Signature=")
			r.RequestURI = r.RequestURI[:i]
		}, wantMsg: "AWS query-string parameters must include 'X-Amz-Signature'. Re-examine the query-string parameters."},
	}
	for _, tc := range cases {
		t.Run(tc.name, func(t *testing.T) {
			t.Parallel()
			r, body := sdkPresign(t, o, tc.expires)
			if tc.tamper != nil {
				tc.tamper(r)
			}
			_, err := newVerifier(t, tc.offset, nil).Verify(r, body)
			if tc.wantIs == nil && tc.wantAs == nil && tc.wantMsg == "" {
				if err != nil {
					t.Fatalf("Verify: %v", err)
				}
				return
			}
			checkErr(t, err, tc.wantIs, tc.wantAs, tc.wantMsg)
		})
	}
	t.Run("expired fields", func(t *testing.T) {
		t.Parallel()
		r, body := sdkPresign(t, o, 60)
		_, err := newVerifier(t, 2*time.Minute, nil).Verify(r, body)
		var se *SignatureExpiredError
		if !errors.As(err, &se) {
			t.Fatalf("got %T %v", err, err)
		}
		if !se.Expires.Equal(signTime().Add(time.Minute)) || !se.Signed.Equal(signTime()) || !se.Now.Equal(signTime().Add(2*time.Minute)) {
			t.Fatalf("got %+v", se)
		}
	})
}
