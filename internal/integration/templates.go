package integration

import (
	"context"
	"mime"
	"strings"

	"github.com/portico-gw/portico/internal/apidef"
	"github.com/portico-gw/portico/internal/fault"
	"github.com/portico-gw/portico/internal/pipeline"
)

// Template is a compiled mapping template. Overrides carries
// $context.requestOverride / responseOverride values between the request and
// response templates of one call.
type Template interface {
	Render(ctx context.Context, c *pipeline.Call, body []byte, o *Overrides) (string, error)
}

// Overrides holds $context.responseOverride.* and requestOverride.* values.
type Overrides struct {
	Status        int
	Header        map[string]string
	RequestHeader map[string]string
	RequestQuery  map[string]string
	RequestPath   map[string]string
	// ResponseExtra holds the other keys a template #set under
	// $context.responseOverride, for the templates that run after it.
	ResponseExtra map[string]any
}

// Static is a template with no references or directives: its text is the
// output, exactly as Velocity would render it.
type Static string

// Render returns the text.
func (s Static) Render(context.Context, *pipeline.Call, []byte, *Overrides) (string, error) {
	return string(s), nil
}

// IsStatic reports whether src renders to itself in Velocity: no $ and no #.
func IsStatic(src string) bool { return !strings.ContainsAny(src, "$#") }

// Compiler compiles template source; deploy supplies it.
type Compiler func(name, src string) (Template, error)

// requestTemplates selects the request template by Content-Type and applies
// the passthrough behaviour (docs/aws-behaviour.md#request-mapping, docs/aws-behaviour.md#passthrough-behaviour-and-content-handling).
type requestTemplates struct {
	byType      map[string]Template
	passthrough apidef.PassthroughBehavior
}

// media normalizes a Content-Type to its lower-case media type; an absent one
// is application/json, as API Gateway assumes.
func media(ct string) string {
	if ct == "" {
		return "application/json"
	}
	if mt, _, err := mime.ParseMediaType(ct); err == nil {
		return mt
	}
	return strings.ToLower(strings.TrimSpace(ct))
}

// choose returns the template for contentType, or nil for passthrough, or an
// UNSUPPORTED_MEDIA_TYPE fault.
func (rt requestTemplates) choose(contentType string) (Template, error) {
	if t, ok := rt.byType[media(contentType)]; ok {
		return t, nil
	}
	if t, ok := rt.byType["$default"]; ok {
		return t, nil
	}
	switch {
	case rt.passthrough == apidef.PassthroughNever,
		rt.passthrough == apidef.PassthroughWhenNoTemplates && len(rt.byType) > 0:
		return nil, fault.Reject(fault.UnsupportedMediaType, nil)
	}
	return nil, nil
}

// compileTemplates compiles a content-type → source map.
func compileTemplates(src map[string]string, compile Compiler, what string) (map[string]Template, error) {
	out := make(map[string]Template, len(src))
	for ct, s := range src {
		key := ct
		if ct != "$default" {
			key = media(ct)
		}
		t, err := compile(what+" "+ct, s)
		if err != nil {
			return nil, err
		}
		out[key] = t
	}
	return out, nil
}

// requestPayload is the non-proxy request side shared by HTTP and AWS
// integrations: choose the template by Content-Type (or refuse per the
// passthrough behaviour), render it, or convert the raw body per
// contentHandling. o receives the template's overrides.
func requestPayload(ctx context.Context, rt requestTemplates, media binaryMedia, handling apidef.ContentHandling, c *pipeline.Call, o *Overrides, endpoint string) ([]byte, error) {
	tpl, err := rt.choose(c.Header.Get("Content-Type"))
	if err != nil {
		return nil, err
	}
	body, err := c.Body.Bytes()
	if err != nil {
		return nil, classify(ctx, err, endpoint)
	}
	if tpl == nil {
		return media.request(body, c.Header.Get("Content-Type"), handling)
	}
	out, err := tpl.Render(ctx, c, body, o)
	if err != nil {
		return nil, configError("request template failed: %v", err)
	}
	return []byte(out), nil
}
