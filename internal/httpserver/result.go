package httpserver

import (
	"io"
	"net/http"
	"strconv"

	"github.com/portico-gw/portico/internal/pipeline"
)

// writeResult copies an integration's result to the client with the
// headers AWS adds to every response.
func (e *Edge) writeResult(w http.ResponseWriter, r *http.Request, c *pipeline.Call, res *pipeline.Result) (int, int64) {
	h := w.Header()
	for k, vs := range res.Header {
		h[k] = vs
	}
	h["x-amzn-RequestId"] = []string{c.RequestID}
	h["x-amz-apigw-id"] = []string{c.ExtendedRequestID}
	if h.Get("Content-Type") == "" {
		h.Set("Content-Type", "application/json")
	}
	status := res.Status
	if status < 100 || status > 999 {
		status = http.StatusOK
	}
	if res.Stream == nil {
		h.Set("Content-Length", strconv.Itoa(len(res.Body)))
		w.WriteHeader(status)
		if r.Method == http.MethodHead {
			return status, 0
		}
		n, _ := w.Write(res.Body)
		return status, int64(n)
	}
	defer res.Stream.Close()
	if res.ContentLength >= 0 {
		h.Set("Content-Length", strconv.FormatInt(res.ContentLength, 10))
	}
	w.WriteHeader(status)
	if r.Method == http.MethodHead {
		return status, 0
	}
	bp := e.bufs.Get().(*[]byte)
	n, _ := io.CopyBuffer(flushWriter{w}, res.Stream, *bp)
	e.bufs.Put(bp)
	return status, n
}

// flushWriter hides ReadFrom so CopyBuffer uses the pooled buffer.
type flushWriter struct{ w io.Writer }

func (f flushWriter) Write(p []byte) (int, error) { return f.w.Write(p) }
