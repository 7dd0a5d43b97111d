// Command bareproxy is the benchmark baseline: a bare httputil.ReverseProxy
// with the same transport tuning Portico uses, and nothing else. With
// --pool it copies bodies through a sync.Pool of 32 KiB buffers (the
// "pooled proxy"), the one tuning httputil leaves to its caller.
package main

import (
	"flag"
	"io"
	"log"
	"net"
	"net/http"
	"net/http/httputil"
	"net/url"
	"sync"
	"time"
)

// bufferPool is an httputil.BufferPool over a sync.Pool of 32 KiB buffers.
type bufferPool struct{ p sync.Pool }

func newBufferPool() *bufferPool {
	return &bufferPool{p: sync.Pool{New: func() any { b := make([]byte, 32<<10); return &b }}}
}

func (b *bufferPool) Get() []byte  { return *b.p.Get().(*[]byte) }
func (b *bufferPool) Put(s []byte) { b.p.Put(&s) }

func main() {
	addr := flag.String("listen", "127.0.0.1:9102", "address")
	target := flag.String("target", "http://127.0.0.1:9101", "upstream")
	pool := flag.Bool("pool", false, "copy bodies through a sync.Pool of 32 KiB buffers")
	flag.Parse()
	u, err := url.Parse(*target)
	if err != nil {
		log.Fatal(err)
	}
	d := &net.Dialer{Timeout: 5 * time.Second, KeepAlive: 30 * time.Second}
	tr := &http.Transport{DialContext: d.DialContext, MaxIdleConns: 4096, MaxIdleConnsPerHost: 512,
		IdleConnTimeout: 90 * time.Second, DisableCompression: true}
	p := &httputil.ReverseProxy{Rewrite: func(r *httputil.ProxyRequest) { r.SetURL(u) }, Transport: tr,
		ErrorLog: log.New(io.Discard, "", 0)}
	if *pool {
		p.BufferPool = newBufferPool()
	}
	srv := &http.Server{Addr: *addr, Handler: p, ReadHeaderTimeout: 5 * time.Second}
	log.Fatal(srv.ListenAndServe())
}
