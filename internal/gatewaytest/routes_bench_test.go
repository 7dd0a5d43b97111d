package gatewaytest

import (
	"fmt"
	"net/http"
	"strconv"
	"strings"
	"testing"
)

// BenchmarkRoutes measures one HTTP_PROXY request to a REST API of 1, 100
// or 1000 generated routes, half static (/s{i%16}/r{i}), half with a path
// parameter (/s{i%16}/r{i}/{id}), spread over 16 first segments; every
// request hits a parameter route in the middle of the list. Compare ns/op
// across the sizes to see what the route count costs.
//
//	go test ./internal/gatewaytest -run '^$' -bench Routes -benchtime 2000x
func BenchmarkRoutes(b *testing.B) {
	client := &http.Client{}
	for _, n := range []int{1, 100, 1000} {
		b.Run(strconv.Itoa(n), func(b *testing.B) {
			var def strings.Builder
			def.WriteString("openapi: \"3.0.1\"\ninfo: {title: bench routes, version: \"1\"}\npaths:\n")
			for i := range n {
				path, params := fmt.Sprintf("/s%d/r%d", i%16, i), ""
				if i%2 == 0 {
					path += "/{id}"
					params = "      parameters: [{name: id, in: path, required: true, schema: {type: string}}]\n"
				}
				fmt.Fprintf(&def, "  %s:\n    get:\n%s      responses: {\"200\": {description: x}}\n"+
					"      x-amazon-apigateway-integration: {type: http_proxy, httpMethod: GET, uri: \"http://${stageVariables.sink}/r%d\"}\n", path, params, i)
			}
			g := Start(b, Options{Definition: benchDefinition(b, def.String()),
				Extra:  "store: {type: memory}\naccount: {throttle: {rateLimit: 1000000000, burstLimit: 1000000000}}\n",
				Stages: map[string]map[string]string{"dev": {"sink": benchSink(b)}}})
			hit := n / 2 &^ 1 // even: a parameter route
			benchRequests(b, client, http.MethodGet, fmt.Sprintf("%s/dev/s%d/r%d/42", g.URL, hit%16, hit), "")
		})
	}
}
