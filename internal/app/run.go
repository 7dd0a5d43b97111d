package app

import (
	"context"
	"errors"
	"fmt"
	"io"
	"log"
	"net"
	"net/http"
	"os"
	"time"

	"github.com/portico-gw/portico/internal/h1"
	"github.com/portico-gw/portico/internal/httpserver"
	"github.com/portico-gw/portico/internal/tlsedge"
	"github.com/portico-gw/portico/internal/wirenames"
)

// RunOptions configures Run.
type RunOptions struct {
	// Reload receives a value for each SIGHUP.
	Reload <-chan os.Signal
	// Listening is called once both listeners are bound, with their addresses.
	Listening func(data, admin string)
	// WatchInterval is how often config and definition files are checked for
	// changes; 0 means one second, negative disables watching.
	WatchInterval time.Duration
}

// Run serves until ctx is done, then drains in-flight requests within the
// configured shutdown timeout. It starts the data and admin listeners, the
// reload loop and the file watcher; all stop before Run returns.
func (g *Gateway) Run(ctx context.Context, opts RunOptions) error {
	s := g.cfg.Server
	data, dataL := g.DataServer()
	dl, err := net.Listen("tcp", g.cfg.Listen)
	if err != nil {
		return fmt.Errorf("listen %s: %w", g.cfg.Listen, err)
	}
	servers := []Server{data}
	listeners := []net.Listener{dataL(dl)}
	adminAddr := ""
	if g.cfg.Admin.Listen != "off" {
		al, err := net.Listen("tcp", g.cfg.Admin.Listen)
		if err != nil {
			dl.Close()
			return fmt.Errorf("listen %s (admin): %w", g.cfg.Admin.Listen, err)
		}
		adminAddr = al.Addr().String()
		servers = append(servers, &http.Server{Handler: withDashboard(g.AdminHandler(), g.DashboardHandler()), ReadHeaderTimeout: 5 * time.Second})
		listeners = append(listeners, al)
	}
	errc := make(chan error, len(servers))
	for i, srv := range servers {
		go func() {
			if err := srv.Serve(listeners[i]); !errors.Is(err, http.ErrServerClosed) {
				errc <- err
			}
		}()
	}
	g.log.Info("portico serving", "listen", dl.Addr().String(), "admin", adminAddr)
	if opts.Listening != nil {
		opts.Listening(dl.Addr().String(), adminAddr)
	}
	loopCtx, stopLoops := context.WithCancel(ctx)
	loopsDone := make(chan struct{})
	go func() { defer close(loopsDone); g.reloadLoop(loopCtx, opts) }()
	var runErr error
	select {
	case <-ctx.Done():
	case runErr = <-errc:
	}
	stopLoops()
	<-loopsDone
	sctx, cancel := context.WithTimeout(context.Background(), s.ShutdownTimeout.D())
	defer cancel()
	for _, srv := range servers {
		if err := srv.Shutdown(sctx); err != nil {
			g.log.Warn("shutdown did not drain in time; closing connections", "error", err)
			_ = srv.Close()
		}
	}
	g.Close()
	g.log.Info("portico stopped")
	return runErr
}

// Server is what serves a listener: *http.Server or *h1.Server.
type Server interface {
	Serve(net.Listener) error
	Shutdown(context.Context) error
	Close() error
}

// DataServer returns the data-plane server and what to wrap its listener
// in. Plain HTTP/1.1 is served by internal/h1, which reads each header
// block itself (so it knows the names' spelling); TLS and HTTP/2 are
// served by net/http under the wirenames recorder
// (docs/architecture.md#the-http1-server).
func (g *Gateway) DataServer() (Server, func(net.Listener) net.Listener) {
	if g.certs != nil || g.cfg.Serve.HTTP2.H2C || g.cfg.Server.HTTP1 == "net/http" {
		return g.NetHTTPServer()
	}
	s := g.cfg.Server
	return &h1.Server{
		Handler:           g.edge,
		ReadHeaderTimeout: s.ReadHeaderTimeout.D(),
		ReadTimeout:       s.ReadTimeout.D(),
		IdleTimeout:       s.IdleTimeout.D(),
		MaxHeaderBytes:    httpserver.ServerMaxHeaderBytes(s.MaxHeaderBytes),
		ErrorLog:          log.New(io.Discard, "", 0),
	}, func(l net.Listener) net.Listener { return l }
}

// NetHTTPServer is DataServer on net/http whatever server.http1 says.
func (g *Gateway) NetHTTPServer() (Server, func(net.Listener) net.Listener) {
	return g.HTTPServer(), g.dataListener
}

// HTTPServer returns the data-plane server on net/http with the configured
// limits and timeouts (header block size, slow headers and bodies, idle
// connections). Serve it on dataListener's listener (TLS under a wirenames
// recorder) so header names reach functions as the client spelled them.
func (g *Gateway) HTTPServer() *http.Server {
	s := g.cfg.Server
	return &http.Server{
		Handler: wirenames.Handler(g.edge),
		ConnContext: func(ctx context.Context, c net.Conn) context.Context {
			return tlsedge.ConnContext(wirenames.ConnContext(ctx, c), c)
		},
		Protocols:         protocols(g.cfg),
		ReadHeaderTimeout: s.ReadHeaderTimeout.D(),
		ReadTimeout:       s.ReadTimeout.D(),
		IdleTimeout:       s.IdleTimeout.D(),
		MaxHeaderBytes:    httpserver.ServerMaxHeaderBytes(s.MaxHeaderBytes),
		ErrorLog:          log.New(io.Discard, "", 0),
	}
}

// reloadLoop reloads on SIGHUP and when a watched file changes.
func (g *Gateway) reloadLoop(ctx context.Context, opts RunOptions) {
	interval := opts.WatchInterval
	if interval == 0 {
		interval = time.Second
	}
	var tick <-chan time.Time
	if interval > 0 {
		t := time.NewTicker(interval)
		defer t.Stop()
		tick = t.C
	}
	for {
		select {
		case <-ctx.Done():
			return
		case <-opts.Reload:
			g.reload("SIGHUP")
			g.reloadCerts(true)
		case <-tick:
			if g.changed() {
				g.reload("file change")
			}
			g.reloadCerts(false)
		}
	}
}

// changed reports whether a watched file differs from what the last build read.
func (g *Gateway) changed() bool {
	g.mu.Lock()
	last, files := g.stamps, append([]string(nil), g.files...)
	g.mu.Unlock()
	return !sameStamps(last, stampFiles(files))
}

func (g *Gateway) reload(why string) {
	if err := g.Reload(); err != nil {
		g.log.Error("reload failed", "trigger", why, "error", err)
		return
	}
	g.log.Info("reloaded", "trigger", why)
}

type stamp struct {
	mod  time.Time
	size int64
	ok   bool
}

func stampFiles(files []string) map[string]stamp {
	out := make(map[string]stamp, len(files))
	for _, f := range files {
		st, err := os.Stat(f)
		if err != nil {
			out[f] = stamp{}
			continue
		}
		out[f] = stamp{st.ModTime(), st.Size(), true}
	}
	return out
}

func sameStamps(a, b map[string]stamp) bool {
	if len(a) != len(b) {
		return false
	}
	for k, v := range a {
		if b[k] != v {
			return false
		}
	}
	return true
}
