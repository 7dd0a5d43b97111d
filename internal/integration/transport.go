package integration

import (
	"crypto/tls"
	"net"
	"net/http"
	"time"
)

// NewTransport returns the keep-alive transport HTTP integrations share,
// sized for load (docs/architecture.md#back-end-connections): large idle pools per host, no
// transparent compression (bodies pass through untouched), bounded dials.
func NewTransport(insecureSkipVerify bool) *Transport {
	d := &net.Dialer{Timeout: 5 * time.Second, KeepAlive: 30 * time.Second}
	return &Transport{dialer: d, fallback: &http.Transport{
		Proxy:                  nil,
		DialContext:            d.DialContext,
		MaxIdleConns:           4096,
		MaxIdleConnsPerHost:    512,
		IdleConnTimeout:        90 * time.Second,
		TLSHandshakeTimeout:    5 * time.Second,
		ExpectContinueTimeout:  time.Second,
		DisableCompression:     true,
		ForceAttemptHTTP2:      true,
		MaxResponseHeaderBytes: 64 << 10,
		TLSClientConfig:        &tls.Config{InsecureSkipVerify: insecureSkipVerify}, //nolint:gosec // per-integration tlsConfig.insecureSkipVerification
	}}
}
