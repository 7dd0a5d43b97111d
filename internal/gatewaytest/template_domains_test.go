package gatewaytest

import (
	"io"
	"net/http"
	"net/http/httptest"
	"strings"
	"testing"
)

// TestTemplateDomains: a SAM template's Domain and a CloudFormation
// template's DomainName, BasePathMapping and ApiMapping are served: the
// Host and base path select the API stage (docs/templates.md#custom-domains).
func TestTemplateDomains(t *testing.T) {
	up := httptest.NewServer(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		_, _ = io.WriteString(w, "orders "+r.URL.Path)
	}))
	t.Cleanup(up.Close)
	api := map[string]string{"Host": "api.example.com"}
	pets := func(stage, base, path string) string {
		return `{"api":"pets","stage":"` + stage + `","base":"` + base + `","domain":"api.example.com","path":"` + path + `"}`
	}
	t.Run("sam", func(t *testing.T) {
		t.Parallel()
		g := Start(t, Options{Template: templates + "domains/sam.yaml", TemplateOverrides: map[string]string{"Upstream": up.Listener.Addr().String()}})
		expect(t, g, "GET", "/v1/pets", api, "", 200, pets("prod", "v1", "/v1/pets"))
		// SAM keeps only letters and digits of a REST API's base path.
		expect(t, g, "GET", "/petsv2/pets", api, "", 200, pets("prod", "petsv2", "/petsv2/pets"))
		expect(t, g, "GET", "/pets-v2/pets", api, "", 403, `{"message":"Forbidden"}`)
		expect(t, g, "GET", "/orders/v1/items", api, "", 200, "orders /items")
		expect(t, g, "GET", "/pets", api, "", 403, `{"message":"Forbidden"}`)
		// Without the Host, the listener's root still serves the API.
		expect(t, g, "GET", "/pets", nil, "", 200, `{"api":"pets","stage":"prod","base":"","domain":"127.0.0.1","path":"/prod/pets"}`)
		if !strings.Contains(g.Logs(), "domain api.example.com: a certificate ARN cannot be loaded locally") {
			t.Errorf("no certificate note:\n%s", g.Logs())
		}
	})
	t.Run("cloudformation", func(t *testing.T) {
		t.Parallel()
		g := Start(t, Options{Template: templates + "domains/cfn.yaml", TemplateOverrides: map[string]string{"Upstream": up.Listener.Addr().String()}})
		expect(t, g, "GET", "/pets", api, "", 200, pets("live", "", "/pets"))
		expect(t, g, "GET", "/beta/pets", api, "", 200, pets("beta", "beta", "/beta/pets"))
		expect(t, g, "GET", "/orders/items", api, "", 200, "orders /items")
		expect(t, g, "GET", "/v2/orders/items", map[string]string{"Host": "orders.example.com"}, "", 200, "orders /items")
		expect(t, g, "GET", "/v2/items", map[string]string{"Host": "orders.example.com"}, "", 404, `{"message":"Not Found"}`)
		// (none) maps the rest of api.example.com to the live stage.
		expect(t, g, "GET", "/v1/pets", api, "", 403, `{"message":"Missing Authentication Token"}`)
	})
}
