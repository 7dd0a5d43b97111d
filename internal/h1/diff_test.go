package h1

import (
	"bytes"
	"io"
	"log"
	"net"
	"net/http"
	"regexp"
	"strconv"
	"strings"
	"testing"
	"time"
)

// handlers are what the differential cases call, by path.
func handlers() http.Handler {
	mux := http.NewServeMux()
	mux.HandleFunc("/small", func(w http.ResponseWriter, r *http.Request) { io.WriteString(w, "hello") })
	mux.HandleFunc("/html", func(w http.ResponseWriter, r *http.Request) { io.WriteString(w, "<html><body>x</body></html>") })
	mux.HandleFunc("/json", func(w http.ResponseWriter, r *http.Request) {
		w.Header().Set("Content-Type", "application/json")
		w.Header().Set("Content-Length", "11")
		w.Header()["x-amzn-RequestId"] = []string{"abc"}
		w.WriteHeader(201)
		io.WriteString(w, `{"ok":true}`)
	})
	mux.HandleFunc("/big", func(w http.ResponseWriter, r *http.Request) {
		for _, n := range []int{1000, 1000, 3000, 10, 2100} {
			w.Write(bytes.Repeat([]byte{'a' + byte(n%26)}, n))
		}
	})
	mux.HandleFunc("/bigstring", func(w http.ResponseWriter, r *http.Request) {
		io.WriteString(w, strings.Repeat("s", 5000))
		io.WriteString(w, "tail")
	})
	mux.HandleFunc("/flush", func(w http.ResponseWriter, r *http.Request) {
		io.WriteString(w, "a")
		w.(http.Flusher).Flush()
		io.WriteString(w, "b")
	})
	mux.HandleFunc("/flushonly", func(w http.ResponseWriter, r *http.Request) {
		w.Header().Set("X-A", "1")
		w.(http.Flusher).Flush()
	})
	mux.HandleFunc("/nocontent", func(w http.ResponseWriter, r *http.Request) {
		w.Header().Set("Content-Length", "5")
		w.Header().Set("Content-Type", "text/plain")
		w.WriteHeader(204)
		_, err := io.WriteString(w, "nope!")
		w.Header().Set("X-Err", strconv.Quote(err.Error())) // not sent: after WriteHeader
	})
	mux.HandleFunc("/notmodified", func(w http.ResponseWriter, r *http.Request) {
		w.Header().Set("Content-Length", "5")
		w.Header().Set("Content-Type", "text/plain")
		w.Header().Set("ETag", `"x"`)
		w.WriteHeader(304)
	})
	mux.HandleFunc("/echo", func(w http.ResponseWriter, r *http.Request) {
		b, err := io.ReadAll(r.Body)
		w.Header().Set("X-Read", strconv.Itoa(len(b)))
		if err != nil {
			w.Header().Set("X-Err", err.Error())
		}
		w.Write(b)
	})
	mux.HandleFunc("/ignore", func(w http.ResponseWriter, r *http.Request) { io.WriteString(w, "ignored the body") })
	mux.HandleFunc("/closebody", func(w http.ResponseWriter, r *http.Request) {
		r.Body.Close()
		io.WriteString(w, "closed the body")
	})
	mux.HandleFunc("/short", func(w http.ResponseWriter, r *http.Request) {
		w.Header().Set("Content-Length", "10")
		io.WriteString(w, "12345")
	})
	mux.HandleFunc("/long", func(w http.ResponseWriter, r *http.Request) {
		w.Header().Set("Content-Length", "3")
		_, err := io.WriteString(w, "12345")
		w.Header().Set("X-Err", err.Error())
	})
	mux.HandleFunc("/badlength", func(w http.ResponseWriter, r *http.Request) {
		w.Header().Set("Content-Length", "-3")
		io.WriteString(w, "12345")
	})
	mux.HandleFunc("/newline", func(w http.ResponseWriter, r *http.Request) {
		w.Header()["X-Split"] = []string{"a\r\nInjected: yes", "  padded  "}
		w.Header()["Bad Name"] = []string{"dropped"}
		w.Header()["lower-case"] = []string{"kept as is"}
		io.WriteString(w, "ok")
	})
	mux.HandleFunc("/late", func(w http.ResponseWriter, r *http.Request) {
		w.Header().Set("X-Before", "1")
		w.WriteHeader(200)
		w.Header().Set("X-After", "1")
		w.WriteHeader(500)
		io.WriteString(w, "late")
	})
	mux.HandleFunc("/close", func(w http.ResponseWriter, r *http.Request) {
		w.Header().Set("Connection", "close")
		io.WriteString(w, "bye")
	})
	mux.HandleFunc("/keepalive10", func(w http.ResponseWriter, r *http.Request) {
		w.Header().Set("Content-Length", "2")
		w.Header().Set("Connection", "keep-alive")
		io.WriteString(w, "ka")
	})
	mux.HandleFunc("/status", func(w http.ResponseWriter, r *http.Request) {
		code, _ := strconv.Atoi(r.URL.Query().Get("code"))
		w.WriteHeader(code)
		io.WriteString(w, "status body")
	})
	mux.HandleFunc("/early", func(w http.ResponseWriter, r *http.Request) {
		w.Header().Set("Link", "</x>; rel=preload")
		w.WriteHeader(103)
		w.Header().Del("Link")
		io.WriteString(w, "after early hints")
	})
	mux.HandleFunc("/identity", func(w http.ResponseWriter, r *http.Request) {
		w.Header().Set("Transfer-Encoding", "identity")
		io.WriteString(w, strings.Repeat("i", 3000))
	})
	mux.HandleFunc("/te", func(w http.ResponseWriter, r *http.Request) {
		w.Header().Set("Transfer-Encoding", "chunked")
		io.WriteString(w, "chunked by the handler")
	})
	mux.HandleFunc("/encoded", func(w http.ResponseWriter, r *http.Request) {
		w.Header().Set("Content-Encoding", "gzip")
		io.WriteString(w, "not really gzip")
	})
	mux.HandleFunc("/date", func(w http.ResponseWriter, r *http.Request) {
		w.Header().Set("Date", "Mon, 02 Jan 2006 15:04:05 GMT")
		io.WriteString(w, "dated")
	})
	mux.HandleFunc("/host", func(w http.ResponseWriter, r *http.Request) {
		io.WriteString(w, r.Host+" "+r.RequestURI+" "+r.URL.Path+" "+r.Proto+" "+strconv.FormatInt(r.ContentLength, 10)+" "+strconv.Quote(strings.Join(r.TransferEncoding, ",")))
	})
	mux.HandleFunc("/abort", func(w http.ResponseWriter, r *http.Request) {
		io.WriteString(w, strings.Repeat("z", 3000))
		w.(http.Flusher).Flush()
		panic(http.ErrAbortHandler)
	})
	return mux
}

// diffCase is raw bytes sent on one connection (then half-closed).
type diffCase struct {
	name, raw string
}

func diffCases() []diffCase {
	get := func(path string) string { return "GET " + path + " HTTP/1.1\r\nHost: example.com\r\n\r\n" }
	post := func(path, body string) string {
		return "POST " + path + " HTTP/1.1\r\nHost: example.com\r\nContent-Length: " + strconv.Itoa(len(body)) + "\r\n\r\n" + body
	}
	cs := []diffCase{
		{"small", get("/small")},
		{"html sniffed", get("/html")},
		{"json", get("/json")},
		{"big chunked", get("/big")},
		{"big string", get("/bigstring")},
		{"flush", get("/flush")},
		{"flush only", get("/flushonly")},
		{"head small", "HEAD /small HTTP/1.1\r\nHost: x\r\n\r\n"},
		{"head big", "HEAD /big HTTP/1.1\r\nHost: x\r\n\r\n"},
		{"head json", "HEAD /json HTTP/1.1\r\nHost: x\r\n\r\n"},
		{"204", get("/nocontent")},
		{"304", get("/notmodified")},
		{"echo", post("/echo", "hello body")},
		{"echo then get", post("/echo", "abc") + get("/small")},
		{"ignored body then get", post("/ignore", strings.Repeat("b", 1000)) + get("/small")},
		{"ignored large body", post("/ignore", strings.Repeat("L", 300<<10)) + get("/small")},
		{"closed body then get", post("/closebody", strings.Repeat("c", 1000)) + get("/small")},
		{"closed large body", post("/closebody", strings.Repeat("C", 300<<10)) + get("/small")},
		{"chunked body", "POST /echo HTTP/1.1\r\nHost: x\r\nTransfer-Encoding: chunked\r\n\r\n5\r\nhello\r\n6\r\n world\r\n0\r\n\r\n" + get("/small")},
		{"chunked body ignored", "POST /ignore HTTP/1.1\r\nHost: x\r\nTransfer-Encoding: chunked\r\n\r\n5\r\nhello\r\n0\r\n\r\n" + get("/small")},
		{"bad chunked body", "POST /echo HTTP/1.1\r\nHost: x\r\nTransfer-Encoding: chunked\r\n\r\nzz\r\nhello\r\n0\r\n\r\n"},
		{"stray CRLF after POST", post("/echo", "abc") + "\r\n" + get("/small")},
		{"expect continue read", "POST /echo HTTP/1.1\r\nHost: x\r\nExpect: 100-continue\r\nContent-Length: 3\r\n\r\nabc" + get("/small")},
		{"expect continue unread", "POST /ignore HTTP/1.1\r\nHost: x\r\nExpect: 100-continue\r\nContent-Length: 3\r\n\r\nabc" + get("/small")},
		{"expect other", "POST /echo HTTP/1.1\r\nHost: x\r\nExpect: 200-ok\r\nContent-Length: 3\r\n\r\nabc"},
		{"http/1.0", "GET /small HTTP/1.0\r\n\r\n"},
		{"http/1.0 keep-alive cl", "GET /json HTTP/1.0\r\nConnection: keep-alive\r\n\r\n" + get("/small")},
		{"http/1.0 keep-alive no cl", "GET /big HTTP/1.0\r\nConnection: Keep-Alive\r\n\r\n" + get("/small")},
		{"http/1.0 keep-alive handler", "GET /keepalive10 HTTP/1.0\r\nConnection: keep-alive\r\n\r\n" + get("/small")},
		{"connection close", "GET /small HTTP/1.1\r\nHost: x\r\nConnection: close\r\n\r\n" + get("/small")},
		{"connection close token", "GET /small HTTP/1.1\r\nHost: x\r\nConnection: foo, Close\r\n\r\n" + get("/small")},
		{"handler close", get("/close") + get("/small")},
		{"pipelined", get("/small") + get("/json") + get("/big")},
		{"short body", get("/short") + get("/small")},
		{"long body", get("/long")},
		{"bad content-length", get("/badlength")},
		{"header values", get("/newline")},
		{"late header", get("/late")},
		{"status 418", get("/status?code=418")},
		{"status 299", get("/status?code=299")},
		{"status 999", get("/status?code=999")},
		{"early hints", get("/early")},
		{"identity", get("/identity")},
		{"handler chunked", get("/te")},
		{"encoded", get("/encoded")},
		{"dated", get("/date")},
		{"host", get("/host")},
		{"absolute uri", "GET http://other.example/host?q=1 HTTP/1.1\r\nHost: example.com\r\n\r\n"},
		{"absolute uri no host", "GET http://other.example/host HTTP/1.1\r\n\r\n"},
		{"missing host", "GET /small HTTP/1.1\r\n\r\n"},
		{"empty host", "GET /host HTTP/1.1\r\nHost:\r\n\r\n"},
		{"two hosts", "GET /small HTTP/1.1\r\nHost: a\r\nHost: b\r\n\r\n"},
		{"bad host", "GET /small HTTP/1.1\r\nHost: a b\r\n\r\n"},
		{"bad header value", "GET /small HTTP/1.1\r\nHost: a\r\nX-A: a\x01b\r\n\r\n"},
		{"bad header name", "GET /small HTTP/1.1\r\nHost: a\r\nX A: b\r\n\r\n"},
		{"folded header", "GET /small HTTP/1.1\r\nHost: a\r\nX-A: b\r\n c\r\n\r\n"},
		{"lf only", "GET /small HTTP/1.1\nHost: a\n\n"},
		{"huge header", "GET /small HTTP/1.1\r\nHost: a\r\nX-Big: " + strings.Repeat("h", 6000) + "\r\n\r\n"},
		{"gzip te", "POST /echo HTTP/1.1\r\nHost: a\r\nTransfer-Encoding: gzip\r\n\r\n"},
		{"two te", "POST /echo HTTP/1.1\r\nHost: a\r\nTransfer-Encoding: chunked\r\nTransfer-Encoding: chunked\r\n\r\n"},
		{"te and cl", "POST /echo HTTP/1.1\r\nHost: a\r\nTransfer-Encoding: chunked\r\nContent-Length: 3\r\n\r\n3\r\nabc\r\n0\r\n\r\n"},
		{"two cl", "POST /echo HTTP/1.1\r\nHost: a\r\nContent-Length: 3\r\nContent-Length: 4\r\n\r\nabcd"},
		{"negative cl", "POST /echo HTTP/1.1\r\nHost: a\r\nContent-Length: -1\r\n\r\n"},
		{"http/2.0", "GET /small HTTP/2.0\r\nHost: a\r\n\r\n"},
		{"http/1.2", "GET /host HTTP/1.2\r\nHost: a\r\n\r\n"},
		{"garbage", "HELLO\r\n\r\n"},
		{"bad method", "G(T /small HTTP/1.1\r\nHost: a\r\n\r\n"},
		{"bad uri", "GET small HTTP/1.1\r\nHost: a\r\n\r\n"},
		{"options star", "OPTIONS * HTTP/1.1\r\nHost: a\r\n\r\n"},
		{"connect", "CONNECT example.com:443 HTTP/1.1\r\n\r\n"},
		{"truncated", "GET /small HTTP/1.1\r\nHost: a\r\n"},
		{"truncated body", "POST /echo HTTP/1.1\r\nHost: a\r\nContent-Length: 10\r\n\r\nabc"},
		{"nothing", ""},
		{"abort", get("/abort")},
	}
	return cs
}

var dateLine = regexp.MustCompile(`(?m)^Date: [^\r\n]*\r$`)

// exchange sends raw on a new connection to addr, half-closes it and
// returns everything the server sent until it closed.
func exchange(t *testing.T, addr, raw string) string {
	t.Helper()
	c, err := net.Dial("tcp", addr)
	if err != nil {
		t.Fatal(err)
	}
	defer c.Close()
	// A hang guard, not a timing assertion: a server that never closes
	// fails the comparison instead of the test binary timing out.
	c.SetDeadline(time.Now().Add(10 * time.Second))
	errc := make(chan error, 1)
	go func() {
		_, err := io.WriteString(c, raw)
		if err == nil {
			err = c.(*net.TCPConn).CloseWrite()
		}
		errc <- err
	}()
	got, _ := io.ReadAll(c)
	<-errc // a write refused because the server closed early is part of the case
	return dateLine.ReplaceAllString(string(got), "Date: <now>\r")
}

func startBoth(t *testing.T, h http.Handler) (std, own string) {
	t.Helper()
	quiet := log.New(io.Discard, "", 0)
	ls, err := net.Listen("tcp", "127.0.0.1:0")
	if err != nil {
		t.Fatal(err)
	}
	lo, err := net.Listen("tcp", "127.0.0.1:0")
	if err != nil {
		t.Fatal(err)
	}
	ss := &http.Server{Handler: h, MaxHeaderBytes: 1024, ErrorLog: quiet}
	os := &Server{Handler: h, MaxHeaderBytes: 1024, ErrorLog: quiet}
	go ss.Serve(ls)
	go os.Serve(lo)
	t.Cleanup(func() { ss.Close(); os.Close() })
	return ls.Addr().String(), lo.Addr().String()
}

// TestSameBytesAsNetHTTP sends each raw request to net/http's server and
// to this one and requires the same bytes back (Date aside).
func TestSameBytesAsNetHTTP(t *testing.T) {
	std, own := startBoth(t, handlers())
	for _, tc := range diffCases() {
		t.Run(tc.name, func(t *testing.T) {
			t.Parallel()
			want := exchange(t, std, tc.raw)
			got := exchange(t, own, tc.raw)
			if got != want {
				t.Errorf("request %q\nnet/http answered:\n%s\nh1 answered:\n%s", clip(tc.raw), clip(want), clip(got))
			}
		})
	}
}

func clip(s string) string {
	if len(s) > 1500 {
		return s[:700] + "\n[… " + strconv.Itoa(len(s)-1400) + " bytes …]\n" + s[len(s)-700:]
	}
	return s
}
