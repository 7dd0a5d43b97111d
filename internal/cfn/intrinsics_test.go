package cfn

import (
	"errors"
	"fmt"
	"strings"
	"testing"

	"github.com/google/go-cmp/cmp"

	"github.com/portico-gw/portico/internal/source"
)

// preamble is the template every intrinsic case is resolved in; the case's
// expression is the value of /Resources/T/Properties/V, on line exprLine.
const preamble = `Parameters:
  Env: {Type: String, Default: dev}
  Count: {Type: Number, Default: 3}
  Names: {Type: CommaDelimitedList, Default: "a, b,c"}
  Ports: {Type: List<Number>, Default: "80,443"}
Mappings:
  M:
    dev: {Size: small, Zones: [x, y]}
Conditions:
  IsDev: !Equals [!Ref Env, dev]
  IsProd: !Equals [prod, !Ref Env]
Resources:
  Fn: {Type: AWS::Serverless::Function, Properties: {Handler: h}}
  Api: {Type: AWS::ApiGateway::RestApi}
  Q: {Type: AWS::SQS::Queue}
  Db: {Type: AWS::RDS::DBInstance}
  Gone: {Type: AWS::SNS::Topic, Condition: IsProd}
  T:
    Type: Custom::Thing
    Properties:
      V: `

const exprLine = 21

func resolveYAML(t *testing.T, doc string, opts Options) (*Stack, error) {
	t.Helper()
	tp, err := Parse("t.yaml", []byte(doc), nil)
	if err != nil {
		return nil, err
	}
	return tp.Resolve(opts)
}

func TestIntrinsics(t *testing.T) {
	fnArn := "arn:aws:lambda:us-east-1:123456789012:function:Fn"
	cases := []struct {
		expr string
		want any
	}{
		{`!Ref Env`, "dev"},
		{`!Ref Count`, "3"},
		{`!Ref Names`, []any{"a", "b", "c"}},
		{`!Ref Ports`, []any{"80", "443"}},
		{`!Ref AWS::Region`, "us-east-1"},
		{`!Ref AWS::AccountId`, "123456789012"},
		{`!Ref AWS::Partition`, "aws"},
		{`!Ref AWS::StackName`, "portico"},
		{`!Ref AWS::StackId`, "arn:aws:cloudformation:us-east-1:123456789012:stack/portico/00000000-0000-0000-0000-000000000000"},
		{`!Ref AWS::URLSuffix`, "amazonaws.com"},
		{`!Ref AWS::NotificationARNs`, []any{}},
		{`[a, !Ref AWS::NoValue, b]`, []any{"a", "b"}},
		{`!Ref Fn`, ResourceRef{Name: "Fn"}},
		{`!Ref FnRole`, ResourceRef{Name: "FnRole"}},
		{`!GetAtt Fn.Arn`, ResourceRef{Name: "Fn", Attribute: "Arn"}},
		{`!GetAtt [Fn, Arn]`, ResourceRef{Name: "Fn", Attribute: "Arn"}},
		{`!GetAtt [Fn, !Sub "A${!x}rn"]`, ResourceRef{Name: "Fn", Attribute: "A${x}rn"}},
		{`!GetAtt Db.Endpoint.Address`, ResourceRef{Name: "Db", Attribute: "Endpoint.Address"}},
		{`{"Fn::GetAtt": "Q.Arn"}`, ResourceRef{Name: "Q", Attribute: "Arn"}},
		{`!Sub "${Env}-${AWS::Region}"`, "dev-us-east-1"},
		{`!Sub "${!Literal}-${Env}"`, "${Literal}-dev"},
		{`!Sub ["${A}-${Env}", {A: !Ref Count}]`, "3-dev"},
		{`!Sub ["${Env}", {Env: shadowed}]`, "shadowed"},
		{`!Sub "arn:aws:apigateway:${AWS::Region}:lambda:path/2015-03-31/functions/${Fn.Arn}/invocations"`,
			"arn:aws:apigateway:us-east-1:lambda:path/2015-03-31/functions/" + fnArn + "/invocations"},
		{`!Sub "${Fn}/${Api}/${Q}"`, "Fn/Api/https://sqs.us-east-1.amazonaws.com/123456789012/Q"},
		{`!Sub "${Api.RootResourceId} ${Db.Endpoint.Address} ${FnRole.Arn}"`, "Api-root Db.Endpoint.Address arn:aws:iam::123456789012:role/FnRole"},
		{`!Sub "costs $5 and ${unclosed"`, "costs $5 and ${unclosed"},
		{`!Sub |-
          line ${Env}
          two`, "line dev\ntwo"},
		{`!Join ["-", [a, !Ref Env, 1, true]]`, "a-dev-1-true"},
		{`!Join [",", !Ref Names]`, "a,b,c"},
		{`!Join ["", []]`, ""},
		{`!Join [":", [!GetAtt Fn.Arn, x]]`, fnArn + ":x"},
		{`{"Fn::Join": ["", ["a", {"Ref": "Env"}]]}`, "adev"},
		{`!Select [1, !Ref Names]`, "b"},
		{`!Select ["0", [x, y]]`, "x"},
		{`!Select [0, !GetAZs ""]`, "us-east-1a"},
		{`!Select [2, !Split ["/", "a/b/c"]]`, "c"},
		{`!Split [",", "a,,b"]`, []any{"a", "", "b"}},
		{`!Split [", ", !Join [", ", !Ref Names]]`, []any{"a", "b", "c"}},
		{`!If [IsDev, yes, no]`, "yes"},
		{`!If [IsProd, yes, no]`, "no"},
		{`!If [IsProd, !Ref Gone, fallback]`, "fallback"},
		{`!If [IsProd, [!ImportValue x, !GetAtt Gone.TopicName, !Sub "${Gone}${Env}${FnRole.Arn}"], fallback]`, "fallback"},
		{`!If [IsDev, {Nested: !Ref Env}, x]`, map[string]any{"Nested": "dev"}},
		{`!FindInMap [M, !Ref Env, Size]`, "small"},
		{`!FindInMap [M, dev, Zones]`, []any{"x", "y"}},
		{`!FindInMap [M, prod, Size, {DefaultValue: tiny}]`, "tiny"},
		{`!FindInMap [Nope, dev, Size, {DefaultValue: [1, 2]}]`, []any{float64(1), float64(2)}},
		{`!Base64 hello`, "aGVsbG8="},
		{`!Base64 {"Fn::Sub": "${Env}"}`, "ZGV2"},
		{`!GetAZs ""`, []any{"us-east-1a", "us-east-1b", "us-east-1c"}},
		{`!GetAZs eu-west-1`, []any{"eu-west-1a", "eu-west-1b", "eu-west-1c"}},
		{`!GetAZs {Ref: AWS::Region}`, []any{"us-east-1a", "us-east-1b", "us-east-1c"}},
		{`!Cidr ["10.0.0.0/16", 3, 8]`, []any{"10.0.0.0/24", "10.0.1.0/24", "10.0.2.0/24"}},
		{`!Cidr ["10.0.7.9/16", "2", "12"]`, []any{"10.0.0.0/20", "10.0.16.0/20"}},
		{`!Cidr ["2001:db8::/56", 2, 64]`, []any{"2001:db8::/64", "2001:db8:0:1::/64"}},
		{`!Equals [a, a]`, true},
		{`!Equals [!Ref Count, 3]`, true},
		{`!Equals [!Ref Names, [a, b, c]]`, true},
		{`!Not [!Equals [a, b]]`, true},
		{`!And [!Condition IsDev, !Equals [a, a]]`, true},
		{`!Or [!Condition IsProd, !Equals [a, b]]`, false},
		{`!Length [a, b, c]`, float64(3)},
		{`!Length {Ref: Names}`, float64(3)},
		{`!ToJsonString {k: !Ref Env, n: [1, !GetAtt Fn.Arn]}`, `{"k":"dev","n":[1,"` + fnArn + `"]}`},
		{`{plain: {Ref: Env}, n: 1.5, b: false, z: null}`, map[string]any{"plain": "dev", "n": 1.5, "b": false, "z": nil}},
		{`2010-09-09`, "2010-09-09"},
	}
	for _, c := range cases {
		t.Run(c.expr, func(t *testing.T) {
			s, err := resolveYAML(t, preamble+c.expr+"\n", Options{})
			if err != nil {
				t.Fatal(err)
			}
			got, ok := s.Resources["T"].Properties["V"]
			if !ok {
				t.Fatalf("V was removed; properties %v", s.Resources["T"].Properties)
			}
			if diff := cmp.Diff(c.want, got); diff != "" {
				t.Errorf("(-want +got)\n%s", diff)
			}
		})
	}
}

func TestNoValueRemovesKey(t *testing.T) {
	s, err := resolveYAML(t, preamble+"!If [IsProd, x, !Ref AWS::NoValue]\n      W: kept\n", Options{})
	if err != nil {
		t.Fatal(err)
	}
	if diff := cmp.Diff(map[string]any{"W": "kept"}, s.Resources["T"].Properties); diff != "" {
		t.Error(diff)
	}
}

func TestPseudoParameterOptions(t *testing.T) {
	opts := Options{Region: "cn-north-1", AccountID: "111122223333", StackName: "demo", NotificationARNs: []string{"arn:aws-cn:sns:cn-north-1:111122223333:n"}}
	s, err := resolveYAML(t, preamble+`!Sub "${AWS::Partition} ${AWS::URLSuffix} ${AWS::StackId} ${Fn.Arn}"`+"\n      N: !Ref AWS::NotificationARNs\n", opts)
	if err != nil {
		t.Fatal(err)
	}
	want := "aws-cn amazonaws.com.cn arn:aws-cn:cloudformation:cn-north-1:111122223333:stack/demo/00000000-0000-0000-0000-000000000000 arn:aws-cn:lambda:cn-north-1:111122223333:function:Fn"
	if got := s.Resources["T"].Properties["V"]; got != want {
		t.Errorf("got %q, want %q", got, want)
	}
	if diff := cmp.Diff([]any{"arn:aws-cn:sns:cn-north-1:111122223333:n"}, s.Resources["T"].Properties["N"]); diff != "" {
		t.Error(diff)
	}
}

// errorList unwraps a joined error into its located errors.
func errorList(t *testing.T, err error) []*source.Error {
	t.Helper()
	if err == nil {
		t.Fatal("want an error, got none")
	}
	var errs []error
	if j, ok := err.(interface{ Unwrap() []error }); ok {
		errs = j.Unwrap()
	} else {
		errs = []error{err}
	}
	out := make([]*source.Error, 0, len(errs))
	for _, e := range errs {
		var se *source.Error
		if !errors.As(e, &se) {
			t.Fatalf("%v is not a *source.Error", e)
		}
		out = append(out, se)
	}
	return out
}

func TestIntrinsicErrors(t *testing.T) {
	cases := []struct {
		expr    string
		pointer string // below /Resources/T/Properties/V
		msg     string
	}{
		{`!ImportValue SharedVpcId`, "/Fn::ImportValue", "Fn::ImportValue reads another stack's export, which cannot be resolved locally"},
		{`!Ref Nope`, "/Ref", "Ref to Nope: no parameter, pseudo parameter or resource has that name"},
		{`!Ref [a]`, "/Ref", "Ref takes the name of a parameter or resource, not a list"},
		{`!Ref Gone`, "/Ref", "refers to resource Gone, whose condition IsProd is false"},
		{`!GetAtt Nope.Arn`, "/Fn::GetAtt", "Fn::GetAtt Nope.Arn: the template has no resource Nope"},
		{`!GetAtt NoDot`, "/Fn::GetAtt", `Fn::GetAtt "NoDot" is not Resource.Attribute`},
		{`!Sub "${Nope}"`, "/Fn::Sub", "Ref to Nope"},
		{`!Sub "${Nope.Arn}"`, "/Fn::Sub", "Fn::Sub variable ${Nope.Arn}: the template has no resource Nope"},
		{`!Sub "${Names}"`, "/Fn::Sub", "Fn::Sub variable ${Names} must be a string, not a list"},
		{`!Sub [!Ref Env, {}]`, "/Fn::Sub/0", "Fn::Sub's template is a literal string, not a Ref"},
		{`!Join [",", !GetAtt Fn.Arn]`, "/Fn::Join/1", "Fn::Join needs a list; Fn.Arn is known only to AWS"},
		{`!Join [",", [[a]]]`, "/Fn::Join/1/0", "Fn::Join item must be a string, not a list"},
		{`!Join [","]`, "/Fn::Join", "Fn::Join takes a list of 2 arguments, not a list"},
		{`!Select [5, [a]]`, "/Fn::Select/0", `Fn::Select index "5" is not between 0 and 0`},
		{`!Select [x, [a]]`, "/Fn::Select/0", `Fn::Select index "x" is not between 0 and 0`},
		{`!Split ["", "a"]`, "/Fn::Split/0", "Fn::Split needs a non-empty delimiter"},
		{`!If [Missing, a, b]`, "/Fn::If/0", `condition "Missing" is not defined in the Conditions section`},
		{`!If [IsDev, a]`, "/Fn::If", "Fn::If takes a list of 3 arguments"},
		{`!FindInMap [M, prod, Size]`, "/Fn::FindInMap/1", `Fn::FindInMap: no top-level key "prod" in Mappings/M`},
		{`!FindInMap [M, dev, Colour]`, "/Fn::FindInMap/2", `Fn::FindInMap: no second-level key "Colour" in Mappings/M/dev`},
		{`!FindInMap [X, dev, Size]`, "/Fn::FindInMap/0", `Fn::FindInMap: no mapping "X" in Mappings`},
		{`!Cidr ["10.0.0.0/30", 5, 1]`, "/Fn::Cidr/1", "Fn::Cidr: 10.0.0.0/30 holds fewer than 5 subnets of /31"},
		{`!Cidr ["nope", 1, 8]`, "/Fn::Cidr/0", `Fn::Cidr: "nope" is not an address block`},
		{`!Equals [!Ref Fn, Fn]`, "/Fn::Equals/0", "Fn::Equals cannot compare Ref Fn, a value known only to AWS"},
		{`!Transform {Name: MyMacro, Parameters: {}}`, "/Fn::Transform", "Fn::Transform MyMacro cannot be run locally"},
		{`{"Fn::Bogus": 1}`, "/Fn::Bogus", "unknown intrinsic function Fn::Bogus"},
		{`{"Fn::Join": [",", [a]], other: 1}`, "/Fn::Join", "Fn::Join must be the only key of its mapping"},
		{`!Base64 [a]`, "/Fn::Base64", "Fn::Base64 argument must be a string, not a list"},
		{`!Length x`, "/Fn::Length", "Fn::Length needs a list, not a string"},
		{`!If [IsProd, !Ref Nope, x]`, "/Fn::If/1/Ref", "Ref to Nope: no parameter, pseudo parameter or resource has that name"},
		{`!If [IsDev, x, [!GetAtt Nope.Arn]]`, "/Fn::If/2/0/Fn::GetAtt", "Fn::GetAtt: the template has no resource Nope"},
		{`!If [IsDev, x, !Sub ["${Gone.Arn}${V}${Nope}${!L}", {V: 1}]]`, "/Fn::If/2/Fn::Sub", "Fn::Sub variable ${Nope}: no parameter"},
		{`!If [IsDev, x, !If [Undefined, a, b]]`, "/Fn::If/2/Fn::If/0", `condition "Undefined" is not defined`},
	}
	for _, c := range cases {
		t.Run(c.expr, func(t *testing.T) {
			_, err := resolveYAML(t, preamble+c.expr+"\n", Options{})
			errs := errorList(t, err)
			if len(errs) != 1 {
				t.Fatalf("want one error, got %d: %v", len(errs), err)
			}
			e := errs[0]
			if e.File != "t.yaml" || e.Line != exprLine || e.Pointer != "/Resources/T/Properties/V"+c.pointer || !strings.Contains(e.Message, c.msg) {
				t.Errorf("got %s:%d %s %q\nwant t.yaml:%d /Resources/T/Properties/V%s %q", e.File, e.Line, e.Pointer, e.Message, exprLine, c.pointer, c.msg)
			}
		})
	}
}

// Every problem is reported, each at its own line, in line order.
func TestErrorsCollected(t *testing.T) {
	doc := `Parameters:
  Port: {Type: Number, Default: eighty}
Resources:
  A:
    Type: AWS::Serverless::Function
    Properties:
      Role: !ImportValue SharedRole
      Layers:
        - !Ref Missing
  B:
    Type: AWS::SNS::Topic
    Properties:
      TopicName: !Sub "${Port}-${Other.Arn}"
Outputs:
  Out:
    Value: !GetAtt C.Arn
`
	_, err := resolveYAML(t, doc, Options{})
	var got []string
	for _, e := range errorList(t, err) {
		got = append(got, fmt.Sprintf("%d %s", e.Line, e.Pointer))
	}
	want := []string{
		"2 /Parameters/Port",
		"7 /Resources/A/Properties/Role/Fn::ImportValue",
		"9 /Resources/A/Properties/Layers/0/Ref",
		"13 /Resources/B/Properties/TopicName/Fn::Sub",
		"16 /Outputs/Out/Value/Fn::GetAtt",
	}
	if diff := cmp.Diff(want, got); diff != "" {
		t.Errorf("(-want +got)\n%s\n%v", diff, err)
	}
	if !strings.Contains(err.Error(), `t.yaml:2: /Parameters/Port: parameter Port is a Number: "eighty" is not a number`) {
		t.Errorf("message: %v", err)
	}
}

// Resolved values are copies: changing them leaves the template as it was.
func TestResolvedValuesAreCopies(t *testing.T) {
	tp, err := Parse("t.yaml", []byte(preamble+"!FindInMap [M, dev, Zones]\n"), nil)
	if err != nil {
		t.Fatal(err)
	}
	for range 2 {
		s, err := tp.Resolve(Options{})
		if err != nil {
			t.Fatal(err)
		}
		zones := s.Resources["T"].Properties["V"].([]any)
		if diff := cmp.Diff([]any{"x", "y"}, zones); diff != "" {
			t.Fatal(diff)
		}
		zones[0] = "changed"
	}
}

// Values chosen by Fn::If or taken from Mappings are located where they
// are written.
func TestPosThroughIfAndFindInMap(t *testing.T) {
	doc := preamble + `!If
        - IsDev
        - Nested:
            Arn: !Sub "${Fn.Arn}"
        - other
      Z: !FindInMap [M, dev, Zones]
`
	s, err := resolveYAML(t, doc, Options{})
	if err != nil {
		t.Fatal(err)
	}
	cases := map[string]int{
		"/Resources/T/Properties/V":            exprLine + 2, // the branch taken
		"/Resources/T/Properties/V/Nested":     exprLine + 2,
		"/Resources/T/Properties/V/Nested/Arn": exprLine + 3,
		"/Resources/T/Properties/Z/1":          8,
		"/Resources/T/Properties/Z":            8,
	}
	for ptr, line := range cases {
		if got := s.Pos(ptr); got.Line != line || got.File != "t.yaml" {
			t.Errorf("Pos(%s) = %+v, want line %d", ptr, got, line)
		}
	}
	if got := s.Errorf("/Resources/T/Properties/V/Nested/Arn", "bad").Error(); got != "t.yaml:24: /Resources/T/Properties/V/Nested/Arn: bad" {
		t.Errorf("Errorf = %s", got)
	}
	if diff := cmp.Diff([]ResourceRef{{Name: "Fn", Attribute: "Arn"}}, s.RefsAt("/Resources/T/Properties/V/Nested/Arn")); diff != "" {
		t.Error(diff)
	}
	if got := s.RefsAt("/Resources/T/Properties/Z"); len(got) != 0 {
		t.Errorf("RefsAt = %v", got)
	}
}
