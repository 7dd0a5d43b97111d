package template

import (
	"encoding/json"
	"fmt"
	"os"
	"os/exec"
	"path/filepath"
	"regexp"
	"slices"
	"sort"
	"strings"
	"testing"

	"github.com/portico-gw/portico/internal/cfn"
)

// samTemplates are the SAM templates of testdata the oracle translates.
var samTemplates = []string{"node", "python", "go", "restauth", "httpjwt", "oracle/events"}

// TestSAMTranslatorOracle translates each SAM template of testdata with
// aws-sam-translator (the Python package SAM uses) and checks that
// Portico's generated APIs have the same routes, integrations (the
// function each calls), security requirements, authorizers, request
// validators and parameters, CORS preflight methods, stage names and usage
// plans. Skipped when the package is absent, unless
// PORTICO_REQUIRE_SAMTRANSLATOR=1.
func TestSAMTranslatorOracle(t *testing.T) {
	if exec.Command("python3", "-c", "import samtranslator").Run() != nil {
		if os.Getenv("PORTICO_REQUIRE_SAMTRANSLATOR") == "1" {
			t.Fatal("aws-sam-translator is required (PORTICO_REQUIRE_SAMTRANSLATOR=1) but python3 cannot import samtranslator")
		}
		t.Skip("SKIPPED: the SAM translator oracle needs python3 with aws-sam-translator (pip install aws-sam-translator)")
	}
	for _, name := range samTemplates {
		t.Run(name, func(t *testing.T) {
			t.Parallel()
			file := filepath.Join("testdata", name, "template.yaml")
			tpl, err := cfn.Load(file)
			if err != nil {
				t.Fatal(err)
			}
			params := map[string]string{}
			st, err := tpl.Resolve(cfn.Options{})
			if err != nil {
				t.Fatal(err)
			}
			for k, v := range st.Parameters {
				params[k] = v.String()
			}
			body := s3Code(tpl.Body)
			in := filepath.Join(t.TempDir(), "template.json")
			data, _ := json.Marshal(body)
			if err := os.WriteFile(in, data, 0o600); err != nil {
				t.Fatal(err)
			}
			pj, _ := json.Marshal(params)
			cmd := exec.Command("python3", "testdata/oracle/translate.py", in, string(pj))
			cmd.Env = append(os.Environ(), "AWS_DEFAULT_REGION=us-east-1")
			out, err := cmd.Output()
			if err != nil {
				var stderr string
				if ee, ok := err.(*exec.ExitError); ok {
					stderr = string(ee.Stderr)
				}
				t.Fatalf("samtranslator: %v\n%s", err, stderr)
			}
			var oracle struct {
				APIs   map[string]map[string]any `json:"apis"`
				Stages map[string][]any          `json:"stages"`
				Plans  []struct {
					Name      string `json:"name"`
					APIStages []struct {
						API   string `json:"api"`
						Stage any    `json:"stage"`
					} `json:"apiStages"`
					Quota    map[string]any `json:"quota"`
					Throttle map[string]any `json:"throttle"`
				} `json:"plans"`
			}
			if err := json.Unmarshal(out, &oracle); err != nil {
				t.Fatal(err)
			}
			res, err := Load(file, Options{})
			if err != nil {
				t.Fatal(err)
			}
			mine := map[string]int{}
			for i, a := range res.APIs {
				mine[a.ID] = i
			}
			if len(res.APIs) != len(oracle.APIs) {
				t.Errorf("APIs: Portico %d, SAM %d", len(res.APIs), len(oracle.APIs))
			}
			for logical, obody := range oracle.APIs {
				i, ok := mine[strings.ToLower(logical)]
				if !ok {
					t.Errorf("SAM has API %s, Portico does not", logical)
					continue
				}
				a := res.APIs[i]
				var pbody map[string]any
				if err := json.Unmarshal(a.Body, &pbody); err != nil {
					t.Fatal(err)
				}
				if got, want := summary(pbody), summary(obody); got != want {
					t.Errorf("API %s differs\nPortico:\n%s\nSAM:\n%s", logical, got, want)
				}
				var stages, ostages []string
				for _, s := range a.Stages {
					stages = append(stages, s.Name)
				}
				for _, s := range oracle.Stages[logical] {
					ostages = append(ostages, resolveRef(s, params))
				}
				if len(ostages) == 0 && a.Type == "http" {
					ostages = []string{"$default"} // SAM's HTTP API default stage
				}
				sort.Strings(ostages)
				if !slices.Equal(stages, ostages) {
					t.Errorf("API %s stages: Portico %v, SAM %v", logical, stages, ostages)
				}
			}
			var plans, oplans []string
			for _, p := range res.UsagePlans {
				s := p.ID
				var sts []string
				for _, st := range p.APIStages {
					sts = append(sts, st.API+"/"+st.Stage)
				}
				sort.Strings(sts)
				s += " " + strings.Join(sts, " ")
				if p.Quota != nil {
					s += fmt.Sprintf(" quota %d/%s", p.Quota.Limit, p.Quota.Period)
				}
				if p.Throttle != nil {
					s += fmt.Sprintf(" throttle %g/%d", p.Throttle.RateLimit, p.Throttle.BurstLimit)
				}
				plans = append(plans, s)
			}
			for _, p := range oracle.Plans {
				s := p.Name
				var sts []string
				for _, st := range p.APIStages {
					sts = append(sts, strings.ToLower(st.API)+"/"+resolveRef(st.Stage, params))
				}
				sort.Strings(sts)
				s += " " + strings.Join(sts, " ")
				if p.Quota != nil {
					s += fmt.Sprintf(" quota %v/%v", p.Quota["Limit"], p.Quota["Period"])
				}
				if p.Throttle != nil {
					s += fmt.Sprintf(" throttle %v/%v", p.Throttle["RateLimit"], p.Throttle["BurstLimit"])
				}
				oplans = append(oplans, s)
			}
			sort.Strings(plans)
			sort.Strings(oplans)
			if !slices.Equal(plans, oplans) {
				t.Errorf("usage plans:\nPortico %q\nSAM     %q", plans, oplans)
			}
		})
	}
}

// s3Code replaces local code locations with S3 ones, which the translator
// requires (sam local does the same before translating).
func s3Code(v any) any {
	switch x := v.(type) {
	case map[string]any:
		out := map[string]any{}
		for k, e := range x {
			if (k == "CodeUri" || k == "ContentUri") && isString(e) {
				out[k] = "s3://bucket/key"
				continue
			}
			out[k] = s3Code(e)
		}
		return out
	case []any:
		out := make([]any, len(x))
		for i, e := range x {
			out[i] = s3Code(e)
		}
		return out
	}
	return v
}

func isString(v any) bool { _, ok := v.(string); return ok }

// resolveRef reads a stage name the translator left as {"Ref": param}.
func resolveRef(v any, params map[string]string) string {
	if m, ok := v.(map[string]any); ok {
		if p, ok := m["Ref"].(string); ok {
			return params[p]
		}
	}
	s, _ := v.(string)
	return s
}

var (
	subVar  = regexp.MustCompile(`\$\{([A-Za-z0-9]+)\.Arn\}`)
	literal = regexp.MustCompile(`:function:([A-Za-z0-9_-]+)`)
)

// functionOf finds the function an integration or authorizer URI names,
// in Portico's text or in the translator's Fn::Sub forms.
func functionOf(v any) string {
	switch x := v.(type) {
	case string:
		if m := subVar.FindStringSubmatch(x); m != nil {
			return m[1]
		}
		if m := literal.FindStringSubmatch(x); m != nil {
			return m[1]
		}
	case map[string]any:
		if g, ok := x["Fn::GetAtt"]; ok {
			switch y := g.(type) {
			case string:
				return strings.TrimSuffix(y, ".Arn")
			case []any:
				s, _ := y[0].(string)
				return s
			}
		}
		for _, k := range []string{"Fn::Sub"} {
			if e, ok := x[k]; ok {
				if l, ok := e.([]any); ok && len(l) == 2 {
					if vars, ok := l[1].(map[string]any); ok {
						for _, vv := range vars {
							if f := functionOf(vv); f != "" {
								return f
							}
						}
					}
					return functionOf(l[0])
				}
				return functionOf(e)
			}
		}
	}
	return ""
}

// summary is what the oracle compares of a definition, one line per fact.
func summary(doc map[string]any) string {
	var lines []string
	paths, _ := doc["paths"].(map[string]any)
	for p, item := range paths {
		im, _ := item.(map[string]any)
		for m, op := range im {
			if !isMethod(m) {
				continue
			}
			om, _ := op.(map[string]any)
			in, _ := om["x-amazon-apigateway-integration"].(map[string]any)
			line := fmt.Sprintf("%s %s: %v %s", strings.ToUpper(m), p, in["type"], functionOf(in["uri"]))
			var sec []string
			secList, _ := om["security"].([]any)
			for _, req := range secList {
				rm, _ := req.(map[string]any)
				for k, scopes := range rm {
					// SAM writes Authorizer: NONE as a requirement of an
					// undefined scheme NONE, which API Gateway's import
					// ignores; Portico writes no requirement.
					if k != "NONE" {
						sec = append(sec, fmt.Sprintf("%s%v", k, scopes))
					}
				}
			}
			sort.Strings(sec)
			line += fmt.Sprintf(" security=%v", sec)
			if v, ok := om["x-amazon-apigateway-request-validator"]; ok {
				line += fmt.Sprintf(" validator=%v", v)
			}
			var params []string
			pl, _ := om["parameters"].([]any)
			for _, e := range pl {
				pm, _ := e.(map[string]any)
				if pm["in"] == "path" {
					continue // Portico declares path parameters; SAM does not
				}
				params = append(params, fmt.Sprintf("%v:%v:%v", pm["in"], pm["name"], pm["required"]))
			}
			sort.Strings(params)
			if len(params) > 0 {
				line += fmt.Sprintf(" params=%v", params)
			}
			if rs, ok := in["responses"].(map[string]any); ok && m == "options" {
				d, _ := rs["default"].(map[string]any)
				rp, _ := d["responseParameters"].(map[string]any)
				line += fmt.Sprintf(" cors=%v|%v|%v", rp["method.response.header.Access-Control-Allow-Methods"],
					rp["method.response.header.Access-Control-Allow-Origin"], rp["method.response.header.Access-Control-Allow-Headers"])
			}
			if v, ok := in["payloadFormatVersion"]; ok {
				line += fmt.Sprintf(" payload=%v", v)
			}
			lines = append(lines, line)
		}
	}
	schemes, _ := doc["securityDefinitions"].(map[string]any)
	if comp, ok := doc["components"].(map[string]any); ok {
		schemes, _ = comp["securitySchemes"].(map[string]any)
	}
	for name, s := range schemes {
		sm, _ := s.(map[string]any)
		az, _ := sm["x-amazon-apigateway-authorizer"].(map[string]any)
		line := fmt.Sprintf("scheme %s: %v %v %v %v", name, sm["type"], sm["x-amazon-apigateway-authtype"], az["type"], functionOf(az["authorizerUri"]))
		if src, ok := az["identitySource"]; ok {
			line += fmt.Sprintf(" source=%v", src)
		}
		lines = append(lines, line)
	}
	// The validators' definitions are not compared: with MergeDefinitions
	// SAM keeps the methods' validator names but drops the definitions
	// (which Portico keeps, or the names would not resolve).
	for _, k := range []string{"x-amazon-apigateway-binary-media-types"} {
		if v, ok := doc[k]; ok {
			b, _ := json.Marshal(v)
			lines = append(lines, k+" "+string(b))
		}
	}
	if v, ok := doc["definitions"].(map[string]any); ok {
		var names []string
		for k := range v {
			names = append(names, k)
		}
		sort.Strings(names)
		lines = append(lines, fmt.Sprintf("models %v", names))
	}
	if gr, ok := doc["x-amazon-apigateway-gateway-responses"]; ok {
		b, _ := json.Marshal(gr)
		lines = append(lines, "gateway-responses "+string(b))
	}
	sort.Strings(lines)
	return strings.Join(lines, "\n")
}
