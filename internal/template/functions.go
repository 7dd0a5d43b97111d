package template

import (
	"crypto/sha256"
	"encoding/hex"
	"os"
	"path/filepath"
	"strings"
	"time"

	"github.com/portico-gw/portico/internal/cfn"
	"github.com/portico-gw/portico/internal/config"
)

// function turns an AWS::Serverless::Function or AWS::Lambda::Function
// with local code into a local function named after its FunctionName, or
// its logical id.
func (t *translator) function(r *cfn.Resource) {
	pp := r.Pointer + "/Properties"
	props := r.Properties
	if r.Type == "AWS::Serverless::Function" {
		if g, ok := t.stack.Globals["Function"].(map[string]any); ok {
			merged, _ := mergeGlobals(g, props).(map[string]any)
			props = merged
		}
	}
	if props == nil {
		props = map[string]any{}
	}
	fn := config.Function{Name: r.Name, Runtime: t.str(props, pp, "Runtime"), Handler: t.str(props, pp, "Handler")}
	if n := t.str(props, pp, "FunctionName"); n != "" {
		fn.Name = n
	}
	t.fnNames[r.Name] = fn.Name
	rp := pp + "/Runtime"
	if _, own := r.Properties["Runtime"]; !own && r.Type == "AWS::Serverless::Function" {
		if _, global := props["Runtime"]; global {
			rp = "/Globals/Function/Runtime"
		}
	}
	pos := t.stack.Pos(rp)
	t.res.Origins[fn.Name] = config.Note{File: pos.File, Line: pos.Line, Pointer: rp}
	if pt := t.str(props, pp, "PackageType"); pt == "Image" {
		t.errorf(pp+"/PackageType", "function %s: container image functions are not run locally; use a zip function with a local CodeUri", r.Name)
		return
	}
	var code string
	if r.Type == "AWS::Serverless::Function" {
		code = t.samCode(r, props, pp, &fn)
	} else {
		code = t.lambdaCode(r, props, pp)
	}
	if code == "" {
		return
	}
	t.place(r, pp, code, &fn)
	if v, ok := t.num(props, pp, "Timeout"); ok {
		fn.Timeout = config.Duration(time.Duration(v * float64(time.Second)))
	}
	if v, ok := t.num(props, pp, "MemorySize"); ok {
		fn.MemorySize = int(v)
	}
	if v, ok := t.num(props, pp, "ReservedConcurrentExecutions"); ok {
		fn.ReservedConcurrency = int(v)
		if v == 0 {
			t.note(pp+"/ReservedConcurrentExecutions", "function %s: ReservedConcurrentExecutions 0 throttles every call on AWS; Portico treats 0 as no cap", r.Name)
		}
	}
	if env := t.obj(props, pp, "Environment"); env != nil {
		vars := t.obj(env, pp+"/Environment", "Variables")
		for _, k := range keys(vars) {
			if fn.Environment == nil {
				fn.Environment = map[string]string{}
			}
			fn.Environment[k] = t.str(vars, pp+"/Environment/Variables", k)
		}
	}
	// SAM's --env-vars: Parameters for all, then the function's own; only
	// declared variables change.
	for _, scope := range []string{"Parameters", r.Name} {
		for k, v := range t.envVars[scope] {
			if _, ok := fn.Environment[k]; ok {
				fn.Environment[k] = v
			}
		}
	}
	for i, l := range t.list(props, pp, "Layers") {
		if dir := t.layer(l, pp+"/Layers/"+itoa(i), r.Name); dir != "" {
			fn.Layers = append(fn.Layers, dir)
		}
	}
	t.res.Functions = append(t.res.Functions, fn)
}

// samCode returns the code directory of a SAM function: CodeUri, or
// InlineCode written to a cache directory.
func (t *translator) samCode(r *cfn.Resource, props map[string]any, pp string, fn *config.Function) string {
	if inline := t.str(props, pp, "InlineCode"); inline != "" {
		mod, _, _ := strings.Cut(fn.Handler, ".")
		ext := ".js"
		switch {
		case strings.HasPrefix(fn.Runtime, "python"):
			ext = ".py"
		case fn.Runtime == "" || !strings.HasPrefix(fn.Runtime, "nodejs"):
			t.errorf(pp+"/InlineCode", "function %s: InlineCode runs with a Node.js or Python runtime, not %q", r.Name, fn.Runtime)
			return ""
		}
		sum := sha256.Sum256([]byte(fn.Runtime + "\x00" + fn.Handler + "\x00" + inline))
		base, err := os.UserCacheDir()
		if err != nil {
			base = os.TempDir()
		}
		dir := filepath.Join(base, "portico", "inline", hex.EncodeToString(sum[:8]))
		if err := os.MkdirAll(dir, 0o755); err == nil {
			err = os.WriteFile(filepath.Join(dir, mod+ext), []byte(inline), 0o644)
			if err == nil {
				return dir
			}
		}
		t.errorf(pp+"/InlineCode", "function %s: cannot write the inline code to %s", r.Name, dir)
		return ""
	}
	switch v := props["CodeUri"].(type) {
	case string:
		if strings.HasPrefix(v, "s3://") {
			t.errorf(pp+"/CodeUri", "function %s: CodeUri %s is in S3; Portico runs local code: give a local directory", r.Name, v)
			return ""
		}
		return t.localPath(v)
	case nil:
		// SAM's default is the template's directory.
		return t.dir
	default:
		t.errorf(pp+"/CodeUri", "function %s: CodeUri must be a local directory (an S3 location cannot run locally)", r.Name)
	}
	return ""
}

// lambdaCode returns the local code of an AWS::Lambda::Function: Code as
// a path (the input form of `aws cloudformation package`), or the CDK's
// aws:asset:path metadata (relative to the template, as in cdk.out).
func (t *translator) lambdaCode(r *cfn.Resource, props map[string]any, pp string) string {
	if p, ok := r.Metadata["aws:asset:path"].(string); ok && p != "" {
		return t.localPath(p)
	}
	switch v := props["Code"].(type) {
	case string:
		if strings.HasPrefix(v, "s3://") {
			break
		}
		return t.localPath(v)
	case map[string]any:
		if zf, ok := v["ZipFile"].(string); ok {
			t.errorf(pp+"/Code/ZipFile", "function %s: Code.ZipFile (%d bytes) is not run locally; put the code in a directory and name it in Code", r.Name, len(zf))
			return ""
		}
	}
	t.errorf(pp+"/Code", "function %s: the code is only in S3 (or an image); give Code as a local directory, or the aws:asset:path metadata of a CDK asset", r.Name)
	return ""
}

// place sets the function's source from its code directory: a directory
// with an executable bootstrap (or a provided.*/go1.x runtime) is code to
// run; a Go main package without a bootstrap is built, as `sam build`
// would.
func (t *translator) place(r *cfn.Resource, pp, dir string, fn *config.Function) {
	st, err := os.Stat(dir)
	if err != nil || !st.IsDir() {
		t.errorf(pp, "function %s: code directory %s does not exist", r.Name, dir)
		return
	}
	provided := fn.Runtime == "" || strings.HasPrefix(fn.Runtime, "provided") || fn.Runtime == "go1.x"
	if provided {
		if b, err := os.Stat(filepath.Join(dir, "bootstrap")); err == nil && !b.IsDir() {
			fn.CodeURI = dir
			return
		}
		if fn.Runtime == "go1.x" && fn.Handler != "" {
			if b, err := os.Stat(filepath.Join(dir, fn.Handler)); err == nil && !b.IsDir() {
				fn.CodeURI = dir
				return
			}
		}
		if gos, _ := filepath.Glob(filepath.Join(dir, "*.go")); len(gos) > 0 {
			fn.Build, fn.Runtime, fn.Handler = dir, "", ""
			return
		}
	}
	fn.CodeURI = dir
}

// layer resolves one Layers entry: a reference to a layer of the template
// with local content.
func (t *translator) layer(v any, ptr, fnName string) string {
	name, ok := t.refName(v)
	if !ok {
		s, _ := t.text(v)
		t.errorf(ptr, "function %s: layer %s is not a layer of this template; only layers with local content run locally", fnName, s)
		return ""
	}
	r := t.stack.Resources[name]
	if r == nil {
		t.errorf(ptr, "function %s: layer %s is not a resource of this template", fnName, name)
		return ""
	}
	pp := r.Pointer + "/Properties"
	t.used[name] = true
	var p any
	switch r.Type {
	case "AWS::Serverless::LayerVersion":
		p = r.Properties["ContentUri"]
	case "AWS::Lambda::LayerVersion":
		if m, ok := r.Metadata["aws:asset:path"].(string); ok {
			return t.localPath(m)
		}
		p = r.Properties["Content"]
	default:
		t.errorf(ptr, "function %s: %s is of type %s, not a layer", fnName, name, r.Type)
		return ""
	}
	s, ok := p.(string)
	if !ok || strings.HasPrefix(s, "s3://") {
		t.errorf(pp, "layer %s: the content must be a local directory (ContentUri or Content as a path)", name)
		return ""
	}
	return t.localPath(s)
}

func itoa(i int) string {
	const digits = "0123456789"
	if i < 10 {
		return digits[i : i+1]
	}
	return itoa(i/10) + digits[i%10:i%10+1]
}
