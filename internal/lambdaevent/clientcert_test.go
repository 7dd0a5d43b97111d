package lambdaevent

import (
	"context"
	"encoding/json"
	"testing"

	"github.com/aws/aws-lambda-go/events"
	"github.com/google/go-cmp/cmp"

	"github.com/portico-gw/portico/internal/pipeline"
)

var sampleCert = &pipeline.ClientCert{PEM: "-----BEGIN CERTIFICATE-----\nMIIB\n-----END CERTIFICATE-----\n",
	SubjectDN: "C=US,O=Example,CN=client", IssuerDN: "C=US,O=Example,CN=Example CA", SerialNumber: "1",
	NotBefore: "Aug 29 00:28:21 2020 GMT", NotAfter: "Aug  5 00:28:21 2120 GMT"}

// TestClientCertInEvents: the mutual-TLS certificate reaches payload 1.0 as
// requestContext.identity.clientCert and payload 2.0 as
// requestContext.authentication.clientCert, in aws-lambda-go's shapes.
func TestClientCertInEvents(t *testing.T) {
	t.Parallel()
	c := httpCall()
	c.ClientCert = sampleCert
	raw, err := BuildProxyEvent(context.Background(), c, nil, false)
	if err != nil {
		t.Fatal(err)
	}
	var v1 events.APIGatewayProxyRequest
	if err := json.Unmarshal(raw, &v1); err != nil {
		t.Fatal(err)
	}
	want1 := &events.APIGatewayCustomAuthorizerRequestTypeRequestIdentityClientCert{ClientCertPem: sampleCert.PEM,
		SubjectDN: sampleCert.SubjectDN, IssuerDN: sampleCert.IssuerDN, SerialNumber: "1",
		Validity: events.APIGatewayCustomAuthorizerRequestTypeRequestIdentityClientCertValidity{NotBefore: sampleCert.NotBefore, NotAfter: sampleCert.NotAfter}}
	if d := cmp.Diff(want1, v1.RequestContext.Identity.ClientCert); d != "" {
		t.Errorf("payload 1.0 clientCert (-want +got):\n%s", d)
	}
	raw, err = BuildProxyEventV2(context.Background(), c, nil)
	if err != nil {
		t.Fatal(err)
	}
	var v2 events.APIGatewayV2HTTPRequest
	if err := json.Unmarshal(raw, &v2); err != nil {
		t.Fatal(err)
	}
	want2 := events.APIGatewayV2HTTPRequestContextAuthenticationClientCert{ClientCertPem: sampleCert.PEM,
		SubjectDN: sampleCert.SubjectDN, IssuerDN: sampleCert.IssuerDN, SerialNumber: "1",
		Validity: events.APIGatewayV2HTTPRequestContextAuthenticationClientCertValidity{NotBefore: sampleCert.NotBefore, NotAfter: sampleCert.NotAfter}}
	if d := cmp.Diff(want2, v2.RequestContext.Authentication.ClientCert); d != "" {
		t.Errorf("payload 2.0 authentication.clientCert (-want +got):\n%s", d)
	}
}
