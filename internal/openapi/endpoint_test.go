package openapi

import (
	"strings"
	"testing"
)

const restHead = `openapi: "3.0.1"
info: {title: t, version: "1"}
`

const mockPaths = `paths:
  /a: {get: {responses: {"200": {description: x}}, x-amazon-apigateway-integration: {type: mock}}}
`

// TestEndpointConfiguration: disableExecuteApiEndpoint is read at the root
// and on OpenAPI 3 servers, for REST and HTTP APIs, without a warning;
// vpcEndpointIds is warned about; an unknown field is an error.
func TestEndpointConfiguration(t *testing.T) {
	t.Parallel()
	for name, tc := range map[string]struct {
		src      string
		as       ImportAs
		disabled bool
		warn     string
		err      string
	}{
		"absent":        {src: restHead + mockPaths},
		"root":          {src: restHead + "x-amazon-apigateway-endpoint-configuration: {disableExecuteApiEndpoint: true}\n" + mockPaths, disabled: true},
		"server":        {src: restHead + "servers: [{url: 'https://x', x-amazon-apigateway-endpoint-configuration: {disableExecuteApiEndpoint: true}}]\n" + mockPaths, disabled: true},
		"false":         {src: restHead + "x-amazon-apigateway-endpoint-configuration: {disableExecuteApiEndpoint: false}\n" + mockPaths},
		"http api":      {src: httpHead + "servers: [{url: 'https://x', x-amazon-apigateway-endpoint-configuration: {disableExecuteApiEndpoint: true}}]\npaths:\n  /a: {get: {x-amazon-apigateway-integration: {type: http_proxy, httpMethod: GET, uri: 'https://example.com', payloadFormatVersion: '1.0'}}}\n", as: AsHTTP, disabled: true},
		"vpc endpoints": {src: restHead + "x-amazon-apigateway-endpoint-configuration: {vpcEndpointIds: [vpce-1]}\n" + mockPaths, warn: "/x-amazon-apigateway-endpoint-configuration/vpcEndpointIds: vpcEndpointIds is ignored"},
		"unknown field": {src: restHead + "x-amazon-apigateway-endpoint-configuration: {types: [REGIONAL]}\n" + mockPaths, err: `unknown x-amazon-apigateway-endpoint-configuration field "types"`},
		"not a mapping": {src: restHead + "x-amazon-apigateway-endpoint-configuration: true\n" + mockPaths, err: "must be a mapping"},
		"not a bool":    {src: restHead + "x-amazon-apigateway-endpoint-configuration: {disableExecuteApiEndpoint: sure}\n" + mockPaths, err: "must be true or false"},
	} {
		t.Run(name, func(t *testing.T) {
			api, err := ImportWith("a.yaml", []byte(tc.src), Options{As: tc.as})
			if tc.err != "" {
				if err == nil || !strings.Contains(err.Error(), tc.err) {
					t.Fatalf("error %v, want %q", err, tc.err)
				}
				return
			}
			if err != nil {
				t.Fatal(err)
			}
			if api.DisableExecuteAPIEndpoint != tc.disabled {
				t.Errorf("DisableExecuteAPIEndpoint = %v, want %v", api.DisableExecuteAPIEndpoint, tc.disabled)
			}
			var ws []string
			for _, w := range api.Unsupported {
				if strings.Contains(w.Message, "endpoint") {
					ws = append(ws, w.Loc.Pointer+": "+w.Message)
				}
			}
			if tc.warn == "" && len(ws) > 0 || tc.warn != "" && (len(ws) != 1 || !strings.HasPrefix(ws[0], tc.warn)) {
				t.Errorf("warnings %q, want %q", ws, tc.warn)
			}
		})
	}
}

// TestMinimumCompressionSize: an integer from 0 to 10485760; anything else
// is AWS's error; absent is nil.
func TestMinimumCompressionSize(t *testing.T) {
	t.Parallel()
	for v, want := range map[string]int{"0": 0, "1024": 1024, "10485760": 10485760, "": -1} {
		src := restHead + mockPaths
		if v != "" {
			src = restHead + "x-amazon-apigateway-minimum-compression-size: " + v + "\n" + mockPaths
		}
		api, err := Import("a.yaml", []byte(src))
		if err != nil {
			t.Fatal(err)
		}
		switch got := api.MinimumCompressionSize; {
		case want < 0 && got != nil:
			t.Errorf("absent: got %d", *got)
		case want >= 0 && (got == nil || *got != want):
			t.Errorf("%s: got %v", v, got)
		}
	}
	for _, v := range []string{"-1", "10485761", "1.5", "big"} {
		_, err := Import("a.yaml", []byte(restHead+"x-amazon-apigateway-minimum-compression-size: "+v+"\n"+mockPaths))
		if err == nil {
			t.Errorf("%s accepted", v)
		}
	}
	if _, err := Import("a.yaml", []byte(restHead+"x-amazon-apigateway-minimum-compression-size: 10485761\n"+mockPaths)); err == nil || !strings.Contains(err.Error(), "Invalid minimum compression size, must be between 0 and 10485760") {
		t.Errorf("out of range: %v", err)
	}
}
