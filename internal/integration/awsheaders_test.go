package integration

import (
	"context"
	"net/http"
	"net/http/httptest"
	"sort"
	"testing"
	"time"

	"github.com/google/go-cmp/cmp"

	"github.com/portico-gw/portico/internal/apidef"
	"github.com/portico-gw/portico/internal/awsheaders"
	"github.com/portico-gw/portico/internal/pipeline"
)

// received starts a back end that records the headers of the one request
// it gets.
func received(t *testing.T) (*httptest.Server, chan http.Header) {
	t.Helper()
	got := make(chan http.Header, 1)
	srv := httptest.NewServer(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		got <- r.Header.Clone()
	}))
	t.Cleanup(srv.Close)
	return srv, got
}

func emptyCall() *pipeline.Call {
	return &pipeline.Call{HTTPMethod: "GET", APIID: "abc123", SourceIP: "10.0.0.9", TraceID: "Root=1-5f84c7a1-abcdef012345678901234567",
		Header: http.Header{}, Body: pipeline.NewBodyBytes(nil), Start: time.Unix(1700000000, 0)}
}

// sentBy returns the header names a back end receives for a client that
// sent none, minus what net/http's client adds itself.
func sentBy(h http.Header) []string {
	var names []string
	for k := range h {
		if k != "Accept-Encoding" && (k != "User-Agent" || h.Get(k) != "Go-http-client/1.1") {
			names = append(names, k)
		}
	}
	sort.Strings(names)
	return names
}

func addedAt(p awsheaders.Place) []string {
	var names []string
	for k := range awsheaders.AddedAt(p) {
		names = append(names, k)
	}
	sort.Strings(names)
	return names
}

// TestGatewayHeadersMatchRules: the headers HTTP_PROXY and HTTP
// integrations write themselves are the ones awsheaders.Rules lists as
// Added there.
func TestGatewayHeadersMatchRules(t *testing.T) {
	t.Run("HTTP_PROXY", func(t *testing.T) {
		srv, got := received(t)
		p := NewProxy(ProxyConfig{URI: srv.URL + "/x", HTTPMethod: "GET", Timeout: 5 * time.Second, Transport: http.DefaultTransport})
		res, err := p.Invoke(context.Background(), emptyCall())
		if err != nil {
			t.Fatal(err)
		}
		res.Stream.Close()
		if d := cmp.Diff(addedAt(awsheaders.ProxyRequest), sentBy(<-got)); d != "" {
			t.Errorf("(-table +sent):\n%s", d)
		}
	})
	t.Run("HTTP", func(t *testing.T) {
		srv, got := received(t)
		h, err := NewHTTP(HTTPConfig{URI: srv.URL + "/x", HTTPMethod: "GET", Timeout: 5 * time.Second, APIID: "abc123",
			Method: &apidef.Method{}, Integration: &apidef.Integration{}, Transport: http.DefaultTransport})
		if err != nil {
			t.Fatal(err)
		}
		_, _ = h.Invoke(context.Background(), emptyCall()) // no integration response: only the request matters
		if d := cmp.Diff(addedAt(awsheaders.HTTPRequest), sentBy(<-got)); d != "" {
			t.Errorf("(-table +sent):\n%s", d)
		}
	})
}
