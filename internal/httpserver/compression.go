package httpserver

import (
	"bytes"
	"compress/flate"
	"compress/gzip"
	"errors"
	"fmt"
	"io"
	"net/http"
	"strconv"
	"strings"
	"sync"

	"github.com/portico-gw/portico/internal/deploy"
	"github.com/portico-gw/portico/internal/fault"
	"github.com/portico-gw/portico/internal/pipeline"
)

// Payload compression of REST APIs
// (https://docs.aws.amazon.com/apigateway/latest/developerguide/api-gateway-gzip-compression-decompression.html):
// with minimumCompressionSize set, an integration answer of at least that
// many bytes (after mapping) is compressed with the client's
// highest-priority Accept-Encoding coding when it is gzip or deflate; an
// answer that already has a Content-Encoding is left alone. A request body
// sent with Content-Encoding gzip or deflate is decompressed before
// mapping templates and integrations see it; another coding, or a body
// that does not decode, is 415 Unsupported Media Type.

// Codings API Gateway supports.
const (
	codingGzip     = "gzip"
	codingDeflate  = "deflate"
	codingIdentity = "identity"
)

// acceptedCoding returns the coding to compress with: the highest-q coding
// of Accept-Encoding (the first listed among equals), if it is gzip or
// deflate; "" otherwise (no header, "*", identity, br first, ...).
func acceptedCoding(accept []string) string {
	best, bestQ := "", -1.0
	for _, line := range accept {
		for _, item := range strings.Split(line, ",") {
			name, params, _ := strings.Cut(item, ";")
			name = strings.ToLower(strings.TrimSpace(name))
			if name == "" {
				continue
			}
			q := 1.0
			for _, p := range strings.Split(params, ";") {
				k, v, ok := strings.Cut(strings.TrimSpace(p), "=")
				if ok && strings.EqualFold(strings.TrimSpace(k), "q") {
					f, err := strconv.ParseFloat(strings.TrimSpace(v), 64)
					if err != nil || f < 0 || f > 1 {
						f = 0
					}
					q = f
				}
			}
			if q > bestQ {
				best, bestQ = name, q
			}
		}
	}
	if bestQ <= 0 {
		return ""
	}
	switch best {
	case "x-gzip":
		return codingGzip
	case codingGzip, codingDeflate:
		return best
	}
	return ""
}

// compressResult compresses res for the client when the REST API has
// minimumCompressionSize and the rules above allow. A stream of unknown
// length is read up to the threshold first; at or above it, it is
// compressed on the fly.
func (e *Edge) compressResult(w http.ResponseWriter, r *http.Request, api *deploy.API, res *pipeline.Result) *pipeline.Result {
	if api == nil || api.HTTP() || api.Def == nil || api.Def.MinimumCompressionSize == nil || res == nil || r.Method == http.MethodHead {
		return res
	}
	if hasHeader(res.Header, "Content-Encoding") {
		return res // already encoded by the integration
	}
	minSize := int64(*api.Def.MinimumCompressionSize)
	if res.Header == nil {
		res.Header = http.Header{}
	}
	addVary(res.Header)
	coding := acceptedCoding(r.Header.Values("Accept-Encoding"))
	if coding == "" {
		return res
	}
	if res.Stream == nil {
		if len(res.Body) == 0 || int64(len(res.Body)) < minSize {
			return res
		}
		var buf bytes.Buffer
		zw := getWriter(coding, &buf)
		_, _ = zw.Write(res.Body)
		_ = zw.Close()
		putWriter(coding, zw)
		res.Body = buf.Bytes()
		res.Header.Set("Content-Encoding", coding)
		return res
	}
	var head []byte
	switch {
	case res.ContentLength == 0:
		return res
	case res.ContentLength > 0 && res.ContentLength < minSize:
		return res
	case res.ContentLength < 0 && minSize > 0:
		// Unknown length: the answer is compressed only once it reaches
		// the threshold.
		head = make([]byte, minSize)
		n, err := io.ReadFull(res.Stream, head)
		head = head[:n]
		if errors.Is(err, io.EOF) || errors.Is(err, io.ErrUnexpectedEOF) {
			rest := res.Stream
			res.Stream = readCloser{bytes.NewReader(head), rest}
			res.ContentLength = int64(n)
			return res
		}
		if err != nil {
			res.Stream = readCloser{io.MultiReader(bytes.NewReader(head), errReader{err}), res.Stream}
			return res
		}
	}
	res.Stream = newCompressingReader(coding, io.MultiReader(bytes.NewReader(head), res.Stream), res.Stream)
	rc := http.NewResponseController(w)
	res.Stream.(*compressingReader).flush = func() { _ = rc.Flush() }
	res.ContentLength = -1
	res.Header.Set("Content-Encoding", coding)
	return res
}

// addVary adds Accept-Encoding to Vary without writing into a value slice
// the header may share (a cached answer's).
func addVary(h http.Header) {
	vs := h.Values("Vary")
	for _, v := range vs {
		for _, f := range strings.Split(v, ",") {
			if f = strings.TrimSpace(f); f == "*" || strings.EqualFold(f, "Accept-Encoding") {
				return
			}
		}
	}
	h["Vary"] = append(append(make([]string, 0, len(vs)+1), vs...), "Accept-Encoding")
}

func hasHeader(h http.Header, name string) bool {
	for k, vs := range h {
		if strings.EqualFold(k, name) && len(vs) > 0 {
			return true
		}
	}
	return false
}

type readCloser struct {
	io.Reader
	io.Closer
}

type errReader struct{ err error }

func (e errReader) Read([]byte) (int, error) { return 0, e.err }

// compressingReader compresses src as it is read: each chunk read from
// src is compressed and flushed, and what was written to the client is
// flushed before waiting for more, so a slow stream reaches the client as
// it comes.
type compressingReader struct {
	coding string
	src    io.Reader
	closer io.Closer
	zw     io.WriteCloser
	out    bytes.Buffer
	chunk  []byte
	done   bool
	flush  func()
}

func newCompressingReader(coding string, src io.Reader, closer io.Closer) *compressingReader {
	c := &compressingReader{coding: coding, src: src, closer: closer, chunk: make([]byte, 16<<10)}
	c.zw = getWriter(coding, &c.out)
	return c
}

func (c *compressingReader) Read(p []byte) (int, error) {
	for c.out.Len() == 0 {
		if c.done {
			return 0, io.EOF
		}
		if c.flush != nil {
			c.flush() // what the previous reads produced is on its way
		}
		n, err := c.src.Read(c.chunk)
		if n > 0 {
			_, _ = c.zw.Write(c.chunk[:n])
			_ = c.zw.(flusher).Flush()
		}
		if errors.Is(err, io.EOF) {
			_ = c.zw.Close()
			c.done = true
		} else if err != nil {
			return 0, err
		}
	}
	return c.out.Read(p)
}

func (c *compressingReader) Close() error {
	if c.zw != nil {
		if c.done {
			putWriter(c.coding, c.zw)
		}
		c.zw = nil
	}
	return c.closer.Close()
}

type flusher interface{ Flush() error }

var (
	gzipWriters  sync.Pool
	flateWriters sync.Pool
)

// getWriter returns a pooled compressor of the coding writing to w.
func getWriter(coding string, w io.Writer) io.WriteCloser {
	if coding == codingDeflate {
		if zw, ok := flateWriters.Get().(*flate.Writer); ok {
			zw.Reset(w)
			return zw
		}
		zw, _ := flate.NewWriter(w, flate.DefaultCompression)
		return zw
	}
	if zw, ok := gzipWriters.Get().(*gzip.Writer); ok {
		zw.Reset(w)
		return zw
	}
	return gzip.NewWriter(w)
}

func putWriter(coding string, zw io.WriteCloser) {
	if coding == codingDeflate {
		flateWriters.Put(zw)
	} else {
		gzipWriters.Put(zw)
	}
}

// decodeRequest decompresses a REST request body sent with
// Content-Encoding gzip or deflate (identity passes), bounded by the
// payload limit before and after decoding. The header stays, as AWS keeps
// it in Lambda proxy events (the recorded case in
// testdata/parity/lambda/events.json); HTTP_PROXY drops it. An empty body
// is left alone. Another coding, or a body that does not decode, is 415
// Unsupported Media Type.
func (e *Edge) decodeRequest(r *http.Request) error {
	ce := r.Header.Values("Content-Encoding")
	if len(ce) == 0 || r.ContentLength == 0 {
		return nil
	}
	coding := strings.ToLower(strings.TrimSpace(strings.Join(ce, ",")))
	src := &wireReader{r: r.Body, left: e.opts.MaxBodyBytes}
	var zr io.Reader
	switch coding {
	case codingIdentity, "":
		return nil
	case codingGzip, "x-gzip":
		gr, err := gzip.NewReader(src)
		switch {
		case err == nil:
			zr = gr
		case errors.Is(err, io.EOF) && src.n == 0 && src.err == nil:
			zr = bytes.NewReader(nil) // an empty body
		default:
			return src.fault(coding, err, e.opts.MaxBodyBytes)
		}
	case codingDeflate:
		zr = flate.NewReader(src)
	default:
		return fault.Reject(fault.UnsupportedMediaType, fmt.Errorf("Content-Encoding %q is not one API Gateway decodes (gzip, deflate, identity)", coding))
	}
	body, err := io.ReadAll(io.LimitReader(zr, e.opts.MaxBodyBytes+1))
	if err != nil && !(src.n == 0 && src.err == nil) { // a chunked empty body is no error
		return src.fault(coding, err, e.opts.MaxBodyBytes)
	}
	if int64(len(body)) > e.opts.MaxBodyBytes {
		return fault.ContentLengthExceeded(fmt.Errorf("the request body decompresses to more than %d bytes", e.opts.MaxBodyBytes))
	}
	r.Body = io.NopCloser(bytes.NewReader(body))
	r.ContentLength = int64(len(body))
	r.Header.Set("Content-Length", strconv.Itoa(len(body)))
	return nil
}

// wireReader reads the compressed body, at most left bytes, and keeps the
// client's read error apart from decoding errors.
type wireReader struct {
	r    io.Reader
	n    int64
	left int64
	over bool
	err  error
}

func (w *wireReader) Read(p []byte) (int, error) {
	if w.left <= 0 {
		var one [1]byte
		if n, _ := w.r.Read(one[:]); n > 0 {
			w.over = true
			return 0, errors.New("request body over the payload limit")
		}
		return 0, io.EOF
	}
	if int64(len(p)) > w.left {
		p = p[:w.left]
	}
	n, err := w.r.Read(p)
	w.left -= int64(n)
	w.n += int64(n)
	if err != nil && !errors.Is(err, io.EOF) {
		w.err = err
	}
	return n, err
}

// fault classifies a failure while decoding: the client's read error, the
// payload limit, else a body that is not valid coding data (415).
func (w *wireReader) fault(coding string, err error, limit int64) error {
	switch {
	case w.err != nil:
		return &pipeline.ErrClientBody{Err: w.err}
	case w.over:
		return fault.ContentLengthExceeded(fmt.Errorf("the compressed request body exceeds %d bytes", limit))
	}
	return fault.Reject(fault.UnsupportedMediaType, fmt.Errorf("the request body is not valid %s data: %w", coding, err))
}
