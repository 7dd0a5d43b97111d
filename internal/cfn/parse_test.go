package cfn

import (
	"os"
	"path/filepath"
	"strings"
	"testing"

	"github.com/google/go-cmp/cmp"
)

func TestParseErrors(t *testing.T) {
	cases := []struct {
		name, doc string
		want      []string
	}{
		{"syntax", "Resources:\n  A:\n    Type: [unclosed\n", []string{"t.yaml:4: not valid YAML or JSON"}},
		{"empty", "", []string{"t.yaml: the document is empty"}},
		{"not a mapping", "- a\n", []string{"t.yaml:1: a template is a mapping of sections"}},
		{"unknown tag", "Resources:\n  A:\n    Type: X::Y::Z\n    Properties: {V: !Reff x}\n", []string{"t.yaml:4: /Resources/A/Properties/V: unknown YAML tag !Reff"}},
		{"duplicate key", "Resources:\n  A: {Type: X::Y::Z}\n  A: {Type: X::Y::Z}\n", []string{`t.yaml:3: /Resources/A: duplicate key "A" (first on line 2)`}},
		{"unknown section", "Resource: {}\nResources: {A: {Type: X::Y::Z}}\n", []string{`t.yaml:1: /Resource: unknown template section "Resource"`}},
		{"no resources", "Description: x\n", []string{"t.yaml:1: the template has no Resources section"}},
		{"no type", "Resources:\n  A:\n    Properties: {}\n", []string{"t.yaml:2: /Resources/A/Type: resource A needs a Type"}},
		{"bad attribute", "Resources:\n  A:\n    Type: X::Y::Z\n    Propertes: {}\n", []string{`t.yaml:4: /Resources/A/Propertes: unknown resource attribute "Propertes"`}},
		{"bad logical id", "Resources:\n  my-fn: {Type: X::Y::Z}\n", []string{`t.yaml:2: /Resources/my-fn: logical id "my-fn" is not alphanumeric`}},
		{"bad parameter type", "Parameters:\n  P: {Type: Strin}\nResources: {A: {Type: X::Y::Z}}\n", []string{`t.yaml:2: /Parameters/P/Type: parameter P has Type "Strin"`}},
		{"function in mappings", "Mappings:\n  M:\n    a: {b: !Ref X}\nResources: {A: {Type: X::Y::Z}}\n", []string{"t.yaml:3: /Mappings/M/a/b/Ref: Mappings hold literal values, not Ref"}},
		{"mapping shape", "Mappings:\n  M: {a: b}\nResources: {A: {Type: X::Y::Z}}\n", []string{"t.yaml:2: /Mappings/M/a: top-level key a of mapping M is a mapping of second-level keys"}},
		{"ForEach", "Transform: AWS::LanguageExtensions\nResources:\n  Fn::ForEach::Topics: [T, [a], {\"Topic${T}\": {Type: AWS::SNS::Topic}}]\n", []string{"t.yaml:3: /Resources/Fn::ForEach::Topics: Fn::ForEach (the AWS::LanguageExtensions transform) is not supported"}},
		{"alias in its anchor", "Resources: &a {A: {Type: X::Y::Z, Properties: {P: [*a, x]}}}\n", []string{"t.yaml:1: /Resources/A/Properties/P/0: alias *a is inside its own anchor"}},
		{"include without reader", "Resources:\n  A:\n    Type: X::Y::Z\n    Properties:\n      Fn::Transform: {Name: AWS::Include, Parameters: {Location: x.yaml}}\n",
			[]string{"t.yaml:5: /Resources/A/Properties/Fn::Transform/Parameters/Location: AWS::Include of x.yaml: files cannot be read here"}},
		{"include from s3", "Resources:\n  A:\n    Type: X::Y::Z\n    Properties:\n      Fn::Transform: {Name: AWS::Include, Parameters: {Location: s3://b/k.yaml}}\n",
			[]string{`t.yaml:5: /Resources/A/Properties/Fn::Transform/Parameters/Location: AWS::Include location "s3://b/k.yaml" is not a local file`}},
	}
	for _, c := range cases {
		t.Run(c.name, func(t *testing.T) {
			_, err := Parse("t.yaml", []byte(c.doc), nil)
			errs := errorList(t, err)
			if len(errs) != len(c.want) {
				t.Fatalf("got %v, want %q", err, c.want)
			}
			for i, e := range errs {
				if !strings.HasPrefix(e.Error(), c.want[i]) {
					t.Errorf("got  %s\nwant %s", e, c.want[i])
				}
			}
		})
	}
}

func TestShortAndLongFormsAgree(t *testing.T) {
	short := `Resources:
  A:
    Type: X::Y::Z
    Properties:
      Ref: !Ref P
      Sub: !Sub "x${P}"
      SubList: !Sub ["${a}", {a: b}]
      GetAtt: !GetAtt B.Arn
      Join: !Join [",", [a]]
      If: !If [C, !Equals [a, b], !Not [!Condition C]]
      Many: [!Select [0, !Split [",", !Base64 x]], !FindInMap [M, a, b], !GetAZs "", !ImportValue v, !Cidr [a, 1, 2], !And [x, y], !Or [x, y]]
`
	long := `{"Resources": {"A": {"Type": "X::Y::Z", "Properties": {
  "Ref": {"Ref": "P"},
  "Sub": {"Fn::Sub": "x${P}"},
  "SubList": {"Fn::Sub": ["${a}", {"a": "b"}]},
  "GetAtt": {"Fn::GetAtt": "B.Arn"},
  "Join": {"Fn::Join": [",", ["a"]]},
  "If": {"Fn::If": ["C", {"Fn::Equals": ["a", "b"]}, {"Fn::Not": [{"Condition": "C"}]}]},
  "Many": [{"Fn::Select": [0, {"Fn::Split": [",", {"Fn::Base64": "x"}]}]}, {"Fn::FindInMap": ["M", "a", "b"]},
    {"Fn::GetAZs": ""}, {"Fn::ImportValue": "v"}, {"Fn::Cidr": ["a", 1, 2]}, {"Fn::And": ["x", "y"]}, {"Fn::Or": ["x", "y"]}]
}}}}`
	a, err := Parse("short.yaml", []byte(short), nil)
	if err != nil {
		t.Fatal(err)
	}
	b, err := Parse("long.json", []byte(long), nil)
	if err != nil {
		t.Fatal(err)
	}
	if diff := cmp.Diff(b.Body, a.Body); diff != "" {
		t.Errorf("(-long +short)\n%s", diff)
	}
	if got, want := a.Pos("/Resources/A/Properties/Many/1/Fn::FindInMap/2"), (Pos{File: "short.yaml", Line: 11, Column: 70}); got != want {
		t.Errorf("Pos = %+v, want %+v", got, want)
	}
	if got, want := b.Pos("/Resources/A/Properties/SubList/Fn::Sub/1/a"), (Pos{File: "long.json", Line: 4, Column: 36}); got != want {
		t.Errorf("Pos = %+v, want %+v", got, want)
	}
}

func TestLimits(t *testing.T) {
	deep := "Resources:\n  A:\n    Type: X::Y::Z\n    Properties:\n      V: " + strings.Repeat("[", 150) + strings.Repeat("]", 150) + "\n"
	_, err := Parse("t.yaml", []byte(deep), nil)
	if err == nil || !strings.Contains(err.Error(), "nested deeper than 100 levels") {
		t.Errorf("deep: %v", err)
	}
	deepFn := "Resources:\n  A:\n    Type: X::Y::Z\n    Properties:\n      V: " + strings.Repeat("!Base64 {Fn::Base64: ", 60) + "x" + strings.Repeat("}", 60) + "\n"
	if _, err := Parse("t.yaml", []byte(deepFn), nil); err == nil || !strings.Contains(err.Error(), "nested deeper than 100 levels") {
		t.Errorf("deep functions: %v", err)
	}
	// A billion laughs: 10 levels of ten aliases.
	var b strings.Builder
	b.WriteString("Mappings:\n  l0: &l0 [x, x, x, x, x, x, x, x, x, x]\n")
	for i := 1; i < 10; i++ {
		prev := "*l" + string(rune('0'+i-1))
		b.WriteString("  l" + string(rune('0'+i)) + ": &l" + string(rune('0'+i)) + " [" + strings.Repeat(prev+", ", 9) + prev + "]\n")
	}
	b.WriteString("Resources: {A: {Type: X::Y::Z}}\n")
	if _, err := Parse("t.yaml", []byte(b.String()), nil); err == nil || !strings.Contains(err.Error(), "expands to more than 200000 nodes") {
		t.Errorf("aliases: %v", err)
	}
	// Fn::Sub output is bounded: 1,000 × 1,000-byte parameter × 200 copies.
	var sb strings.Builder
	sb.WriteString("Parameters:\n  P: {Type: String, Default: " + strings.Repeat("x", 1000) + "}\nResources:\n  A:\n    Type: X::Y::Z\n    Properties:\n      S: &s !Sub \"" + strings.Repeat("${P}", 1000) + "\"\n      L: [")
	for range 200 {
		sb.WriteString("*s, ")
	}
	sb.WriteString("x]\n")
	tp, err := Parse("t.yaml", []byte(sb.String()), nil)
	if err != nil {
		t.Fatal(err)
	}
	if _, err := tp.Resolve(Options{}); err == nil || !strings.Contains(err.Error(), "needs too much work to resolve") {
		t.Errorf("sub: %v", err)
	}
}

func TestMergeKeysAndAliases(t *testing.T) {
	doc := `Resources:
  A:
    Type: X::Y::Z
    Properties: &props
      Env: &env {Variables: {A: "1"}}
      Timeout: 3
  B:
    Type: X::Y::Z
    Properties:
      <<: *props
      Timeout: 9
      Copy: *env
`
	tp, err := Parse("t.yaml", []byte(doc), nil)
	if err != nil {
		t.Fatal(err)
	}
	s, err := tp.Resolve(Options{})
	if err != nil {
		t.Fatal(err)
	}
	want := map[string]any{"Env": map[string]any{"Variables": map[string]any{"A": "1"}}, "Timeout": float64(9),
		"Copy": map[string]any{"Variables": map[string]any{"A": "1"}}}
	if diff := cmp.Diff(want, s.Resources["B"].Properties); diff != "" {
		t.Error(diff)
	}
}

func TestInclude(t *testing.T) {
	tp, err := Load("testdata/include/template.yaml")
	if err != nil {
		t.Fatal(err)
	}
	// The snippet's ImportValue is reported in the snippet's file.
	_, err = tp.Resolve(Options{})
	errs := errorList(t, err)
	if len(errs) != 1 {
		t.Fatalf("got %v", err)
	}
	want := filepath.Join("testdata/include/snippets/resources.yaml") + ":9: /Resources/ItemsFunction/Properties/Environment/Variables/VPC/Fn::ImportValue: Fn::ImportValue"
	if !strings.HasPrefix(errs[0].Error(), want) {
		t.Errorf("got  %s\nwant %s", errs[0], want)
	}

	// With the import replaced, everything resolves.
	data, err := os.ReadFile("testdata/include/template.yaml")
	if err != nil {
		t.Fatal(err)
	}
	dir := t.TempDir()
	files := map[string]string{
		filepath.Join(dir, "template.yaml"):              string(data),
		filepath.Join(dir, "snippets", "openapi.yaml"):   mustRead(t, "testdata/include/snippets/openapi.yaml"),
		filepath.Join(dir, "snippets", "resources.yaml"): strings.Replace(mustRead(t, "testdata/include/snippets/resources.yaml"), "!ImportValue shared-vpc", "vpc-1", 1),
	}
	read := func(name string) ([]byte, error) {
		s, ok := files[name]
		if !ok {
			return nil, os.ErrNotExist
		}
		return []byte(s), nil
	}
	tp, err = Parse(filepath.Join(dir, "template.yaml"), data, read)
	if err != nil {
		t.Fatal(err)
	}
	s, err := tp.Resolve(Options{StackName: "shop"})
	if err != nil {
		t.Fatal(err)
	}
	body := s.Resources["Api"].Properties["DefinitionBody"].(map[string]any)
	if got := body["info"].(map[string]any)["title"]; got != "shop-v1" {
		t.Errorf("title = %v", got)
	}
	uriPtr := "/Resources/Api/Properties/DefinitionBody/paths/~1items/get/x-amazon-apigateway-integration/uri"
	uri := body["paths"].(map[string]any)["/items"].(map[string]any)["get"].(map[string]any)["x-amazon-apigateway-integration"].(map[string]any)["uri"]
	if uri != "arn:aws:apigateway:us-east-1:lambda:path/2015-03-31/functions/arn:aws:lambda:us-east-1:123456789012:function:ItemsFunction/invocations" {
		t.Errorf("uri = %v", uri)
	}
	if got, want := s.Pos(uriPtr+"/Fn::Sub"), (Pos{File: filepath.Join(dir, "snippets", "openapi.yaml"), Line: 12, Column: 11}); got != want {
		t.Errorf("Pos = %+v, want %+v", got, want)
	}
	if got, want := s.Pos("/Resources/ItemsFunction/Properties/CodeUri"), (Pos{File: filepath.Join(dir, "snippets", "resources.yaml"), Line: 6, Column: 5}); got != want {
		t.Errorf("Pos = %+v, want %+v", got, want)
	}
	if diff := cmp.Diff([]ResourceRef{{Name: "ItemsFunction", Attribute: "Arn"}}, s.RefsAt(uriPtr)); diff != "" {
		t.Error(diff)
	}
	if s.Resources["ItemsFunction"].Type != "AWS::Serverless::Function" {
		t.Errorf("resources %v", sortedKeys(s.Resources))
	}
}

func TestIncludeCycle(t *testing.T) {
	_, err := Load("testdata/include/snippets/loop.yaml")
	if err == nil || !strings.Contains(err.Error(), "includes itself") {
		t.Errorf("got %v", err)
	}
}

func mustRead(t *testing.T, name string) string {
	t.Helper()
	b, err := os.ReadFile(name)
	if err != nil {
		t.Fatal(err)
	}
	return string(b)
}
