package integration

import (
	"context"
	"regexp"
	"strconv"

	"github.com/portico-gw/portico/internal/apidef"
	"github.com/portico-gw/portico/internal/pipeline"
)

// statusCodeRe finds the statusCode of a MOCK request template's output. It
// accepts strict JSON and the relaxed {statusCode: 200} that CDK generates
// (docs/aws-behaviour.md#mock-integrations).
var statusCodeRe = regexp.MustCompile(`^\s*\{[\s\S]*?["']?statusCode["']?\s*:\s*(-?\d+)\s*[,}]`)

// Mock is a MOCK integration: no back end; the request template's
// {"statusCode": N} selects the integration response.
type Mock struct {
	requests  requestTemplates
	responses responses
}

var _ pipeline.Integration = (*Mock)(nil)

// NewMock compiles a MOCK integration.
func NewMock(m *apidef.Method, in *apidef.Integration, compile Compiler) (*Mock, error) {
	reqT, err := compileTemplates(in.RequestTemplates, compile, "request template")
	if err != nil {
		return nil, err
	}
	rs, err := compileResponses(m, in.Responses, compile, binaryMedia{})
	if err != nil {
		return nil, err
	}
	return &Mock{requests: requestTemplates{reqT, in.PassthroughBehavior}, responses: rs}, nil
}

// Name implements pipeline.Named.
func (m *Mock) Name() string { return "integration:MOCK" }

// Invoke renders the request template, reads statusCode and maps the
// selected integration response. With no request template at all the
// default integration response answers (Portico's choice; UNCONFIRMED).
func (m *Mock) Invoke(ctx context.Context, c *pipeline.Call) (*pipeline.Result, error) {
	tpl, err := m.requests.choose(c.Header.Get("Content-Type"))
	if err != nil {
		return nil, err
	}
	o := &Overrides{}
	status := ""
	if tpl != nil {
		body, err := c.Body.Bytes()
		if err != nil {
			return nil, classify(ctx, err, "mock")
		}
		out, err := tpl.Render(ctx, c, body, o)
		if err != nil {
			return nil, configError("request template failed: %v", err)
		}
		sm := statusCodeRe.FindStringSubmatch(out)
		if sm == nil {
			return nil, configError("Unable to parse statusCode. It should be an integer that is defined in the request template.")
		}
		n, err := strconv.Atoi(sm[1])
		if err != nil {
			return nil, configError("Unable to parse statusCode. It should be an integer that is defined in the request template.")
		}
		status = strconv.Itoa(n)
	}
	var r *response
	if status == "" {
		if m.responses.def == nil {
			return nil, configError("No match for output mapping and no default output mapping configured. Endpoint Response Status Code: 200")
		}
		r, err = m.responses.check(m.responses.def)
	} else {
		r, err = m.responses.sel(status)
	}
	if err != nil {
		return nil, err
	}
	return r.render(ctx, c, upstream{}, o)
}
