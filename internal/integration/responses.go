package integration

import (
	"context"
	"encoding/json"
	"fmt"
	"maps"
	"net/http"
	"regexp"
	"slices"
	"sort"
	"strconv"
	"strings"

	"github.com/portico-gw/portico/internal/apidef"
	"github.com/portico-gw/portico/internal/awsheaders"
	"github.com/portico-gw/portico/internal/contextvars"
	"github.com/portico-gw/portico/internal/pipeline"
)

// response is one compiled integration response.
type response struct {
	pattern   *regexp.Regexp // nil for the default response
	status    int
	params    []respParam
	templates map[string]Template
	handling  apidef.ContentHandling
	media     binaryMedia
	first     string // the first template's content type, the last resort
}

type respParam struct{ header, source string }

// responses selects and renders integration responses (non-proxy).
type responses struct {
	list     []response
	def      *response
	declared map[string]bool // method response status codes; nil = not checked
}

// compileResponses compiles integration responses in definition order.
func compileResponses(m *apidef.Method, rs []apidef.IntegrationResponse, compile Compiler, media binaryMedia) (responses, error) {
	out := responses{}
	if len(m.MethodResponses) > 0 {
		out.declared = map[string]bool{}
		for code := range m.MethodResponses {
			out.declared[code] = true
		}
	}
	for _, r := range rs {
		status, err := strconv.Atoi(r.StatusCode)
		if err != nil {
			return out, fmt.Errorf("integration response %q: statusCode %q is not a number", r.SelectionPattern, r.StatusCode)
		}
		cr := response{status: status, handling: r.ContentHandling, media: media}
		if r.SelectionPattern != "" {
			if cr.pattern, err = apidef.CompileSelectionPattern(r.SelectionPattern); err != nil {
				return out, err
			}
		}
		for h, src := range r.ResponseParameters {
			cr.params = append(cr.params, respParam{header: strings.TrimPrefix(h, "method.response.header."), source: src})
		}
		sort.Slice(cr.params, func(i, j int) bool { return cr.params[i].header < cr.params[j].header })
		if cr.templates, err = compileTemplates(r.ResponseTemplates, compile, "response template"); err != nil {
			return out, err
		}
		if len(cr.templates) > 0 {
			cr.first = slices.Sorted(maps.Keys(cr.templates))[0]
		}
		if cr.pattern == nil {
			out.def = &cr
			continue
		}
		out.list = append(out.list, cr)
	}
	return out, nil
}

// sel picks the response whose pattern fully matches value, else the default.
func (rs responses) sel(value string) (*response, error) {
	for i := range rs.list {
		if rs.list[i].pattern.MatchString(value) {
			return rs.check(&rs.list[i])
		}
	}
	if rs.def == nil {
		return nil, configError("No match for output mapping and no default output mapping configured. Endpoint Response Status Code: %s", value)
	}
	return rs.check(rs.def)
}

// selLambda selects by a Lambda errorMessage: patterns are tried in order
// against it (empty on success), then the default.
func (rs responses) selLambda(errorMessage string) (*response, error) {
	for i := range rs.list {
		if rs.list[i].pattern.MatchString(errorMessage) {
			return rs.check(&rs.list[i])
		}
	}
	if rs.def == nil {
		return nil, configError("No match for output mapping and no default output mapping configured. Endpoint Response Status Code: 200")
	}
	return rs.check(rs.def)
}

func (rs responses) check(r *response) (*response, error) {
	if rs.declared != nil && !rs.declared[strconv.Itoa(r.status)] {
		return nil, configError("Output mapping refers to an invalid method response: %d", r.status)
	}
	return r, nil
}

// upstream is what a back end answered, as the response mapping sees it.
type upstream struct {
	header http.Header
	body   []byte
	// traced marks an answer from a back end (HTTP or Lambda, not MOCK):
	// the method response then carries X-Amzn-Trace-Id, as recorded from
	// AWS (LocalStack snapshots test_apigateway_header_remapping_http[HTTP]
	// and test_apigateway_header_remapping_aws[AWS]).
	traced bool
}

// render builds the method response from the selected integration response:
// mapped headers, the response template chosen by Accept (else
// application/json, else the first), or the body passed through.
func (r *response) render(ctx context.Context, c *pipeline.Call, up upstream, o *Overrides) (*pipeline.Result, error) {
	res := &pipeline.Result{Status: r.status, Header: http.Header{}, ContentLength: -1}
	var parsed any
	parsedOK := false
	for _, p := range r.params {
		v, ok := contextvars.Resolve(c, nil, p.source)
		if !ok {
			v, ok = upstreamValue(p.source, up, &parsed, &parsedOK)
		}
		if ok {
			awsheaders.SetMethodResponseHeader(res.Header, p.header, v)
		}
	}
	ct, tpl := r.template(c.Header.Get("Accept"))
	res.Body = up.body
	if tpl != nil {
		out, err := tpl.Render(ctx, c, up.body, o)
		if err != nil {
			return nil, configError("response template failed: %v", err)
		}
		res.Body = []byte(out)
	} else {
		body, err := r.media.response(up.body, up.header.Get("Content-Type"), c.Header.Get("Accept"), r.handling)
		if err != nil {
			return nil, err
		}
		res.Body = body
	}
	if tpl != nil && r.handling == convertToBinary {
		body, err := decodeBase64(res.Body)
		if err != nil {
			return nil, err
		}
		res.Body = body
	}
	if res.Header.Get("Content-Type") == "" {
		res.Header.Set("Content-Type", ct)
	}
	if o != nil {
		if o.Status >= 200 && o.Status <= 599 {
			res.Status = o.Status
		}
		for k, v := range o.Header {
			res.Header.Set(k, v)
		}
	}
	if up.traced && c.TraceID != "" {
		res.Header["X-Amzn-Trace-Id"] = []string{c.TraceID}
	}
	return res, nil
}

// template chooses the response template by the first Accept type.
func (r *response) template(accept string) (string, Template) {
	if len(r.templates) == 0 {
		return "application/json", nil
	}
	first, _, _ := strings.Cut(accept, ",")
	if t, ok := r.templates[media(first)]; ok && accept != "" {
		return media(first), t
	}
	if t, ok := r.templates["application/json"]; ok {
		return "application/json", t
	}
	return r.first, r.templates[r.first]
}

// upstreamValue resolves integration.response.header.X and
// integration.response.body[.path].
func upstreamValue(src string, up upstream, parsed *any, parsedOK *bool) (string, bool) {
	if h, ok := strings.CutPrefix(src, "integration.response.header."); ok {
		vs := up.header.Values(h)
		if len(vs) == 0 {
			return "", false
		}
		return vs[len(vs)-1], true
	}
	if h, ok := strings.CutPrefix(src, "integration.response.multivalueheader."); ok {
		vs := up.header.Values(h)
		return strings.Join(vs, ","), len(vs) > 0
	}
	if rest, ok := strings.CutPrefix(src, "integration.response.body"); ok {
		if rest == "" {
			return string(up.body), true
		}
		if !*parsedOK {
			*parsedOK = true
			_ = json.Unmarshal(up.body, parsed)
		}
		return jsonField(*parsed, strings.TrimPrefix(rest, "."))
	}
	return "", false
}
