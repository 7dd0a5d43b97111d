// Command bareproxy is the benchmark baseline: a bare httputil.ReverseProxy
// with the same transport tuning Portico uses, and nothing else.
package main

import (
	"flag"
	"io"
	"log"
	"net"
	"net/http"
	"net/http/httputil"
	"net/url"
	"time"
)

func main() {
	addr := flag.String("listen", "127.0.0.1:9102", "address")
	target := flag.String("target", "http://127.0.0.1:9101", "upstream")
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
	srv := &http.Server{Addr: *addr, Handler: p, ReadHeaderTimeout: 5 * time.Second}
	log.Fatal(srv.ListenAndServe())
}
