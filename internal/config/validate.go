package config

import (
	"errors"
	"fmt"
	"math"
	"net"
	"os"
	"regexp"
	"strconv"
	"strings"
	"sync"

	"github.com/portico-gw/portico/internal/source"
)

// Patterns from the AWS API reference (docs/aws-behaviour.md#stage-variables, docs/aws-behaviour.md#limits),
// compiled on first use, like every pattern of this package (docs/architecture.md#memory).
var (
	stageNameRe = sync.OnceValue(func() *regexp.Regexp { return regexp.MustCompile(`^[A-Za-z0-9_-]{1,128}$`) })
	apiIDRe     = sync.OnceValue(func() *regexp.Regexp { return regexp.MustCompile(`^[A-Za-z0-9_-]{1,64}$`) })
	varNameRe   = sync.OnceValue(func() *regexp.Regexp { return regexp.MustCompile(`^[A-Za-z0-9_]{1,64}$`) })
	varValueRe  = sync.OnceValue(func() *regexp.Regexp { return regexp.MustCompile(`^[A-Za-z0-9\-._~:/?#&=,]{1,512}$`) })
	regionRe    = sync.OnceValue(func() *regexp.Regexp { return regexp.MustCompile(`^[a-z]{2}(-[a-z]+)+-\d$`) })
	accountRe   = sync.OnceValue(func() *regexp.Regexp { return regexp.MustCompile(`^\d{12}$`) })
)

// Validate reports every problem in f, located through ix (which may be nil
// for settings built in code).
func (f *File) Validate(ix *source.Index) error {
	v := &validator{ix: ix, file: f.path}
	v.addr("/listen", f.Listen, false)
	v.addr("/admin/listen", f.Admin.Listen, true)
	v.check("/region", regionRe().MatchString(f.Region), "%q is not a region name such as us-east-1", f.Region)
	v.check("/accountId", accountRe().MatchString(f.AccountID), "%q is not a 12-digit account id", f.AccountID)
	v.check("/server/maxHeaderBytes", f.Server.MaxHeaderBytes >= 1024, "must be at least 1024")
	v.check("/server/maxBodyBytes", f.Server.MaxBodyBytes >= 1, "must be positive")
	v.check("/server/rejectionLog/burst", f.Server.RejectionLog.Burst >= 1, "must be at least 1")
	v.check("/server/rejectionLog/interval", f.Server.RejectionLog.Interval > 0, "must be a positive duration")
	v.gc(f.Server.GC)
	v.check("/server/http1", f.Server.HTTP1 == "" || f.Server.HTTP1 == "portico" || f.Server.HTTP1 == "net/http", "must be portico or net/http, not %q", f.Server.HTTP1)
	for _, d := range []struct {
		field string
		val   Duration
	}{{"readHeaderTimeout", f.Server.ReadHeaderTimeout}, {"readTimeout", f.Server.ReadTimeout}, {"idleTimeout", f.Server.IdleTimeout}, {"shutdownTimeout", f.Server.ShutdownTimeout}} {
		v.check("/server/"+d.field, d.val > 0, "must be a positive duration")
	}
	v.validateTemplates(f)
	v.admin(&f.Admin)
	v.serving(f)
	ids := map[string]bool{}
	for i, a := range f.APIs {
		p := "/apis/" + strconv.Itoa(i)
		v.check(p+"/id", apiIDRe().MatchString(a.ID), "%q is not a valid API id (letters, digits, - and _)", a.ID)
		v.check(p+"/id", !ids[a.ID], "duplicate API id %q", a.ID)
		ids[a.ID] = true
		if a.Body == nil && v.check(p+"/definition", a.Definition != "", "a definition file is required") {
			_, err := os.Stat(a.Definition)
			v.check(p+"/definition", err == nil, "cannot read definition %s", a.Definition)
		}
		v.check(p+"/type", a.Type == "" || a.Type == APITypeREST || a.Type == APITypeHTTP, "type must be rest or http, not %q", a.Type)
		v.stages(p, a)
	}
	v.validateMore(f)
	return errors.Join(v.errs...)
}

type validator struct {
	ix   *source.Index
	file string
	errs []error
}

// routeKeyRe matches an HTTP API route key.
var routeKeyRe = sync.OnceValue(func() *regexp.Regexp {
	return regexp.MustCompile(`^(\$default|(ANY|GET|HEAD|POST|PUT|PATCH|DELETE|OPTIONS) /\S*)$`)
})

// routeSetting checks an HTTP API throttle entry.
func (v *validator) routeSetting(p string, rs *RouteSetting) {
	if rs == nil {
		return
	}
	if rs.ThrottlingRateLimit != nil {
		v.check(p+"/throttlingRateLimit", *rs.ThrottlingRateLimit >= 0 && !math.IsNaN(*rs.ThrottlingRateLimit), "must not be negative")
	}
	if rs.ThrottlingBurstLimit != nil {
		v.check(p+"/throttlingBurstLimit", *rs.ThrottlingBurstLimit >= 0, "must not be negative")
	}
}

// check records a located error when ok is false and returns ok.
func (v *validator) check(ptr string, ok bool, format string, args ...any) bool {
	if !ok {
		line := 0
		if v.ix != nil {
			line = v.ix.Line(ptr)
		}
		v.errs = append(v.errs, &source.Error{File: v.file, Line: line, Pointer: ptr, Message: fmt.Sprintf(format, args...)})
	}
	return ok
}

func (v *validator) addr(ptr, a string, offAllowed bool) {
	if offAllowed && a == "off" {
		return
	}
	_, port, err := net.SplitHostPort(a)
	if err == nil {
		_, err = strconv.ParseUint(port, 10, 16)
	}
	v.check(ptr, err == nil, "%q is not a host:port address", a)
}

func (v *validator) stages(p string, a API) {
	stages := a.Stages
	v.check(p+"/stages", len(stages) > 0 || a.Type != APITypeREST, "at least one stage is required")
	names := map[string]bool{}
	for j, s := range stages {
		sp := p + "/stages/" + strconv.Itoa(j)
		if s.Name == "$default" {
			v.check(sp+"/name", a.Type != APITypeREST, "$default is a stage of HTTP APIs only")
		} else {
			v.check(sp+"/name", stageNameRe().MatchString(s.Name), "%q is not a valid stage name (letters, digits, - and _, at most 128)", s.Name)
		}
		if a.Type == APITypeHTTP {
			v.check(sp+"/methodSettings", len(s.MethodSettings) == 0, "HTTP APIs take defaultRouteSettings and routeSettings, not methodSettings")
			v.check(sp+"/cache", s.Cache == nil, "HTTP APIs have no stage cache (a REST API setting)")
		}
		if a.Type == APITypeREST {
			v.check(sp+"/routeSettings", len(s.RouteSettings) == 0 && s.DefaultRouteSettings == nil, "REST APIs take methodSettings, not routeSettings")
		}
		v.routeSetting(sp+"/defaultRouteSettings", s.DefaultRouteSettings)
		for k, rs := range s.RouteSettings {
			rp := sp + "/routeSettings/" + source.Escape(k)
			v.check(rp, routeKeyRe().MatchString(k), "%q is not a route key (\"GET /pets/{id}\", \"ANY /{proxy+}\" or \"$default\")", k)
			v.routeSetting(rp, &rs)
		}
		v.check(sp+"/name", !names[s.Name], "duplicate stage %q", s.Name)
		names[s.Name] = true
		v.check(sp+"/variables", len(s.Variables) <= 100, "at most 100 stage variables")
		switch s.LoggingLevel {
		case "", "OFF", "ERROR", "INFO":
		default:
			v.check(sp+"/loggingLevel", false, "loggingLevel must be OFF, ERROR or INFO, not %q", s.LoggingLevel)
		}
		if s.AccessLogSettings != nil {
			v.check(sp+"/accessLogSettings/format", strings.TrimSpace(s.AccessLogSettings.Format) != "", "Access Log value must not be empty")
		}
		for k, val := range s.Variables {
			vp := sp + "/variables/" + source.Escape(k)
			v.check(vp, varNameRe().MatchString(k), "stage variable name %q must be letters, digits and _ (at most 64)", k)
			v.check(vp, varValueRe().MatchString(val), "stage variable %s: value must match [A-Za-z0-9-._~:/?#&=,]+ (at most 512)", k)
		}
	}
}

// gc checks the garbage collector's target.
func (v *validator) gc(g GC) {
	if _, err := parseGCPercent(g.Percent); err != nil {
		v.check("/server/gc/percent", false, "%q %v", g.Percent, err)
	}
	if _, err := parseByteSize(g.MemoryLimit); err != nil {
		v.check("/server/gc/memoryLimit", false, "%q %v", g.MemoryLimit, err)
	}
	v.check("/server/gc/percent", g.Percent != "off" || (g.MemoryLimit != "" && g.MemoryLimit != "off"),
		"off needs a memoryLimit: without one the heap grows without bound")
}

// admin checks the management API's credentials: without any, every
// well-formed signature is accepted, so the listener must be on loopback.
func (v *validator) admin(a *Admin) {
	v.check("/admin/profiling", !a.Profiling || a.Listen != "off", "profiling is served on the admin listener, which is off")
	seen := map[string]bool{}
	for i, c := range a.Credentials {
		p := "/admin/credentials/" + strconv.Itoa(i)
		v.check(p+"/accessKeyId", c.AccessKeyID != "", "accessKeyId is required")
		v.check(p+"/secretAccessKey", c.SecretAccessKey != "", "secretAccessKey is required")
		v.check(p+"/accessKeyId", c.AccessKeyID == "" || !seen[c.AccessKeyID], "duplicate accessKeyId %q", c.AccessKeyID)
		seen[c.AccessKeyID] = true
	}
	if len(a.Credentials) > 0 || a.Listen == "off" {
		return
	}
	host, _, err := net.SplitHostPort(a.Listen)
	if err != nil {
		return // reported by addr
	}
	ip := net.ParseIP(host)
	v.check("/admin/listen", host == "localhost" || (ip != nil && ip.IsLoopback()),
		"%q is not a loopback address: with no admin.credentials the management API accepts any SigV4 signature, so the admin listener must listen on 127.0.0.1, [::1] or localhost; add admin.credentials to listen elsewhere", a.Listen)
}
