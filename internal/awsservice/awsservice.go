package awsservice

import (
	"bytes"
	"context"
	"crypto/sha256"
	"encoding/hex"
	"fmt"
	"io"
	"mime"
	"net/http"
	"net/url"
	"strings"
	"time"

	"github.com/aws/aws-sdk-go-v2/aws"
	v4 "github.com/aws/aws-sdk-go-v2/aws/signer/v4"

	"github.com/portico-gw/portico/internal/apidef"
	"github.com/portico-gw/portico/internal/integration"
	"github.com/portico-gw/portico/internal/pipeline"
)

// Config says where service requests go and how they are signed.
type Config struct {
	// Endpoint is the default base URL for every service; Endpoints
	// overrides it per service (keyed by the ARN's service name, or
	// {subdomain}.{service}). Either may contain {service} and {region}.
	Endpoint  string
	Endpoints map[string]string
	// Region, when set, signs every request and fills {region}; else the
	// ARN's region, else DefaultRegion.
	Region, DefaultRegion string
	// Credentials sign the requests.
	Credentials aws.Credentials
	// Now is the signing clock; nil means time.Now.
	Now func() time.Time
}

// HasEndpoint reports whether a request to service (with subdomain) has
// somewhere to go.
func (c *Config) HasEndpoint(service, subdomain string) bool {
	_, ok := c.endpoint(service, subdomain)
	return ok
}

func (c *Config) endpoint(service, subdomain string) (string, bool) {
	if c == nil {
		return "", false
	}
	if subdomain != "" {
		if e, ok := c.Endpoints[subdomain+"."+service]; ok && e != "" {
			return e, true
		}
	}
	if e, ok := c.Endpoints[service]; ok && e != "" {
		return e, true
	}
	return c.Endpoint, c.Endpoint != ""
}

// Spec is one method's AWS service integration for one stage.
type Spec struct {
	APIID  string
	Method *apidef.Method
	// URI is the integration URI with stage variables substituted;
	// Missing names a stage variable the stage lacks ("" if none).
	URI, Missing     string
	Timeout          time.Duration
	Transport        http.RoundTripper
	Compile          integration.Compiler
	BinaryMediaTypes []string
}

// New compiles an AWS service integration. A definition that deploys on
// AWS but cannot be served here (no endpoint configured for the service, a
// stage variable the stage lacks) compiles into an integration.Failing
// answering AWS's 500 with the reason in the execution log.
func New(cfg *Config, s Spec) (pipeline.Integration, error) {
	in := s.Method.Integration
	if s.Missing != "" {
		return &integration.Failing{Kind: apidef.TypeAWS, Err: integration.ConfigError("Invalid ARN specified in the request: stage variable %s is not set", s.Missing)}, nil
	}
	t, err := ParseURI(s.URI)
	if err != nil {
		return nil, err
	}
	base, ok := cfg.endpoint(t.Service, t.Subdomain)
	if !ok {
		return &integration.Failing{Kind: apidef.TypeAWS, Err: integration.ConfigError(
			"no endpoint is configured for AWS service %s (set awsServices.endpoint or awsServices.endpoints.%s in the settings)", t.Service, t.Service)}, nil
	}
	region := cfg.Region
	if region == "" {
		region = t.Region
		if !regionRe().MatchString(region) {
			region = cfg.DefaultRegion
		}
	}
	host := t.Service
	if t.Subdomain != "" && t.Service != "s3" {
		host = t.Subdomain + "." + t.Service
	}
	base = strings.TrimRight(strings.NewReplacer("{service}", host, "{region}", region).Replace(base), "/")
	r := &request{target: t, region: region, creds: cfg.Credentials, now: cfg.Now, signer: v4.NewSigner(func(o *v4.SignerOptions) {
		o.DisableURIPathEscaping = t.Service == "s3" // S3 signs the path as sent
	})}
	if r.now == nil {
		r.now = time.Now
	}
	mapped := *in
	method := in.HTTPMethod
	var uri string
	header := http.Header{}
	if t.Action == "" {
		p := strings.TrimLeft(t.Path, "/")
		if t.Service == "s3" && t.Subdomain != "" {
			p = t.Subdomain + "/" + p // bucket.s3: path-style, which every emulator serves
		}
		uri = base + "/" + p
	} else {
		uri, mapped.RequestParameters = actionURI(base, t, in.RequestParameters)
		if method == "" || method == "ANY" {
			method = http.MethodPost
		}
		if p := t.protocolOf(); p.jsonVersion != "" {
			header.Set("Content-Type", "application/x-amz-json-"+p.jsonVersion)
			header.Set("X-Amz-Target", p.targetPrefix+"."+t.Action)
		} else {
			r.query = true
			header.Set("Content-Type", "application/x-www-form-urlencoded")
		}
	}
	return integration.NewHTTP(integration.HTTPConfig{URI: uri, HTTPMethod: method, Timeout: s.Timeout, APIID: s.APIID,
		Method: s.Method, Integration: &mapped, Transport: s.Transport, Compile: s.Compile, BinaryMediaTypes: s.BinaryMediaTypes,
		Kind: apidef.TypeAWS, Header: header, Prepare: r.prepare})
}

// actionURI builds the endpoint URL of an action/ URI: Action (query
// protocol) and the URI's static parameters in the query string. A parameter whose value is
// a {name} placeholder becomes a querystring mapping from what fills
// {name} (integration.request.path.name's source, else the method's path
// parameter), so its value is query-escaped like any mapped parameter and
// can never add parameters of its own.
func actionURI(base string, t Target, params map[string]string) (string, map[string]string) {
	q := url.Values{}
	if t.protocolOf().jsonVersion == "" {
		q.Set("Action", t.Action) // JSON services take it from X-Amz-Target
	}
	out, copied := params, false
	for _, p := range t.Params {
		name, isRef := strings.CutPrefix(p.Value, "{")
		name, isRef2 := strings.CutSuffix(name, "}")
		if !isRef || !isRef2 || strings.ContainsAny(name, "{}") {
			q.Add(p.Name, p.Value)
			continue
		}
		key := "integration.request.querystring." + p.Name
		if _, set := params[key]; set {
			continue // an explicit mapping wins
		}
		src, ok := params["integration.request.path."+strings.TrimSuffix(name, "+")]
		if !ok {
			src = "method.request.path." + strings.TrimSuffix(name, "+")
		}
		if !copied {
			out, copied = make(map[string]string, len(params)+1), true
			for k, v := range params {
				out[k] = v
			}
		}
		out[key] = src
	}
	// The query is fixed text: braces in static values must not be taken
	// for placeholders.
	enc := strings.NewReplacer("{", "%7B", "}", "%7D").Replace(q.Encode())
	if enc == "" {
		return base + "/", out
	}
	return base + "/?" + enc, out
}

// request finishes and signs one service request.
type request struct {
	target Target
	region string
	creds  aws.Credentials
	signer *v4.Signer
	now    func() time.Time
	// query marks a query-protocol action: its parameters travel as a form.
	query bool
}

// prepare moves a query-protocol action's parameters into the form body
// (services read them from the query string or the form alike, but some
// emulators read only one of the two), then signs the request.
func (r *request) prepare(req *http.Request, body []byte) error {
	if r.query && isForm(req.Header.Get("Content-Type")) && req.URL.RawQuery != "" {
		form := []byte(req.URL.RawQuery)
		if len(body) > 0 {
			form = append(append(form, '&'), body...)
		}
		body = form
		req.URL.RawQuery = ""
		setBody(req, body)
	}
	return r.sign(req, body)
}

// sign signs req (whose body is body) with SigV4 for the target's service.
func (r *request) sign(req *http.Request, body []byte) error {
	sum := sha256.Sum256(body)
	hash := hex.EncodeToString(sum[:])
	if r.target.Service == "s3" {
		req.Header.Set("X-Amz-Content-Sha256", hash)
	}
	if err := r.signer.SignHTTP(context.Background(), r.creds, req, hash, r.target.signingName(), r.region, r.now().UTC()); err != nil {
		return fmt.Errorf("signing the %s request: %w", r.target.Service, err)
	}
	return nil
}

func setBody(req *http.Request, body []byte) {
	req.Body = io.NopCloser(bytes.NewReader(body))
	req.GetBody = func() (io.ReadCloser, error) { return io.NopCloser(bytes.NewReader(body)), nil }
	req.ContentLength = int64(len(body))
}

func isForm(ct string) bool {
	mt, _, err := mime.ParseMediaType(ct)
	return err == nil && mt == "application/x-www-form-urlencoded"
}
