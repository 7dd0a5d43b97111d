package template

import (
	"encoding/json"
	"errors"
	"fmt"
	"os"
	"path/filepath"
	"sort"
	"strings"

	"github.com/portico-gw/portico/internal/cfn"
	"github.com/portico-gw/portico/internal/config"
	"github.com/portico-gw/portico/internal/source"
)

// SAMTransform is the Transform value that marks a SAM template.
const SAMTransform = "AWS::Serverless-2016-10-31"

// Options are a template's inputs besides the file.
type Options struct {
	// Region and AccountID are AWS::Region and AWS::AccountId.
	Region, AccountID string
	// ParameterOverrides are Key=Value pairs in SAM's --parameter-overrides
	// syntax; Parameters are more pairs (the settings file's mapping).
	ParameterOverrides string
	Parameters         map[string]string
	// EnvVars is a JSON file in SAM's --env-vars format: per function
	// logical id a mapping of variables, and "Parameters" for every
	// function. Only variables the template declares are overridden.
	EnvVars string
	// Index is the template's place among the settings' templates; it only
	// keeps API ids apart when two templates use the same logical id.
	Index int
}

// Result is what a template contributes to the settings.
type Result struct {
	Functions  []config.Function
	APIs       []config.API
	APIKeys    []config.APIKey
	UsagePlans []config.UsagePlan
	// Domains are the custom domain names and their base path mappings
	// (SAM's Domain, AWS::ApiGateway::DomainName and BasePathMapping,
	// AWS::ApiGatewayV2::DomainName and ApiMapping), served with the
	// listener's certificates.
	Domains []config.Domain
	// Files are the template and every local file it names, for watching.
	Files []string
	// Notes are warnings and the one line listing ignored resources.
	Notes []config.Note
	// Origins locate each function's Runtime, by function name.
	Origins map[string]config.Note
}

// translator holds one translation's state.
type translator struct {
	file    string
	dir     string
	stack   *cfn.Stack
	opts    Options
	errs    []error
	res     *Result
	order   map[string]int // resource logical id → template line
	fnNames map[string]string
	envVars map[string]map[string]string
	// used marks resources some API or function consumed.
	used map[string]bool
	// apis are the generated APIs by logical id.
	apis     map[string]*api
	apiOrder []string
}

// Load reads, resolves and translates the template at path.
func Load(path string, o Options) (*Result, error) {
	abs, err := filepath.Abs(path)
	if err != nil {
		return nil, err
	}
	data, err := os.ReadFile(abs)
	if err != nil {
		return nil, fmt.Errorf("read template: %w", err)
	}
	return Parse(abs, data, o)
}

// Parse is Load on bytes already read; file names the template and
// anchors its relative paths.
func Parse(file string, data []byte, o Options) (res *Result, err error) {
	res = &Result{Files: []string{file}, Origins: map[string]config.Note{}}
	tpl, err := cfn.Parse(file, data, func(name string) ([]byte, error) {
		res.Files = append(res.Files, name)
		return os.ReadFile(name)
	})
	if err != nil {
		return res, err
	}
	var overrides []cfn.Override
	if o.ParameterOverrides != "" {
		ov, err := cfn.ParseParameterOverrides(o.ParameterOverrides)
		if err != nil {
			return res, fmt.Errorf("%s: parameter overrides: %w", file, err)
		}
		overrides = ov
	}
	for _, k := range keys(o.Parameters) {
		overrides = append(overrides, cfn.Override{Key: k, Value: o.Parameters[k]})
	}
	st, err := tpl.Resolve(cfn.Options{Region: o.Region, AccountID: o.AccountID, Overrides: overrides})
	if err != nil {
		return res, err
	}
	t := &translator{file: file, dir: filepath.Dir(file), stack: st, opts: o, res: res, order: map[string]int{},
		fnNames: map[string]string{}, used: map[string]bool{}, apis: map[string]*api{}}
	if o.EnvVars != "" {
		res.Files = append(res.Files, o.EnvVars)
		if err := t.readEnvVars(o.EnvVars); err != nil {
			return res, err
		}
	}
	t.translate()
	res.Files = watchable(res.Files)
	return res, joinSorted(t.errs)
}

// watchable keeps the files (not the code directories) once each.
func watchable(files []string) []string {
	seen := map[string]bool{}
	var out []string
	for _, f := range files {
		if st, err := os.Stat(f); (err == nil && st.IsDir()) || seen[f] {
			continue
		}
		seen[f] = true
		out = append(out, f)
	}
	return out
}

// errorf records a problem located at a pointer of the template.
func (t *translator) errorf(ptr, format string, args ...any) {
	t.errs = append(t.errs, t.stack.Errorf(ptr, format, args...))
}

// note records a warning located at a pointer of the template.
func (t *translator) note(ptr, format string, args ...any) {
	p := t.stack.Pos(ptr)
	t.res.Notes = append(t.res.Notes, config.Note{File: p.File, Line: p.Line, Pointer: ptr, Message: fmt.Sprintf(format, args...)})
}

// names returns the resources in template order.
func (t *translator) names() []string {
	out := keys(t.stack.Resources)
	for _, n := range out {
		t.order[n] = t.stack.Pos(cfn.ResourcePointer(n)).Line
	}
	sort.SliceStable(out, func(i, j int) bool { return t.order[out[i]] < t.order[out[j]] })
	return out
}

// file resolves a local path named by the template (relative to it) and
// watches it.
func (t *translator) localPath(p string) string {
	if !filepath.IsAbs(p) {
		p = filepath.Join(t.dir, p)
	}
	t.res.Files = append(t.res.Files, p)
	return p
}

func (t *translator) translate() {
	names := t.names()
	sam := false
	for _, tr := range t.stack.Transform {
		if tr == SAMTransform {
			sam = true
		}
	}
	// Functions first: APIs name them.
	for _, n := range names {
		r := t.stack.Resources[n]
		switch r.Type {
		case "AWS::Serverless::Function", "AWS::Lambda::Function":
			if r.Type == "AWS::Serverless::Function" && !sam {
				t.errorf(r.Pointer+"/Type", "%s needs Transform: %s", r.Type, SAMTransform)
				continue
			}
			t.function(r)
		}
	}
	for _, n := range names {
		r := t.stack.Resources[n]
		switch r.Type {
		case "AWS::Serverless::Api", "AWS::Serverless::HttpApi":
			if !sam {
				t.errorf(r.Pointer+"/Type", "%s needs Transform: %s", r.Type, SAMTransform)
				continue
			}
		}
		switch r.Type {
		case "AWS::Serverless::Api":
			t.samRestAPI(r)
		case "AWS::Serverless::HttpApi":
			t.samHTTPAPI(r)
		case "AWS::ApiGateway::RestApi":
			t.cfnRestAPI(r)
		case "AWS::ApiGatewayV2::Api":
			t.cfnHTTPAPI(r)
		}
	}
	if sam {
		t.samEvents(names)
	}
	t.cfnRestParts(names)
	t.cfnHTTPParts(names)
	t.finishAPIs()
	t.domains(names)
	t.samUsagePlans()
	t.cfnKeysAndPlans(names)
	t.ignored(names)
}

// consumed are the resource types Portico reads (beyond APIs and functions).
var consumed = map[string]bool{
	"AWS::Serverless::Function": true, "AWS::Lambda::Function": true, "AWS::Serverless::LayerVersion": true,
	"AWS::Lambda::LayerVersion": true, "AWS::Serverless::Api": true, "AWS::Serverless::HttpApi": true,
	"AWS::ApiGateway::RestApi": true, "AWS::ApiGateway::Resource": true, "AWS::ApiGateway::Method": true,
	"AWS::ApiGateway::Deployment": true, "AWS::ApiGateway::Stage": true, "AWS::ApiGateway::Authorizer": true,
	"AWS::ApiGateway::GatewayResponse": true, "AWS::ApiGateway::Model": true, "AWS::ApiGateway::RequestValidator": true,
	"AWS::ApiGateway::ApiKey": true, "AWS::ApiGateway::UsagePlan": true, "AWS::ApiGateway::UsagePlanKey": true,
	"AWS::ApiGatewayV2::Api": true, "AWS::ApiGatewayV2::Route": true, "AWS::ApiGatewayV2::Integration": true,
	"AWS::ApiGatewayV2::Stage": true, "AWS::ApiGatewayV2::Authorizer": true,
	"AWS::ApiGateway::DomainName": true, "AWS::ApiGateway::BasePathMapping": true,
	"AWS::ApiGatewayV2::DomainName": true, "AWS::ApiGatewayV2::ApiMapping": true,
	// A permission lets API Gateway call a function; locally every API may.
	"AWS::Lambda::Permission": true,
	// An alias or version runs its function.
	"AWS::Lambda::Alias": true, "AWS::Lambda::Version": true,
}

// ignored lists, in one note, the resources Portico does not serve.
func (t *translator) ignored(names []string) {
	var out []string
	for _, n := range names {
		if r := t.stack.Resources[n]; !consumed[r.Type] {
			out = append(out, n+" ("+r.Type+")")
		}
	}
	if len(out) > 0 {
		t.res.Notes = append(t.res.Notes, config.Note{File: t.file, Line: t.stack.Pos("/Resources").Line, Pointer: "/Resources", Message: fmt.Sprintf("ignored %d resource(s) that are neither APIs nor functions: %s", len(out), strings.Join(out, ", "))})
	}
}

// readEnvVars reads SAM's --env-vars JSON.
func (t *translator) readEnvVars(path string) error {
	data, err := os.ReadFile(path)
	if err != nil {
		return fmt.Errorf("env vars: %w", err)
	}
	var raw map[string]map[string]any
	if err := json.Unmarshal(data, &raw); err != nil {
		return &source.Error{File: path, Message: "env vars must be a JSON object of objects (per function logical id, and Parameters): " + err.Error()}
	}
	t.envVars = map[string]map[string]string{}
	for fn, vars := range raw {
		t.envVars[fn] = map[string]string{}
		for k, v := range vars {
			switch x := v.(type) {
			case string:
				t.envVars[fn][k] = x
			case nil:
				t.envVars[fn][k] = ""
			default:
				b, _ := json.Marshal(x)
				t.envVars[fn][k] = string(b)
			}
		}
	}
	return nil
}

// joinSorted joins errors ordered by file and line.
func joinSorted(errs []error) error {
	sort.SliceStable(errs, func(i, j int) bool {
		a, aok := errors.AsType[*source.Error](errs[i])
		b, bok := errors.AsType[*source.Error](errs[j])
		if !aok || !bok {
			return aok && !bok
		}
		if a.File != b.File {
			return a.File < b.File
		}
		return a.Line < b.Line
	})
	return errors.Join(errs...)
}
