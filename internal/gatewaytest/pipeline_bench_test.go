package gatewaytest

import (
	"bufio"
	"fmt"
	"io"
	"net"
	"net/http"
	"path/filepath"
	"slices"
	"strconv"
	"strings"
	"syscall"
	"testing"
	"time"

	"github.com/portico-gw/portico/internal/store/redistest"
)

// BenchmarkPipeline measures the load-benchmark scenarios (bench/run) as Go
// benchmarks, each through the whole path: client, edge, pipeline steps,
// HTTP_PROXY to a back end on loopback that reads the body, and back:
//
//	Keys       API key, usage-plan throttle and quota on the embedded (bbolt) store
//	Validate   a ~1 KB JSON body validated against a nested model
//	Full       Keys and Validate, a Lambda TOKEN authorizer whose decision is
//	           cached (it supplies the usage key: apiKeySource AUTHORIZER)
//	           and the stage access log written to a file
//	FullRedis  Full with the Redis store; redis-cmds/op counts the commands
//	           Redis ran per request (INFO commandstats, INFO itself left
//	           out), the commands the store's Lua scripts run included;
//	           redis-evals/op counts the script calls alone: each is one
//	           round trip (a token bucket Take, a quota Consume)
//
// Every request must answer 200. cpu-ns/op is the process's CPU time (user
// and system: client, gateway and back end, the garbage collector included)
// per request, which other work on a shared machine disturbs less than the
// wall clock. Run it with
//
//	go test ./internal/gatewaytest -run '^$' -bench Pipeline -benchtime 2000x
func BenchmarkPipeline(b *testing.B) {
	client := &http.Client{}
	body := benchOrder()
	jsonBody := http.Header{"Content-Type": {"application/json"}}
	b.Run("Keys", func(b *testing.B) {
		g := pipelineGateway(b, pipelineScenario{keys: true, store: embeddedStore(b)})
		h := http.Header{"X-Api-Key": {benchKey}}
		withCPU(b, func() { benchRequestsHeader(b, client, http.MethodGet, g.URL+"/dev/pets/1", "", h) })
	})
	b.Run("Validate", func(b *testing.B) {
		g := pipelineGateway(b, pipelineScenario{validate: true, store: "{type: memory}"})
		withCPU(b, func() { benchRequestsHeader(b, client, http.MethodPost, g.URL+"/dev/orders", body, jsonBody) })
	})
	full := http.Header{"Content-Type": {"application/json"}, "Authorization": {"allow"}}
	b.Run("Full", func(b *testing.B) {
		g := pipelineGateway(b, pipelineScenario{keys: true, validate: true, authorizer: true, accessLog: true, store: embeddedStore(b)})
		warm(b, client, http.MethodPost, g.URL+"/dev/orders", body, full)
		withCPU(b, func() { benchRequestsHeader(b, client, http.MethodPost, g.URL+"/dev/orders", body, full) })
	})
	b.Run("FullRedis", func(b *testing.B) {
		rs := redistest.Start(b)
		g := pipelineGateway(b, pipelineScenario{keys: true, validate: true, authorizer: true, accessLog: true,
			store: fmt.Sprintf("{type: redis, url: %q, timeout: 2s}", rs.URL())})
		warm(b, client, http.MethodPost, g.URL+"/dev/orders", body, full)
		before := redisCommandCalls(b, rs.Addr())
		benchRequestsHeader(b, client, http.MethodPost, g.URL+"/dev/orders", body, full)
		after := redisCommandCalls(b, rs.Addr())
		total, evals, per := 0, 0, []string{}
		for cmd, n := range after {
			if d := n - before[cmd]; d > 0 {
				total += d
				if cmd == "evalsha" || cmd == "eval" {
					evals += d
				}
				per = append(per, cmd+"="+strconv.Itoa(d))
			}
		}
		slices.Sort(per)
		b.ReportMetric(float64(total)/float64(b.N), "redis-cmds/op")
		b.ReportMetric(float64(evals)/float64(b.N), "redis-evals/op")
		b.Logf("Redis commands over %d requests: %s", b.N, strings.Join(per, " "))
	})
}

// withCPU runs f, the benchmark loop, and reports the process's CPU time
// per operation as cpu-ns/op.
func withCPU(b *testing.B, f func()) {
	before := processCPU(b)
	f()
	b.ReportMetric(float64(processCPU(b)-before)/float64(b.N), "cpu-ns/op")
}

// processCPU is the user and system CPU time the process has used so far.
func processCPU(b *testing.B) time.Duration {
	var ru syscall.Rusage
	if err := syscall.Getrusage(syscall.RUSAGE_SELF, &ru); err != nil {
		b.Fatal(err)
	}
	return time.Duration(ru.Utime.Nano() + ru.Stime.Nano())
}

// benchKey is the API key of the pipeline scenarios sent in x-api-key.
const benchKey = "bench-0123456789abcdefghij"

// pipelineScenario says which features a pipeline scenario turns on.
type pipelineScenario struct {
	keys, validate, authorizer, accessLog bool
	// store is the settings' store value (YAML flow).
	store string
}

// pipelineGateway starts a gateway with one resource, /{proxy+} (GET and
// POST), proxied to benchSink with the scenario's features.
func pipelineGateway(b *testing.B, s pipelineScenario) *Gateway {
	b.Helper()
	var def strings.Builder
	def.WriteString("openapi: \"3.0.1\"\ninfo: {title: bench pipeline, version: \"1\"}\n")
	if s.authorizer {
		// The authorizer answers the usage key for token "allow".
		def.WriteString("x-amazon-apigateway-api-key-source: AUTHORIZER\n")
	}
	if s.validate {
		def.WriteString("x-amazon-apigateway-request-validators:\n  all: {validateRequestBody: true, validateRequestParameters: true}\n" +
			"x-amazon-apigateway-request-validator: all\n")
	}
	def.WriteString(`components:
  securitySchemes:
    api_key: {type: apiKey, name: x-api-key, in: header}
    tokenAuth:
      type: apiKey
      name: Authorization
      in: header
      x-amazon-apigateway-authtype: custom
      x-amazon-apigateway-authorizer:
        type: token
        authorizerUri: arn:aws:apigateway:us-east-1:lambda:path/2015-03-31/functions/arn:aws:lambda:us-east-1:123456789012:function:Authorizer/invocations
        identitySource: method.request.header.Authorization
        authorizerResultTtlInSeconds: 300
  schemas:
    Order:
      type: object
      required: [id, customer, items]
      properties:
        id: {type: string}
        customer:
          type: object
          required: [name, email]
          properties:
            name: {type: string, minLength: 1}
            email: {type: string}
            address: {type: object, properties: {street: {type: string}, city: {type: string}, zip: {type: string, pattern: "^[0-9]{5}$"}}}
        items:
          type: array
          items:
            type: object
            required: [sku, quantity]
            properties:
              sku: {type: string}
              quantity: {type: integer, minimum: 1}
              price: {type: number}
paths:
  /{proxy+}:
`)
	var security []string
	if s.authorizer {
		security = append(security, "tokenAuth: []")
	}
	if s.keys {
		security = append(security, "api_key: []")
	}
	for _, m := range []string{"get", "post"} {
		fmt.Fprintf(&def, "    %s:\n", m)
		if len(security) > 0 {
			fmt.Fprintf(&def, "      security: [{%s}]\n", strings.Join(security, ", "))
		}
		def.WriteString("      parameters: [{name: proxy, in: path, required: true, schema: {type: string}}]\n")
		if m == "post" {
			def.WriteString("      requestBody: {content: {application/json: {schema: {$ref: \"#/components/schemas/Order\"}}}}\n")
		}
		fmt.Fprintf(&def, `      responses: {"200": {description: proxied}}
      x-amazon-apigateway-integration:
        type: http_proxy
        httpMethod: %s
        uri: "http://${stageVariables.sink}/{proxy}"
        requestParameters: {integration.request.path.proxy: method.request.path.proxy}
`, strings.ToUpper(m))
	}
	// The account throttle is raised: at AWS's 10,000 requests per second
	// a fast loop is throttled (429) and the benchmark fails.
	extra := "store: " + s.store + "\naccount: {throttle: {rateLimit: 1000000000, burstLimit: 1000000000}}\n"
	if s.keys {
		key := "{name: bench, value: " + benchKey + "}"
		if s.authorizer {
			key = "{name: bench, value: authkey-0123456789abcdefgh}"
		}
		extra += "apiKeys: [" + key + "]\n" + `usagePlans:
  - name: bench
    apiStages: [{api: testapi, stage: dev}]
    throttle: {rateLimit: 1000000000, burstLimit: 1000000000}
    quota: {limit: 1000000000, period: MONTH}
    apiKeys: [bench]
`
	}
	if s.authorizer {
		fns, err := filepath.Abs("../../testdata/functions")
		if err != nil {
			b.Fatal(err)
		}
		extra += fmt.Sprintf("functions:\n  - {name: Authorizer, build: %q}\n", fns+"/authorizer")
	}
	stageExtra := ""
	if s.accessLog {
		// AWS's CLF example format, written to a file.
		stageExtra = fmt.Sprintf("accessLogSettings:\n  format: '$context.identity.sourceIp $context.identity.caller $context.identity.user [$context.requestTime] \"$context.httpMethod $context.resourcePath $context.protocol\" $context.status $context.responseLength $context.requestId'\n  destination: %q\n",
			filepath.Join(b.TempDir(), "access.log"))
	}
	return Start(b, Options{Definition: benchDefinition(b, def.String()), Extra: extra, StageExtra: stageExtra,
		Stages: map[string]map[string]string{"dev": {"sink": benchSink(b)}}})
}

// embeddedStore is the settings' store value for a bbolt file in a
// temporary directory.
func embeddedStore(b *testing.B) string {
	return fmt.Sprintf("{type: embedded, path: %q}", filepath.Join(b.TempDir(), "data"))
}

// benchOrder is the ~1 KB order bench/post.lua sends, valid for the Order
// model.
func benchOrder() string {
	items := make([]string, 0, 12)
	for i := 1; i <= 12; i++ {
		items = append(items, fmt.Sprintf(`{"sku":"SKU-%04d","quantity":%d,"price":%d.99}`, i, i, i*3))
	}
	return `{"id":"order-000123","customer":{"name":"Alice Example","email":"alice@example.com",` +
		`"address":{"street":"1 Main Street","city":"Springfield","zip":"12345"}},"items":[` +
		strings.Join(items, ",") + `],"note":"` + strings.Repeat("x", 200) + `"}`
}

// warm sends one untimed request (a function's cold start, the first
// authorizer call) and fails unless it answers 200.
func warm(b *testing.B, client *http.Client, method, url, body string, header http.Header) {
	b.Helper()
	if status := benchRequest(b, client, method, url, body, header); status != http.StatusOK {
		b.Fatalf("warm-up: status %d", status)
	}
}

// redisCommandCalls reads INFO commandstats from the Redis at addr and
// returns how many times each command ran, INFO itself left out.
func redisCommandCalls(b *testing.B, addr string) map[string]int {
	b.Helper()
	c, err := net.DialTimeout("tcp", addr, 2*time.Second)
	if err != nil {
		b.Fatal(err)
	}
	defer c.Close()
	_ = c.SetDeadline(time.Now().Add(5 * time.Second))
	if _, err := c.Write([]byte("INFO commandstats\r\n")); err != nil {
		b.Fatal(err)
	}
	r := bufio.NewReader(c)
	head, err := r.ReadString('\n')
	if err != nil || !strings.HasPrefix(head, "$") {
		b.Fatalf("INFO commandstats: reply %q: %v", head, err)
	}
	n, err := strconv.Atoi(strings.TrimSpace(head[1:]))
	if err != nil {
		b.Fatalf("INFO commandstats: reply %q: %v", head, err)
	}
	buf := make([]byte, n)
	if _, err := io.ReadFull(r, buf); err != nil {
		b.Fatal(err)
	}
	calls := map[string]int{}
	// cmdstat_evalsha:calls=2,usec=31,usec_per_call=15.50,...
	for _, line := range strings.Split(string(buf), "\r\n") {
		name, stats, ok := strings.Cut(strings.TrimPrefix(line, "cmdstat_"), ":")
		if !ok || !strings.HasPrefix(line, "cmdstat_") || name == "info" {
			continue
		}
		v, _, _ := strings.Cut(strings.TrimPrefix(stats, "calls="), ",")
		if calls[name], err = strconv.Atoi(v); err != nil {
			b.Fatalf("INFO commandstats: line %q: %v", line, err)
		}
	}
	return calls
}
