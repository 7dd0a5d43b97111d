package deploy

import (
	"fmt"
	"regexp"
	"sort"
	"strings"
	"sync"

	"github.com/portico-gw/portico/internal/apidef"
	"github.com/portico-gw/portico/internal/lambdaevent"
	"github.com/portico-gw/portico/internal/source"
)

// Lint finds what the importer accepts but that a request would trip over,
// so `portico validate` (and the start) reports it before any call does.
// It returns every finding of the definition at once, as warnings:
//
//   - a requestParameters mapping from a method.request parameter the
//     method does not declare. API Gateway refuses such an integration
//     ("Invalid mapping expression specified: Validation Result: warnings :
//     [], errors : [Invalid mapping expression parameter specified:
//     method.request.path.petId]", the BadRequestException PutIntegration
//     and OpenAPI import answer); Portico maps the value anyway, so that
//     definitions written for other emulators load, and says so.
//   - an endpoint URI placeholder {name} with neither an
//     integration.request.path.name mapping nor a {name} path parameter to
//     fill it (it is sent empty; the API Gateway console warns "The endpoint
//     you have entered contains parameters that are not defined in the
//     resource path"), and an AWS_PROXY integration whose httpMethod is not
//     POST (every call answers 500, as on AWS: Lambda is invoked with POST).
//   - an integration or authorizer invoking a function the settings do not
//     have (every call answers 500, as on AWS when the function does not
//     exist). Names behind stage variables are checked per stage at call
//     time.
//   - an AWS_IAM method while the settings hold no iam.credentials (every
//     call is refused with 403), and a Cognito authorizer naming a user
//     pool the settings do not have (its tokens cannot be verified; with no
//     pool left, every call is refused with 401).
func Lint(def *apidef.RestAPI, env LintEnv) (warnings []apidef.Warning) {
	missing := func(loc apidef.Location, what, uri string) {
		name, ok := lambdaevent.FunctionName(uri)
		if env.HasFunction == nil || !ok || strings.Contains(name, "${") || env.HasFunction(name) {
			return
		}
		warnings = append(warnings, apidef.Warning{Loc: loc, Message: fmt.Sprintf("%s invokes function %q, which is not configured: every call answers 500, as on AWS when the function does not exist (add it under functions: in the settings file, or pass --function %s=PATH in quick mode)", what, name, name)})
	}
	for _, name := range sortedKeys(def.Authorizers) {
		a := def.Authorizers[name]
		switch a.Type {
		case apidef.AuthorizerToken, apidef.AuthorizerRequest:
			missing(a.Loc, "authorizer "+name, a.AuthorizerURI)
		case apidef.AuthorizerCognito:
			for _, arn := range a.ProviderARNs {
				if env.HasUserPool != nil && !env.HasUserPool(arn) {
					warnings = append(warnings, apidef.Warning{Loc: a.Loc, Message: fmt.Sprintf("authorizer %s: user pool %s is not in the settings' cognitoUserPools: its tokens cannot be verified (with no pool left, every call is refused with 401)", name, arn)})
				}
			}
		}
	}
	iamWarned := false
	for _, m := range def.Methods {
		if in := m.Integration; in != nil && (in.Type == apidef.TypeAWS || in.Type == apidef.TypeAWSProxy) {
			missing(in.Loc, m.HTTPMethod+" "+m.Path+": integration", in.URI)
		}
		in := m.Integration
		if in == nil {
			continue
		}
		for _, k := range sortedKeys(in.RequestParameters) {
			v := in.RequestParameters[k]
			if name, ok := undeclaredSource(m, v); ok {
				warnings = append(warnings, apidef.Warning{Loc: apidef.Location{File: in.Loc.File, Line: in.Loc.Line, Pointer: in.Loc.Pointer + "/requestParameters/" + source.Escape(k)},
					Message: fmt.Sprintf("%s %s: %s is not a declared method request parameter; API Gateway refuses this mapping (Invalid mapping expression parameter specified), Portico maps it anyway: declare %s in the operation's parameters", m.HTTPMethod, m.Path, v, name)})
			}
		}
		if in.Type == apidef.TypeHTTP || in.Type == apidef.TypeHTTPProxy {
			for _, name := range unfilledPlaceholders(m, in) {
				warnings = append(warnings, apidef.Warning{Loc: apidef.Location{File: in.Loc.File, Line: in.Loc.Line, Pointer: in.Loc.Pointer + "/uri"},
					Message: fmt.Sprintf("%s %s: endpoint URI placeholder {%s} has no integration.request.path.%s mapping and the resource has no {%s} path parameter: it is sent empty", m.HTTPMethod, m.Path, name, name, name)})
			}
		}
		if m.AuthorizationType == apidef.AuthIAM && !env.IAMCredentials && !iamWarned {
			iamWarned = true
			warnings = append(warnings, apidef.Warning{Loc: m.Loc, Message: fmt.Sprintf("%s %s (and any other AWS_IAM method): the settings have no iam.credentials, so every signed call is refused with 403 (add the access keys callers sign with under iam.credentials)", m.HTTPMethod, m.Path)})
		}
		if in.Type == apidef.TypeAWSProxy && in.HTTPMethod != "POST" {
			warnings = append(warnings, apidef.Warning{Loc: apidef.Location{File: in.Loc.File, Line: in.Loc.Line, Pointer: in.Loc.Pointer + "/httpMethod"},
				Message: fmt.Sprintf("%s %s: an AWS_PROXY integration must use httpMethod POST, not %q: every call answers 500, as on AWS", m.HTTPMethod, m.Path, in.HTTPMethod)})
		}
	}
	return warnings
}

// LintEnv is what Lint knows of the settings; nil functions skip their
// checks.
type LintEnv struct {
	// HasFunction reports whether a function of that name is configured.
	HasFunction func(name string) bool
	// HasUserPool reports whether a Cognito user pool ARN is configured.
	HasUserPool func(arn string) bool
	// IAMCredentials is true when the settings hold iam.credentials.
	IAMCredentials bool
}

// methodSource matches the method-request sources a mapping may name.
var methodSource = sync.OnceValue(func() *regexp.Regexp {
	return regexp.MustCompile(`^method\.request\.(path|querystring|header|multivaluequerystring|multivalueheader)\.(.+)$`)
})

// undeclaredSource reports whether the mapping value v reads a method
// request parameter m does not declare, and how it should be declared.
// Path parameters of the resource path count as declared; header names
// are compared without regard to case.
func undeclaredSource(m *apidef.Method, v string) (string, bool) {
	sm := methodSource().FindStringSubmatch(v)
	if sm == nil {
		return "", false
	}
	kind := strings.TrimPrefix(sm[1], "multivalue")
	want := "method.request." + kind + "." + sm[2]
	if _, ok := m.RequestParameters[want]; ok {
		return "", false
	}
	switch kind {
	case "path":
		if strings.Contains(m.Path, "{"+sm[2]+"}") || strings.Contains(m.Path, "{"+sm[2]+"+}") {
			return "", false
		}
	case "header":
		for k := range m.RequestParameters {
			if strings.EqualFold(k, want) {
				return "", false
			}
		}
	}
	return want, true
}

// uriPlaceholder matches {name} and {name+} in an endpoint URI; stage
// variables (${stageVariables.x}) are substituted before and not matched.
var uriPlaceholder = sync.OnceValue(func() *regexp.Regexp { return regexp.MustCompile(`(^|[^$])\{([^{}$]+?)\+?\}`) })

// unfilledPlaceholders lists the URI placeholders nothing fills.
func unfilledPlaceholders(m *apidef.Method, in *apidef.Integration) []string {
	var out []string
	for _, sm := range uriPlaceholder().FindAllStringSubmatch(in.URI, -1) {
		name := sm[2]
		if _, ok := in.RequestParameters["integration.request.path."+name]; ok {
			continue
		}
		if strings.Contains(m.Path, "{"+name+"}") || strings.Contains(m.Path, "{"+name+"+}") {
			continue
		}
		out = append(out, name)
	}
	return out
}

func sortedKeys[V any](m map[string]V) []string {
	keys := make([]string, 0, len(m))
	for k := range m {
		keys = append(keys, k)
	}
	sort.Strings(keys)
	return keys
}
