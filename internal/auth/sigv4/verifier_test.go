package sigv4

import (
	"errors"
	"net/http"
	"strings"
	"sync"
	"testing"
	"time"

	"github.com/google/go-cmp/cmp"
)

const base = "https://abc123.execute-api.us-east-1.amazonaws.com"

// TestVerifySDKSigned: requests signed by aws-sdk-go-v2 verify.
func TestVerifySDKSigned(t *testing.T) {
	t.Parallel()
	cases := []struct {
		name string
		o    signOpts
	}{
		{"get root", signOpts{url: base + "/"}},
		{"get no path", signOpts{url: base}},
		{"get path", signOpts{url: base + "/prod/pets/42"}},
		{"path with spaces and specials", signOpts{url: base + "/prod/a b/ü€/x+y(1)!*'/%2F/~._-/"}},
		{"path with escaped reserved", signOpts{url: base + "/prod/a%3Bb/c%40d/%25"}},
		{"query specials", signOpts{url: base + "/prod/s?q=a+b&q=a%20c&x=%2F%3D%26&empty=&bare&z=~-._*&ü=€&b=2&a=1"}},
		{"post body", signOpts{method: http.MethodPost, url: base + "/prod/pets",
			body: `{"name":"rex","kind":"dog"}`, headers: map[string]string{"Content-Type": "application/json"}}},
		{"odd header spacing", signOpts{method: http.MethodPut, url: base + "/prod/pets/1", body: "x",
			headers: map[string]string{"X-Custom": "  a   b  c ", "Content-Type": "text/plain"}}},
		{"unsigned payload", signOpts{method: http.MethodPost, url: base + "/prod/up", body: "streamed",
			payloadHash: unsignedPayload, headers: map[string]string{"X-Amz-Content-Sha256": unsignedPayload}}},
		{"content sha header", signOpts{method: http.MethodPost, url: base + "/prod/up", body: "hashed",
			headers: map[string]string{"X-Amz-Content-Sha256": sha256Hex("hashed")}}},
		{"session token", signOpts{url: base + "/prod/me", akid: sessionAKID, secret: sessionKey, token: sessionTok}},
		{"port in host", signOpts{url: "http://localhost:8080/prod/x?a=b"}},
		{"delete", signOpts{method: http.MethodDelete, url: base + "/prod/pets/1"}},
		{"dot segments and double slash kept", signOpts{url: base + "/prod//a/./b/../c"}},
		{"semicolon pair dropped", signOpts{url: base + "/prod?q=1&a;b=2&c+d=e+f"}},
		{"unicode query", signOpts{url: base + "/prod?name=Zo%C3%AB&emoji=%F0%9F%98%80"}},
	}
	for _, tc := range cases {
		t.Run(tc.name, func(t *testing.T) {
			t.Parallel()
			r, body := sdkSign(t, tc.o)
			if _, err := newVerifier(t, time.Minute, nil).Verify(r, body); err != nil {
				t.Fatalf("Verify: %v\n%s", err, explain(err))
			}
		})
	}
	t.Run("repeated header", func(t *testing.T) {
		t.Parallel()
		o := signOpts{url: base + "/prod/x"}
		o.defaults()
		req := clientRequest(t, &o)
		req.Header.Add("X-Multi", " one ")
		req.Header.Add("X-Multi", "two  three")
		r, body := signAndSend(t, o, req)
		if got := r.Header.Values("X-Multi"); len(got) != 2 {
			t.Fatalf("server sees %q, want two values", got)
		}
		if _, err := newVerifier(t, 0, nil).Verify(r, body); err != nil {
			t.Fatalf("Verify: %v\n%s", err, explain(err))
		}
	})
}

// TestVerifyConcurrent shares one Verifier (and its key cache) across
// goroutines; run with -race.
func TestVerifyConcurrent(t *testing.T) {
	t.Parallel()
	v := newVerifier(t, 0, nil)
	var wg sync.WaitGroup
	for i := range 8 {
		o := signOpts{url: base + "/prod/" + itoa(i), at: signTime().Add(-time.Duration(i) * time.Second)}
		if i%2 == 1 {
			o.akid, o.secret, o.token = sessionAKID, sessionKey, sessionTok
		}
		r, body := sdkSign(t, o)
		wg.Go(func() {
			for range 20 {
				if _, err := v.Verify(r, body); err != nil {
					t.Errorf("Verify %d: %v", i, err)
					return
				}
			}
		})
	}
	wg.Wait()
}

// TestVerifySDKPresigned: URLs presigned by aws-sdk-go-v2 verify.
func TestVerifySDKPresigned(t *testing.T) {
	t.Parallel()
	cases := []struct {
		name    string
		o       signOpts
		expires int
	}{
		{"plain", signOpts{url: base + "/prod/ws"}, 300},
		{"no expires", signOpts{url: base + "/prod/ws"}, 0},
		{"query and path specials", signOpts{url: base + "/prod/a b/ü?q=x y&q=%2B&k=v"}, 60},
		{"session token", signOpts{url: base + "/prod/ws", akid: sessionAKID, secret: sessionKey, token: sessionTok}, 900},
		{"unsigned payload", signOpts{url: base + "/prod/ws", payloadHash: unsignedPayload,
			headers: map[string]string{"X-Amz-Content-Sha256": unsignedPayload}}, 60},
	}
	for _, tc := range cases {
		t.Run(tc.name, func(t *testing.T) {
			t.Parallel()
			r, body := sdkPresign(t, tc.o, tc.expires)
			if r.Header.Get("Authorization") != "" {
				t.Fatal("presigned request carries an Authorization header")
			}
			if _, err := newVerifier(t, time.Minute, nil).Verify(r, body); err != nil {
				t.Fatalf("Verify %s: %v\n%s", r.RequestURI, err, explain(err))
			}
		})
	}
}

func explain(err error) string {
	var ise *InvalidSignatureError
	if errors.As(err, &ise) {
		return ise.CanonicalRequest + "\n---\n" + ise.StringToSign
	}
	return ""
}

// TestVerifyTampered: changing any signed part fails with the right error.
func TestVerifyTampered(t *testing.T) {
	t.Parallel()
	post := signOpts{method: http.MethodPost, url: base + "/prod/pets?x=1",
		body: `{"a":1}`, headers: map[string]string{"Content-Type": "application/json", "X-Custom": "v"}}
	cases := []struct {
		name    string
		o       signOpts
		tamper  func(r *http.Request, body []byte) []byte
		offset  time.Duration
		mod     func(*Config)
		wantIs  error
		wantAs  func(error) bool
		wantMsg string
	}{
		{name: "body", o: post, tamper: func(_ *http.Request, _ []byte) []byte { return []byte(`{"a":2}`) }, wantAs: isA[*InvalidSignatureError],
			wantMsg: MsgSignatureMismatch},
		{name: "path", o: post, tamper: func(r *http.Request, b []byte) []byte {
			r.RequestURI = strings.Replace(r.RequestURI, "/pets", "/pots", 1)
			return b
		}, wantAs: isA[*InvalidSignatureError]},
		{name: "query", o: post, tamper: func(r *http.Request, b []byte) []byte {
			r.RequestURI = strings.Replace(r.RequestURI, "x=1", "x=2", 1)
			return b
		}, wantAs: isA[*InvalidSignatureError]},
		{name: "added query", o: post, tamper: func(r *http.Request, b []byte) []byte {
			r.RequestURI += "&y=1"
			return b
		}, wantAs: isA[*InvalidSignatureError]},
		{name: "method", o: post, tamper: func(r *http.Request, b []byte) []byte { r.Method = http.MethodPut; return b }, wantAs: isA[*InvalidSignatureError]},
		{name: "header", o: post, tamper: func(r *http.Request, b []byte) []byte { r.Header.Set("X-Custom", "w"); return b }, wantAs: isA[*InvalidSignatureError]},
		{name: "host", o: post, tamper: func(r *http.Request, b []byte) []byte { r.Host = "evil.example"; return b }, wantAs: isA[*InvalidSignatureError]},
		{name: "date", o: post, tamper: func(r *http.Request, b []byte) []byte {
			r.Header.Set("X-Amz-Date", signTime().Add(time.Second).Format(isoFormat))
			return b
		}, wantAs: isA[*InvalidSignatureError]},
		{name: "signature", o: post, tamper: func(r *http.Request, b []byte) []byte {
			r.Header.Set("Authorization", strings.Replace(r.Header.Get("Authorization"), "Signature=", "Signature=0", 1))
			return b
		}, wantAs: isA[*InvalidSignatureError]},
		{name: "secret", o: signOpts{url: base + "/prod", akid: testAKID, secret: "wrong"}, wantAs: isA[*InvalidSignatureError]},
		{name: "region", o: signOpts{url: base + "/prod", region: "us-west-2"}, wantAs: isA[*InvalidSignatureError],
			wantMsg: "Credential should be scoped to a valid region, not 'us-west-2'. "},
		{name: "service", o: signOpts{url: base + "/prod", service: "lambda"}, wantAs: isA[*InvalidSignatureError],
			wantMsg: "Credential should be scoped to correct service: 'execute-api'. "},
		{name: "unknown key", o: signOpts{url: base + "/prod", akid: "AKIDUNKNOWN", secret: "x"}, wantIs: ErrUnrecognizedClient},
		{name: "missing token", o: signOpts{url: base + "/prod", akid: sessionAKID, secret: sessionKey}, wantIs: ErrUnrecognizedClient},
		{name: "wrong token", o: signOpts{url: base + "/prod", akid: sessionAKID, secret: sessionKey, token: "other"},
			wantIs: ErrUnrecognizedClient},
		{name: "token on permanent key", o: signOpts{url: base + "/prod", token: "t"}, wantIs: ErrUnrecognizedClient},
		{name: "expired credential", o: signOpts{url: base + "/prod", akid: sessionAKID, secret: sessionKey, token: sessionTok,
			at: signTime().Add(2 * time.Hour)}, offset: 2 * time.Hour, wantIs: ErrExpiredToken},
		{name: "too old", o: post, offset: 5*time.Minute + time.Second, wantAs: isA[*SignatureExpiredError],
			wantMsg: "Signature expired: 20260101T120000Z is now earlier than 20260101T120001Z (20260101T120501Z - 5 min.)"},
		{name: "too new", o: post, offset: -5*time.Minute - time.Second, wantAs: isA[*SignatureExpiredError],
			wantMsg: "Signature not yet current: 20260101T120000Z is still later than 20260101T115959Z (20260101T115459Z + 5 min.)"},
		{name: "skew option", o: post, offset: 2 * time.Minute, mod: func(c *Config) { c.Skew = time.Minute }, wantAs: isA[*SignatureExpiredError]},
		{name: "no signature", o: post, tamper: func(r *http.Request, b []byte) []byte { r.Header.Del("Authorization"); return b },
			wantIs: ErrMissing},
	}
	for _, tc := range cases {
		t.Run(tc.name, func(t *testing.T) {
			t.Parallel()
			r, body := sdkSign(t, tc.o)
			if tc.tamper != nil {
				body = tc.tamper(r, body)
			}
			_, err := newVerifier(t, tc.offset, tc.mod).Verify(r, body)
			checkErr(t, err, tc.wantIs, tc.wantAs, tc.wantMsg)
		})
	}
}

// checkErr asserts err is wantIs (errors.Is) or satisfies wantAs, and that
// its message is wantMsg when given.
func checkErr(t *testing.T, err, wantIs error, wantAs func(error) bool, wantMsg string) {
	t.Helper()
	switch {
	case err == nil:
		t.Fatal("Verify succeeded, want an error")
	case wantIs != nil && !errors.Is(err, wantIs):
		t.Fatalf("got %T %v, want %v", err, err, wantIs)
	case wantAs != nil && !wantAs(err):
		t.Fatalf("got %T %v, want another error type", err, err)
	case wantMsg != "" && err.Error() != wantMsg:
		t.Fatalf("message:\n%s", cmp.Diff(wantMsg, err.Error()))
	}
}

// isA reports whether err is, or wraps, a T.
func isA[T error](err error) bool {
	var target T
	return errors.As(err, &target)
}
