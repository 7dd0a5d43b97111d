package gatewaytest

import (
	"bytes"
	"encoding/json"
	"io"
	"net"
	"net/http"
	"strconv"
	"sync"
	"testing"
	"time"
)

// Upstream is the fake back end:
//
//	/echo/...        answers 200 with the request as JSON (method, path, query, headers, body)
//	/base/...        the same as /echo/ (an integration's base path)
//	/secret.txt      answers 200 "secret": outside every base path, never to be reached
//	/status/{code}   answers code with {"status":code} and an X-Backend header
//	/slow?ms=N       answers after N ms (or when the client gives up)
//	/reset           closes the connection without answering
//	/headers         answers with Server, Date, Via, Connection and x-amzn-RequestId headers set
//	/binary          answers image/png bytes
//	/trickle         sends headers, then a 100-byte body one byte every 20 ms
//	/count/{name}    answers {"name":"{name}","count":N}, N being how many times this
//	                 name was called (so a cached answer shows the integration was
//	                 skipped); ?status=C answers with status C
func Upstream() http.Handler {
	mux := http.NewServeMux()
	var countMu sync.Mutex
	counts := map[string]int{}
	mux.HandleFunc("/count/{name}", func(w http.ResponseWriter, r *http.Request) {
		name := r.PathValue("name")
		countMu.Lock()
		counts[name]++
		n := counts[name]
		countMu.Unlock()
		status, err := strconv.Atoi(r.URL.Query().Get("status"))
		if err != nil || status < 200 || status > 599 {
			status = http.StatusOK
		}
		w.Header().Set("Content-Type", "application/json")
		w.WriteHeader(status)
		b, _ := json.Marshal(map[string]any{"name": name, "count": n})
		_, _ = w.Write(b)
	})
	mux.HandleFunc("/echo/", echo)
	mux.HandleFunc("/base/", echo)
	mux.HandleFunc("/secret.txt", func(w http.ResponseWriter, _ *http.Request) { _, _ = io.WriteString(w, "secret") })
	mux.HandleFunc("/status/{code}", func(w http.ResponseWriter, r *http.Request) {
		code, err := strconv.Atoi(r.PathValue("code"))
		if err != nil || code < 200 || code > 599 {
			code = 400
		}
		w.Header().Set("X-Backend", "status")
		w.Header().Set("Content-Type", "application/json")
		w.WriteHeader(code)
		_ = json.NewEncoder(w).Encode(map[string]any{"status": code, "id": "b-" + strconv.Itoa(code)})
	})
	mux.HandleFunc("/slow", func(w http.ResponseWriter, r *http.Request) {
		ms, _ := strconv.Atoi(r.URL.Query().Get("ms"))
		select {
		case <-time.After(time.Duration(ms) * time.Millisecond):
			_, _ = io.WriteString(w, `{"slow":true}`)
		case <-r.Context().Done():
		}
	})
	mux.HandleFunc("/reset", func(w http.ResponseWriter, _ *http.Request) {
		if hj, ok := w.(http.Hijacker); ok {
			if c, _, err := hj.Hijack(); err == nil {
				if tc, ok := c.(*net.TCPConn); ok {
					_ = tc.SetLinger(0)
				}
				c.Close()
			}
		}
	})
	mux.HandleFunc("/trickle", func(w http.ResponseWriter, r *http.Request) {
		w.Header().Set("Content-Length", "100")
		w.WriteHeader(http.StatusOK)
		for range 100 {
			select {
			case <-time.After(20 * time.Millisecond):
			case <-r.Context().Done():
				return
			}
			_, _ = w.Write([]byte("x"))
			w.(http.Flusher).Flush()
		}
	})
	mux.HandleFunc("/binary", func(w http.ResponseWriter, _ *http.Request) {
		w.Header().Set("Content-Type", "image/png")
		_, _ = w.Write([]byte("PNGDATA"))
	})
	mux.HandleFunc("/headers", func(w http.ResponseWriter, _ *http.Request) {
		h := w.Header()
		h.Set("Server", "upstream/1.0")
		h.Set("Via", "1.1 upstream")
		h["x-amzn-RequestId"] = []string{"upstream-request-id"}
		h.Set("Access-Control-Allow-Origin", "*")
		h.Set("WWW-Authenticate", "Basic")
		h.Set("Content-Type", "text/plain")
		_, _ = io.WriteString(w, "headers")
	})
	return mux
}

func echo(w http.ResponseWriter, r *http.Request) {
	body, _ := io.ReadAll(r.Body)
	w.Header().Set("Content-Type", "application/json")
	_ = json.NewEncoder(w).Encode(map[string]any{
		"method": r.Method, "path": r.URL.EscapedPath(), "query": r.URL.RawQuery,
		"headers": r.Header, "body": string(body), "host": r.Host,
		"contentLength": r.ContentLength, "transferEncoding": r.TransferEncoding,
	})
}

// startGarbage starts a TCP server that answers every connection with bytes
// that are not HTTP, and returns its address.
func startGarbage(t testing.TB) string {
	l, err := net.Listen("tcp", "127.0.0.1:0")
	if err != nil {
		t.Fatal(err)
	}
	var wg sync.WaitGroup
	t.Cleanup(func() { l.Close(); wg.Wait() })
	wg.Go(func() {
		for {
			c, err := l.Accept()
			if err != nil {
				return
			}
			buf := make([]byte, 4096)
			_ = c.SetReadDeadline(time.Now().Add(2 * time.Second))
			_, _ = c.Read(buf)
			_, _ = c.Write([]byte("this is not HTTP\r\n\r\n"))
			c.Close()
		}
	})
	return l.Addr().String()
}

// recorder notes every request the fake upstream receives, as soon as its
// headers are read, before the handler runs.
type recorder struct {
	mu   sync.Mutex
	reqs []string
	next http.Handler
}

func (rec *recorder) ServeHTTP(w http.ResponseWriter, r *http.Request) {
	rec.mu.Lock()
	rec.reqs = append(rec.reqs, r.Method+" "+r.RequestURI)
	rec.mu.Unlock()
	rec.next.ServeHTTP(w, r)
}

func (rec *recorder) list() []string {
	rec.mu.Lock()
	defer rec.mu.Unlock()
	return append([]string(nil), rec.reqs...)
}

// syncBuffer is a goroutine-safe bytes.Buffer for logs.
type syncBuffer struct {
	mu sync.Mutex
	b  *bytes.Buffer
}

func (s *syncBuffer) Write(p []byte) (int, error) {
	s.mu.Lock()
	defer s.mu.Unlock()
	return s.b.Write(p)
}

// String returns the contents.
func (s *syncBuffer) String() string {
	s.mu.Lock()
	defer s.mu.Unlock()
	return s.b.String()
}
