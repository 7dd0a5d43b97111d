package deploy

import (
	"sort"
	"strconv"
	"strings"

	"github.com/portico-gw/portico/internal/apidef"
	"github.com/portico-gw/portico/internal/fault"
	"github.com/portico-gw/portico/internal/subst"
)

// DefaultTemplate is the template of every default gateway response [REC].
const DefaultTemplate = `{"message":$context.error.messageString}`

// Response is one resolved gateway response.
type Response struct {
	// Type is the response type this entry answers for.
	Type fault.ResponseType
	// Status is the customized status; 0 means the fault's own status (its
	// override or the type's default).
	Status int
	// Headers are the gatewayresponse.header.* mappings, sorted by name.
	Headers []HeaderParam
	// Templates are the compiled templates by content type; nil for the
	// built-in default, which the edge renders itself.
	Templates map[string]*subst.Template
	// TemplateTypes lists the template content types, sorted.
	TemplateTypes []string
	// Customized is true when a user definition supplied this entry (directly
	// or through DEFAULT_4XX/DEFAULT_5XX).
	Customized bool
}

// HeaderParam is one gatewayresponse.header.NAME = source mapping.
type HeaderParam struct {
	Name   string
	Source string
}

// Responses is an API's gateway-response table, resolved at deploy.
type Responses struct {
	byType map[fault.ResponseType]*Response
}

// For returns the resolved response for t.
func (r *Responses) For(t fault.ResponseType) *Response {
	if e, ok := r.byType[t]; ok {
		return e
	}
	return &Response{Type: t}
}

// resolveResponses applies AWS's resolution order (docs/aws-behaviour.md#fallback-to-default_4xx-and-default_5xx,
// docs/aws-behaviour.md#gateway-responses): the type's own customization (its status, else
// the type's default status); else the DEFAULT_4XX/DEFAULT_5XX customization
// of its family (whose status, if set, replaces the type's); else built in.
func resolveResponses(custom map[string]apidef.GatewayResponse) *Responses {
	out := &Responses{byType: map[fault.ResponseType]*Response{}}
	for _, t := range fault.All() {
		if g, ok := custom[string(t)]; ok {
			out.byType[t] = compileResponse(t, g)
			continue
		}
		if fam, ok := custom[string(t.Family())]; ok && t != fault.RequestTooLarge {
			r := compileResponse(t, fam)
			out.byType[t] = r
			continue
		}
		out.byType[t] = &Response{Type: t}
	}
	return out
}

func compileResponse(t fault.ResponseType, g apidef.GatewayResponse) *Response {
	r := &Response{Type: t, Customized: true}
	if n, err := strconv.Atoi(g.StatusCode); err == nil {
		r.Status = n
	}
	for k, v := range g.ResponseParameters {
		if name, ok := strings.CutPrefix(k, "gatewayresponse.header."); ok {
			r.Headers = append(r.Headers, HeaderParam{Name: name, Source: v})
		}
	}
	sort.Slice(r.Headers, func(i, j int) bool { return r.Headers[i].Name < r.Headers[j].Name })
	tpls := g.ResponseTemplates
	if len(tpls) == 0 {
		tpls = map[string]string{"application/json": DefaultTemplate}
	}
	r.Templates = map[string]*subst.Template{}
	for ct, src := range tpls {
		r.Templates[strings.ToLower(ct)] = subst.Compile(src)
		r.TemplateTypes = append(r.TemplateTypes, strings.ToLower(ct))
	}
	sort.Strings(r.TemplateTypes)
	return r
}
