package gatewaytest

import (
	"io"
	"net/http"
	"net/http/httptest"
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
	benchRequestsHeader(b, client, method, url, body, nil)
}

// benchRequestsHeader is benchRequests with header on every request (its
// values are shared, not copied, so it adds no allocation).
func benchRequestsHeader(b *testing.B, client *http.Client, method, url, body string, header http.Header) {
	b.ReportAllocs()
	for b.Loop() {
		if status := benchRequest(b, client, method, url, body, header); status != 200 {
			b.Fatalf("status %d", status)
		}
	}
}

// benchRequest sends one request, reads the answer whole and returns its
// status.
func benchRequest(b *testing.B, client *http.Client, method, url, body string, header http.Header) int {
	var rd io.Reader
	if body != "" {
		rd = strings.NewReader(body)
	}
	req, err := http.NewRequest(method, url, rd)
	if err != nil {
		b.Fatal(err)
	}
	for k, v := range header {
		req.Header[k] = v
	}
	resp, err := client.Do(req)
	if err != nil {
		b.Fatal(err)
	}
	_, _ = io.Copy(io.Discard, resp.Body)
	resp.Body.Close()
	return resp.StatusCode
}

// benchSink starts the scenario benchmarks' back end: it reads every
// request body to the end, discards it and answers 200 with a small fixed
// JSON body (what bench/upstream answers). It returns host:port, for a
// stage variable.
func benchSink(b *testing.B) string {
	b.Helper()
	answer := []byte(`{"id":1,"type":"dog","price":249.99}`)
	srv := httptest.NewServer(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		_, _ = io.Copy(io.Discard, r.Body)
		w.Header().Set("Content-Type", "application/json")
		_, _ = w.Write(answer)
	}))
	b.Cleanup(srv.Close)
	return srv.Listener.Addr().String()
}
