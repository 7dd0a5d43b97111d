package h1

import (
	"bufio"
	"io"
	"log"
	"net"
	"net/http"
	"strconv"
	"testing"
)

// BenchmarkServer compares net/http's server with this one on the same
// handler and the same keep-alive client (one request at a time per
// connection, GOMAXPROCS connections in parallel): the time and
// allocations are the whole exchange's, client included.
func BenchmarkServer(b *testing.B) {
	body := []byte(`{"id":1,"name":"rex","tag":"dog"}`)
	h := http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		w.Header().Set("Content-Type", "application/json")
		w.Header().Set("Content-Length", strconv.Itoa(len(body)))
		w.WriteHeader(200)
		w.Write(body)
	})
	quiet := log.New(io.Discard, "", 0)
	for _, name := range []string{"NetHTTP", "H1"} {
		b.Run(name, func(b *testing.B) {
			l, err := net.Listen("tcp", "127.0.0.1:0")
			if err != nil {
				b.Fatal(err)
			}
			if name == "NetHTTP" {
				s := &http.Server{Handler: h, ErrorLog: quiet}
				go s.Serve(l)
				defer s.Close()
			} else {
				s := &Server{Handler: h, ErrorLog: quiet}
				go s.Serve(l)
				defer s.Close()
			}
			req := []byte("GET /pets/1 HTTP/1.1\r\nHost: bench\r\nUser-Agent: bench\r\nAccept: */*\r\n\r\n")
			b.ReportAllocs()
			b.ResetTimer()
			b.RunParallel(func(pb *testing.PB) {
				c, err := net.Dial("tcp", l.Addr().String())
				if err != nil {
					b.Error(err)
					return
				}
				defer c.Close()
				br := bufio.NewReader(c)
				for pb.Next() {
					if _, err := c.Write(req); err != nil {
						b.Error(err)
						return
					}
					res, err := http.ReadResponse(br, nil)
					if err != nil {
						b.Error(err)
						return
					}
					if _, err := io.Copy(io.Discard, res.Body); err != nil || res.StatusCode != 200 {
						b.Errorf("answer %d, %v", res.StatusCode, err)
						return
					}
					res.Body.Close()
				}
			})
		})
	}
}
