package contextvars

import (
	"errors"
	"net/http"
	"time"

	"github.com/portico-gw/portico/internal/fault"
	"github.com/portico-gw/portico/internal/pipeline"
)

// Sample returns a call and outcome where every variable of the table that
// has an accessor has a value, for the tests that check each consumer
// resolves every variable it should. Each call returns fresh values.
func Sample() (*pipeline.Call, *Outcome) {
	c := &pipeline.Call{
		Start: time.Date(2026, 11, 26, 2, 42, 7, 0, time.UTC), RequestID: "c6af9ac6-7b61-11e6-9a41-93e8deadbeef",
		ExtendedRequestID: "LLCm7FonFiAFXFg=", AccountID: "123456789012", APIID: "a1b2c3d4e5", Stage: "prod",
		DeploymentID: "dep1", DomainName: "a1b2c3d4e5.execute-api.local", DomainPrefix: "a1b2c3d4e5",
		HTTPMethod: "GET", ResourceID: "abc123", ResourcePath: "/pets/{petId}", StagePath: "/prod/pets/1", RouteKey: "GET /pets/{petId}",
		Protocol: "HTTP/1.1", SourceIP: "203.0.113.7", Header: http.Header{"User-Agent": {"curl/8.5.0"}},
		Identity: pipeline.Identity{APIKey: "abcdefghij", APIKeyID: "k1", Caller: "AIDA1", User: "AIDA1",
			UserArn: "arn:aws:iam::123456789012:user/u", AccountID: "123456789012", AccessKey: "AKIA1"},
		Authorizer: map[string]any{"principalId": "user-1", "tenant": "acme",
			"claims": map[string]any{"sub": "abc-123"}},
		IntegrationLatency: 7 * time.Millisecond, IntegrationStatus: 200,
		BasePathMatched: "v1/orders",
		ClientCert: &pipeline.ClientCert{PEM: "-----BEGIN CERTIFICATE-----\nMIIB\n-----END CERTIFICATE-----\n",
			SubjectDN: "C=US,O=Example,CN=client", IssuerDN: "C=US,O=Example,CN=Example CA", SerialNumber: "1",
			NotBefore: "Aug 29 00:28:21 2020 GMT", NotAfter: "Aug  5 00:28:21 2120 GMT"},
	}
	o := &Outcome{Status: 400, Length: 52, Latency: 12 * time.Millisecond,
		Fault: fault.Reject(fault.BadRequestBody, nil).WithMessage("Invalid request body").
			WithVar("validationErrorString", "[bad]").WithVar("detail", "more")}
	return c, o
}

// SampleOutcomes are Sample's outcome and outcomes of other kinds of
// failure, for the variables that only some faults fill
// ($context.integrationErrorMessage, $context.authorizer.error).
func SampleOutcomes() []*Outcome {
	_, o := Sample()
	integ := &Outcome{Status: 502, Length: 36, Latency: o.Latency, Fault: fault.BadGateway(errors.New("function error: boom"))}
	authz := &Outcome{Status: 401, Length: 26, Latency: o.Latency, Fault: fault.Reject(fault.Unauthorized, errors.New("the token has expired"))}
	return []*Outcome{o, integ, authz}
}

// SampleKey is a key that has a value in Sample for a parameterised
// variable ("" for fixed variables and for those Sample leaves empty).
func SampleKey(v *Var) string {
	switch v.Name {
	case "authorizer.":
		return "tenant"
	case "authorizer.claims.":
		return "sub"
	case "error.":
		return "detail"
	}
	return ""
}
