package app

import (
	"fmt"
	"net"
	"net/http"
	"reflect"

	"github.com/portico-gw/portico/internal/config"
	"github.com/portico-gw/portico/internal/deploy"
	"github.com/portico-gw/portico/internal/httpserver"
	"github.com/portico-gw/portico/internal/pipeline"
	"github.com/portico-gw/portico/internal/tlsedge"
	"github.com/portico-gw/portico/internal/wirenames"
)

// openCerts reads the data plane's certificates: listen.tls's pair, its
// directory and the domains' pairs; nil without listen.tls.
func openCerts(cfg *config.File) (*tlsedge.Store, error) {
	t := cfg.Serve.TLS
	if t == nil {
		return nil, nil
	}
	src := tlsedge.Source{Dir: t.CertDir, Truststore: t.Truststore, NextProtos: []string{"http/1.1"}}
	if cfg.Serve.HTTP2.On() {
		src.NextProtos = []string{"h2", "http/1.1"}
	}
	if t.CertFile != "" {
		src.Pairs = append(src.Pairs, tlsedge.Pair{CertFile: t.CertFile, KeyFile: t.KeyFile})
	}
	for _, d := range cfg.Domains {
		if c := d.Certificate; c != nil {
			src.Pairs = append(src.Pairs, tlsedge.Pair{CertFile: c.CertFile, KeyFile: c.KeyFile})
		}
	}
	s, err := tlsedge.New(src)
	if err != nil {
		return nil, fmt.Errorf("listen.tls: %w", err)
	}
	return s, nil
}

// dataListener puts TLS (when configured) under the wirenames recorder,
// so that header names are recovered from the plaintext.
func (g *Gateway) dataListener(l net.Listener) net.Listener {
	if g.certs != nil {
		l = tlsedge.Listener(l, g.certs.Config())
	}
	return wirenames.Listener(l)
}

// protocols are the data plane's: HTTP/1.1, and HTTP/2 over TLS (ALPN;
// net/http serves it on its prior-knowledge path, as TLS happens under the
// wirenames recorder) or, with http2.h2c, HTTP/2 without TLS.
func protocols(cfg *config.File) *http.Protocols {
	p := new(http.Protocols)
	p.SetHTTP1(true)
	if (cfg.Serve.TLS != nil && cfg.Serve.HTTP2.On()) || cfg.Serve.HTTP2.H2C {
		p.SetUnencryptedHTTP2(true)
	}
	return p
}

// clientCert is the edge's view of the mutual-TLS client certificate.
func clientCert(r *http.Request) *pipeline.ClientCert {
	if c := tlsedge.PeerCertificate(r.Context()); c != nil {
		return tlsedge.Describe(c)
	}
	return nil
}

// reloadCerts swaps in changed certificates (or all of them on SIGHUP).
func (g *Gateway) reloadCerts(force bool) {
	if g.certs == nil || (!force && !g.certs.Changed()) {
		return
	}
	if err := g.certs.Reload(); err != nil {
		g.log.Error("certificate reload failed; the previous certificates keep serving", "error", err)
		return
	}
	g.log.Info("certificates reloaded", "names", g.certs.Names())
}

// sameServing reports whether the TLS, HTTP/2 and certificate settings are
// unchanged (they take effect on restart; the files' contents reload).
func sameServing(a, b *config.File) bool {
	certs := func(f *config.File) []*config.CertPair {
		var out []*config.CertPair
		for _, d := range f.Domains {
			if d.Certificate != nil { // a domain without one needs no restart
				out = append(out, d.Certificate)
			}
		}
		return out
	}
	return reflect.DeepEqual(a.Serve, b.Serve) && reflect.DeepEqual(certs(a), certs(b))
}

// domains is the custom domain table: the settings' domains (with the
// templates'), then those created through the management API (a settings
// domain of the same name wins). A mapping to an API or stage the snapshot
// lacks is logged (it answers as an unmapped path until the management API
// deploys it).
func (g *Gateway) domains(cfg *config.File, snap *deploy.Snapshot) *httpserver.Domains {
	ds := make([]httpserver.Domain, 0, len(cfg.Domains))
	names := map[string]bool{}
	add := func(name string, mappings []config.Mapping) {
		hd := httpserver.Domain{Name: name}
		for _, m := range mappings {
			hd.Mappings = append(hd.Mappings, httpserver.Mapping{BasePath: m.Path(), API: m.API, Stage: m.Stage})
			api, ok := snap.API(m.API)
			if ok {
				_, ok = api.Stage(m.Stage)
			}
			if !ok {
				g.log.Warn("a base path mapping names an API stage that is not deployed; its requests answer as unmapped",
					"domain", name, "basePath", m.BasePath, "api", m.API, "stage", m.Stage)
			}
		}
		names[name] = true
		ds = append(ds, hd)
	}
	for _, d := range cfg.Domains {
		add(d.Name, d.Mappings)
	}
	for _, d := range g.mgmt.Domains() {
		if names[d.Name] {
			g.log.Warn("a domain name created through the management API is also in the settings; the settings' domain is served", "domain", d.Name)
			continue
		}
		ms := make([]config.Mapping, 0, len(d.Mappings))
		for _, m := range d.Mappings {
			ms = append(ms, config.Mapping{BasePath: m.BasePath, API: m.RestAPIID, Stage: m.Stage})
		}
		add(d.Name, ms)
	}
	return httpserver.NewDomains(ds)
}
