package cfn

import (
	"bytes"
	"fmt"
	"log/slog"
	"strings"
	"testing"

	"github.com/google/go-cmp/cmp"
)

func TestParseParameterOverrides(t *testing.T) {
	cases := []struct {
		in   string
		want []Override
	}{
		{"", []Override{}},
		{"Env=prod Count=5", []Override{{"Env", "prod"}, {"Count", "5"}}},
		{"  Env=prod\tCount=5\n", []Override{{"Env", "prod"}, {"Count", "5"}}},
		{`Greeting="hello world" Name='O Brien'`, []Override{{"Greeting", "hello world"}, {"Name", "O Brien"}}},
		{`"Greeting=hello world"`, []Override{{"Greeting", "hello world"}}},
		{`'Greeting=hello world'`, []Override{{"Greeting", "hello world"}}},
		{`Msg="say \"hi\"" Path=a\ b`, []Override{{"Msg", `say "hi"`}, {"Path", "a b"}}},
		{`Raw='back\slash "kept"'`, []Override{{"Raw", `back\slash "kept"`}}},
		{"Empty= Quoted=\"\" Single=''", []Override{{"Empty", ""}, {"Quoted", ""}, {"Single", ""}}},
		{"Url=https://x/?a=b&c=d", []Override{{"Url", "https://x/?a=b&c=d"}}},
		{"ParameterKey=Env,ParameterValue=prod ParameterKey=Subnets,ParameterValue=a,b",
			[]Override{{"Env", "prod"}, {"Subnets", "a,b"}}},
		{`ParameterKey=Greeting,ParameterValue="hi there" Env=dev`, []Override{{"Greeting", "hi there"}, {"Env", "dev"}}},
		{"Env=dev Env=prod", []Override{{"Env", "dev"}, {"Env", "prod"}}},
		{`ParameterKey="Key",ParameterValue=Val\ ue`, []Override{{"Key", "Val ue"}}},
		{`ParameterKey='Key',ParameterValue='Val"ue'`, []Override{{"Key", `Val"ue`}}},
		{`Json='{"a":"b"}' Esc="{\"a\":\"b\"}"`, []Override{{"Json", `{"a":"b"}`}, {"Esc", `{"a":"b"}`}}},
		{"A=x, B=y,", []Override{{"A", "x,"}, {"B", "y,"}}},
	}
	for _, c := range cases {
		t.Run(c.in, func(t *testing.T) {
			got, err := ParseParameterOverrides(c.in)
			if err != nil {
				t.Fatal(err)
			}
			if diff := cmp.Diff(c.want, got); diff != "" {
				t.Errorf("(-want +got)\n%s", diff)
			}
		})
	}
	bad := map[string]string{
		"novalue":                           `parameter override "novalue" is not Key=Value`,
		`K="unclosed`:                       "a double quote is not closed",
		`K='unclosed`:                       "the single quote at offset 2 is not closed",
		"bad-key=1":                         `the key "bad-key" is not an alphanumeric parameter name`,
		"=x":                                `the key "" is not an alphanumeric parameter name`,
		"ParameterKey=Env":                  "the ParameterKey form is ParameterKey=Name,ParameterValue=Value",
		"ParameterKey=E-1,ParameterValue=x": `the key "E-1" is not an alphanumeric parameter name`,
	}
	for in, want := range bad {
		_, err := ParseParameterOverrides(in)
		if err == nil || !strings.Contains(err.Error(), want) {
			t.Errorf("%s: got %v, want %q", in, err, want)
		}
	}
}

const paramsDoc = `Parameters:
  Env:
    Type: String
    Default: dev
    AllowedValues: [dev, prod]
  Name:
    Type: String
    Default: abc
    AllowedPattern: "[a-z]+"
    MinLength: 2
    MaxLength: 5
    ConstraintDescription: lower-case letters
  Size:
    Type: Number
    Default: 2
    MinValue: 1
    MaxValue: 10
  Subnets:
    Type: List<AWS::EC2::Subnet::Id>
    Default: "subnet-1 , subnet-2"
  Zones:
    Type: CommaDelimitedList
    Default: [a, b]
    AllowedValues: [a, b, c]
  Secret:
    Type: String
    NoEcho: true
    Default: s3cr3t-default
    MinLength: 6
  FromSSM:
    Type: AWS::SSM::Parameter::Value<String>
    Default: /app/setting
  Required:
    Type: String
Resources:
  R:
    Type: Custom::Thing
    Properties:
      All: !Join [" ", [!Ref Env, !Ref Name, !Ref Size, !Join [",", !Ref Subnets], !Join [",", !Ref Zones], !Ref FromSSM, !Ref Required]]
`

func TestParameters(t *testing.T) {
	s, err := resolveYAML(t, paramsDoc, Options{Overrides: []Override{
		{"Required", "req"}, {"FromSSM", "from-ssm"}, {"Size", "7"}, {"Size", "9"}}})
	if err != nil {
		t.Fatal(err)
	}
	if got, want := s.Resources["R"].Properties["All"], "dev abc 9 subnet-1,subnet-2 a,b from-ssm req"; got != want {
		t.Errorf("got %q, want %q", got, want)
	}
	if p := s.Parameters["Size"]; !p.Overridden || p.Value != "9" || p.Type != "Number" {
		t.Errorf("Size = %#v", p)
	}
	if p := s.Parameters["Env"]; p.Overridden || p.Value != "dev" {
		t.Errorf("Env = %#v", p)
	}
	if diff := cmp.Diff([]string{"subnet-1", "subnet-2"}, s.Parameters["Subnets"].Value); diff != "" {
		t.Error(diff)
	}
}

func TestParameterErrors(t *testing.T) {
	_, err := resolveYAML(t, paramsDoc, Options{Overrides: []Override{
		{"Env", "test"}, {"Name", "ABCDEFG"}, {"Size", "11"}, {"Zones", "a,d"}, {"Secret", "tiny5"}, {"Unknown", "x"}}})
	var got []string
	for _, e := range errorList(t, err) {
		got = append(got, e.Error())
	}
	want := []string{
		"t.yaml: parameter override Unknown: the template declares no parameter Unknown",
		`t.yaml:2: /Parameters/Env: parameter Env: "test" is not one of its AllowedValues ["dev" "prod"]`,
		`t.yaml:6: /Parameters/Name: parameter Name: "ABCDEFG" does not match AllowedPattern [a-z]+ (lower-case letters)`,
		`t.yaml:6: /Parameters/Name: parameter Name: "ABCDEFG" is longer than MaxLength 5 (lower-case letters)`,
		`t.yaml:13: /Parameters/Size: parameter Size: "11" is above MaxValue 10`,
		`t.yaml:21: /Parameters/Zones: parameter Zones: "d" is not one of its AllowedValues ["a" "b" "c"]`,
		`t.yaml:25: /Parameters/Secret: parameter Secret: the value (NoEcho, not shown) is shorter than MinLength 6`,
		`t.yaml:30: /Parameters/FromSSM: parameter FromSSM is of type AWS::SSM::Parameter::Value<String>, whose value is read from AWS Systems Manager; that cannot be done locally: give the value with --parameter-overrides`,
		`t.yaml:33: /Parameters/Required: parameter Required has no Default: give its value with --parameter-overrides Required=...`,
	}
	if diff := cmp.Diff(want, got); diff != "" {
		t.Errorf("(-want +got)\n%s", diff)
	}
	if strings.Contains(err.Error(), "tiny5") {
		t.Errorf("the NoEcho value is in the error: %v", err)
	}
}

func TestNoEchoNeverPrinted(t *testing.T) {
	s, err := resolveYAML(t, paramsDoc, Options{Overrides: []Override{{"Required", "r"}, {"FromSSM", "x"}, {"Secret", "hunter2-secret"}}})
	if err != nil {
		t.Fatal(err)
	}
	p := s.Parameters["Secret"]
	if p.Value != "hunter2-secret" || !p.NoEcho {
		t.Fatalf("Secret = %v", p.Value)
	}
	var logged bytes.Buffer
	slog.New(slog.NewJSONHandler(&logged, nil)).Info("params", "secret", p, "all", s.Parameters)
	slog.New(slog.NewTextHandler(&logged, nil)).Info("params", "secret", p, "all", s.Parameters)
	for _, out := range []string{fmt.Sprint(p), fmt.Sprintf("%v %+v %#v %s", p, p, p, p), fmt.Sprint(s.Parameters), fmt.Sprintf("%+v", s.Parameters), logged.String()} {
		if strings.Contains(out, "hunter2") {
			t.Errorf("NoEcho value printed: %s", out)
		}
		if !strings.Contains(out, "****") {
			t.Errorf("no mask in %s", out)
		}
	}
	if got := fmt.Sprint(s.Parameters["Env"]); got != "dev" {
		t.Errorf("Env prints %q", got)
	}
}
