package dashboard

import (
	"embed"
	"encoding/json"
	"fmt"
	"io/fs"
	"net/http"
	"strconv"
	"time"
)

//go:embed static
var static embed.FS

// Handler serves the page at / (and its assets under /static/) and the
// endpoints under /portico/. Mount it on the admin listener.
func (b *Board) Handler() http.Handler {
	mux := http.NewServeMux()
	assets, _ := fs.Sub(static, "static")
	mux.Handle("GET /static/", http.StripPrefix("/static/", http.FileServerFS(assets)))
	mux.HandleFunc("GET /{$}", func(w http.ResponseWriter, r *http.Request) {
		w.Header().Set("Content-Security-Policy", "default-src 'self'; style-src 'self' 'unsafe-inline'; img-src 'self' data:")
		w.Header().Set("X-Frame-Options", "DENY")
		http.ServeFileFS(w, r, assets, "index.html")
	})
	mux.HandleFunc("GET /portico/apis", func(w http.ResponseWriter, r *http.Request) {
		writeJSON(w, http.StatusOK, map[string]any{"apis": *b.apis.Load()})
	})
	mux.HandleFunc("GET /portico/traffic", func(w http.ResponseWriter, r *http.Request) {
		q := r.URL.Query()
		writeJSON(w, http.StatusOK, b.traffic.snapshot(TrafficFilter{API: q.Get("api"), Stage: q.Get("stage"), Route: q.Get("route")}, b.now()))
	})
	mux.HandleFunc("GET /portico/tail", b.serveTail)
	mux.HandleFunc("GET /portico/requests/{id}/log", func(w http.ResponseWriter, r *http.Request) {
		lines, ok := b.exec.lines(r.PathValue("id"))
		if lines == nil {
			lines = []ExecLine{}
		}
		writeJSON(w, http.StatusOK, map[string]any{"requestId": r.PathValue("id"), "kept": ok, "lines": lines})
	})
	mux.HandleFunc("GET /portico/keys", func(w http.ResponseWriter, r *http.Request) {
		keys, err := b.src.Keys(r.Context())
		if err != nil {
			writeJSON(w, http.StatusInternalServerError, map[string]any{"message": err.Error()})
			return
		}
		writeJSON(w, http.StatusOK, map[string]any{"keys": keys})
	})
	mux.HandleFunc("GET /portico/functions", func(w http.ResponseWriter, r *http.Request) {
		writeJSON(w, http.StatusOK, map[string]any{"functions": b.src.Functions()})
	})
	mux.HandleFunc("POST /portico/try", b.serveTry)
	return mux
}

func writeJSON(w http.ResponseWriter, status int, v any) {
	w.Header().Set("Content-Type", "application/json")
	w.Header().Set("Cache-Control", "no-store")
	w.WriteHeader(status)
	_ = json.NewEncoder(w).Encode(v)
}

// serveTail streams the tail as server-sent events: first the kept
// requests that match the filter (at most ?last=N, default 100), then
// every new one. Each event is one TailEntry as JSON.
func (b *Board) serveTail(w http.ResponseWriter, r *http.Request) {
	q := r.URL.Query()
	f := TailFilter{API: q.Get("api"), Class: q.Get("class"), Route: q.Get("route")}
	if f.Class != "" && (len(f.Class) != 3 || f.Class[0] < '1' || f.Class[0] > '5' || f.Class[1:] != "xx") {
		writeJSON(w, http.StatusBadRequest, map[string]any{"message": "class must be 1xx, 2xx, 3xx, 4xx or 5xx"})
		return
	}
	last := 100
	if s := q.Get("last"); s != "" {
		n, err := strconv.Atoi(s)
		if err != nil || n < 0 || n > tailSize {
			writeJSON(w, http.StatusBadRequest, map[string]any{"message": fmt.Sprintf("last must be a number from 0 to %d", tailSize)})
			return
		}
		last = n
	}
	fl, ok := w.(http.Flusher)
	if !ok {
		writeJSON(w, http.StatusInternalServerError, map[string]any{"message": "streaming unsupported"})
		return
	}
	sub := b.tail.subscribe()
	defer b.tail.unsubscribe(sub)
	h := w.Header()
	h.Set("Content-Type", "text/event-stream")
	h.Set("Cache-Control", "no-store")
	h.Set("X-Accel-Buffering", "no")
	w.WriteHeader(http.StatusOK)
	var sent uint64
	var backlog []*tailRec
	for _, e := range b.tail.recent() {
		if f.match(e) {
			backlog = append(backlog, e)
		}
	}
	if len(backlog) > last {
		backlog = backlog[len(backlog)-last:]
	}
	send := func(r *tailRec) error {
		if r.seq <= sent {
			return nil // already sent from the backlog
		}
		sent = r.seq
		e := r.entry()
		data, _ := json.Marshal(e)
		_, err := fmt.Fprintf(w, "id: %d\ndata: %s\n\n", e.Seq, data)
		return err
	}
	for _, e := range backlog {
		if send(e) != nil {
			return
		}
	}
	fmt.Fprint(w, ": ready\n\n")
	fl.Flush()
	ping := time.NewTicker(15 * time.Second)
	defer ping.Stop()
	for {
		select {
		case <-r.Context().Done():
			return
		case <-ping.C:
			if _, err := fmt.Fprint(w, ": ping\n\n"); err != nil {
				return
			}
			fl.Flush()
		case e := <-sub.ch:
			if !f.match(e) {
				continue
			}
			if send(e) != nil {
				return
			}
			fl.Flush()
		}
	}
}
