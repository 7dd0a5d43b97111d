package gatewaytest

import (
	"net/http"
	"testing"
	"time"
)

// TestHTTPAPIIAM: an AWS_IAM route of an HTTP API lets an SDK-signed
// request through and refuses an unsigned or wrongly signed one with the
// HTTP API's 403 {"message":"Forbidden"} (docs/aws-behaviour.md#http-api-answers).
func TestHTTPAPIIAM(t *testing.T) {
	g := Start(t, Options{Definition: "../../testdata/parity/httpapi/iam-api.yaml", Stages: map[string]map[string]string{"$default": {}}, Extra: iamSettings})
	url := g.URL + "/private"
	status, h, body := doRead(t, g, signed(t, "GET", url, "", "AKIAPORTICOTEST0001", "secret-one", time.Now()))
	if status != 200 || h.Get("Apigw-Requestid") == "" {
		t.Errorf("signed: %d %s", status, body)
	}
	for name, req := range map[string]func() (int, string){
		"unsigned": func() (int, string) {
			req, err := http.NewRequest("GET", url, nil)
			if err != nil {
				t.Fatal(err)
			}
			s, _, b := doRead(t, g, req)
			return s, b
		},
		"wrong secret": func() (int, string) {
			s, _, b := doRead(t, g, signed(t, "GET", url, "", "AKIAPORTICOTEST0001", "not-the-secret", time.Now()))
			return s, b
		},
	} {
		if s, b := req(); s != 403 || b != `{"message":"Forbidden"}` {
			t.Errorf("%s: %d %s", name, s, b)
		}
	}
}
