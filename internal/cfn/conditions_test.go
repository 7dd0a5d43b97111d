package cfn

import (
	"strings"
	"testing"

	"github.com/google/go-cmp/cmp"
)

func TestConditions(t *testing.T) {
	doc := `Parameters:
  Env: {Type: String, Default: prod}
  Region2: {Type: String, Default: ""}
Conditions:
  IsProd: !Equals [!Ref Env, prod]
  IsDev: !Equals [dev, !Ref Env]
  NoRegion2: !Equals [!Ref Region2, ""]
  ProdAndNoRegion2: !And [!Condition IsProd, !Condition NoRegion2]
  DevOrRegion2: !Or [!Condition IsDev, !Not [!Condition NoRegion2]]
  NotDev: {"Fn::Not": [{"Condition": "IsDev"}]}
  InUsEast1: !Equals [!Ref AWS::Region, us-east-1]
  Three: !Or [!Equals [a, b], !Equals [c, d], !Condition InUsEast1]
Resources:
  Always: {Type: AWS::SNS::Topic}
  ProdTopic: {Type: AWS::SNS::Topic, Condition: ProdAndNoRegion2}
  DevTopic: {Type: AWS::SNS::Topic, Condition: DevOrRegion2}
  Uses:
    Type: AWS::SNS::Topic
    Properties:
      TopicName: !If [DevOrRegion2, !GetAtt DevTopic.TopicName, !Ref ProdTopic]
Outputs:
  Dev:
    Condition: IsDev
    Value: !Ref DevTopic
  Prod:
    Condition: IsProd
    Value: !Ref ProdTopic
`
	s, err := resolveYAML(t, doc, Options{})
	if err != nil {
		t.Fatal(err)
	}
	want := map[string]bool{"IsProd": true, "IsDev": false, "NoRegion2": true, "ProdAndNoRegion2": true,
		"DevOrRegion2": false, "NotDev": true, "InUsEast1": true, "Three": true}
	if diff := cmp.Diff(want, s.Conditions); diff != "" {
		t.Errorf("conditions (-want +got)\n%s", diff)
	}
	if diff := cmp.Diff([]string{"Always", "ProdTopic", "Uses"}, sortedKeys(s.Resources)); diff != "" {
		t.Errorf("resources (-want +got)\n%s", diff)
	}
	if diff := cmp.Diff([]string{"Prod"}, sortedKeys(s.Outputs)); diff != "" {
		t.Errorf("outputs (-want +got)\n%s", diff)
	}
	if got := s.Resources["Uses"].Properties["TopicName"]; got != (ResourceRef{Name: "ProdTopic"}) {
		t.Errorf("TopicName = %#v", got)
	}

	// The same template with other values keeps the other branch.
	s, err = resolveYAML(t, doc, Options{Region: "eu-west-1", Overrides: []Override{{"Env", "dev"}}})
	if err != nil {
		t.Fatal(err)
	}
	if diff := cmp.Diff([]string{"Always", "DevTopic", "Uses"}, sortedKeys(s.Resources)); diff != "" {
		t.Errorf("resources (-want +got)\n%s", diff)
	}
	if s.Conditions["Three"] || !s.Conditions["DevOrRegion2"] {
		t.Errorf("conditions %v", s.Conditions)
	}
	if got := s.Resources["Uses"].Properties["TopicName"]; got != (ResourceRef{Name: "DevTopic", Attribute: "TopicName"}) {
		t.Errorf("TopicName = %#v", got)
	}
}

func TestConditionErrors(t *testing.T) {
	cases := []struct {
		name, conditions, resource string
		want                       []string
	}{
		{"cycle", "  A: !And [!Condition B, !Equals [x, x]]\n  B: !Not [!Condition A]\n", "",
			[]string{"t.yaml:4: /Conditions/B/Fn::Not/0/Condition: conditions refer to each other in a cycle: A → B → A"}},
		{"self", "  A: !Condition A\n", "",
			[]string{"t.yaml:3: /Conditions/A/Condition: conditions refer to each other in a cycle: A → A"}},
		{"undefined in resource", "  A: !Equals [x, x]\n", "    Condition: Nope\n",
			[]string{`t.yaml:7: /Resources/R/Condition: condition "Nope" is not defined in the Conditions section`}},
		{"not a condition", "  A: !Ref AWS::Region\n", "",
			[]string{"t.yaml:3: /Conditions/A: a condition is Fn::Equals, Fn::And, Fn::Or, Fn::Not or a Condition reference, not a Ref"}},
		{"resource in condition", "  A: !Equals [!GetAtt R.Arn, x]\n", "",
			[]string{"t.yaml:3: /Conditions/A/Fn::Equals/0/Fn::GetAtt: conditions cannot refer to resource R: they may use parameters, mappings and other conditions"}},
		{"Ref resource in condition", "  A: !Equals [!Ref R, x]\n", "",
			[]string{"t.yaml:3: /Conditions/A/Fn::Equals/0/Ref: conditions cannot refer to resource R"}},
		{"And arity", "  A: !And [!Equals [x, x]]\n", "",
			[]string{"t.yaml:3: /Conditions/A/Fn::And: Fn::And takes a list of 2 to 10 arguments, not a list"}},
	}
	for _, c := range cases {
		t.Run(c.name, func(t *testing.T) {
			doc := "Conditions:\n  Pad: !Equals [a, a]\n" + c.conditions + "Resources:\n  R:\n    Type: AWS::SNS::Topic\n" + c.resource
			_, err := resolveYAML(t, doc, Options{})
			var got []string
			for _, e := range errorList(t, err) {
				got = append(got, e.Error())
			}
			if len(got) != len(c.want) {
				t.Fatalf("got %q, want %q", got, c.want)
			}
			for i := range got {
				if !strings.HasPrefix(got[i], c.want[i]) {
					t.Errorf("got  %q\nwant %q", got[i], c.want[i])
				}
			}
		})
	}
}

func TestRemovedResourceDependency(t *testing.T) {
	doc := `Conditions:
  Never: !Equals [a, b]
Resources:
  Gone: {Type: AWS::SNS::Topic, Condition: Never}
  R:
    Type: AWS::SNS::Topic
    DependsOn: [Gone, Ghost]
`
	_, err := resolveYAML(t, doc, Options{})
	var got []string
	for _, e := range errorList(t, err) {
		got = append(got, e.Error())
	}
	want := []string{
		"t.yaml:7: /Resources/R/DependsOn/0: resource R depends on Gone, whose condition Never is false",
		"t.yaml:7: /Resources/R/DependsOn/1: resource R depends on Ghost, which is not a resource of the template",
	}
	if diff := cmp.Diff(want, got); diff != "" {
		t.Error(diff)
	}
}

func TestOutputs(t *testing.T) {
	doc := `Resources:
  R: {Type: AWS::SNS::Topic}
Outputs:
  Arn:
    Description: !Sub "topic in ${AWS::Region}"
    Value: !Ref R
    Export: {Name: !Sub "${AWS::StackName}-topic"}
  Bad:
    Value: !Ref AWS::NoValue
  BadCondition:
    Condition: [x]
    Value: x
`
	_, err := resolveYAML(t, doc, Options{})
	var got []string
	for _, e := range errorList(t, err) {
		got = append(got, e.Error())
	}
	want := []string{
		"t.yaml:9: /Outputs/Bad/Value: the Value of output Bad is AWS::NoValue",
		"t.yaml:11: /Outputs/BadCondition/Condition: an output's Condition names a condition",
	}
	if diff := cmp.Diff(want, got); diff != "" {
		t.Error(diff)
	}
	s, err := resolveYAML(t, strings.Split(doc, "  Bad:")[0], Options{StackName: "shop"})
	if err != nil {
		t.Fatal(err)
	}
	want2 := &Output{Name: "Arn", Value: ResourceRef{Name: "R"}, Description: "topic in us-east-1", ExportName: "shop-topic", Pointer: "/Outputs/Arn"}
	if diff := cmp.Diff(want2, s.Outputs["Arn"]); diff != "" {
		t.Error(diff)
	}
}

// A condition that cannot be evaluated is reported once, not again at
// every reference to the resources it guards.
func TestUndecidedConditionReportedOnce(t *testing.T) {
	doc := `Parameters:
  Env: {Type: String, AllowedValues: [dev, prod], Default: test}
Conditions:
  IsProd: !Equals [!Ref Env, prod]
Resources:
  R: {Type: AWS::SNS::Topic, Condition: IsProd}
  S:
    Type: AWS::SNS::Topic
    DependsOn: R
    Properties:
      TopicName: !Sub "${R.TopicName}-${R}"
      Other: !GetAtt R.TopicName
`
	_, err := resolveYAML(t, doc, Options{})
	errs := errorList(t, err)
	if len(errs) != 1 || !strings.HasPrefix(errs[0].Error(), `t.yaml:2: /Parameters/Env: parameter Env: "test" is not one of its AllowedValues`) {
		t.Errorf("got %v", err)
	}
}
