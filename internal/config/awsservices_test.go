package config

import (
	"strings"
	"testing"
)

const awsAPI = "apis:\n  - id: a\n    definition: ./api.yaml\n    stages: [{name: dev}]\n"

func TestAWSServicesSettings(t *testing.T) {
	t.Parallel()
	env := map[string]string{"AK": "AKIDEXAMPLE", "SK": "super-secret-key-value"}
	body := awsAPI + "awsServices:\n  endpoint: http://127.0.0.1:5000\n  endpoints: {sqs: \"http://127.0.0.1:9324\", states: \"https://{service}.{region}.amazonaws.com\"}\n" +
		"  region: eu-west-1\n  credentials: {accessKeyId: \"${env:AK}\", secretAccessKey: \"${env:SK}\"}\n"
	f, err := Load(write(t, "portico.yaml", body), func(k string) string { return env[k] })
	if err != nil {
		t.Fatal(err)
	}
	a := f.AWSServices
	if a.Endpoint != "http://127.0.0.1:5000" || a.Endpoints["sqs"] != "http://127.0.0.1:9324" || a.Region != "eu-west-1" ||
		a.Credentials == nil || a.Credentials.AccessKeyID != "AKIDEXAMPLE" || a.Credentials.SecretAccessKey != "super-secret-key-value" {
		t.Errorf("got %+v", a)
	}
}

func TestAWSServicesErrors(t *testing.T) {
	t.Parallel()
	env := map[string]string{"SK": "super-secret-key-value"}
	body := awsAPI + "awsServices:\n  endpoint: ftp://example.com\n  endpoints:\n    \"Bad Name\": http://127.0.0.1:1\n    sqs: \"http://127.0.0.1:9324/?x=1\"\n" +
		"  region: moon\n  credentials: {secretAccessKey: \"${env:SK}\"}\n  endpiont: x\n"
	_, err := Load(write(t, "portico.yaml", body), func(k string) string { return env[k] })
	if err == nil {
		t.Fatal("got no error")
	}
	// Strict decoding stops at the unknown key; fix it and every other
	// problem is reported, each at its own line.
	if !strings.Contains(err.Error(), "portico.yaml:12: field endpiont is not a known setting") {
		t.Errorf("unknown key: %v", err)
	}
	body = strings.Replace(body, "  endpiont: x\n", "", 1)
	_, err = Load(write(t, "portico.yaml", body), func(k string) string { return env[k] })
	if err == nil {
		t.Fatal("got no error")
	}
	for _, w := range []string{
		"portico.yaml:6: /awsServices/endpoint:",
		"portico.yaml:8: /awsServices/endpoints/Bad Name:",
		"portico.yaml:9: /awsServices/endpoints/sqs:",
		"portico.yaml:10: /awsServices/region:",
		"/awsServices/credentials/accessKeyId: accessKeyId is required",
	} {
		if !strings.Contains(err.Error(), w) {
			t.Errorf("error %q does not contain %q", err, w)
		}
	}
	if strings.Contains(err.Error(), "super-secret") {
		t.Errorf("error echoes the secret: %v", err)
	}
}
