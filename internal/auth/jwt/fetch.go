package jwt

import (
	"context"
	"encoding/json"
	"errors"
	"fmt"
	"io"
	"net/http"
	"os"
	"strings"
	"time"

	"github.com/portico-gw/portico/internal/awslimits"
)

// loader returns the raw bytes of a JWKS document.
type loader func(ctx context.Context) ([]byte, error)

// boundedClient returns a copy of c (or of a zero client) whose timeout is at
// most the longer of the JWKS and discovery timeouts (each request also
// has its own deadline).
func boundedClient(c *http.Client) *http.Client {
	var out http.Client
	if c != nil {
		out = *c
	}
	if limit := max(awslimits.JWKSTimeout, awslimits.OIDCDiscoveryTimeout); out.Timeout <= 0 || out.Timeout > limit {
		out.Timeout = limit
	}
	return &out
}

// isURL reports whether s names an http(s) resource rather than a file.
func isURL(s string) bool {
	return strings.HasPrefix(s, "https://") || strings.HasPrefix(s, "http://")
}

// newLoader returns the loader for a JWKS location: an http(s) URL or a file
// path (a file:// URL is accepted too).
func newLoader(client *http.Client, location string) loader {
	if isURL(location) {
		return func(ctx context.Context) ([]byte, error) {
			return fetchURL(ctx, client, location, awslimits.JWKSTimeout)
		}
	}
	path := strings.TrimPrefix(location, "file://")
	return func(context.Context) ([]byte, error) { return readFile(path) }
}

// fetchURL GETs u with the AWS bounds: timeout (JWKS or discovery) and
// MaxFetchBytes.
func fetchURL(ctx context.Context, client *http.Client, u string, timeout time.Duration) ([]byte, error) {
	ctx, cancel := context.WithTimeout(ctx, timeout)
	defer cancel()
	req, err := http.NewRequestWithContext(ctx, http.MethodGet, u, nil)
	if err != nil {
		return nil, fmt.Errorf("fetch %s: %w", u, err)
	}
	req.Header.Set("Accept", "application/json")
	resp, err := client.Do(req)
	if err != nil {
		return nil, fmt.Errorf("fetch %s: %w", u, err)
	}
	defer resp.Body.Close()
	if resp.StatusCode != http.StatusOK {
		return nil, fmt.Errorf("fetch %s: status %d", u, resp.StatusCode)
	}
	b, err := readBounded(resp.Body)
	if err != nil {
		return nil, fmt.Errorf("fetch %s: %w", u, err)
	}
	return b, nil
}

func readFile(path string) ([]byte, error) {
	f, err := os.Open(path)
	if err != nil {
		return nil, fmt.Errorf("read jwks file: %w", err)
	}
	defer f.Close()
	b, err := readBounded(f)
	if err != nil {
		return nil, fmt.Errorf("read jwks file %s: %w", path, err)
	}
	return b, nil
}

func readBounded(r io.Reader) ([]byte, error) {
	b, err := io.ReadAll(io.LimitReader(r, MaxFetchBytes+1))
	if err != nil {
		return nil, err
	}
	if len(b) > MaxFetchBytes {
		return nil, fmt.Errorf("response exceeds %d bytes", MaxFetchBytes)
	}
	return b, nil
}

// discoveryURL is where OIDC discovery looks for the issuer's metadata.
func discoveryURL(issuer string) string {
	return strings.TrimSuffix(issuer, "/") + "/.well-known/openid-configuration"
}

// discover fetches the issuer's OpenID Connect metadata and returns its
// jwks_uri. The metadata's issuer, when present, must equal the configured
// one (OpenID Connect Discovery 1.0 §4.3).
func discover(ctx context.Context, client *http.Client, issuer string) (string, error) {
	b, err := fetchURL(ctx, client, discoveryURL(issuer), awslimits.OIDCDiscoveryTimeout)
	if err != nil {
		return "", fmt.Errorf("oidc discovery: %w", err)
	}
	var meta struct {
		Issuer  string `json:"issuer"`
		JWKSURI string `json:"jwks_uri"`
	}
	if err := json.Unmarshal(b, &meta); err != nil {
		return "", fmt.Errorf("oidc discovery: decode metadata: %w", err)
	}
	if meta.Issuer != "" && meta.Issuer != issuer {
		return "", fmt.Errorf("oidc discovery: metadata issuer %q does not match %q", meta.Issuer, issuer)
	}
	if !isURL(meta.JWKSURI) {
		return "", errors.New("oidc discovery: metadata has no http(s) jwks_uri")
	}
	return meta.JWKSURI, nil
}
