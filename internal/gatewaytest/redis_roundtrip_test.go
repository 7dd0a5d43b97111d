package gatewaytest

import (
	"bufio"
	"fmt"
	"io"
	"net"
	"net/http"
	"os"
	"path/filepath"
	"strconv"
	"strings"
	"testing"
	"time"

	"github.com/portico-gw/portico/internal/store/redistest"
)

// fullPipelineDef is a method with every step that counts in Redis: the
// stage's methodSettings and the account bucket (throttle), a cached
// REQUEST authorizer, an API key whose plan has a per-method throttle and
// a quota, a parameter validator, then HTTP_PROXY; and /open, with the
// throttle step only.
const fullPipelineDef = `openapi: "3.0.1"
info: {title: roundtrips, version: "1"}
x-amazon-apigateway-request-validators:
  params: {validateRequestParameters: true, validateRequestBody: false}
components:
  securitySchemes:
    api_key: {type: apiKey, name: x-api-key, in: header}
    cachedAuth:
      type: apiKey
      name: Unused
      in: header
      x-amazon-apigateway-authtype: custom
      x-amazon-apigateway-authorizer:
        type: request
        authorizerUri: arn:aws:apigateway:us-east-1:lambda:path/2015-03-31/functions/arn:aws:lambda:us-east-1:123456789012:function:Authorizer/invocations
        identitySource: method.request.header.x-user
        authorizerResultTtlInSeconds: 300
paths:
  /pets:
    get:
      security: [{cachedAuth: [], api_key: []}]
      x-amazon-apigateway-request-validator: params
      parameters: [{name: q, in: query, required: true, schema: {type: string}}]
      responses: {"200": {description: x}}
      x-amazon-apigateway-integration:
        type: http_proxy
        httpMethod: GET
        uri: http://${stageVariables.backend}/echo/pets
  /open:
    get:
      responses: {"200": {description: x}}
      x-amazon-apigateway-integration:
        type: http_proxy
        httpMethod: GET
        uri: http://${stageVariables.backend}/echo/open
`

const fullPipelineKey = "roundtrip-0123456789abcdefgh"

// fullPipelineGateway boots a gateway on the Redis rs serving
// fullPipelineDef with limits high enough never to refuse.
func fullPipelineGateway(tb testing.TB, rs *redistest.Server) (*Gateway, string) {
	tb.Helper()
	def := filepath.Join(tb.TempDir(), "api.yaml")
	if err := os.WriteFile(def, []byte(fullPipelineDef), 0o600); err != nil {
		tb.Fatal(err)
	}
	fn, err := filepath.Abs("../../testdata/functions/authorizer")
	if err != nil {
		tb.Fatal(err)
	}
	extra := fmt.Sprintf(`store: {type: redis, url: %q, onError: open}
account: {throttle: {rateLimit: 100000, burstLimit: 100000}}
functions:
  - {name: Authorizer, build: %q}
apiKeys: [{name: k, id: k-id, value: %s}]
usagePlans:
  - name: p
    throttle: {rateLimit: 100000, burstLimit: 100000}
    quota: {limit: 100000000, period: DAY}
    apiStages: [{api: testapi, stage: dev, throttle: {"/pets/GET": {rateLimit: 100000, burstLimit: 100000}}}]
    apiKeys: [k]
`, rs.URL(), fn, fullPipelineKey)
	g := Start(tb, Options{Definition: def, Extra: extra,
		StageExtra: "methodSettings: [{resourcePath: \"/*\", httpMethod: \"*\", throttlingRateLimit: 100000, throttlingBurstLimit: 100000}]"})
	return g, g.URL + "/dev/pets?q=1"
}

// fullPipelineRequest sends one request through the full pipeline and
// returns its status.
func fullPipelineRequest(tb testing.TB, client *http.Client, url string) int {
	tb.Helper()
	req, err := http.NewRequest(http.MethodGet, url, nil)
	if err != nil {
		tb.Fatal(err)
	}
	req.Header["x-user"] = []string{"allow"} // the test authorizer reads this spelling
	req.Header.Set("x-api-key", fullPipelineKey)
	resp, err := client.Do(req)
	if err != nil {
		tb.Fatal(err)
	}
	_, _ = io.Copy(io.Discard, resp.Body)
	resp.Body.Close()
	return resp.StatusCode
}

// scriptCommands are the commands the store's Lua scripts call: Redis
// counts them in INFO commandstats like the client's own commands, so
// they are left out of the round-trip count.
var scriptCommands = map[string]bool{"hmget": true, "hset": true, "pexpire": true, "get": true, "incr": true, "incrby": true}

// redisCalls reads INFO commandstats from addr: calls per command.
func redisCalls(tb testing.TB, addr string) map[string]int64 {
	tb.Helper()
	c, err := net.DialTimeout("tcp", addr, time.Second)
	if err != nil {
		tb.Fatal(err)
	}
	defer c.Close()
	_ = c.SetDeadline(time.Now().Add(5 * time.Second))
	if _, err := io.WriteString(c, "INFO commandstats\r\n"); err != nil {
		tb.Fatal(err)
	}
	r := bufio.NewReader(c)
	head, err := r.ReadString('\n')
	if err != nil || !strings.HasPrefix(head, "$") {
		tb.Fatalf("INFO commandstats: reply %q: %v", head, err)
	}
	n, err := strconv.Atoi(strings.TrimSpace(head[1:]))
	if err != nil {
		tb.Fatalf("INFO commandstats: reply %q: %v", head, err)
	}
	body := make([]byte, n)
	if _, err := io.ReadFull(r, body); err != nil {
		tb.Fatal(err)
	}
	calls := map[string]int64{}
	for line := range strings.SplitSeq(string(body), "\r\n") {
		name, rest, ok := strings.Cut(strings.TrimPrefix(line, "cmdstat_"), ":calls=")
		if !ok {
			continue
		}
		v, _, _ := strings.Cut(rest, ",")
		if calls[name], err = strconv.ParseInt(v, 10, 64); err != nil {
			tb.Fatalf("INFO commandstats: line %q: %v", line, err)
		}
	}
	return calls
}

// redisCounts is what the requests between two commandstats readings
// cost: the client's commands (round trips; pipelining is not used) and
// every command executed, the scripts' included.
func redisCounts(before, after map[string]int64) (roundTrips, commands int64) {
	for name, n := range after {
		if name == "info" {
			continue
		}
		d := n - before[name]
		commands += d
		if !scriptCommands[name] {
			roundTrips += d
		}
	}
	return roundTrips, commands
}

// TestRedisRoundTripsPerRequest pins what an admitted request costs in
// Redis: one round trip, a single script deciding the stage, account and
// plan buckets and the quota in order through the full pipeline, and the
// stage and account buckets of a method without a key.
func TestRedisRoundTripsPerRequest(t *testing.T) {
	rs := redistest.Start(t)
	g, url := fullPipelineGateway(t, rs)
	client := &http.Client{}
	// The first requests invoke the authorizer and load the scripts.
	for range 2 {
		if s := fullPipelineRequest(t, client, url); s != 200 {
			t.Fatalf("warm-up: status %d, want 200; logs:\n%s", s, g.Logs())
		}
	}
	const n = 20
	for _, u := range []string{url, g.URL + "/dev/open"} {
		before := redisCalls(t, rs.Addr())
		for range n {
			if s := fullPipelineRequest(t, client, u); s != 200 {
				t.Fatalf("%s: status %d, want 200", u, s)
			}
		}
		after := redisCalls(t, rs.Addr())
		rt, cmds := redisCounts(before, after)
		t.Logf("%s per request: %.2f round trips, %.2f commands executed (scripts' included)", u, float64(rt)/n, float64(cmds)/n)
		if rt != n {
			t.Errorf("%s: %d round trips for %d requests, want one per request", u, rt, n)
		}
	}
}

// BenchmarkRedisFullPipelineRoundTrips measures an admitted request
// through the full pipeline on a Redis store: ns/op, and the round trips
// and commands per request it costs in Redis.
func BenchmarkRedisFullPipelineRoundTrips(b *testing.B) {
	rs := redistest.Start(b)
	_, url := fullPipelineGateway(b, rs)
	client := &http.Client{}
	for range 2 {
		if s := fullPipelineRequest(b, client, url); s != 200 {
			b.Fatalf("warm-up: status %d", s)
		}
	}
	before := redisCalls(b, rs.Addr())
	b.ReportAllocs()
	n := 0
	for b.Loop() {
		if s := fullPipelineRequest(b, client, url); s != 200 {
			b.Fatalf("status %d", s)
		}
		n++
	}
	b.StopTimer()
	rt, cmds := redisCounts(before, redisCalls(b, rs.Addr()))
	b.ReportMetric(float64(rt)/float64(n), "roundtrips/op")
	b.ReportMetric(float64(cmds)/float64(n), "rediscmds/op")
}

// orderDef has three methods behind a cached REQUEST authorizer and an API
// key: /stage with a stage bucket of one token, /plan with a plan
// per-method bucket of one token, /quota for keys of a plan with a quota
// of two.
const orderDef = `openapi: "3.0.1"
info: {title: order, version: "1"}
components:
  securitySchemes:
    api_key: {type: apiKey, name: x-api-key, in: header}
    cachedAuth:
      type: apiKey
      name: Unused
      in: header
      x-amazon-apigateway-authtype: custom
      x-amazon-apigateway-authorizer:
        type: request
        authorizerUri: arn:aws:apigateway:us-east-1:lambda:path/2015-03-31/functions/arn:aws:lambda:us-east-1:123456789012:function:Authorizer/invocations
        identitySource: method.request.header.x-user
        authorizerResultTtlInSeconds: 300
x-method: &method
  security: [{cachedAuth: [], api_key: []}]
  responses: {"200": {description: x}}
  x-amazon-apigateway-integration:
    type: http_proxy
    httpMethod: GET
    uri: http://${stageVariables.backend}/echo/pets
paths:
  /stage: {get: *method}
  /plan: {get: *method}
  /quota: {get: *method}
`

// TestRedisOrderMatchesMemory sends the same requests to a gateway on the
// memory store, whose steps take their tokens one call at a time, and to
// one on Redis, whose key step takes the throttle step's tokens with its
// own in one script: every answer must be the same, and the one the
// pipeline order gives (docs/architecture.md#pipeline-order). A request
// the authorizer refuses still spends the stage's token, and a throttle
// refusal wins over the authorizer's and the key's.
func TestRedisOrderMatchesMemory(t *testing.T) {
	rs := redistest.Start(t)
	def := filepath.Join(t.TempDir(), "api.yaml")
	if err := os.WriteFile(def, []byte(orderDef), 0o600); err != nil {
		t.Fatal(err)
	}
	fn, err := filepath.Abs("../../testdata/functions/authorizer")
	if err != nil {
		t.Fatal(err)
	}
	// The authorizer's "allow" answer names usageIdentifierKey; with the
	// HEADER key source the x-api-key header is the key.
	settings := `functions:
  - {name: Authorizer, build: %q}
apiKeys:
  - {name: a, id: a-id, value: order-a-0123456789abcdefgh}
  - {name: b, id: b-id, value: order-b-0123456789abcdefgh}
usagePlans:
  - name: pa
    throttle: {rateLimit: 1000, burstLimit: 1000}
    apiStages: [{api: testapi, stage: dev, throttle: {"/plan/GET": {rateLimit: 0.001, burstLimit: 1}}}]
    apiKeys: [a]
  - name: pb
    quota: {limit: 2, period: DAY}
    apiStages: [{api: testapi, stage: dev}]
    apiKeys: [b]
`
	stage := `methodSettings: [{resourcePath: "/stage", httpMethod: GET, throttlingRateLimit: 0.001, throttlingBurstLimit: 1}]`
	stores := map[string]string{
		"memory": "store: {type: memory}\n",
		"redis":  fmt.Sprintf("store: {type: redis, url: %q}\n", rs.URL()),
	}
	const keyA, keyB = "order-a-0123456789abcdefgh", "order-b-0123456789abcdefgh"
	steps := []struct {
		path, user, key string
		want            int
	}{
		{"/stage", "", keyA, 401},             // the authorizer refuses; the stage's token is spent
		{"/stage", "allow", keyA, 429},        // THROTTLED
		{"/stage", "", keyA, 429},             // the throttle wins over the authorizer
		{"/stage", "unauthorized", keyA, 429}, // ... and over a function call
		{"/stage", "allow", "no-such-key-0123456789", 429},
		{"/plan", "allow", keyA, 200},
		{"/plan", "allow", keyA, 429}, // the plan's per-method bucket
		{"/plan", "allow", "no-such-key-0123456789", 403},
		{"/plan", "deny", keyA, 403},
		{"/plan", "unauthorized", keyA, 401},
		{"/quota", "allow", keyB, 200},
		{"/quota", "allow", keyB, 200},
		{"/quota", "allow", keyB, 429}, // QUOTA_EXCEEDED
		{"/quota", "", keyB, 401},
		{"/quota", "allow", keyA, 200},
	}
	answers := map[string][]string{}
	invoked := map[string]int{}
	for _, name := range []string{"memory", "redis"} {
		g := Start(t, Options{Definition: def, Extra: stores[name] + fmt.Sprintf(settings, fn), StageExtra: stage})
		for i, st := range steps {
			req, err := http.NewRequest(http.MethodGet, g.URL+"/dev"+st.path, nil)
			if err != nil {
				t.Fatal(err)
			}
			if st.user != "" {
				req.Header["x-user"] = []string{st.user}
			}
			req.Header.Set("x-api-key", st.key)
			resp := g.Do(t, req)
			body, _ := io.ReadAll(resp.Body)
			resp.Body.Close()
			if resp.StatusCode != st.want {
				t.Errorf("%s: step %d %s user %q: status %d, want %d (%s)", name, i, st.path, st.user, resp.StatusCode, st.want, body)
			}
			if resp.StatusCode == 200 {
				body = nil // the echo of the back end's request differs (trace ids, ports)
			}
			answers[name] = append(answers[name], fmt.Sprintf("%d %s %s", resp.StatusCode, resp.Header.Get("x-amzn-ErrorType"), body))
		}
		// A throttled request never reaches the function.
		invoked[name] = strings.Count(g.Logs(), "msg=\"START RequestId:")
	}
	if invoked["memory"] != invoked["redis"] {
		t.Errorf("the authorizer was invoked %d times on memory, %d on redis", invoked["memory"], invoked["redis"])
	}
	for i := range steps {
		if m, r := answers["memory"][i], answers["redis"][i]; m != r {
			t.Errorf("step %d: memory answers %q, redis %q", i, m, r)
		}
	}
}
