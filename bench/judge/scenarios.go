package main

import (
	"context"
	"errors"
	"fmt"
	"net"
	"os"
	"os/exec"
	"path/filepath"
	"strconv"
	"strings"
	"time"

	"github.com/redis/rueidis"
	"go.yaml.in/yaml/v4"
)

// scenario is one comparison: targets started together and measured in
// the same rounds.
type scenario struct {
	name  string
	about string   // what it measures, for the table and the docs
	roles []string // ratio columns: the baselines every target is divided by
	// connCap caps the connection count (0: none).
	connCap int
	// minWarmup is the least warm-up, in seconds, whatever WARMUP says.
	minWarmup int
	targets   func(e *env) ([]*target, error)
}

func (s *scenario) maxConns(c int) int {
	if s.connCap > 0 && c > s.connCap {
		return s.connCap
	}
	return c
}

// target is one server under load.
type target struct {
	name    string
	subject bool              // a Portico target (the goals judge these)
	refs    map[string]string // ratio role → the target divided by
	req     request
	peer    string // a peer's directory
	quiet   bool   // discard stdout (Portico's default access log)
	start   func(e *env, t *target) (argv, extraEnv []string, err error)

	addr        string
	proc        *proc
	firstMs     float64
	firstStatus int
}

// The requests. Portico's paths get the stage prefix (/prod) added.
var (
	apiKey  = [2]string{"x-api-key", "bench-0123456789abcdefghij"}
	getPet  = request{Method: "GET", Path: "/pets/1"}
	keyed   = request{Method: "GET", Path: "/pets/1", Header: [][2]string{apiKey}}
	getHi   = request{Method: "GET", Path: "/hello"}
	jsonHdr = [2]string{"Content-Type", "application/json"}
)

// order is the ~1 KB JSON body of the validate and full scenarios.
func order(e *env) ([]byte, error) { return os.ReadFile(filepath.Join(e.bench, "order.json")) }

var scenarios = []*scenario{
	{name: "proxy", about: "GET through an HTTP_PROXY route (no key, no validation): Portico next to the bare and pooled proxies and the peers",
		roles: []string{"bare", "pooled"}, targets: func(e *env) ([]*target, error) {
			ts := append(e.baselines(getPet), e.portico("portico", "proxy.yaml", getPet, nil))
			peers, err := e.peers("proxy", getPet)
			if err != nil {
				return nil, err
			}
			return append(append(ts, e.builtinPeers(peers, getPet)...), peers...), nil
		}},
	{name: "keys", about: "GET with an API key checked against a usage plan's throttle and quota on the embedded bbolt store; peers enforce a key, a rate limit and a quota",
		roles: []string{"bare", "pooled"}, targets: func(e *env) ([]*target, error) {
			ts := append(e.baselines(keyed), e.portico("portico", "keys.yaml", keyed, nil))
			peers, err := e.peers("keys", keyed)
			return append(ts, peers...), err
		}},
	{name: "validate", about: "POST of a ~1 KB JSON body validated against a nested model, then HTTP_PROXY",
		roles: []string{"bare", "pooled"}, targets: func(e *env) ([]*target, error) {
			body, err := order(e)
			req := request{Method: "POST", Path: "/orders", Header: [][2]string{jsonHdr}, Body: body}
			return append(e.baselines(req), e.portico("portico", "validate.yaml", req, nil)), err
		}},
	{name: "full", about: "the full pipeline: Lambda TOKEN authorizer (cached decision), API key with usage-plan throttle and quota on bbolt, validation of a ~1 KB body, HTTP_PROXY, access log to a file",
		roles: []string{"bare", "pooled"}, targets: func(e *env) ([]*target, error) {
			req, err := fullRequest(e)
			return append(e.baselines(req), e.portico("portico", "full.yaml", req, nil)), err
		}},
	{name: "redis", about: "the full pipeline with usage counters, quotas and throttle buckets in Redis",
		roles: []string{"bare", "pooled"}, targets: func(e *env) ([]*target, error) {
			if err := e.pingRedis(); err != nil {
				return nil, fmt.Errorf("Redis at %s is not reachable: %v", e.opt.RedisAddr, err)
			}
			req, err := fullRequest(e)
			return append(e.baselines(req), e.portico("portico", "redis.yaml", req, nil)), err
		}},
	{name: "routes", about: "GET through one API with 1, 100 and 1,000 HTTP_PROXY routes, every request on one route",
		roles: []string{"bare", "pooled", "1 route"}, targets: func(e *env) ([]*target, error) {
			ts := e.baselines(getPet)
			for _, n := range []int{1, 100, 1000} {
				req := request{Method: "GET", Path: fmt.Sprintf("/svc%d/pets/1", n-1)}
				t := e.portico("routes-"+strconv.Itoa(n), "routes.yaml", req, func(m map[string]any, dir string) error {
					def := filepath.Join(dir, fmt.Sprintf("openapi-routes-%d.yaml", n))
					m["apis"].([]any)[0].(map[string]any)["definition"] = def
					return os.WriteFile(def, routesDefinition(n), 0o644)
				})
				t.refs["1 route"] = "routes-1"
				ts = append(ts, t)
			}
			return ts, nil
		}},
	{name: "bodies", about: "POST bodies of 1 KiB, 64 KiB and 1 MiB streamed through HTTP_PROXY (one process per size, so peak RSS is per size)",
		roles: []string{"bare"}, targets: func(e *env) ([]*target, error) {
			var ts []*target
			for _, size := range []struct {
				name string
				n    int
			}{{"1k", 1 << 10}, {"64k", 64 << 10}, {"1m", 1 << 20}} {
				req := request{Method: "POST", Path: "/upload", Header: [][2]string{{"Content-Type", "application/octet-stream"}},
					Body: []byte(strings.Repeat("0123456789abcdef", size.n/16))}
				bare := e.bare("bare-"+size.name, false, req)
				p := e.portico("portico-"+size.name, "bodies.yaml", req, nil)
				bare.refs = map[string]string{"bare": bare.name}
				p.refs = map[string]string{"bare": bare.name}
				ts = append(ts, bare, p)
			}
			return ts, nil
		}},
	{name: "cache", about: "GET answered from the stage cache (every request after the first is a hit)",
		roles: []string{"bare", "pooled"}, targets: func(e *env) ([]*target, error) {
			return append(e.baselines(getPet), e.portico("portico", "cache.yaml", getPet, nil)), nil
		}},
	{name: "lambda", about: "GET answered by the Node.js handler bench/lambda/handler.js: Portico AWS_PROXY (warm processes reused), Portico MOCK answering the same, and peers running the handler; at most 16 connections (Lambda runs one request per process, so each connection is a Node.js process) and at least 5 s of warm-up (the processes' cold starts)",
		connCap: 16, minWarmup: 5, targets: func(e *env) ([]*target, error) {
			ts := []*target{e.portico("portico-lambda", "lambda.yaml", getHi, nil), e.portico("portico-mock", "mock.yaml", getHi, nil)}
			for _, t := range ts {
				t.refs = nil
			}
			peers, err := e.peers("lambda", getHi)
			return append(ts, peers...), err
		}},
}

func scenarioNames() []string {
	var out []string
	for _, s := range scenarios {
		out = append(out, s.name)
	}
	return out
}

func findScenario(name string) *scenario {
	for _, s := range scenarios {
		if s.name == name {
			return s
		}
	}
	return nil
}

// fullRequest is the full pipeline's request: the order with the key and
// the token the test authorizer allows (testdata/functions/authorizer).
func fullRequest(e *env) (request, error) {
	body, err := order(e)
	return request{Method: "POST", Path: "/orders", Body: body,
		Header: [][2]string{jsonHdr, apiKey, {"Authorization", "allow"}}}, err
}

// baseRefs divides by the bare and the pooled proxy.
func baseRefs() map[string]string { return map[string]string{"bare": "bare", "pooled": "pooled"} }

// baselines are the bare and the pooled httputil.ReverseProxy.
func (e *env) baselines(req request) []*target {
	return []*target{e.bare("bare", false, req), e.bare("pooled", true, req)}
}

func (e *env) bare(name string, pool bool, req request) *target {
	return &target{name: name, req: req, refs: baseRefs(), start: func(e *env, t *target) ([]string, []string, error) {
		argv := []string{filepath.Join(e.bin, "bareproxy"), "--listen", t.addr, "--target", "http://" + e.upstream}
		if pool {
			argv = append(argv, "--pool")
		}
		return argv, nil, nil
	}}
}

// portico is a Portico target serving bench/settings (rewritten for its
// ports and directories; edit may change the settings further).
func (e *env) portico(name, settings string, req request, edit func(m map[string]any, dir string) error) *target {
	req.Path = "/prod" + req.Path
	return &target{name: name, subject: true, quiet: true, req: req, refs: baseRefs(),
		start: func(e *env, t *target) ([]string, []string, error) {
			file, err := e.settings(t, settings, edit)
			if err != nil {
				return nil, nil, err
			}
			return []string{filepath.Join(e.bin, "portico"), "serve", "--config", file, "--log-level", "warn"}, nil, nil
		}}
}

// benchUpstream is the upstream address written in bench/'s definitions.
const benchUpstream = "127.0.0.1:9101"

// settings writes the target's copy of bench/file: its listen and admin
// addresses, its store in the data directory (or its own Redis key
// prefix), the definitions copied with the upstream's address, relative
// paths made absolute and the access log file moved into the data
// directory.
func (e *env) settings(t *target, file string, edit func(m map[string]any, dir string) error) (string, error) {
	dir, data := filepath.Join(e.tmp, "cfg-"+t.name), filepath.Join(e.data, t.name)
	for _, d := range []string{dir, data} {
		if err := os.MkdirAll(d, 0o755); err != nil {
			return "", err
		}
	}
	raw, err := os.ReadFile(filepath.Join(e.bench, file))
	if err != nil {
		return "", err
	}
	var m map[string]any
	if err := yaml.Unmarshal(raw, &m); err != nil {
		return "", fmt.Errorf("%s: %w", file, err)
	}
	m["listen"] = t.addr
	m["admin"] = map[string]any{"listen": e.port()}
	store, _ := m["store"].(map[string]any)
	if store == nil {
		store = map[string]any{}
		m["store"] = store
	}
	switch store["type"] {
	case nil, "embedded":
		store["path"] = data
	case "redis":
		prefix := fmt.Sprintf("portico-judge-%d-%s", os.Getpid(), t.name)
		store["url"], store["keyPrefix"] = "redis://"+e.opt.RedisAddr+"/0", prefix
		e.redisKeys = append(e.redisKeys, prefix)
	}
	if edit != nil {
		if err := edit(m, dir); err != nil {
			return "", err
		}
	}
	abs := func(p string) string {
		if filepath.IsAbs(p) {
			return p
		}
		return filepath.Join(e.bench, p)
	}
	fns, _ := m["functions"].([]any)
	for _, f := range fns {
		fn := f.(map[string]any)
		for _, k := range []string{"codeUri", "build"} {
			if p, ok := fn[k].(string); ok {
				fn[k] = abs(p)
			}
		}
	}
	apis, _ := m["apis"].([]any)
	for _, a := range apis {
		api := a.(map[string]any)
		def := abs(api["definition"].(string))
		text, err := os.ReadFile(def)
		if err != nil {
			return "", err
		}
		copied := filepath.Join(dir, filepath.Base(def))
		if err := os.WriteFile(copied, []byte(strings.ReplaceAll(string(text), benchUpstream, e.upstream)), 0o644); err != nil {
			return "", err
		}
		api["definition"] = copied
		stages, _ := api["stages"].([]any)
		for _, s := range stages {
			if als, ok := s.(map[string]any)["accessLogSettings"].(map[string]any); ok {
				if d, _ := als["destination"].(string); d != "" && d != "stdout" {
					als["destination"] = filepath.Join(data, filepath.Base(d))
				}
			}
		}
	}
	out, err := yaml.Marshal(m)
	if err != nil {
		return "", err
	}
	path := filepath.Join(dir, "settings.yaml")
	return path, os.WriteFile(path, out, 0o644)
}

// routesDefinition is an OpenAPI definition with n HTTP_PROXY routes
// /svc{i}/pets/{id}.
func routesDefinition(n int) []byte {
	var b strings.Builder
	fmt.Fprintf(&b, "openapi: \"3.0.1\"\ninfo: {title: bench routes %d, version: \"1\"}\npaths:\n", n)
	for i := range n {
		fmt.Fprintf(&b, `  /svc%d/pets/{id}:
    get:
      parameters: [{name: id, in: path, required: true, schema: {type: string}}]
      responses: {"200": {description: proxied}}
      x-amazon-apigateway-integration:
        type: http_proxy
        httpMethod: GET
        uri: http://%s/pets/{id}
        requestParameters: {integration.request.path.id: method.request.path.id}
`, i, benchUpstream)
	}
	return []byte(b.String())
}

// peers are the targets of PEERS_DIR/*/start for the scenario (the
// contract is in docs/benchmarks.md).
func (e *env) peers(scenario string, req request) ([]*target, error) {
	ents, err := os.ReadDir(e.opt.PeersDir)
	if errors.Is(err, os.ErrNotExist) {
		fmt.Fprintf(os.Stderr, "no peers directory %s: no peers measured\n", e.opt.PeersDir)
		return nil, nil
	}
	if err != nil {
		return nil, err
	}
	var out []*target
	for _, d := range ents {
		dir := filepath.Join(e.opt.PeersDir, d.Name())
		if !d.IsDir() || !isExecutable(filepath.Join(dir, "start")) {
			continue
		}
		out = append(out, &target{name: d.Name(), peer: dir, req: req, refs: baseRefs(),
			start: func(e *env, t *target) ([]string, []string, error) {
				work := filepath.Join(e.tmp, "peer-"+t.name+"-"+scenario)
				if err := os.MkdirAll(work, 0o755); err != nil {
					return nil, nil, err
				}
				return []string{filepath.Join(dir, "start")}, []string{
					"PEER_LISTEN=" + t.addr, "PEER_UPSTREAM=" + e.upstream, "PEER_WORK=" + work,
					"PEER_SCENARIO=" + scenario, "PEER_BIN=" + e.opt.PeerBin, "PEER_REDIS=" + e.opt.RedisAddr,
					"PEER_REPO=" + e.repo}, nil
			}})
	}
	return out, nil
}

// builtinPeers are nginx and Caddy as plain proxies, when installed and
// not provided as peers of the same name.
func (e *env) builtinPeers(peers []*target, req request) []*target {
	have := map[string]bool{}
	for _, p := range peers {
		have[p.name] = true
	}
	var out []*target
	if _, err := exec.LookPath("nginx"); err != nil {
		fmt.Fprintln(os.Stderr, "nginx not installed (apt-get install nginx-light): skipped")
	} else if !have["nginx"] {
		out = append(out, &target{name: "nginx", req: req, refs: baseRefs(), start: func(e *env, t *target) ([]string, []string, error) {
			dir := filepath.Join(e.tmp, "nginx")
			if err := os.MkdirAll(dir, 0o755); err != nil {
				return nil, nil, err
			}
			conf := fmt.Sprintf(`daemon off; master_process off; worker_processes 1; pid %[1]s/nginx.pid; error_log %[1]s/error.log;
events { worker_connections 4096; }
http {
  access_log off;
  client_body_temp_path %[1]s; proxy_temp_path %[1]s; fastcgi_temp_path %[1]s; uwsgi_temp_path %[1]s; scgi_temp_path %[1]s;
  upstream up { server %[2]s; keepalive 256; }
  server { listen %[3]s; location / { proxy_pass http://up; proxy_http_version 1.1; proxy_set_header Connection ""; } }
}
`, dir, e.upstream, t.addr)
			file := filepath.Join(dir, "nginx.conf")
			return []string{"nginx", "-c", file}, nil, os.WriteFile(file, []byte(conf), 0o644)
		}})
	}
	if _, err := exec.LookPath("caddy"); err != nil {
		fmt.Fprintln(os.Stderr, "caddy not installed (apt-get install caddy): skipped")
	} else if !have["caddy"] {
		out = append(out, &target{name: "caddy", req: req, refs: baseRefs(), start: func(e *env, t *target) ([]string, []string, error) {
			dir := filepath.Join(e.tmp, "caddy")
			if err := os.MkdirAll(dir, 0o755); err != nil {
				return nil, nil, err
			}
			conf := fmt.Sprintf("{\n  admin off\n  auto_https off\n}\nhttp://%s {\n  reverse_proxy %s\n}\n", t.addr, e.upstream)
			file := filepath.Join(dir, "Caddyfile")
			return []string{"caddy", "run", "--config", file, "--adapter", "caddyfile"},
				[]string{"HOME=" + dir, "XDG_DATA_HOME=" + dir, "XDG_CONFIG_HOME=" + dir}, os.WriteFile(file, []byte(conf), 0o644)
		}})
	}
	return out
}

func (e *env) redis() (rueidis.Client, error) {
	return rueidis.NewClient(rueidis.ClientOption{InitAddress: []string{e.opt.RedisAddr}, DisableCache: true,
		Dialer: net.Dialer{Timeout: 2 * time.Second}})
}

func (e *env) pingRedis() error {
	c, err := e.redis()
	if err != nil {
		return err
	}
	defer c.Close()
	ctx, cancel := context.WithTimeout(e.ctx, 2*time.Second)
	defer cancel()
	return c.Do(ctx, c.B().Ping().Build()).Error()
}

// cleanRedis deletes the keys under the prefixes this run used, and
// nothing else.
func (e *env) cleanRedis() {
	if len(e.redisKeys) == 0 {
		return
	}
	c, err := e.redis()
	if err != nil {
		loud("cleaning Redis: %v", err)
		return
	}
	defer c.Close()
	ctx, cancel := context.WithTimeout(context.Background(), 30*time.Second)
	defer cancel()
	for _, prefix := range e.redisKeys {
		var cursor uint64
		for {
			entry, err := c.Do(ctx, c.B().Scan().Cursor(cursor).Match(prefix+"*").Count(1000).Build()).AsScanEntry()
			if err != nil {
				loud("cleaning Redis keys %s*: %v", prefix, err)
				break
			}
			if len(entry.Elements) > 0 {
				if err := c.Do(ctx, c.B().Del().Key(entry.Elements...).Build()).Error(); err != nil {
					loud("cleaning Redis keys %s*: %v", prefix, err)
				}
			}
			if cursor = entry.Cursor; cursor == 0 {
				break
			}
		}
	}
}
