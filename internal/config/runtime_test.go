package config

import (
	"path/filepath"
	"strings"
	"testing"
)

const runtimeAPIs = "apis:\n  - id: a\n    definition: ./api.yaml\n    stages: [{name: dev}]\n"

// A function's runtime, handler and layers are checked with located errors,
// every problem reported at once.
func TestFunctionRuntimeErrors(t *testing.T) {
	t.Parallel()
	body := runtimeAPIs + `functions:
  - {name: A, runtime: nodejs16.x, handler: app.handler, codeUri: ./src}
  - {name: B, runtime: nodejs20.x, handler: app, codeUri: ./src}
  - {name: C, runtime: python3.12, handler: lambda_handler, codeUri: ./src}
  - {name: D, runtime: python3.12, handler: app.handler}
  - {name: E, command: [./x], handler: app.handler}
  - {name: F, runtime: go1.x, codeUri: ./src}
  - {name: G, runtime: nodejs20.x, handler: src/app., codeUri: ./src, layers: [""]}
`
	_, err := Load(write(t, "portico.yaml", body), noEnv)
	if err == nil {
		t.Fatal("got no error")
	}
	for _, w := range []string{
		`portico.yaml:6: /functions/0/runtime: unknown runtime "nodejs16.x"`,
		`portico.yaml:7: /functions/1/handler: handler "app" must be file.export`,
		`portico.yaml:8: /functions/2/handler: handler "lambda_handler" must be module.function`,
		`portico.yaml:9: /functions/3/codeUri: runtime python3.12 needs codeUri`,
		`portico.yaml:10: /functions/4/handler: handler needs a runtime`,
		`portico.yaml:11: /functions/5/handler: handler "" must name the executable`,
		`portico.yaml:12: /functions/6/handler: handler "src/app." must be file.export`,
		`portico.yaml:12: /functions/6/layers/0: a layer is a directory path`,
	} {
		if !strings.Contains(err.Error(), w) {
			t.Errorf("error %q does not contain %q", err, w)
		}
	}
}

// Valid runtime settings load, with layer paths resolved against the
// settings file and the runtime's line kept for warnings.
func TestFunctionRuntimeLoads(t *testing.T) {
	t.Parallel()
	body := runtimeAPIs + `functions:
  - name: Node
    runtime: nodejs22.x
    handler: src/app.lambdaHandler
    codeUri: ./node
    layers: [./layers/shared]
  - {name: Py, runtime: python3.9, handler: pkg/mod.handler, codeUri: ./py}
  - {name: Go, runtime: go1.x, handler: main, codeUri: ./go}
  - {name: Prov, runtime: provided.al2023, codeUri: ./prov}
`
	p := write(t, "portico.yaml", body)
	f, err := Load(p, noEnv)
	if err != nil {
		t.Fatal(err)
	}
	if want := filepath.Join(filepath.Dir(p), "layers/shared"); len(f.Functions[0].Layers) != 1 || f.Functions[0].Layers[0] != want {
		t.Errorf("layers: got %v, want [%s]", f.Functions[0].Layers, want)
	}
	if f.Functions[0].RuntimeLine() != 7 || f.Functions[1].RuntimeLine() != 11 {
		t.Errorf("runtime lines: got %d and %d, want 7 and 11", f.Functions[0].RuntimeLine(), f.Functions[1].RuntimeLine())
	}
}
