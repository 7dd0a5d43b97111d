// Package tlsedge is the data plane's TLS: the certificates chosen by SNI
// (a default pair, a directory of pairs, the custom domains' pairs), read
// again when their files change and swapped in atomically, so that new
// handshakes use the new set while open connections carry on; the
// truststore of mutual TLS (a client without a certificate its CAs signed
// is refused at the handshake); and the client certificate as API Gateway
// describes it to $context and Lambda events.
//
// Listener performs TLS under any wrapper the caller adds on top (the
// wirenames recorder must see the plaintext), so net/http does not see a
// *tls.Conn: HTTP/2 negotiated by ALPN is then served by net/http's
// prior-knowledge HTTP/2 path (Server.Protocols' unencrypted HTTP/2, here
// inside TLS), and the connection state is reached through ConnContext.
package tlsedge

import (
	"context"
	"crypto/tls"
	"crypto/x509"
	"crypto/x509/pkix"
	"encoding/pem"
	"errors"
	"fmt"
	"math/big"
	"net"
	"os"
	"path/filepath"
	"slices"
	"strings"
	"sync"
	"sync/atomic"
	"time"

	"github.com/portico-gw/portico/internal/pipeline"
)

// Pair is a PEM certificate chain file and its key file.
type Pair struct{ CertFile, KeyFile string }

// Source says where the certificates come from.
type Source struct {
	// Pairs are served in order; the first is the default for a client
	// that sends no SNI or a name none covers.
	Pairs []Pair
	// Dir holds NAME.crt (or NAME.pem) with NAME.key, after Pairs.
	Dir string
	// Truststore, when set, is a PEM file of CA certificates: mutual TLS
	// is then required.
	Truststore string
	// NextProtos are the ALPN protocols offered ("h2", "http/1.1").
	NextProtos []string
}

// Store holds the current certificate set.
type Store struct {
	src Source
	cur atomic.Pointer[set]
	// mu serializes reloads and guards failed.
	mu sync.Mutex
	// failed are the files as a failed reload read them: they are not
	// reported as changed again until they change (one log line per
	// broken edit, not one per check).
	failed map[string]stamp
}

type set struct {
	certs  []*tls.Certificate
	config *tls.Config
	stamps map[string]stamp
}

type stamp struct {
	mod  time.Time
	size int64
}

// New reads every certificate; any problem is an error naming the file.
func New(src Source) (*Store, error) {
	s := &Store{src: src}
	st, err := s.load()
	if err != nil {
		return nil, err
	}
	s.cur.Store(st)
	return s, nil
}

// Config is the listener's configuration: each handshake takes the set
// current at that moment.
func (s *Store) Config() *tls.Config {
	return &tls.Config{
		MinVersion: tls.VersionTLS12,
		NextProtos: s.src.NextProtos,
		GetConfigForClient: func(*tls.ClientHelloInfo) (*tls.Config, error) {
			return s.cur.Load().config, nil
		},
	}
}

// Changed reports whether a certificate file, the directory's listing or
// the truststore differs from what the current set was read from.
func (s *Store) Changed() bool {
	files, err := s.files()
	if err != nil {
		return true
	}
	now := stampsOf(s.watched(files))
	s.mu.Lock()
	failed := s.failed
	s.mu.Unlock()
	return !maps(now, s.cur.Load().stamps) && (failed == nil || !maps(now, failed))
}

// Reload reads the files again and swaps the new set in; on any problem
// the current set keeps serving and the error is returned.
func (s *Store) Reload() error {
	s.mu.Lock()
	defer s.mu.Unlock()
	st, err := s.load()
	if err != nil {
		if files, ferr := s.files(); ferr == nil {
			s.failed = stampsOf(s.watched(files))
		}
		return err
	}
	s.failed = nil
	s.cur.Store(st)
	return nil
}

// Names returns the DNS names of the current certificates, in order (for logs).
func (s *Store) Names() []string {
	var out []string
	for _, c := range s.cur.Load().certs {
		if c.Leaf != nil {
			out = append(out, c.Leaf.DNSNames...)
		}
	}
	return out
}

// files lists the certificate pairs (the directory's included) and the truststore.
func (s *Store) files() ([]Pair, error) {
	pairs := slices.Clone(s.src.Pairs)
	if s.src.Dir != "" {
		ents, err := os.ReadDir(s.src.Dir)
		if err != nil {
			return nil, fmt.Errorf("certificate directory: %w", err)
		}
		for _, e := range ents {
			name := e.Name()
			ext := filepath.Ext(name)
			if e.IsDir() || (ext != ".crt" && ext != ".pem") {
				continue
			}
			base := filepath.Join(s.src.Dir, strings.TrimSuffix(name, ext))
			pairs = append(pairs, Pair{CertFile: base + ext, KeyFile: base + ".key"})
		}
	}
	return pairs, nil
}

// watched is every file a set is read from: the pairs and the truststore.
func (s *Store) watched(pairs []Pair) []Pair {
	out := slices.Clone(pairs)
	if s.src.Truststore != "" {
		out = append(out, Pair{CertFile: s.src.Truststore})
	}
	return out
}

func (s *Store) load() (*set, error) {
	pairs, err := s.files()
	if err != nil {
		return nil, err
	}
	st := &set{}
	var errs []error
	for _, p := range pairs {
		c, err := tls.LoadX509KeyPair(p.CertFile, p.KeyFile)
		if err != nil {
			errs = append(errs, fmt.Errorf("certificate %s (key %s): %w", p.CertFile, p.KeyFile, err))
			continue
		}
		st.certs = append(st.certs, &c)
	}
	cfg := &tls.Config{MinVersion: tls.VersionTLS12, NextProtos: s.src.NextProtos}
	if s.src.Truststore != "" {
		data, err := os.ReadFile(s.src.Truststore)
		pool := x509.NewCertPool()
		switch {
		case err != nil:
			errs = append(errs, fmt.Errorf("truststore: %w", err))
		case !pool.AppendCertsFromPEM(data):
			errs = append(errs, fmt.Errorf("truststore %s holds no PEM certificate", s.src.Truststore))
		}
		cfg.ClientAuth, cfg.ClientCAs = tls.RequireAndVerifyClientCert, pool
	}
	if len(st.certs) == 0 && len(errs) == 0 {
		errs = append(errs, errors.New("no certificate to serve"))
	}
	if err := errors.Join(errs...); err != nil {
		return nil, err
	}
	certs := st.certs
	cfg.GetCertificate = func(h *tls.ClientHelloInfo) (*tls.Certificate, error) { return pick(certs, h), nil }
	st.config = cfg
	st.stamps = stampsOf(s.watched(pairs))
	return st, nil
}

// pick returns the first certificate valid for the client's SNI name (and
// that it can use), else the first certificate.
func pick(certs []*tls.Certificate, h *tls.ClientHelloInfo) *tls.Certificate {
	if h.ServerName != "" {
		for _, c := range certs {
			if c.Leaf != nil && c.Leaf.VerifyHostname(h.ServerName) == nil && h.SupportsCertificate(c) == nil {
				return c
			}
		}
	}
	return certs[0]
}

func stampsOf(pairs []Pair) map[string]stamp {
	out := map[string]stamp{}
	for _, p := range pairs {
		for _, f := range []string{p.CertFile, p.KeyFile} {
			if f == "" {
				continue
			}
			if st, err := os.Stat(f); err == nil {
				out[f] = stamp{st.ModTime(), st.Size()}
			} else {
				out[f] = stamp{}
			}
		}
	}
	return out
}

func maps(a, b map[string]stamp) bool {
	if len(a) != len(b) {
		return false
	}
	for k, v := range a {
		if w, ok := b[k]; !ok || !w.mod.Equal(v.mod) || w.size != v.size {
			return false
		}
	}
	return true
}

// Listener returns connections that perform TLS with cfg on their first
// read or write (the handshake runs on the connection's goroutine, under
// the server's read deadline, never in Accept).
func Listener(l net.Listener, cfg *tls.Config) net.Listener { return listener{l, cfg} }

type listener struct {
	net.Listener
	cfg *tls.Config
}

func (l listener) Accept() (net.Conn, error) {
	c, err := l.Listener.Accept()
	if err != nil {
		return nil, err
	}
	return tls.Server(c, l.cfg), nil
}

type connKey struct{}

// ConnContext is an http.Server ConnContext that makes the TLS connection
// under c (through any NetConn() wrappers) reachable from its requests.
func ConnContext(ctx context.Context, c net.Conn) context.Context {
	for i := 0; c != nil && i < 8; i++ {
		if tc, ok := c.(*tls.Conn); ok {
			return context.WithValue(ctx, connKey{}, tc)
		}
		u, ok := c.(interface{ NetConn() net.Conn })
		if !ok {
			break
		}
		c = u.NetConn()
	}
	return ctx
}

// PeerCertificate returns the client certificate of the request's
// connection (mutual TLS), nil without one.
func PeerCertificate(ctx context.Context) *x509.Certificate {
	tc, ok := ctx.Value(connKey{}).(*tls.Conn)
	if !ok {
		return nil
	}
	st := tc.ConnectionState()
	if len(st.PeerCertificates) == 0 {
		return nil
	}
	return st.PeerCertificates[0]
}

// Describe renders a client certificate as API Gateway sends it: PEM, the
// distinguished names most significant attribute first, the serial number
// in decimal when it fits 64 bits (else colon-separated hex), the validity
// in OpenSSL's "Aug  5 09:36:04 2021 GMT" form (the shapes of the recorded
// events in github.com/aws/aws-lambda-go/events/testdata).
func Describe(c *x509.Certificate) *pipeline.ClientCert {
	return &pipeline.ClientCert{
		PEM:          string(pem.EncodeToMemory(&pem.Block{Type: "CERTIFICATE", Bytes: c.Raw})),
		SubjectDN:    dn(c.Subject),
		IssuerDN:     dn(c.Issuer),
		SerialNumber: serial(c.SerialNumber),
		NotBefore:    opensslTime(c.NotBefore),
		NotAfter:     opensslTime(c.NotAfter),
	}
}

func dn(n pkix.Name) string {
	seq := n.ToRDNSequence()
	parts := make([]string, 0, len(seq))
	for _, rdn := range seq {
		parts = append(parts, pkix.RDNSequence{rdn}.String())
	}
	return strings.Join(parts, ",")
}

func serial(n *big.Int) string {
	if n.IsInt64() && n.Sign() >= 0 {
		return n.String()
	}
	b := n.Bytes()
	parts := make([]string, len(b))
	for i, x := range b {
		parts[i] = fmt.Sprintf("%02x", x)
	}
	return strings.Join(parts, ":")
}

func opensslTime(t time.Time) string { return t.UTC().Format("Jan _2 15:04:05 2006") + " GMT" }
