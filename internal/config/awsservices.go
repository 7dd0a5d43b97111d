package config

import (
	"net/url"
	"regexp"
	"sort"
	"strings"
	"sync"

	"github.com/portico-gw/portico/internal/source"
)

// AWSServices says where AWS service integrations (type aws with an
// arn:aws:apigateway:{region}:{service}:action/... or :path/... URI, other
// than Lambda) send their requests, and how they sign them.
type AWSServices struct {
	// Endpoint is the default base URL for every service, e.g. a local
	// emulator (http://127.0.0.1:5000) or
	// https://{service}.{region}.amazonaws.com for AWS itself.
	Endpoint string `yaml:"endpoint"`
	// Endpoints overrides Endpoint per service, named as in the ARN
	// (dynamodb, sqs, sns, kinesis, s3, states, events, ...).
	Endpoints map[string]string `yaml:"endpoints"`
	// Region signs the requests and fills {region}; default the ARN's
	// region, else the settings' region.
	Region string `yaml:"region"`
	// Credentials sign the requests (SigV4). Values may be ${env:NAME};
	// they are never logged. Absent: AWS_ACCESS_KEY_ID,
	// AWS_SECRET_ACCESS_KEY and AWS_SESSION_TOKEN from the environment
	// when set, else nil (the wiring then signs with the emulators'
	// conventional "test" key).
	Credentials *AWSCredentials `yaml:"credentials"`
}

// AWSCredentials is an access key for signing AWS service requests.
type AWSCredentials struct {
	AccessKeyID     string `yaml:"accessKeyId"`
	SecretAccessKey string `yaml:"secretAccessKey"`
	SessionToken    string `yaml:"sessionToken"`
}

var awsServiceNameRe = sync.OnceValue(func() *regexp.Regexp { return regexp.MustCompile(`^[a-z0-9][a-z0-9.-]{0,62}$`) })

// awsServices checks the awsServices section.
func (v *validator) awsServices(a AWSServices) {
	const p = "/awsServices"
	if a.Endpoint != "" {
		v.check(p+"/endpoint", validServiceEndpoint(a.Endpoint), "%q is not an endpoint URL: want http:// or https:// with a host and no query ({service} and {region} may appear)", a.Endpoint)
	}
	names := make([]string, 0, len(a.Endpoints))
	for k := range a.Endpoints {
		names = append(names, k)
	}
	sort.Strings(names)
	for _, k := range names {
		kp := p + "/endpoints/" + source.Escape(k)
		v.check(kp, awsServiceNameRe().MatchString(k), "%q is not an AWS service name as in integration ARNs (dynamodb, sqs, states, ...)", k)
		v.check(kp, validServiceEndpoint(a.Endpoints[k]), "%q is not an endpoint URL: want http:// or https:// with a host and no query ({service} and {region} may appear)", a.Endpoints[k])
	}
	if a.Region != "" {
		v.check(p+"/region", regionRe().MatchString(a.Region), "%q is not a region name such as us-east-1", a.Region)
	}
	if c := a.Credentials; c != nil {
		v.check(p+"/credentials/accessKeyId", c.AccessKeyID != "", "accessKeyId is required with credentials")
		v.check(p+"/credentials/secretAccessKey", c.SecretAccessKey != "", "secretAccessKey is required with credentials")
	}
}

// validServiceEndpoint accepts an absolute http(s) URL with a host, no
// query and no fragment; {service} and {region} placeholders are allowed.
func validServiceEndpoint(s string) bool {
	probe := strings.NewReplacer("{service}", "svc", "{region}", "us-east-1").Replace(s)
	if strings.ContainsAny(probe, "{} ") {
		return false
	}
	u, err := url.Parse(probe)
	return err == nil && (u.Scheme == "http" || u.Scheme == "https") && u.Hostname() != "" &&
		u.RawQuery == "" && u.Fragment == "" && !u.ForceQuery && u.User == nil
}

// envCredentials fills absent credentials from the standard AWS
// environment variables, when both the key id and the secret are set.
func (a *AWSServices) envCredentials(getenv func(string) string) {
	if a.Credentials != nil {
		return
	}
	id, secret := getenv("AWS_ACCESS_KEY_ID"), getenv("AWS_SECRET_ACCESS_KEY")
	if id == "" || secret == "" {
		return
	}
	a.Credentials = &AWSCredentials{AccessKeyID: id, SecretAccessKey: secret, SessionToken: getenv("AWS_SESSION_TOKEN")}
}
