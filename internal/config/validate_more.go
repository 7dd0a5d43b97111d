package config

import (
	"fmt"
	"math"
	"net/url"
	"path/filepath"
	"regexp"
	"slices"
	"strconv"
	"strings"
	"sync"
	"time"

	"github.com/portico-gw/portico/internal/awslimits"
	"github.com/portico-gw/portico/internal/source"
)

var (
	functionNameRe = sync.OnceValue(func() *regexp.Regexp { return regexp.MustCompile(`^[A-Za-z0-9_-]{1,64}$`) })
	planMethodRe   = sync.OnceValue(func() *regexp.Regexp { return regexp.MustCompile(`^/.*/(GET|PUT|POST|DELETE|PATCH|OPTIONS|HEAD|ANY)$`) })
	httpMethodRe   = sync.OnceValue(func() *regexp.Regexp { return regexp.MustCompile(`^(GET|PUT|POST|DELETE|PATCH|OPTIONS|HEAD|ANY|\*)$`) })
)

// applyDefaults fills defaults inside list items and resolves relative paths
// against dir.
func (f *File) applyDefaults(dir string) {
	abs := func(p string) string {
		if p == "" || filepath.IsAbs(p) {
			return p
		}
		return filepath.Join(dir, p)
	}
	f.Store.Path = abs(f.Store.Path)
	f.templatePaths(dir)
	f.servingPaths(abs)
	for i := range f.APIs {
		for j := range f.APIs[i].Stages {
			decodeResourcePaths(f.APIs[i].Stages[j].MethodSettings)
			if a := f.APIs[i].Stages[j].AccessLogSettings; a != nil && a.Destination != "" && a.Destination != "stdout" && a.Destination != "-" {
				a.Destination = abs(a.Destination)
			}
		}
	}
	for i := range f.Functions {
		fn := &f.Functions[i]
		if fn.Timeout == 0 {
			fn.Timeout = Duration(awslimits.LambdaDefaultTimeout)
		}
		if fn.MemorySize == 0 {
			fn.MemorySize = awslimits.LambdaDefaultMemoryMB
		}
		if fn.IdleTimeout == 0 {
			fn.IdleTimeout = Duration(5 * time.Minute)
		}
		fn.Build, fn.CodeURI = abs(fn.Build), abs(fn.CodeURI)
		for j, l := range fn.Layers {
			fn.Layers[j] = abs(l)
		}
		if len(fn.Command) > 0 && strings.ContainsRune(fn.Command[0], '/') {
			fn.Command[0] = abs(fn.Command[0])
		}
	}
	for i := range f.APIKeys {
		if f.APIKeys[i].ID == "" {
			f.APIKeys[i].ID = f.APIKeys[i].Name
		}
	}
	for i := range f.UsagePlans {
		if f.UsagePlans[i].ID == "" {
			f.UsagePlans[i].ID = f.UsagePlans[i].Name
		}
	}
}

// validateMore checks the account, store, functions, keys and plans.
func (v *validator) validateMore(f *File) {
	v.throttle("/account/throttle", f.Account.Throttle)
	v.awsServices(f.AWSServices)
	v.store(f.Store)
	names := map[string]bool{}
	for i, fn := range f.Functions {
		p := "/functions/" + strconv.Itoa(i)
		v.check(p+"/name", functionNameRe().MatchString(fn.Name), "%q is not a valid function name (letters, digits, - and _, at most 64)", fn.Name)
		v.check(p+"/name", !names[fn.Name], "duplicate function %q", fn.Name)
		names[fn.Name] = true
		sources := 0
		for _, set := range []bool{len(fn.Command) > 0, fn.Build != "", fn.CodeURI != ""} {
			if set {
				sources++
			}
		}
		v.check(p, sources == 1, "give exactly one of command, build or codeUri")
		v.functionRuntime(p, &f.Functions[i])
		v.check(p+"/timeout", fn.Timeout > 0 && fn.Timeout.D() <= 15*time.Minute, "timeout must be between 1ms and 15m")
		v.check(p+"/memorySize", fn.MemorySize >= awslimits.LambdaMinMemoryMB && fn.MemorySize <= awslimits.LambdaMaxMemoryMB, "memorySize must be 128 to 10240 MB")
		v.check(p+"/reservedConcurrency", fn.ReservedConcurrency >= 0, "reservedConcurrency must not be negative")
	}
	v.check("/functionRuntime/memoryLimit", slices.Contains(memoryLimits, f.FunctionRuntime.MemoryLimit),
		"memoryLimit must be auto, cgroup, rss or off, not %q", f.FunctionRuntime.MemoryLimit)
	if ci := f.FunctionRuntime.CodeCheckInterval; !ci.Off {
		v.check("/functionRuntime/codeCheckInterval", ci.Every.D() >= minCodeCheckInterval,
			"codeCheckInterval must be a duration of at least %s, or off, not %s", minCodeCheckInterval, ci.Every.D())
	}
	for i, a := range f.APIs {
		for j, s := range a.Stages {
			for k, ms := range s.MethodSettings {
				p := fmt.Sprintf("/apis/%d/stages/%d/methodSettings/%d", i, j, k)
				v.check(p+"/resourcePath", ms.ResourcePath == "/*" || strings.HasPrefix(ms.ResourcePath, "/"), "resourcePath must be \"/*\" or a resource path")
				v.check(p+"/httpMethod", httpMethodRe().MatchString(ms.HTTPMethod), "httpMethod must be \"*\" or an HTTP method, not %q", ms.HTTPMethod)
				if ms.ThrottlingRateLimit != nil {
					v.check(p+"/throttlingRateLimit", *ms.ThrottlingRateLimit >= 0 && !math.IsNaN(*ms.ThrottlingRateLimit), "must not be negative")
				}
				if ms.ThrottlingBurstLimit != nil {
					v.check(p+"/throttlingBurstLimit", *ms.ThrottlingBurstLimit >= 0, "must not be negative")
				}
				v.methodCache(p, ms.MethodCacheSettings)
			}
			v.stageCache(fmt.Sprintf("/apis/%d/stages/%d/cache", i, j), s.Cache)
		}
	}
	v.keysAndPlans(f)
	v.auth(f)
}

// runtimeRe matches the runtime identifiers Portico runs.
var runtimeRe = sync.OnceValue(func() *regexp.Regexp {
	return regexp.MustCompile(`^(nodejs(18|20|22)\.x|python3\.(9|1[0-3])|provided\.al2|provided\.al2023|go1\.x)$`)
})

// functionRuntime checks a function's runtime, handler and layers.
func (v *validator) functionRuntime(p string, fn *Function) {
	for j, l := range fn.Layers {
		v.check(p+"/layers/"+strconv.Itoa(j), l != "", "a layer is a directory path")
	}
	if fn.Runtime == "" {
		v.check(p+"/handler", fn.Handler == "", "handler needs a runtime (nodejs20.x, python3.12, go1.x, ...)")
		return
	}
	if v.ix != nil {
		fn.runtimeLine = v.ix.Line(p + "/runtime")
	}
	if !v.check(p+"/runtime", runtimeRe().MatchString(fn.Runtime),
		"unknown runtime %q: use nodejs18.x, nodejs20.x, nodejs22.x, python3.9 to python3.13, provided.al2, provided.al2023 or go1.x", fn.Runtime) {
		return
	}
	v.check(p+"/codeUri", fn.CodeURI != "", "runtime %s needs codeUri, the code directory", fn.Runtime)
	switch {
	case strings.HasPrefix(fn.Runtime, "nodejs"):
		mod, export, ok := strings.Cut(fn.Handler[strings.LastIndexByte(fn.Handler, '/')+1:], ".")
		v.check(p+"/handler", ok && mod != "" && export != "", "handler %q must be file.export, e.g. app.handler or src/app.lambdaHandler", fn.Handler)
	case strings.HasPrefix(fn.Runtime, "python"):
		i := strings.LastIndexByte(fn.Handler, '.')
		v.check(p+"/handler", i > 0 && i < len(fn.Handler)-1, "handler %q must be module.function, e.g. app.lambda_handler or pkg/module.handler", fn.Handler)
	case fn.Runtime == "go1.x":
		v.check(p+"/handler", fn.Handler != "" && !strings.ContainsRune(fn.Handler, '/'), "handler %q must name the executable in codeUri", fn.Handler)
	}
}

// auth checks the IAM credentials, user pools and JWT authorizers.
func (v *validator) auth(f *File) {
	ids := map[string]bool{}
	for i, c := range f.IAM.Credentials {
		p := "/iam/credentials/" + strconv.Itoa(i)
		v.check(p+"/accessKeyId", len(c.AccessKeyID) >= 16 && len(c.AccessKeyID) <= 128, "accessKeyId must be 16 to 128 characters")
		v.check(p+"/accessKeyId", !ids[c.AccessKeyID], "duplicate accessKeyId")
		ids[c.AccessKeyID] = true
		v.check(p+"/secretAccessKey", c.SecretAccessKey != "", "secretAccessKey is required")
		if c.Expires != "" {
			_, err := time.Parse(time.RFC3339, c.Expires)
			v.check(p+"/expires", err == nil, "expires must be an RFC 3339 time")
		}
	}
	for i, u := range f.CognitoUserPools {
		p := "/cognitoUserPools/" + strconv.Itoa(i)
		v.check(p+"/arn", strings.HasPrefix(u.ARN, "arn:aws:cognito-idp:"), "arn must be arn:aws:cognito-idp:{region}:{account}:userpool/{id}")
		v.check(p+"/issuer", strings.HasPrefix(u.Issuer, "http"), "issuer must be the pool's issuer URL")
	}
	names := map[string]bool{}
	for i, j := range f.JWTAuthorizers {
		p := "/jwtAuthorizers/" + strconv.Itoa(i)
		v.check(p+"/name", j.Name != "" && !names[j.Name], "a unique name is required")
		names[j.Name] = true
		v.check(p+"/issuer", j.Issuer != "", "issuer is required")
		v.check(p+"/audiences", len(j.Audiences) > 0, "at least one audience is required, or any client of the issuer would be accepted")
	}
}

func (v *validator) throttle(p string, t Throttle) {
	v.check(p+"/rateLimit", t.RateLimit >= 0 && !math.IsNaN(t.RateLimit) && !math.IsInf(t.RateLimit, 0), "rateLimit must be a non-negative number")
	v.check(p+"/burstLimit", t.BurstLimit >= 0, "burstLimit must not be negative")
}

func (v *validator) store(s Store) {
	switch s.Type {
	case "embedded", "memory":
	case "redis":
		u, err := url.Parse(s.URL)
		v.check("/store/url", err == nil && (u.Scheme == "redis" || u.Scheme == "rediss") && u.Host != "", "store.url must be redis://host:port[/db] when type is redis")
	default:
		v.check("/store/type", false, "store.type must be embedded, memory or redis, not %q", s.Type)
	}
	v.check("/store/onError", s.OnError == "open" || s.OnError == "closed", "store.onError must be open or closed, not %q", s.OnError)
	v.check("/store/flushInterval", s.FlushInterval > 0, "must be a positive duration")
	v.check("/store/timeout", s.Timeout > 0, "must be a positive duration")
}

func (v *validator) keysAndPlans(f *File) {
	keys, values := map[string]bool{}, map[string]bool{}
	for i, k := range f.APIKeys {
		p := "/apiKeys/" + strconv.Itoa(i)
		v.check(p+"/name", k.Name != "" && len(k.Name) <= 1024, "a key name is required (at most 1024 characters)")
		v.check(p+"/name", !keys[k.Name], "duplicate API key name %q", k.Name)
		keys[k.Name] = true
		switch {
		case len(k.Value) < awslimits.APIKeyMinLength:
			v.check(p+"/value", false, "API Key value should be at least 20 characters")
		case len(k.Value) > awslimits.APIKeyMaxLength:
			v.check(p+"/value", false, "API Key value exceeds maximum size of 128 characters")
		}
		v.check(p+"/value", !values[k.Value], "two API keys have the same value") // the value itself is never printed
		values[k.Value] = true
	}
	stages, apiIDs := map[string]bool{}, map[string]bool{}
	for _, a := range f.APIs {
		apiIDs[a.ID] = true
		for _, s := range a.Stages {
			stages[a.ID+"/"+s.Name] = true
		}
	}
	keyStage := map[string]string{} // key + api/stage → plan
	plansPerKey := map[string]int{}
	planNames := map[string]bool{}
	for i, pl := range f.UsagePlans {
		p := "/usagePlans/" + strconv.Itoa(i)
		v.check(p+"/name", pl.Name != "", "a plan name is required")
		v.check(p+"/name", !planNames[pl.Name], "duplicate usage plan %q", pl.Name)
		planNames[pl.Name] = true
		if pl.Throttle != nil {
			v.throttle(p+"/throttle", *pl.Throttle)
		}
		if q := pl.Quota; q != nil {
			v.check(p+"/quota/period", q.Period == "DAY" || q.Period == "WEEK" || q.Period == "MONTH", "period must be DAY, WEEK or MONTH, not %q", q.Period)
			v.check(p+"/quota/limit", q.Limit > 0, "limit must be positive")
			v.check(p+"/quota/offset", q.Offset >= 0 && q.Offset < q.Limit, "offset must be between 0 and limit-1")
			if q.StartDate != "" || q.Offset > 0 {
				v.check(p+"/quota/startDate", !q.Start().IsZero(), "startDate (2026-11-01 or RFC 3339) is required with an offset: the offset applies to the period containing it")
			}
		}
		for j, st := range pl.APIStages {
			sp := p + "/apiStages/" + strconv.Itoa(j)
			// A stage of an API a template defines is checked once the
			// templates are expanded (File.Expand).
			v.check(sp, stages[st.API+"/"+st.Stage] || len(f.Templates) > 0 && !apiIDs[st.API], "Invalid API Stage {api: %s, stage: %s} specified for usageplan %s", st.API, st.Stage, pl.Name)
			for m, t := range st.Throttle {
				mp := sp + "/throttle/" + source.Escape(m)
				v.check(mp, planMethodRe().MatchString(m), "per-method throttle keys are \"/{resourcePath}/{METHOD}\", e.g. \"/pets/GET\", not %q", m)
				v.throttle(mp, t)
			}
		}
		for j, name := range pl.APIKeys {
			kp := p + "/apiKeys/" + strconv.Itoa(j)
			if !v.check(kp, keys[name], "API key %q is not defined in apiKeys", name) {
				continue
			}
			plansPerKey[name]++
			v.check(kp, plansPerKey[name] <= 10, "API key %q is in more than 10 usage plans", name)
			for _, st := range pl.APIStages {
				ks := name + "\x00" + st.API + "/" + st.Stage
				if other, dup := keyStage[ks]; dup {
					v.check(kp, false, "API key %q is already in usage plan %q for %s/%s; a key can be in one plan per API stage", name, other, st.API, st.Stage)
				}
				keyStage[ks] = pl.Name
			}
		}
	}
}
