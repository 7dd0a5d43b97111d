package app

import (
	"context"
	"crypto/ecdsa"
	"crypto/elliptic"
	"crypto/rand"
	"crypto/tls"
	"crypto/x509"
	"crypto/x509/pkix"
	"encoding/pem"
	"io"
	"math/big"
	"net"
	"net/http"
	"os"
	"path/filepath"
	"strings"
	"testing"
	"time"
)

// testCA issues certificates for the TLS tests.
type testCA struct {
	cert *x509.Certificate
	key  *ecdsa.PrivateKey
}

func newTestCA(t *testing.T, cn string) *testCA {
	t.Helper()
	key, _ := ecdsa.GenerateKey(elliptic.P256(), rand.Reader)
	tmpl := &x509.Certificate{SerialNumber: big.NewInt(1), Subject: pkix.Name{CommonName: cn}, IsCA: true, BasicConstraintsValid: true,
		NotBefore: time.Now().Add(-time.Hour), NotAfter: time.Now().Add(time.Hour), KeyUsage: x509.KeyUsageCertSign}
	der, err := x509.CreateCertificate(rand.Reader, tmpl, tmpl, &key.PublicKey, key)
	if err != nil {
		t.Fatal(err)
	}
	c, _ := x509.ParseCertificate(der)
	return &testCA{cert: c, key: key}
}

func (ca *testCA) pem() []byte {
	return pem.EncodeToMemory(&pem.Block{Type: "CERTIFICATE", Bytes: ca.cert.Raw})
}

// issue writes base.crt and base.key into dir (a client certificate when
// client is set) and returns the pair.
func (ca *testCA) issue(t *testing.T, dir, base, cn string, client bool, names ...string) tls.Certificate {
	t.Helper()
	key, _ := ecdsa.GenerateKey(elliptic.P256(), rand.Reader)
	tmpl := &x509.Certificate{SerialNumber: big.NewInt(7), Subject: pkix.Name{Organization: []string{"Example"}, CommonName: cn}, DNSNames: names,
		NotBefore: time.Date(2020, 8, 29, 0, 28, 21, 0, time.UTC), NotAfter: time.Date(2120, 8, 5, 0, 28, 21, 0, time.UTC),
		ExtKeyUsage: []x509.ExtKeyUsage{x509.ExtKeyUsageServerAuth}}
	if client {
		tmpl.ExtKeyUsage = []x509.ExtKeyUsage{x509.ExtKeyUsageClientAuth}
	}
	der, err := x509.CreateCertificate(rand.Reader, tmpl, ca.cert, &key.PublicKey, ca.key)
	if err != nil {
		t.Fatal(err)
	}
	kb, _ := x509.MarshalECPrivateKey(key)
	certPEM := pem.EncodeToMemory(&pem.Block{Type: "CERTIFICATE", Bytes: der})
	keyPEM := pem.EncodeToMemory(&pem.Block{Type: "EC PRIVATE KEY", Bytes: kb})
	for name, data := range map[string][]byte{base + ".crt": certPEM, base + ".key": keyPEM} {
		if err := os.WriteFile(filepath.Join(dir, name), data, 0o600); err != nil {
			t.Fatal(err)
		}
	}
	pair, _ := tls.X509KeyPair(certPEM, keyPEM)
	return pair
}

const certDef = `openapi: "3.0.1"
info: {title: pets, version: "1"}
paths:
  /pets:
    get:
      responses: {"200": {description: x}}
      x-amazon-apigateway-integration:
        type: mock
        requestTemplates: {application/json: '{"statusCode": 200}'}
        responses:
          default:
            statusCode: "200"
            responseTemplates:
              application/json: '$context.domainName|$context.customDomain.basePathMatched|$context.identity.clientCert.subjectDN|$context.identity.clientCert.issuerDN|$context.identity.clientCert.serialNumber|$context.identity.clientCert.validity.notBefore|$context.identity.clientCert.validity.notAfter'
`

// TestServeTLS runs the gateway on a TLS listener with a default
// certificate, a custom domain's certificate (chosen by SNI) and a
// truststore: a client without a certificate is refused at the handshake;
// with one, HTTP/2 and HTTP/1.1 requests reach the mapped API and the
// certificate reaches $context.identity.clientCert.
func TestServeTLS(t *testing.T) {
	dir := t.TempDir()
	serverCA, clientCA := newTestCA(t, "Server CA"), newTestCA(t, "Client CA")
	serverCA.issue(t, dir, "gateway", "gateway.test", false, "gateway.test")
	serverCA.issue(t, dir, "api", "api.example.com", false, "api.example.com")
	clientCert := clientCA.issue(t, dir, "client", "My Client", true)
	if err := os.WriteFile(filepath.Join(dir, "truststore.pem"), clientCA.pem(), 0o600); err != nil {
		t.Fatal(err)
	}
	if err := os.WriteFile(filepath.Join(dir, "pets.yaml"), []byte(certDef), 0o600); err != nil {
		t.Fatal(err)
	}
	cfg := `listen:
  address: 127.0.0.1:0
  tls: {certFile: gateway.crt, keyFile: gateway.key, truststore: truststore.pem}
admin: {listen: "off"}
store: {type: memory}
apis:
  - {id: pets, definition: pets.yaml, stages: [{name: prod}]}
domains:
  - name: api.example.com
    certificate: {certFile: api.crt, keyFile: api.key}
    mappings: [{basePath: v1, api: pets, stage: prod}]
`
	path := filepath.Join(dir, "portico.yaml")
	if err := os.WriteFile(path, []byte(cfg), 0o600); err != nil {
		t.Fatal(err)
	}
	g, err := New(Source{ConfigPath: path, Getenv: os.Getenv}, Options{})
	if err != nil {
		t.Fatal(err)
	}
	ctx, cancel := context.WithCancel(context.Background())
	addrs, done := make(chan string, 2), make(chan error, 1)
	go func() {
		done <- g.Run(ctx, RunOptions{WatchInterval: -1, Listening: func(d, a string) { addrs <- d }})
	}()
	var addr string
	select {
	case addr = <-addrs:
	case err := <-done:
		t.Fatalf("run: %v", err)
	}
	t.Cleanup(func() { cancel(); <-done })

	roots := x509.NewCertPool()
	roots.AddCert(serverCA.cert)
	client := func(cert *tls.Certificate, h2 bool) *http.Client {
		cfg := &tls.Config{RootCAs: roots}
		if cert != nil {
			cfg.Certificates = []tls.Certificate{*cert}
		}
		tr := &http.Transport{TLSClientConfig: cfg, ForceAttemptHTTP2: h2,
			DialContext: func(ctx context.Context, network, _ string) (net.Conn, error) {
				return (&net.Dialer{}).DialContext(ctx, network, addr)
			}}
		if !h2 {
			tr.TLSNextProto = map[string]func(string, *tls.Conn) http.RoundTripper{}
		}
		t.Cleanup(tr.CloseIdleConnections)
		return &http.Client{Transport: tr}
	}
	if _, err := client(nil, true).Get("https://api.example.com/v1/pets"); err == nil {
		t.Fatal("a client without a certificate was served")
	}
	const want = "api.example.com|v1|O=Example,CN=My Client|CN=Client CA|7|Aug 29 00:28:21 2020 GMT|Aug  5 00:28:21 2120 GMT"
	for _, tc := range []struct {
		h2    bool
		proto string
	}{{true, "HTTP/2.0"}, {false, "HTTP/1.1"}} {
		resp, err := client(&clientCert, tc.h2).Get("https://api.example.com/v1/pets")
		if err != nil {
			t.Fatal(err)
		}
		b, _ := io.ReadAll(resp.Body)
		resp.Body.Close()
		if resp.StatusCode != 200 || resp.Proto != tc.proto || string(b) != want {
			t.Errorf("%s: %s %d %q, want %s 200 %q", tc.proto, resp.Proto, resp.StatusCode, b, tc.proto, want)
		}
		if cn := resp.TLS.PeerCertificates[0].Subject.CommonName; cn != "api.example.com" {
			t.Errorf("SNI api.example.com got the certificate of %s", cn)
		}
	}
	// Another name gets the default certificate (and it verifies for its name).
	resp, err := client(&clientCert, true).Get("https://gateway.test/v1/pets")
	if err != nil {
		t.Fatal(err)
	}
	resp.Body.Close()
	if cn := resp.TLS.PeerCertificates[0].Subject.CommonName; cn != "gateway.test" || resp.StatusCode != 403 {
		t.Errorf("gateway.test: certificate of %s, status %d; want gateway.test, 403", cn, resp.StatusCode)
	}
}

// TestServeH2C: with http2.h2c a plain listener serves HTTP/2 with prior
// knowledge (and HTTP/1.1 still).
func TestServeH2C(t *testing.T) {
	dir := t.TempDir()
	if err := os.WriteFile(filepath.Join(dir, "pets.yaml"), []byte(certDef), 0o600); err != nil {
		t.Fatal(err)
	}
	cfg := "listen: {address: 127.0.0.1:0, http2: {h2c: true}}\nadmin: {listen: \"off\"}\nstore: {type: memory}\napis:\n  - {id: pets, definition: pets.yaml, stages: [{name: prod}]}\n"
	path := filepath.Join(dir, "portico.yaml")
	if err := os.WriteFile(path, []byte(cfg), 0o600); err != nil {
		t.Fatal(err)
	}
	g, err := New(Source{ConfigPath: path, Getenv: os.Getenv}, Options{})
	if err != nil {
		t.Fatal(err)
	}
	ctx, cancel := context.WithCancel(context.Background())
	addrs, done := make(chan string, 2), make(chan error, 1)
	go func() { done <- g.Run(ctx, RunOptions{WatchInterval: -1, Listening: func(d, a string) { addrs <- d }}) }()
	addr := <-addrs
	t.Cleanup(func() { cancel(); <-done })
	for _, h2c := range []bool{true, false} {
		p := new(http.Protocols)
		p.SetHTTP1(!h2c)
		p.SetUnencryptedHTTP2(h2c)
		tr := &http.Transport{Protocols: p}
		resp, err := (&http.Client{Transport: tr}).Get("http://" + addr + "/prod/pets")
		if err != nil {
			t.Fatal(err)
		}
		b, _ := io.ReadAll(resp.Body)
		resp.Body.Close()
		tr.CloseIdleConnections()
		wantProto := map[bool]string{true: "HTTP/2.0", false: "HTTP/1.1"}[h2c]
		if resp.StatusCode != 200 || resp.Proto != wantProto || !strings.HasPrefix(string(b), "127.0.0.1||") {
			t.Errorf("h2c %v: %s %d %q", h2c, resp.Proto, resp.StatusCode, b)
		}
	}
}

// TestCertificateReload: a certificate file rewritten while serving is
// picked up by the next handshakes, and a kept-alive connection from
// before goes on serving.
func TestCertificateReload(t *testing.T) {
	dir := t.TempDir()
	ca := newTestCA(t, "Server CA")
	ca.issue(t, dir, "gateway", "first", false, "gateway.test")
	if err := os.WriteFile(filepath.Join(dir, "pets.yaml"), []byte(certDef), 0o600); err != nil {
		t.Fatal(err)
	}
	cfg := "listen: {address: 127.0.0.1:0, tls: {certFile: gateway.crt, keyFile: gateway.key}}\nadmin: {listen: \"off\"}\nstore: {type: memory}\napis:\n  - {id: pets, definition: pets.yaml, stages: [{name: prod}]}\n"
	path := filepath.Join(dir, "portico.yaml")
	if err := os.WriteFile(path, []byte(cfg), 0o600); err != nil {
		t.Fatal(err)
	}
	g, err := New(Source{ConfigPath: path, Getenv: os.Getenv}, Options{})
	if err != nil {
		t.Fatal(err)
	}
	ctx, cancel := context.WithCancel(context.Background())
	addrs, done := make(chan string, 2), make(chan error, 1)
	go func() {
		done <- g.Run(ctx, RunOptions{WatchInterval: 10 * time.Millisecond, Listening: func(d, a string) { addrs <- d }})
	}()
	addr := <-addrs
	t.Cleanup(func() { cancel(); <-done })
	roots := x509.NewCertPool()
	roots.AddCert(ca.cert)
	tr := &http.Transport{TLSClientConfig: &tls.Config{RootCAs: roots, ServerName: "gateway.test"}, ForceAttemptHTTP2: true}
	t.Cleanup(tr.CloseIdleConnections)
	kept := &http.Client{Transport: tr}
	served := func(c *http.Client) string {
		t.Helper()
		resp, err := c.Get("https://" + addr + "/prod/pets")
		if err != nil {
			t.Fatal(err)
		}
		resp.Body.Close()
		return resp.TLS.PeerCertificates[0].Subject.CommonName
	}
	if cn := served(kept); cn != "first" {
		t.Fatalf("certificate %s", cn)
	}
	ca.issue(t, dir, "gateway", "second", false, "gateway.test")
	later := time.Now().Add(2 * time.Second)
	_ = os.Chtimes(filepath.Join(dir, "gateway.crt"), later, later)
	waitFor(t, func() bool {
		fresh := &http.Transport{TLSClientConfig: &tls.Config{RootCAs: roots, ServerName: "gateway.test"}}
		defer fresh.CloseIdleConnections()
		return served(&http.Client{Transport: fresh}) == "second"
	})
	if cn := served(kept); cn != "first" {
		t.Errorf("the kept-alive connection now reports %s; it should be the one opened before the reload", cn)
	}
}
