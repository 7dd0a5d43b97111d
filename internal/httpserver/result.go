package httpserver

import (
	"errors"
	"io"
	"net/http"
	"strconv"
	"strings"
	"time"

	"github.com/portico-gw/portico/internal/fault"
	"github.com/portico-gw/portico/internal/pipeline"
)

// writeIdle bounds how long one write to a client may block: a client that
// stops reading is cut off instead of holding its goroutine, while long
// streams that keep moving are never limited.
const writeIdle = 30 * time.Second

// errStreamBroken reports a response cut off after its headers were sent.
var errStreamBroken = errors.New("integration response body failed after the headers were sent")

// writeResult copies an integration's result to the client with the
// headers AWS adds to every response. A streamed body that fails midway
// (an upstream timeout or reset) cannot become a gateway response any more:
// the returned fault is logged, and the caller aborts the connection so the
// client sees a broken response rather than a short 200.
func (e *Edge) writeResult(w http.ResponseWriter, r *http.Request, c *pipeline.Call, res *pipeline.Result, httpAPI bool) (int, int64, *fault.Error) {
	h := w.Header()
	hasType := false
	for k, vs := range res.Header {
		// The framing is Portico's own: a mapped Transfer-Encoding or
		// Content-Length (in any letter case) would become a second,
		// contradicting line. The body goes out with Content-Length when
		// its length is known.
		if strings.EqualFold(k, "Transfer-Encoding") || strings.EqualFold(k, "Content-Length") {
			continue
		}
		h[k] = vs
		if strings.EqualFold(k, "Content-Type") {
			hasType = true
		}
	}
	if httpAPI {
		h["apigw-requestid"] = []string{c.RequestID}
	} else {
		ids := []string{c.RequestID, c.ExtendedRequestID} // one allocation for both
		h["x-amzn-RequestId"] = ids[0:1:1]
		h["x-amz-apigw-id"] = ids[1:2:2]
	}
	if !hasType {
		h.Set("Content-Type", "application/json")
	}
	status := res.Status
	if status < 200 || status > 599 {
		status = http.StatusBadGateway // never relay an informational or invalid status
	}
	rc := writeDeadlines(w)
	if res.Stream == nil {
		h.Set("Content-Length", strconv.Itoa(len(res.Body)))
		w.WriteHeader(status)
		if r.Method == http.MethodHead {
			return status, 0, nil
		}
		_ = rc.SetWriteDeadline(time.Now().Add(writeIdle))
		n, _ := w.Write(res.Body)
		return status, int64(n), nil
	}
	defer res.Stream.Close()
	if res.ContentLength >= 0 {
		h.Set("Content-Length", strconv.FormatInt(res.ContentLength, 10))
	}
	if r.Method == http.MethodHead {
		w.WriteHeader(status)
		return status, 0, nil
	}
	cs := e.bufs.Get().(*copyState)
	defer func() {
		cs.dw = deadlineWriter{} // keep no writer alive in the pool
		e.bufs.Put(cs)
	}()
	cs.dw = deadlineWriter{w: w, rc: rc}
	dw := &cs.dw
	if n := res.ContentLength; n > 0 && n <= int64(len(cs.buf)) {
		// A small answer of known length is read whole and written at once:
		// the headers and the body leave in as few writes as net/http
		// allows, where copying it as it arrives costs a write per piece.
		// API Gateway does not stream such answers either.
		body := cs.buf[:n]
		if _, err := io.ReadFull(res.Stream, body); err != nil {
			return status, 0, fault.New(fault.IntegrationTimeout, errors.Join(errStreamBroken, err))
		}
		w.WriteHeader(status)
		m, _ := dw.Write(body) // a client that went away is not the back end's fault
		return status, int64(m), nil
	}
	w.WriteHeader(status)
	n, err := io.CopyBuffer(dw, res.Stream, cs.buf)
	if err != nil && !dw.failed {
		return status, n, fault.New(fault.IntegrationTimeout, errors.Join(errStreamBroken, err))
	}
	return status, n, nil
}

// writeDeadliner sets a connection's write deadline, as
// http.ResponseController.SetWriteDeadline.
type writeDeadliner interface{ SetWriteDeadline(time.Time) error }

// writeDeadlines is w's own SetWriteDeadline when it has one (Portico's
// HTTP/1 server's writers do), sparing an http.ResponseController per
// answer; otherwise the controller, which unwraps w.
func writeDeadlines(w http.ResponseWriter) writeDeadliner {
	if d, ok := w.(writeDeadliner); ok {
		return d
	}
	return http.NewResponseController(w)
}

// copyState is what copying a streamed body needs, pooled together: the
// buffer and the writer.
type copyState struct {
	buf []byte
	dw  deadlineWriter
}

// deadlineWriter keeps a write deadline writeIdle ahead while the stream
// makes progress (renewing it at most every few seconds, so short answers
// pay for one deadline) and hides ReadFrom so CopyBuffer uses the pooled
// buffer.
type deadlineWriter struct {
	w      io.Writer
	rc     writeDeadliner
	set    time.Time // when the deadline was last moved
	failed bool      // the client side failed (it stopped reading or went away)
}

func (d *deadlineWriter) Write(p []byte) (int, error) {
	if now := time.Now(); now.Sub(d.set) > 5*time.Second {
		_ = d.rc.SetWriteDeadline(now.Add(writeIdle))
		d.set = now
	}
	n, err := d.w.Write(p)
	if err != nil {
		d.failed = true
	}
	return n, err
}
