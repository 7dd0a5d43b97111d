package gatewaytest

import (
	"encoding/json"
	"fmt"
	"io"
	"math/rand/v2"
	"net/http"
	"os"
	"path/filepath"
	"strconv"
	"strings"
	"testing"

	"github.com/google/go-cmp/cmp"

	"github.com/portico-gw/portico/internal/store/redistest"
)

// suite is one testdata/parity/<feature>/<name>.json file: a definition,
// its stages and the cases run against it. Adding a case needs no Go code.
type suite struct {
	// Definition is the OpenAPI file, relative to the suite file.
	Definition string                       `json:"definition"`
	Stages     map[string]map[string]string `json:"stages"`
	// Settings is YAML appended to the generated settings file.
	Settings string `json:"settings"`
	// StageSettings is YAML added to every stage (e.g. methodSettings).
	StageSettings string  `json:"stageSettings"`
	Cases         []pcase `json:"cases"`
}

// pcase is one request and the exact response AWS gives, or, for
// behaviour that depends on earlier requests (a quota used up, a throttle
// bucket emptied, a cached authorizer answer), a sequence of steps sent in
// order to one gateway. Every case passes when run alone: nothing it asserts
// may depend on another case having run before it.
type pcase struct {
	Name string `json:"name"`
	// AWS names the behaviour pinned and its source.
	AWS      string  `json:"aws"`
	Request  preq    `json:"request"`
	Response presp   `json:"response"`
	Steps    []pstep `json:"steps"`
}

// pstep is one request of a stateful case and its expected response; its
// optional name and aws say what this step pins.
type pstep struct {
	Name     string `json:"name"`
	AWS      string `json:"aws"`
	Request  preq   `json:"request"`
	Response presp  `json:"response"`
}

// preq is the request a case sends.
type preq struct {
	Method  string            `json:"method"`
	Path    string            `json:"path"`
	Host    string            `json:"host"`
	Headers map[string]string `json:"headers"`
	// RawHeaders are sent as written: the name's casing is kept and a
	// name given twice is sent as two header lines.
	RawHeaders [][2]string `json:"rawHeaders"`
	Body       string      `json:"body"`
}

// presp is the response a case expects.
type presp struct {
	Status int `json:"status"`
	// Headers must be present with these values; "*" means any value.
	Headers map[string]string `json:"headers"`
	// HeadersAbsent must not be present.
	HeadersAbsent []string `json:"headersAbsent"`
	// Body is the exact body.
	Body *string `json:"body"`
	// JSON must be a subset of the JSON body (objects compared key by key).
	JSON any `json:"json"`
	// JSONAbsent are dotted paths ("headers.Expect") that must not
	// exist in the JSON body.
	JSONAbsent []string `json:"jsonAbsent"`
}

// steps returns the requests of a case in order: its steps, or its one
// request.
func (c pcase) steps() ([]pstep, error) {
	switch {
	case len(c.Steps) > 0 && (c.Request.Method != "" || c.Response.Status != 0):
		return nil, fmt.Errorf("case %q has both steps and a request/response", c.Name)
	case len(c.Steps) > 0:
		return c.Steps, nil
	case c.Request.Method == "" || c.Response.Status == 0:
		return nil, fmt.Errorf("case %q has no request method or no response status", c.Name)
	}
	return []pstep{{Request: c.Request, Response: c.Response}}, nil
}

// PORTICO_PARITY_ISOLATED=1 runs every case against a gateway of its own
// (slow: one gateway per case), proving that each case passes alone.
// Otherwise the cases of a suite share one gateway and run in an order
// shuffled by a seed, logged with the suite; PORTICO_PARITY_SEED=N replays
// an order. A case that passes only after another (or only before it)
// therefore fails sooner or later, and fails reproducibly with its seed.
const (
	isolatedEnv = "PORTICO_PARITY_ISOLATED"
	seedEnv     = "PORTICO_PARITY_SEED"
)

// memoryStore is the store setting of the suites TestParityRedis runs.
const memoryStore = "store: {type: memory}"

// TestParityRedis runs the suites whose answers depend on the counters
// and on the order of the throttle, authorization and key steps with the
// Redis store, which combines the throttle's and the key step's checks in
// one call: every answer must be the same as with the memory store.
func TestParityRedis(t *testing.T) {
	rs := redistest.Start(t)
	seed, err := paritySeed(os.Getenv(seedEnv))
	if err != nil {
		t.Fatal(err)
	}
	var files []string
	for _, dir := range []string{"apikey", "authorizers", "resource-policy"} {
		fs, err := filepath.Glob("../../testdata/parity/" + dir + "/*.json")
		if err != nil || len(fs) == 0 {
			t.Fatalf("no parity suites in %s: %v", dir, err)
		}
		files = append(files, fs...)
	}
	for i, f := range files {
		t.Run(strings.TrimSuffix(strings.TrimPrefix(f, "../../testdata/parity/"), ".json"), func(t *testing.T) {
			t.Parallel()
			// A prefix per suite: the suites share the server.
			runSuite(t, f, false, seed, fmt.Sprintf("store: {type: redis, url: %q, keyPrefix: parity%d}", rs.URL(), i))
		})
	}
}

func TestParity(t *testing.T) {
	files, err := filepath.Glob("../../testdata/parity/*/*.json")
	if err != nil || len(files) == 0 {
		t.Fatalf("no parity suites found: %v", err)
	}
	isolated := os.Getenv(isolatedEnv) == "1"
	seed, err := paritySeed(os.Getenv(seedEnv))
	if err != nil {
		t.Fatal(err)
	}
	for _, f := range files {
		t.Run(strings.TrimSuffix(strings.TrimPrefix(f, "../../testdata/parity/"), ".json"), func(t *testing.T) {
			t.Parallel()
			runSuite(t, f, isolated, seed, "")
		})
	}
}

// paritySeed parses PORTICO_PARITY_SEED, or picks a seed when it is unset.
func paritySeed(v string) (uint64, error) {
	if v == "" {
		return rand.Uint64(), nil
	}
	seed, err := strconv.ParseUint(v, 10, 64)
	if err != nil {
		return 0, fmt.Errorf("%s=%q: not an unsigned integer", seedEnv, v)
	}
	return seed, nil
}

// shuffled returns the indexes 0..n-1 in an order drawn from seed.
func shuffled(n int, seed uint64) []int {
	order := make([]int, n)
	for i := range order {
		order[i] = i
	}
	r := rand.New(rand.NewPCG(seed, 0))
	r.Shuffle(n, func(i, j int) { order[i], order[j] = order[j], order[i] })
	return order
}

// runSuite runs the suite in file; store, unless empty, replaces the
// suite's "store: {type: memory}" setting.
func runSuite(t *testing.T, file string, isolated bool, seed uint64, store string) {
	data, err := os.ReadFile(file)
	if err != nil {
		t.Fatal(err)
	}
	var s suite
	dec := json.NewDecoder(strings.NewReader(string(data)))
	dec.DisallowUnknownFields()
	if err := dec.Decode(&s); err != nil {
		t.Fatalf("%s: %v", file, err)
	}
	fns, err := filepath.Abs("../../testdata/functions")
	if err != nil {
		t.Fatal(err)
	}
	settings := strings.ReplaceAll(s.Settings, "{{functions}}", fns)
	if store != "" {
		if !strings.Contains(settings, memoryStore) {
			t.Fatalf("%s: settings without %q to replace", file, memoryStore)
		}
		settings = strings.Replace(settings, memoryStore, store, 1)
	}
	opts := Options{Definition: filepath.Join(filepath.Dir(file), s.Definition), Stages: s.Stages, Extra: settings, StageExtra: s.StageSettings}
	var shared *Gateway
	if !isolated {
		shared = Start(t, opts)
		t.Logf("cases run in the order of %s=%d", seedEnv, seed)
	}
	for _, i := range shuffled(len(s.Cases), seed) {
		c := s.Cases[i]
		t.Run(c.Name, func(t *testing.T) {
			if c.AWS == "" {
				t.Fatalf("case %q does not say which AWS behaviour it pins", c.Name)
			}
			steps, err := c.steps()
			if err != nil {
				t.Fatal(err)
			}
			g := shared
			if g == nil {
				g = Start(t, opts)
			}
			for n, st := range steps {
				if len(steps) > 1 {
					t.Logf("step %d %q: %s %s", n+1, st.Name, st.Request.Method, st.Request.Path)
				}
				checkCase(t, g, st)
			}
		})
	}
}

func checkCase(t *testing.T, g *Gateway, c pstep) {
	req, err := http.NewRequest(c.Request.Method, g.URL+c.Request.Path, strings.NewReader(c.Request.Body))
	if err != nil {
		t.Fatal(err)
	}
	if c.Request.Body == "" {
		req.Body = http.NoBody
	}
	for k, v := range c.Request.Headers {
		req.Header.Set(k, v)
	}
	for _, kv := range c.Request.RawHeaders {
		req.Header[kv[0]] = append(req.Header[kv[0]], kv[1])
	}
	if c.Request.Host != "" {
		req.Host = c.Request.Host
	}
	resp := g.Do(t, req)
	defer resp.Body.Close()
	body, _ := io.ReadAll(resp.Body)
	want := c.Response
	if resp.StatusCode != want.Status {
		t.Errorf("status: got %d, want %d (body %s)", resp.StatusCode, want.Status, body)
	}
	for k, v := range want.Headers {
		got, ok := resp.Header[http.CanonicalHeaderKey(k)]
		if !ok {
			got, ok = resp.Header[k]
		}
		if !ok {
			t.Errorf("header %s: missing (have %v)", k, resp.Header)
			continue
		}
		if v != "*" && strings.Join(got, ",") != v {
			t.Errorf("header %s: got %q, want %q", k, strings.Join(got, ","), v)
		}
	}
	for _, k := range want.HeadersAbsent {
		if v := resp.Header.Get(k); v != "" {
			t.Errorf("header %s: got %q, want absent", k, v)
		}
	}
	if want.Body != nil && string(body) != *want.Body {
		t.Errorf("body: got %q, want %q", body, *want.Body)
	}
	if want.JSON != nil {
		var got any
		if err := json.Unmarshal(body, &got); err != nil {
			t.Fatalf("body is not JSON: %v: %s", err, body)
		}
		if msg := subset(want.JSON, got, "$"); msg != "" {
			t.Errorf("json: %s\nbody: %s", msg, body)
		}
	}
	if len(want.JSONAbsent) > 0 {
		var got any
		if err := json.Unmarshal(body, &got); err != nil {
			t.Fatalf("body is not JSON: %v: %s", err, body)
		}
		for _, p := range want.JSONAbsent {
			if v, ok := lookupPath(got, p); ok {
				t.Errorf("json %s: got %v, want absent", p, v)
			}
		}
	}
}

// lookupPath follows a dotted path of object keys.
func lookupPath(v any, path string) (any, bool) {
	for _, k := range strings.Split(path, ".") {
		m, ok := v.(map[string]any)
		if !ok {
			return nil, false
		}
		if v, ok = m[k]; !ok {
			return nil, false
		}
	}
	return v, true
}

// subset reports where want is not contained in got ("" when it is).
func subset(want, got any, path string) string {
	switch w := want.(type) {
	case map[string]any:
		g, ok := got.(map[string]any)
		if !ok {
			return fmt.Sprintf("%s: got %v, want an object", path, got)
		}
		for k, wv := range w {
			gv, ok := g[k]
			if !ok {
				return fmt.Sprintf("%s.%s: missing", path, k)
			}
			if msg := subset(wv, gv, path+"."+k); msg != "" {
				return msg
			}
		}
		return ""
	default:
		if diff := cmp.Diff(want, got); diff != "" {
			return fmt.Sprintf("%s (-want +got):\n%s", path, diff)
		}
		return ""
	}
}
