// Command upstream is the benchmark back end: it reads and discards any
// request body, then answers with a small fixed JSON body, as fast as
// net/http allows.
package main

import (
	"flag"
	"io"
	"log"
	"net/http"
	"time"
)

func main() {
	addr := flag.String("listen", "127.0.0.1:9101", "address")
	flag.Parse()
	body := []byte(`{"id":1,"type":"dog","price":249.99}`)
	h := http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		// Read the whole body so a proxy streaming a large one is measured
		// to the end (net/http would otherwise close the connection).
		if _, err := io.Copy(io.Discard, r.Body); err != nil {
			http.Error(w, "reading the body: "+err.Error(), http.StatusBadRequest)
			return
		}
		w.Header().Set("Content-Type", "application/json")
		_, _ = w.Write(body)
	})
	srv := &http.Server{Addr: *addr, Handler: h, ReadHeaderTimeout: 5 * time.Second}
	log.Fatal(srv.ListenAndServe())
}
