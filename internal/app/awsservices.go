package app

import (
	"fmt"
	"slices"
	"strings"

	"github.com/aws/aws-sdk-go-v2/aws"

	"github.com/portico-gw/portico/internal/apidef"
	"github.com/portico-gw/portico/internal/awsservice"
	"github.com/portico-gw/portico/internal/config"
)

// awsServices turns the settings' awsServices section into the
// integrations' configuration. Without credentials, requests are signed
// with the access key "test" (secret "test"), which local emulators
// accept.
func awsServices(cfg *config.File) *awsservice.Config {
	a := cfg.AWSServices
	c := &awsservice.Config{Endpoint: a.Endpoint, Endpoints: a.Endpoints, Region: a.Region, DefaultRegion: cfg.Region,
		Credentials: aws.Credentials{AccessKeyID: "test", SecretAccessKey: "test"}}
	if a.Credentials != nil {
		c.Credentials = aws.Credentials{AccessKeyID: a.Credentials.AccessKeyID, SecretAccessKey: a.Credentials.SecretAccessKey,
			SessionToken: a.Credentials.SessionToken}
	}
	return c
}

// awsServiceWarning returns one warning for an API whose AWS service
// integrations have no endpoint configured (they answer 500), located at
// the first of them; nil when every one has an endpoint.
func awsServiceWarning(cfg *config.File, def *apidef.RestAPI) []apidef.Warning {
	c := awsServices(cfg)
	var missing []string
	var first apidef.Location
	n := 0
	for _, m := range def.Methods {
		in := m.Integration
		if in == nil || in.Type != apidef.TypeAWS || !awsservice.IsService(in.URI) {
			continue
		}
		t, _ := awsservice.ParseURI(in.URI)
		if c.HasEndpoint(t.Service, t.Subdomain) {
			continue
		}
		if n == 0 {
			first = in.Loc
		}
		n++
		if !slices.Contains(missing, t.Service) {
			missing = append(missing, t.Service)
		}
	}
	if n == 0 {
		return nil
	}
	return []apidef.Warning{{Loc: first, Message: fmt.Sprintf(
		"%d method(s) call AWS services (%s) with no endpoint configured: they answer 500 until awsServices.endpoint or awsServices.endpoints.%s is set in the settings",
		n, strings.Join(missing, ", "), missing[0])}}
}
