package tlsedge

import (
	"bufio"
	"context"
	"crypto/ecdsa"
	"crypto/elliptic"
	"crypto/rand"
	"crypto/tls"
	"crypto/x509"
	"crypto/x509/pkix"
	"encoding/pem"
	"fmt"
	"io"
	"math/big"
	"net"
	"net/http"
	"os"
	"path/filepath"
	"strings"
	"testing"
	"time"

	"github.com/portico-gw/portico/internal/wirenames"
)

// authority is a test CA.
type authority struct {
	cert *x509.Certificate
	key  *ecdsa.PrivateKey
	pem  []byte
}

func newCA(t *testing.T, cn string) *authority {
	t.Helper()
	key, _ := ecdsa.GenerateKey(elliptic.P256(), rand.Reader)
	tmpl := &x509.Certificate{SerialNumber: big.NewInt(1), Subject: pkix.Name{Country: []string{"US"}, Organization: []string{"Example"}, CommonName: cn},
		NotBefore: time.Now().Add(-time.Hour), NotAfter: time.Now().Add(time.Hour), IsCA: true, BasicConstraintsValid: true,
		KeyUsage: x509.KeyUsageCertSign | x509.KeyUsageDigitalSignature}
	der, err := x509.CreateCertificate(rand.Reader, tmpl, tmpl, &key.PublicKey, key)
	if err != nil {
		t.Fatal(err)
	}
	c, _ := x509.ParseCertificate(der)
	return &authority{cert: c, key: key, pem: pem.EncodeToMemory(&pem.Block{Type: "CERTIFICATE", Bytes: der})}
}

// issue returns PEM certificate and key for a leaf; names are DNS SANs
// (a server certificate) or, when client, a client certificate with that CN.
func (a *authority) issue(t *testing.T, serial *big.Int, cn string, client bool, names ...string) (certPEM, keyPEM []byte) {
	t.Helper()
	key, _ := ecdsa.GenerateKey(elliptic.P256(), rand.Reader)
	tmpl := &x509.Certificate{SerialNumber: serial, Subject: pkix.Name{Country: []string{"US"}, Organization: []string{"Example"}, CommonName: cn},
		NotBefore: time.Date(2020, 8, 29, 0, 28, 21, 0, time.UTC), NotAfter: time.Date(2120, 8, 5, 0, 28, 21, 0, time.UTC),
		DNSNames: names, KeyUsage: x509.KeyUsageDigitalSignature, ExtKeyUsage: []x509.ExtKeyUsage{x509.ExtKeyUsageServerAuth}}
	if client {
		tmpl.ExtKeyUsage = []x509.ExtKeyUsage{x509.ExtKeyUsageClientAuth}
	}
	der, err := x509.CreateCertificate(rand.Reader, tmpl, a.cert, &key.PublicKey, a.key)
	if err != nil {
		t.Fatal(err)
	}
	kb, _ := x509.MarshalECPrivateKey(key)
	return pem.EncodeToMemory(&pem.Block{Type: "CERTIFICATE", Bytes: der}), pem.EncodeToMemory(&pem.Block{Type: "EC PRIVATE KEY", Bytes: kb})
}

func write(t *testing.T, path string, data []byte) {
	t.Helper()
	if err := os.WriteFile(path, data, 0o600); err != nil {
		t.Fatal(err)
	}
}

// pair writes a server pair for names into dir as base.crt/base.key.
func (a *authority) pair(t *testing.T, dir, base string, names ...string) Pair {
	c, k := a.issue(t, big.NewInt(time.Now().UnixNano()), names[0], false, names...)
	p := Pair{CertFile: filepath.Join(dir, base+".crt"), KeyFile: filepath.Join(dir, base+".key")}
	write(t, p.CertFile, c)
	write(t, p.KeyFile, k)
	return p
}

// serve runs an HTTP server the way the gateway does: TLS under the
// wirenames recorder, HTTP/2 on net/http's prior-knowledge path.
func serve(t *testing.T, s *Store, h http.Handler) string {
	t.Helper()
	l, err := net.Listen("tcp", "127.0.0.1:0")
	if err != nil {
		t.Fatal(err)
	}
	p := new(http.Protocols)
	p.SetHTTP1(true)
	p.SetUnencryptedHTTP2(true)
	srv := &http.Server{Handler: wirenames.Handler(h), Protocols: p,
		ConnContext: func(ctx context.Context, c net.Conn) context.Context {
			return ConnContext(wirenames.ConnContext(ctx, c), c)
		}}
	go func() { _ = srv.Serve(wirenames.Listener(Listener(l, s.Config()))) }()
	t.Cleanup(func() { _ = srv.Close() })
	return l.Addr().String()
}

func dial(t *testing.T, addr string, cfg *tls.Config) (*x509.Certificate, error) {
	t.Helper()
	c, err := tls.Dial("tcp", addr, cfg)
	if err != nil {
		return nil, err
	}
	defer c.Close()
	return c.ConnectionState().PeerCertificates[0], nil
}

// TestSNI: each name gets the certificate valid for it (a pair, the
// directory, a wildcard); an unknown name or no SNI gets the first.
func TestSNI(t *testing.T) {
	ca := newCA(t, "Example CA")
	dir, certDir := t.TempDir(), t.TempDir()
	def := ca.pair(t, dir, "default", "gateway.test")
	dom := ca.pair(t, dir, "api", "api.example.com")
	ca.pair(t, certDir, "wild", "*.shop.example.com")
	s, err := New(Source{Pairs: []Pair{def, dom}, Dir: certDir})
	if err != nil {
		t.Fatal(err)
	}
	addr := serve(t, s, http.NotFoundHandler())
	pool := x509.NewCertPool()
	pool.AddCert(ca.cert)
	for name, want := range map[string]string{"api.example.com": "api.example.com", "gateway.test": "gateway.test",
		"eu.shop.example.com": "*.shop.example.com", "other.test": "gateway.test", "": "gateway.test"} {
		leaf, err := dial(t, addr, &tls.Config{ServerName: name, RootCAs: pool, InsecureSkipVerify: name == "" || name == "other.test"})
		if err != nil {
			t.Fatalf("%q: %v", name, err)
		}
		if leaf.DNSNames[0] != want {
			t.Errorf("SNI %q: got the certificate of %v, want %s", name, leaf.DNSNames, want)
		}
	}
}

// TestReload: a changed certificate is picked up by new handshakes; a
// connection opened before keeps working; a broken file keeps the old set.
func TestReload(t *testing.T) {
	ca := newCA(t, "Example CA")
	dir := t.TempDir()
	p := ca.pair(t, dir, "srv", "one.test")
	s, err := New(Source{Pairs: []Pair{p}, NextProtos: []string{"http/1.1"}})
	if err != nil {
		t.Fatal(err)
	}
	addr := serve(t, s, http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) { _, _ = io.WriteString(w, "ok") }))
	pool := x509.NewCertPool()
	pool.AddCert(ca.cert)
	client := &http.Client{Transport: &http.Transport{TLSClientConfig: &tls.Config{RootCAs: pool, ServerName: "one.test"}}}
	getOK := func() {
		t.Helper()
		resp, err := client.Get("https://" + addr + "/")
		if err != nil {
			t.Fatal(err)
		}
		b, _ := io.ReadAll(resp.Body)
		resp.Body.Close()
		if string(b) != "ok" {
			t.Fatalf("body %q", b)
		}
	}
	getOK()
	if s.Changed() {
		t.Fatal("Changed before any change")
	}
	c, k := ca.issue(t, big.NewInt(99), "two.test", false, "one.test", "two.test")
	write(t, p.CertFile, c)
	write(t, p.KeyFile, k)
	// Make the change visible even on file systems with coarse times.
	later := time.Now().Add(2 * time.Second)
	_ = os.Chtimes(p.CertFile, later, later)
	if !s.Changed() {
		t.Fatal("the rewritten certificate is not seen as changed")
	}
	if err := s.Reload(); err != nil {
		t.Fatal(err)
	}
	getOK() // the kept-alive connection from before the reload still serves
	leaf, err := dial(t, addr, &tls.Config{RootCAs: pool, ServerName: "two.test"})
	if err != nil {
		t.Fatal(err)
	}
	if leaf.SerialNumber.Int64() != 99 {
		t.Errorf("new handshake got serial %v, want 99", leaf.SerialNumber)
	}
	write(t, p.KeyFile, []byte("not a key"))
	if err := s.Reload(); err == nil || !strings.Contains(err.Error(), p.CertFile) {
		t.Fatalf("reload of a broken key: %v, want an error naming %s", err, p.CertFile)
	}
	if leaf, err := dial(t, addr, &tls.Config{RootCAs: pool, ServerName: "two.test"}); err != nil || leaf.SerialNumber.Int64() != 99 {
		t.Fatalf("after a failed reload: %v, %v", leaf, err)
	}
	if s.Changed() {
		t.Error("a broken file that failed to reload is reported as changed again")
	}
}

// TestMutualTLS: without a certificate, or with one another CA signed, the
// handshake fails and no request reaches the handler; with a valid one the
// handler sees it, over HTTP/1.1 and HTTP/2.
func TestMutualTLS(t *testing.T) {
	ca, clients, rogue := newCA(t, "Server CA"), newCA(t, "Client CA"), newCA(t, "Rogue CA")
	dir := t.TempDir()
	p := ca.pair(t, dir, "srv", "api.example.com")
	ts := filepath.Join(dir, "truststore.pem")
	write(t, ts, clients.pem)
	s, err := New(Source{Pairs: []Pair{p}, Truststore: ts, NextProtos: []string{"h2", "http/1.1"}})
	if err != nil {
		t.Fatal(err)
	}
	if s.Changed() {
		t.Fatal("Changed right after New (the truststore must be stamped as read)")
	}
	reached := make(chan string, 10)
	addr := serve(t, s, http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		c := PeerCertificate(r.Context())
		if c == nil {
			reached <- "no cert"
			return
		}
		d := Describe(c)
		reached <- r.Proto + " " + d.SubjectDN
		fmt.Fprintf(w, "%s|%s|%s|%s|%s", d.SubjectDN, d.IssuerDN, d.SerialNumber, d.NotBefore, d.NotAfter)
	}))
	pool := x509.NewCertPool()
	pool.AddCert(ca.cert)
	client := func(cert *tls.Certificate, h2 bool) *http.Client {
		cfg := &tls.Config{RootCAs: pool, ServerName: "api.example.com"}
		if cert != nil {
			cfg.Certificates = []tls.Certificate{*cert}
		}
		tr := &http.Transport{TLSClientConfig: cfg, ForceAttemptHTTP2: h2}
		if !h2 {
			tr.TLSNextProto = map[string]func(string, *tls.Conn) http.RoundTripper{}
		}
		return &http.Client{Transport: tr}
	}
	if _, err := client(nil, false).Get("https://" + addr + "/"); err == nil {
		t.Fatal("a client without a certificate was served")
	}
	rc, rk := rogue.issue(t, big.NewInt(5), "rogue", true)
	rogueCert, _ := tls.X509KeyPair(rc, rk)
	if _, err := client(&rogueCert, true).Get("https://" + addr + "/"); err == nil {
		t.Fatal("a client with a certificate of an untrusted CA was served")
	}
	select {
	case got := <-reached:
		t.Fatalf("a refused client reached the handler: %s", got)
	default:
	}
	big128, _ := new(big.Int).SetString("a1a1a1a1a1a1a1a1a1a1a1a1a1a1a1a1", 16)
	for _, tc := range []struct {
		serial *big.Int
		h2     bool
		proto  string
		want   string
	}{
		{big.NewInt(1), false, "HTTP/1.1", "C=US,O=Example,CN=My Client|C=US,O=Example,CN=Client CA|1|Aug 29 00:28:21 2020 GMT|Aug  5 00:28:21 2120 GMT"},
		{big128, true, "HTTP/2.0", "C=US,O=Example,CN=My Client|C=US,O=Example,CN=Client CA|a1:a1:a1:a1:a1:a1:a1:a1:a1:a1:a1:a1:a1:a1:a1:a1|Aug 29 00:28:21 2020 GMT|Aug  5 00:28:21 2120 GMT"},
	} {
		cc, ck := clients.issue(t, tc.serial, "My Client", true)
		cert, _ := tls.X509KeyPair(cc, ck)
		resp, err := client(&cert, tc.h2).Get("https://" + addr + "/")
		if err != nil {
			t.Fatal(err)
		}
		b, _ := io.ReadAll(resp.Body)
		resp.Body.Close()
		if resp.Proto != tc.proto || string(b) != tc.want {
			t.Errorf("%s: got %s %q, want %s %q", tc.proto, resp.Proto, b, tc.proto, tc.want)
		}
		if got := <-reached; got != tc.proto+" C=US,O=Example,CN=My Client" {
			t.Errorf("handler saw %q", got)
		}
	}
}

// TestWireNamesOverTLS: header names keep the client's spelling when TLS
// runs under the recorder.
func TestWireNamesOverTLS(t *testing.T) {
	ca := newCA(t, "Example CA")
	s, err := New(Source{Pairs: []Pair{ca.pair(t, t.TempDir(), "srv", "gateway.test")}})
	if err != nil {
		t.Fatal(err)
	}
	addr := serve(t, s, http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		_, _ = io.WriteString(w, wirenames.FromContext(r.Context()).Name("X-Custom-Header"))
	}))
	pool := x509.NewCertPool()
	pool.AddCert(ca.cert)
	c, err := tls.Dial("tcp", addr, &tls.Config{RootCAs: pool, ServerName: "gateway.test", NextProtos: []string{"http/1.1"}})
	if err != nil {
		t.Fatal(err)
	}
	defer c.Close()
	_, _ = io.WriteString(c, "GET / HTTP/1.1\r\nHost: gateway.test\r\nx-CUSTOM-header: 1\r\nConnection: close\r\n\r\n")
	resp, err := http.ReadResponse(bufio.NewReader(c), nil)
	if err != nil {
		t.Fatal(err)
	}
	b, _ := io.ReadAll(resp.Body)
	if string(b) != "x-CUSTOM-header" {
		t.Errorf("wire name %q, want x-CUSTOM-header", b)
	}
}

// TestNewErrors: a missing file or an empty truststore is an error naming it.
func TestNewErrors(t *testing.T) {
	dir := t.TempDir()
	if _, err := New(Source{Pairs: []Pair{{filepath.Join(dir, "no.crt"), filepath.Join(dir, "no.key")}}}); err == nil || !strings.Contains(err.Error(), "no.crt") {
		t.Errorf("missing pair: %v", err)
	}
	ca := newCA(t, "CA")
	p := ca.pair(t, dir, "srv", "a.test")
	ts := filepath.Join(dir, "ts.pem")
	write(t, ts, []byte("nothing"))
	if _, err := New(Source{Pairs: []Pair{p}, Truststore: ts}); err == nil || !strings.Contains(err.Error(), "holds no PEM certificate") {
		t.Errorf("empty truststore: %v", err)
	}
	if _, err := New(Source{Dir: dir + "/missing"}); err == nil {
		t.Error("missing directory accepted")
	}
}
