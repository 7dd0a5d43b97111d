package config

import (
	"crypto/tls"
	"crypto/x509"
	"errors"
	"os"
	"regexp"
	"strconv"
	"strings"
	"sync"

	"go.yaml.in/yaml/v4"
)

// Listener is the data-plane listener as written under listen: either the
// address alone ("0.0.0.0:8443") or a mapping {address, tls, http2}.
type Listener struct {
	// Address is host:port; empty keeps the default 127.0.0.1:8080.
	Address string `yaml:"address"`
	// TLS serves the data plane over TLS; nil serves plain HTTP.
	TLS *TLS `yaml:"tls"`
	// HTTP2 chooses HTTP/2.
	HTTP2 HTTP2 `yaml:"http2"`
}

// UnmarshalYAML accepts an address or the mapping.
func (l *Listener) UnmarshalYAML(n *yaml.Node) error {
	if n.Kind == yaml.ScalarNode {
		l.Address = n.Value
		return nil
	}
	type plain Listener
	var p plain
	if err := n.Load(&p, yaml.WithKnownFields(), yaml.WithUniqueKeys(true)); err != nil {
		return err
	}
	*l = Listener(p)
	return nil
}

// TLS is the data plane's TLS: a default certificate (certFile and
// keyFile), a directory of certificates chosen by SNI, or both; the
// certificates of domains join them. Every file is read again when it
// changes, without dropping connections.
type TLS struct {
	// CertFile and KeyFile are a PEM certificate chain and its key.
	CertFile string `yaml:"certFile"`
	KeyFile  string `yaml:"keyFile"`
	// CertDir holds pairs NAME.crt (or NAME.pem) and NAME.key; each
	// certificate serves the names it is valid for (SNI).
	CertDir string `yaml:"certDir"`
	// Truststore is a PEM file of CA certificates: when set, mutual TLS is
	// required, as on an API Gateway custom domain with a truststore; a
	// client without a certificate those CAs signed is refused at the
	// handshake.
	Truststore string `yaml:"truststore"`
}

// HTTP2 is the listener's HTTP/2: over TLS it is negotiated by ALPN unless
// enabled is false; without TLS it is served only with h2c (prior
// knowledge, no Upgrade).
type HTTP2 struct {
	Enabled *bool `yaml:"enabled"`
	H2C     bool  `yaml:"h2c"`
}

// On reports whether HTTP/2 is offered over TLS (the default).
func (h HTTP2) On() bool { return h.Enabled == nil || *h.Enabled }

// CertPair is a certificate chain file and its key file (PEM).
type CertPair struct {
	CertFile string `yaml:"certFile"`
	KeyFile  string `yaml:"keyFile"`
}

// Domain is a custom domain name: requests whose Host is Name reach the
// API stages of its mappings, by base path, without a stage prefix.
type Domain struct {
	// Name is the host name, lower case; "*.example.com" matches one label.
	Name string `yaml:"name"`
	// Certificate serves Name over TLS (chosen by SNI); optional when the
	// listener's certificates cover it.
	Certificate *CertPair `yaml:"certificate"`
	// Mappings are the base path mappings; the longest matching base path
	// wins, "(none)" (or empty) maps the rest.
	Mappings []Mapping `yaml:"mappings"`
}

// Mapping is one base path mapping (API mapping).
type Mapping struct {
	// BasePath is "(none)"/empty or segments such as "v1" or "v1/orders".
	BasePath string `yaml:"basePath"`
	// API is the API id (REST or HTTP API).
	API string `yaml:"api"`
	// Stage is the stage name ("$default" for an HTTP API's default stage).
	Stage string `yaml:"stage"`
}

// NoBasePath is how AWS writes the empty base path.
const NoBasePath = "(none)"

// Path returns the base path without "(none)" and surrounding slashes.
func (m Mapping) Path() string {
	if m.BasePath == NoBasePath {
		return ""
	}
	return strings.Trim(m.BasePath, "/")
}

var (
	domainNameRe = sync.OnceValue(func() *regexp.Regexp {
		return regexp.MustCompile(`^(\*\.)?([a-z0-9]([a-z0-9-]{0,61}[a-z0-9])?\.)+[a-z0-9]([a-z0-9-]{0,61}[a-z0-9])?$`)
	})
	basePathRe = sync.OnceValue(func() *regexp.Regexp { return regexp.MustCompile(`^[A-Za-z0-9._~-]+(/[A-Za-z0-9._~-]+)*$`) })
)

// ValidDomainName reports whether name is a lower-case domain name (a
// leading "*." is allowed), as the settings' domains need.
func ValidDomainName(name string) bool { return domainNameRe().MatchString(name) }

// ValidBasePath reports whether p (without "(none)" and surrounding
// slashes) is a base path the settings accept: "" or segments of letters,
// digits, '.', '_', '~' and '-'.
func ValidBasePath(p string) bool { return p == "" || basePathRe().MatchString(p) }

// servingPaths resolves the certificate files against the settings' directory.
func (f *File) servingPaths(abs func(string) string) {
	if t := f.Serve.TLS; t != nil {
		t.CertFile, t.KeyFile, t.CertDir, t.Truststore = abs(t.CertFile), abs(t.KeyFile), abs(t.CertDir), abs(t.Truststore)
	}
	for i := range f.Domains {
		if c := f.Domains[i].Certificate; c != nil {
			c.CertFile, c.KeyFile = abs(c.CertFile), abs(c.KeyFile)
		}
	}
}

// serving checks listen's TLS and HTTP/2 and the custom domains.
func (v *validator) serving(f *File) {
	t := f.Serve.TLS
	if f.Serve.HTTP2.H2C {
		v.check("/listen/http2/h2c", t == nil, "h2c is HTTP/2 without TLS; with listen.tls, HTTP/2 is negotiated by ALPN")
	}
	if t != nil {
		domainCerts := false
		for _, d := range f.Domains {
			domainCerts = domainCerts || d.Certificate != nil
		}
		v.check("/listen/tls", t.CertFile != "" || t.CertDir != "" || domainCerts, "tls needs a certificate: certFile and keyFile, certDir, or a domain's certificate")
		if (t.CertFile == "") != (t.KeyFile == "") {
			v.check("/listen/tls", false, "certFile and keyFile go together")
		} else if t.CertFile != "" {
			v.keyPair("/listen/tls", t.CertFile, t.KeyFile)
		}
		if t.CertDir != "" {
			st, err := os.Stat(t.CertDir)
			v.check("/listen/tls/certDir", err == nil && st.IsDir(), "cannot read the directory %s", t.CertDir)
		}
		if t.Truststore != "" {
			data, err := os.ReadFile(t.Truststore)
			if v.check("/listen/tls/truststore", err == nil, "cannot read the truststore %s", t.Truststore) {
				v.check("/listen/tls/truststore", x509.NewCertPool().AppendCertsFromPEM(data), "%s holds no PEM certificate", t.Truststore)
			}
		}
	}
	names := map[string]bool{}
	for i, d := range f.Domains {
		p := "/domains/" + strconv.Itoa(i)
		v.check(p+"/name", domainNameRe().MatchString(d.Name), "%q is not a lower-case domain name (a leading \"*.\" is allowed)", d.Name)
		v.check(p+"/name", !names[d.Name], "duplicate domain %q", d.Name)
		names[d.Name] = true
		if c := d.Certificate; c != nil {
			if v.check(p+"/certificate", t != nil, "a domain certificate needs listen.tls") &&
				v.check(p+"/certificate", c.CertFile != "" && c.KeyFile != "", "certFile and keyFile are required") {
				v.keyPair(p+"/certificate", c.CertFile, c.KeyFile)
			}
		}
		v.check(p+"/mappings", len(d.Mappings) > 0, "at least one mapping is required")
		paths := map[string]bool{}
		for j, m := range d.Mappings {
			mp := p + "/mappings/" + strconv.Itoa(j)
			bp := m.Path()
			v.check(mp+"/basePath", bp == "" || basePathRe().MatchString(bp), "%q is not a base path (segments of letters, digits, '.', '_', '~' and '-', or \"(none)\")", m.BasePath)
			v.check(mp+"/basePath", !paths[bp], "duplicate base path %q", m.BasePath)
			paths[bp] = true
			v.check(mp+"/api", m.API != "", "api is required")
			v.check(mp+"/stage", m.Stage != "", "stage is required")
		}
	}
}

// keyPair checks that a certificate and key load and match.
func (v *validator) keyPair(ptr, certFile, keyFile string) {
	_, err := tls.LoadX509KeyPair(certFile, keyFile)
	v.check(ptr, err == nil, "cannot load the certificate %s with the key %s: %v", certFile, keyFile, keyPairReason(err))
}

// keyPairReason shortens crypto/tls's errors (they never hold key bytes).
func keyPairReason(err error) string {
	if err == nil {
		return ""
	}
	if pe, ok := errors.AsType[*os.PathError](err); ok {
		return pe.Op + " " + pe.Path + ": " + pe.Err.Error()
	}
	return strings.TrimPrefix(err.Error(), "tls: ")
}
