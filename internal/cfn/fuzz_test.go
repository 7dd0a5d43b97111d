package cfn

import (
	"errors"
	"os"
	"testing"

	"github.com/portico-gw/portico/internal/source"
)

// FuzzResolve: any document parses and resolves, or fails with located
// errors; it never panics or hangs, and a resolved stack holds only plain
// values and references.
func FuzzResolve(f *testing.F) {
	for _, name := range []string{"testdata/hello/template.yaml", "testdata/include/template.yaml", "testdata/include/snippets/resources.yaml"} {
		data, err := os.ReadFile(name)
		if err != nil {
			f.Fatal(err)
		}
		f.Add(data)
	}
	f.Add([]byte(paramsDoc))
	for _, expr := range []string{`!Sub "${Env}-${Fn.Arn}-${!x}"`, `!If [IsDev, !Ref AWS::NoValue, [!Ref Names]]`, `!Cidr ["10.0.0.0/8", 256, 8]`,
		`!FindInMap [M, !Ref Env, Zones, {DefaultValue: x}]`, `!Select [0, !Split [",", !Join [",", !GetAZs ""]]]`, `!ToJsonString [!GetAtt Q.Arn]`} {
		f.Add([]byte(preamble + expr + "\n"))
	}
	f.Add([]byte("Conditions:\n  A: !And [!Condition B, !Condition A]\n  B: !Or [!Condition A, true]\nResources: {R: {Type: A::B::C, Condition: A}}\n"))
	f.Add([]byte("Resources: &a {A: {Type: X::Y::Z, Properties: {P: [*a, *a]}}}\n"))
	f.Add([]byte(`{"Resources": {"A": {"Type": "X::Y::Z", "Properties": {"Fn::Transform": {"Name": "AWS::Include", "Parameters": {"Location": "x"}}}}}}`))
	f.Fuzz(func(t *testing.T, data []byte) {
		tp, err := Parse("f.yaml", data, nil)
		if err != nil {
			checkLocated(t, err)
			return
		}
		s, err := tp.Resolve(Options{Overrides: []Override{}})
		if err != nil {
			checkLocated(t, err)
			return
		}
		for name, r := range s.Resources {
			checkPlain(t, "/Resources/"+name+"/Properties", r.Properties, 0)
		}
		for name, o := range s.Outputs {
			checkPlain(t, "/Outputs/"+name, o.Value, 0)
		}
		checkPlain(t, "/Globals", s.Globals, 0)
	})
}

func checkLocated(t *testing.T, err error) {
	t.Helper()
	errs := []error{err}
	if j, ok := err.(interface{ Unwrap() []error }); ok {
		errs = j.Unwrap()
	}
	for _, e := range errs {
		var se *source.Error
		if !errors.As(e, &se) || se.File == "" || se.Message == "" {
			t.Fatalf("not a located error: %#v", e)
		}
	}
}

func checkPlain(t *testing.T, ptr string, v any, depth int) {
	t.Helper()
	if depth > 3*MaxDepth {
		t.Fatalf("%s: nested deeper than the parser allows", ptr)
	}
	switch x := v.(type) {
	case nil, string, float64, bool, ResourceRef:
	case map[string]any:
		for k, c := range x {
			checkPlain(t, ptr+"/"+k, c, depth+1)
		}
	case []any:
		for _, c := range x {
			checkPlain(t, ptr+"/-", c, depth+1)
		}
	default:
		t.Fatalf("%s: %T left in a resolved stack", ptr, v)
	}
}

// FuzzParseParameterOverrides: any text parses or fails with an error,
// and every key parsed is a parameter name.
func FuzzParseParameterOverrides(f *testing.F) {
	for _, s := range []string{`Env=prod Greeting="hi there"`, `ParameterKey=A,ParameterValue='x y' B=\"`, `'A=1`, `A="\`} {
		f.Add(s)
	}
	f.Fuzz(func(t *testing.T, s string) {
		ov, err := ParseParameterOverrides(s)
		if err != nil {
			return
		}
		for _, o := range ov {
			if !validLogicalID(o.Key) {
				t.Fatalf("key %q", o.Key)
			}
		}
	})
}
