package config

import (
	"crypto/ecdsa"
	"crypto/elliptic"
	"crypto/rand"
	"crypto/x509"
	"crypto/x509/pkix"
	"encoding/pem"
	"math/big"
	"os"
	"path/filepath"
	"strings"
	"testing"
	"time"
)

// selfSigned writes name.crt and name.key next to the settings file p.
func selfSigned(t *testing.T, p, name string) {
	t.Helper()
	key, _ := ecdsa.GenerateKey(elliptic.P256(), rand.Reader)
	tmpl := &x509.Certificate{SerialNumber: big.NewInt(1), Subject: pkix.Name{CommonName: name}, DNSNames: []string{name},
		NotBefore: time.Now().Add(-time.Hour), NotAfter: time.Now().Add(time.Hour)}
	der, err := x509.CreateCertificate(rand.Reader, tmpl, tmpl, &key.PublicKey, key)
	if err != nil {
		t.Fatal(err)
	}
	kb, _ := x509.MarshalECPrivateKey(key)
	dir := filepath.Dir(p)
	_ = os.WriteFile(filepath.Join(dir, name+".crt"), pem.EncodeToMemory(&pem.Block{Type: "CERTIFICATE", Bytes: der}), 0o600)
	_ = os.WriteFile(filepath.Join(dir, name+".key"), pem.EncodeToMemory(&pem.Block{Type: "EC PRIVATE KEY", Bytes: kb}), 0o600)
}

const api = "apis:\n  - id: a\n    definition: ./api.yaml\n    stages: [{name: dev}]\n"

// TestListenForms: listen is an address or {address, tls, http2}; paths
// are relative to the settings file.
func TestListenForms(t *testing.T) {
	t.Parallel()
	f, err := Load(write(t, "p.yaml", "listen: 0.0.0.0:8080\n"+api), os.Getenv)
	if err != nil || f.Listen != "0.0.0.0:8080" || f.Serve.TLS != nil {
		t.Fatalf("scalar: %+v, %v", f, err)
	}
	p := write(t, "p.yaml", "listen:\n  address: 0.0.0.0:8443\n  tls: {certFile: gw.crt, keyFile: gw.key}\n  http2: {enabled: false}\ndomains:\n  - name: api.example.com\n    certificate: {certFile: api.crt, keyFile: api.key}\n    mappings: [{basePath: v1/orders, api: a, stage: dev}, {basePath: (none), api: a, stage: dev}]\n"+api)
	selfSigned(t, p, "gw")
	selfSigned(t, p, "api")
	f, err = Load(p, os.Getenv)
	if err != nil {
		t.Fatal(err)
	}
	dir := filepath.Dir(p)
	if f.Listen != "0.0.0.0:8443" || f.Serve.TLS.CertFile != filepath.Join(dir, "gw.crt") || f.Serve.HTTP2.On() ||
		f.Domains[0].Certificate.KeyFile != filepath.Join(dir, "api.key") || f.Domains[0].Mappings[1].Path() != "" || f.Domains[0].Mappings[0].Path() != "v1/orders" {
		t.Fatalf("mapping form: %+v", f)
	}
	f, err = Load(write(t, "p.yaml", "listen: {http2: {h2c: true}}\n"+api), os.Getenv)
	if err != nil || f.Listen != "127.0.0.1:8080" || !f.Serve.HTTP2.H2C {
		t.Fatalf("default address with h2c: %+v, %v", f, err)
	}
}

// TestServingErrors: each problem is reported, located.
func TestServingErrors(t *testing.T) {
	t.Parallel()
	for _, tc := range []struct{ body, want string }{
		{"listen: {adress: x}\n", "p.yaml:1: field adress is not a known setting"},
		{"listen: {address: nope}\n", `/listen: "nope" is not a host:port address`},
		{"listen: {address: 127.0.0.1:1, tls: {}}\n", "/listen/tls: tls needs a certificate"},
		{"listen: {address: 127.0.0.1:1, tls: {certFile: x.crt}}\n", "/listen/tls: certFile and keyFile go together"},
		{"listen: {address: 127.0.0.1:1, tls: {certFile: x.crt, keyFile: x.key}}\n", "cannot load the certificate"},
		{"listen: {address: 127.0.0.1:1, tls: {certDir: nowhere}}\n", "/listen/tls/certDir: cannot read the directory"},
		{"listen: {address: 127.0.0.1:1, tls: {certDir: ., truststore: api.yaml}}\n", "/listen/tls/truststore: " + ""},
		{"listen: {address: 127.0.0.1:1, tls: {certDir: .}, http2: {h2c: true}}\n", "/listen/http2/h2c: h2c is HTTP/2 without TLS"},
		{"domains: [{name: API.example.com, mappings: [{api: a, stage: dev}]}]\n", `/domains/0/name: "API.example.com" is not a lower-case domain name`},
		{"domains: [{name: a.example.com, certificate: {certFile: a, keyFile: b}, mappings: [{api: a, stage: dev}]}]\n", "/domains/0/certificate: a domain certificate needs listen.tls"},
		{"domains: [{name: a.example.com, mappings: []}]\n", "/domains/0/mappings: at least one mapping is required"},
		{"domains: [{name: a.example.com, mappings: [{basePath: /v1//x, api: a, stage: dev}]}]\n", `/domains/0/mappings/0/basePath: "/v1//x" is not a base path`},
		{"domains: [{name: a.example.com, mappings: [{basePath: v1, api: a, stage: dev}, {basePath: /v1/, api: a, stage: dev}]}]\n", `/domains/0/mappings/1/basePath: duplicate base path "/v1/"`},
		{"domains: [{name: a.example.com, mappings: [{api: a, stage: dev}]}, {name: a.example.com, mappings: [{api: a, stage: dev}]}]\n", `/domains/1/name: duplicate domain "a.example.com"`},
		{"domains: [{name: a.example.com, mappings: [{basePath: v1}]}]\n", "/domains/0/mappings/0/api: api is required"},
	} {
		_, err := Load(write(t, "p.yaml", tc.body+api), os.Getenv)
		if err == nil || !strings.Contains(err.Error(), tc.want) {
			t.Errorf("%q: got %v, want %q", tc.body, err, tc.want)
		}
	}
}
