package gatewaytest

import (
	"fmt"
	"io"
	"net/http"
	"os"
	"path/filepath"
	"testing"
	"time"
)

// versionFunction is a Go Lambda function without dependencies (a minimal
// Runtime API client) answering the proxy response {"version": VERSION};
// VERSION is defined in version.go.
const versionFunction = `package main

import (
	"io"
	"net/http"
	"os"
	"strings"
)

func main() {
	api := "http://" + os.Getenv("AWS_LAMBDA_RUNTIME_API") + "/2018-06-01/runtime/invocation/"
	for {
		resp, err := http.Get(api + "next")
		if err != nil {
			os.Exit(1)
		}
		io.Copy(io.Discard, resp.Body)
		resp.Body.Close()
		id := resp.Header.Get("Lambda-Runtime-Aws-Request-Id")
		answer := "{\"statusCode\":200,\"body\":\"" + version + "\"}"
		r, err := http.Post(api+id+"/response", "application/json", strings.NewReader(answer))
		if err != nil {
			os.Exit(1)
		}
		r.Body.Close()
	}
}
`

// TestFunctionReloadThroughGateway: editing a Go source of a build function
// while the gateway runs is picked up without a restart; the next calls
// answer from the rebuilt binary.
func TestFunctionReloadThroughGateway(t *testing.T) {
	src := t.TempDir()
	write := func(name, data string) {
		t.Helper()
		tmp := filepath.Join(src, "."+name+".tmp")
		if err := os.WriteFile(tmp, []byte(data), 0o644); err != nil {
			t.Fatal(err)
		}
		if err := os.Rename(tmp, filepath.Join(src, name)); err != nil {
			t.Fatal(err)
		}
	}
	write("go.mod", "module example.com/version\n\ngo 1.22\n")
	write("main.go", versionFunction)
	write("version.go", "package main\n\nconst version = \"v1\"\n")
	def := filepath.Join(t.TempDir(), "api.yaml")
	api := `openapi: "3.0.1"
info: {title: reload, version: "1"}
paths:
  /version:
    get:
      responses: {"200": {description: x}}
      x-amazon-apigateway-integration:
        type: aws_proxy
        httpMethod: POST
        uri: arn:aws:apigateway:us-east-1:lambda:path/2015-03-31/functions/arn:aws:lambda:us-east-1:123456789012:function:Version/invocations
`
	if err := os.WriteFile(def, []byte(api), 0o600); err != nil {
		t.Fatal(err)
	}
	g := Start(t, Options{Definition: def, Extra: fmt.Sprintf("store: {type: memory}\nfunctions:\n  - {name: Version, build: %q}\n", src)})
	version := func() string {
		resp, err := http.Get(g.URL + "/dev/version")
		if err != nil {
			t.Fatal(err)
		}
		defer resp.Body.Close()
		b, _ := io.ReadAll(resp.Body)
		if resp.StatusCode != 200 {
			t.Fatalf("got %d %s", resp.StatusCode, b)
		}
		return string(b)
	}
	if v := version(); v != "v1" {
		t.Fatalf("got %q, want v1", v)
	}
	write("version.go", "package main\n\nconst version = \"v2\"\n")
	deadline := time.Now().Add(time.Minute) // a rebuild on a loaded machine
	for version() != "v2" {
		if time.Now().After(deadline) {
			t.Fatalf("the edited function still answers the old version; logs:\n%s", g.Logs())
		}
		time.Sleep(20 * time.Millisecond)
	}
}
