package sigv4

import (
	"net/http"
	"strings"
	"testing"
	"time"
)

// BenchmarkVerify measures Verify on SDK-signed requests with a warm
// signing-key cache.
func BenchmarkVerify(b *testing.B) {
	cases := []struct {
		name    string
		o       signOpts
		presign bool
	}{
		{"get", signOpts{url: base + "/prod/pets/42?limit=10&next=abc"}, false},
		{"post-1KiB", signOpts{method: http.MethodPost, url: base + "/prod/pets", body: strings.Repeat("x", 1024),
			headers: map[string]string{"Content-Type": "application/json"}}, false},
		{"presigned", signOpts{url: base + "/prod/ws?room=a"}, true},
	}
	for _, tc := range cases {
		b.Run(tc.name, func(b *testing.B) {
			var (
				r    *http.Request
				body []byte
			)
			if tc.presign {
				r, body = sdkPresign(b, tc.o, 300)
			} else {
				r, body = sdkSign(b, tc.o)
			}
			v := newVerifier(b, time.Minute, nil)
			if _, err := v.Verify(r, body); err != nil {
				b.Fatal(err)
			}
			b.ReportAllocs()
			for b.Loop() {
				if _, err := v.Verify(r, body); err != nil {
					b.Fatal(err)
				}
			}
		})
	}
}
