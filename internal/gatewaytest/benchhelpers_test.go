package gatewaytest

import (
	"io"
	"net/http"
	"os"
	"path/filepath"
	"strings"
	"testing"
)

// benchDefinition writes a definition for a benchmark and returns its path.
func benchDefinition(b *testing.B, src string) string {
	b.Helper()
	def := filepath.Join(b.TempDir(), "api.yaml")
	if err := os.WriteFile(def, []byte(src), 0o600); err != nil {
		b.Fatal(err)
	}
	return def
}

// benchRequests sends method url (with body, if any) b.N times and fails
// on any status but 200; the answer is read whole each time.
func benchRequests(b *testing.B, client *http.Client, method, url, body string) {
	b.ReportAllocs()
	for b.Loop() {
		var rd io.Reader
		if body != "" {
			rd = strings.NewReader(body)
		}
		req, err := http.NewRequest(method, url, rd)
		if err != nil {
			b.Fatal(err)
		}
		resp, err := client.Do(req)
		if err != nil {
			b.Fatal(err)
		}
		_, _ = io.Copy(io.Discard, resp.Body)
		resp.Body.Close()
		if resp.StatusCode != 200 {
			b.Fatalf("status %d", resp.StatusCode)
		}
	}
}
