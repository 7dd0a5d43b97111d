package cfn

import (
	"strings"
	"testing"

	"github.com/google/go-cmp/cmp"
)

// The hello-world template, shaped like `sam init`'s, resolves fully.
func TestHelloWorldTemplate(t *testing.T) {
	tp, err := Load("testdata/hello/template.yaml")
	if err != nil {
		t.Fatal(err)
	}
	if diff := cmp.Diff([]string{"AWS::Serverless-2016-10-31"}, tp.Transform); diff != "" {
		t.Error(diff)
	}
	s, err := tp.Resolve(Options{})
	if err != nil {
		t.Fatal(err)
	}
	if diff := cmp.Diff([]string{"HelloWorldFunction", "ProxyApi"}, sortedKeys(s.Resources)); diff != "" {
		t.Errorf("resources (-want +got)\n%s", diff)
	}
	fn := s.Resources["HelloWorldFunction"]
	wantProps := map[string]any{
		"CodeUri": "hello-world/", "Handler": "bootstrap", "Runtime": "provided.al2023",
		"Architectures": []any{"x86_64"},
		"Events": map[string]any{"CatchAll": map[string]any{"Type": "Api",
			"Properties": map[string]any{"Path": "/hello", "Method": "GET"}}},
		"Environment": map[string]any{"Variables": map[string]any{
			"PARAM1": "VALUE", "GREETING": "Hello, portico", "LOG_LEVEL": "DEBUG", "TABLE": "local-table"}},
	}
	if diff := cmp.Diff(wantProps, fn.Properties); diff != "" {
		t.Errorf("function properties (-want +got)\n%s", diff)
	}
	if fn.Type != "AWS::Serverless::Function" || fn.Pointer != "/Resources/HelloWorldFunction" || fn.Metadata["BuildMethod"] != "go1.x" {
		t.Errorf("function %+v", fn)
	}
	wantGlobals := map[string]any{"Function": map[string]any{"Timeout": float64(5), "MemorySize": float64(128),
		"Environment": map[string]any{"Variables": map[string]any{"STAGE": "dev"}}}}
	if diff := cmp.Diff(wantGlobals, s.Globals); diff != "" {
		t.Errorf("globals (-want +got)\n%s", diff)
	}
	wantImplicit := map[string]string{"HelloWorldFunctionRole": "AWS::IAM::Role", "ServerlessRestApi": "AWS::Serverless::Api",
		"ServerlessRestApiProdStage": "AWS::ApiGateway::Stage", "ProxyApiStage": "AWS::ApiGateway::Stage"}
	if diff := cmp.Diff(wantImplicit, s.Implicit); diff != "" {
		t.Errorf("implicit (-want +got)\n%s", diff)
	}
	outputs := map[string]any{}
	for name, o := range s.Outputs {
		outputs[name] = o.Value
	}
	wantOutputs := map[string]any{
		"HelloWorldAPI":             "https://ServerlessRestApi.execute-api.us-east-1.amazonaws.com/Prod/hello/",
		"HelloWorldFunction":        ResourceRef{Name: "HelloWorldFunction", Attribute: "Arn"},
		"HelloWorldFunctionIamRole": ResourceRef{Name: "HelloWorldFunctionRole", Attribute: "Arn"},
		"LocalStage":                "dev/us-east-1a",
	}
	if diff := cmp.Diff(wantOutputs, outputs); diff != "" {
		t.Errorf("outputs (-want +got)\n%s", diff)
	}

	// The integration URI leads back to the function.
	uriPtr := "/Resources/ProxyApi/Properties/DefinitionBody/paths/~1proxy/get/x-amazon-apigateway-integration/uri"
	api := s.Resources["ProxyApi"].Properties
	uri := api["DefinitionBody"].(map[string]any)["paths"].(map[string]any)["/proxy"].(map[string]any)["get"].(map[string]any)["x-amazon-apigateway-integration"].(map[string]any)["uri"].(string)
	const fnArn = "arn:aws:lambda:us-east-1:123456789012:function:HelloWorldFunction"
	if uri != "arn:aws:apigateway:us-east-1:lambda:path/2015-03-31/functions/"+fnArn+"/invocations" {
		t.Errorf("uri = %s", uri)
	}
	arn := strings.TrimSuffix(uri[strings.Index(uri, "/functions/")+len("/functions/"):], "/invocations")
	if ref, ok := s.RefOf(arn); !ok || ref != (ResourceRef{Name: "HelloWorldFunction", Attribute: "Arn"}) {
		t.Errorf("RefOf(%s) = %v, %v", arn, ref, ok)
	}
	if ref, ok := s.RefOf("ServerlessRestApi"); !ok || ref != (ResourceRef{Name: "ServerlessRestApi"}) {
		t.Errorf("RefOf(ServerlessRestApi) = %v, %v", ref, ok)
	}
	if _, ok := s.RefOf("arn:aws:lambda:us-east-1:123456789012:function:Other"); ok {
		t.Error("RefOf found a function the template does not have")
	}
	if diff := cmp.Diff([]ResourceRef{{Name: "HelloWorldFunction", Attribute: "Arn"}}, s.RefsAt(uriPtr)); diff != "" {
		t.Error(diff)
	}
	if got := s.Render(ResourceRef{Name: "HelloWorldFunctionRole", Attribute: "Arn"}); got != "arn:aws:iam::123456789012:role/HelloWorldFunctionRole" {
		t.Errorf("Render = %s", got)
	}
	if got := s.Render(ResourceRef{Name: "ProxyApi"}); got != "ProxyApi" {
		t.Errorf("Render = %s", got)
	}

	// Locations for later layers.
	eventsPtr := ResourcePointer("HelloWorldFunction", "Events", "CatchAll", "Properties", "Path")
	if eventsPtr != "/Resources/HelloWorldFunction/Properties/Events/CatchAll/Properties/Path" {
		t.Errorf("ResourcePointer = %s", eventsPtr)
	}
	if got := ResourcePointer("ProxyApi", "DefinitionBody", "paths", "/proxy"); got != "/Resources/ProxyApi/Properties/DefinitionBody/paths/~1proxy" {
		t.Errorf("ResourcePointer = %s", got)
	}
	if got, want := s.Pos(eventsPtr), (Pos{File: "testdata/hello/template.yaml", Line: 57, Column: 13}); got != want {
		t.Errorf("Pos = %+v, want %+v", got, want)
	}
	if got, want := s.Errorf(uriPtr, "no such function").Error(), "testdata/hello/template.yaml:81: "+uriPtr+": no such function"; got != want {
		t.Errorf("Errorf = %s, want %s", got, want)
	}
	if got := s.Parameters["ApiKeySecret"].String(); got != "****" {
		t.Errorf("NoEcho parameter prints %q", got)
	}
}

func TestHelloWorldTemplateProd(t *testing.T) {
	tp, err := Load("testdata/hello/template.yaml")
	if err != nil {
		t.Fatal(err)
	}
	ov, err := ParseParameterOverrides(`Stage=prod GreetingPrefix="Good day"`)
	if err != nil {
		t.Fatal(err)
	}
	s, err := tp.Resolve(Options{Overrides: ov, Region: "eu-west-1", StackName: "hello"})
	if err != nil {
		t.Fatal(err)
	}
	if diff := cmp.Diff([]string{"HelloWorldFunction", "ProdOnlyAlarmTopic", "ProxyApi"}, sortedKeys(s.Resources)); diff != "" {
		t.Errorf("resources (-want +got)\n%s", diff)
	}
	vars := s.Resources["HelloWorldFunction"].Properties["Environment"].(map[string]any)["Variables"]
	if diff := cmp.Diff(map[string]any{"PARAM1": "VALUE", "GREETING": "Good day, hello", "LOG_LEVEL": "WARN"}, vars); diff != "" {
		t.Errorf("variables (-want +got)\n%s", diff)
	}
	if diff := cmp.Diff([]string{"AlarmTopic", "HelloWorldAPI", "HelloWorldFunction", "HelloWorldFunctionIamRole"}, sortedKeys(s.Outputs)); diff != "" {
		t.Errorf("outputs (-want +got)\n%s", diff)
	}
	if got := s.Render(s.Outputs["AlarmTopic"].Value.(ResourceRef)); got != "arn:aws:sns:eu-west-1:123456789012:ProdOnlyAlarmTopic" {
		t.Errorf("AlarmTopic renders %s", got)
	}
}

func BenchmarkLoadResolveHelloWorld(b *testing.B) {
	b.ReportAllocs()
	for b.Loop() {
		tp, err := Load("testdata/hello/template.yaml")
		if err != nil {
			b.Fatal(err)
		}
		if _, err := tp.Resolve(Options{}); err != nil {
			b.Fatal(err)
		}
	}
}
