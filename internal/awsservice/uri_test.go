package awsservice

import (
	"reflect"
	"testing"
)

func TestParseURI(t *testing.T) {
	t.Parallel()
	cases := []struct {
		uri  string
		want Target
	}{
		{"arn:aws:apigateway:us-east-1:dynamodb:action/PutItem", Target{Region: "us-east-1", Service: "dynamodb", Action: "PutItem"}},
		{"arn:aws:apigateway:${AWS::Region}:states:action/StartSyncExecution", Target{Region: "${AWS::Region}", Service: "states", Action: "StartSyncExecution"}},
		{"arn:aws:apigateway:us-west-2:s3:action/GetObject&Bucket={bucket}&Key=a%20b", Target{Region: "us-west-2", Service: "s3", Action: "GetObject",
			Params: []Param{{"Bucket", "{bucket}"}, {"Key", "a b"}}}},
		{"arn:aws:apigateway:us-west-2:s3:path/{bucket}/{object}", Target{Region: "us-west-2", Service: "s3", Path: "{bucket}/{object}"}},
		{"arn:aws:apigateway:eu-west-1:sns:path//", Target{Region: "eu-west-1", Service: "sns", Path: "/"}},
		{"arn:aws:apigateway:us-east-1:photos.s3:path/a.png", Target{Region: "us-east-1", Service: "s3", Subdomain: "photos", Path: "a.png"}},
		{"arn:aws:apigateway:us-east-1:runtime.sagemaker:path/endpoints/e/invocations", Target{Region: "us-east-1", Service: "sagemaker", Subdomain: "runtime", Path: "endpoints/e/invocations"}},
		{"arn:aws-cn:apigateway:cn-north-1:sqs:path/1/q:path/x", Target{Region: "cn-north-1", Service: "sqs", Path: "1/q:path/x"}},
	}
	for _, c := range cases {
		got, err := ParseURI(c.uri)
		if err != nil || !reflect.DeepEqual(got, c.want) {
			t.Errorf("ParseURI(%q) = %+v, %v; want %+v", c.uri, got, err, c.want)
		}
	}
	for _, bad := range []string{"", "https://example.com", "arn:aws:apigateway:us-east-1:sqs:queue/x", "arn:aws:apigateway:us-east-1::action/X",
		"arn:aws:apigateway:us-east-1:sqs:action/", "arn:aws:apigateway:sqs"} {
		if _, err := ParseURI(bad); err == nil {
			t.Errorf("ParseURI(%q) succeeded", bad)
		}
	}
	if IsService("arn:aws:apigateway:us-east-1:lambda:path/2015-03-31/functions/arn:aws:lambda:us-east-1:123456789012:function:f/invocations") {
		t.Error("a Lambda invocation is not a service integration")
	}
	if tg := (Target{Service: "iot", Subdomain: "data-ats"}); tg.signingName() != "iotdata" {
		t.Errorf("iot data signing name %q", tg.signingName())
	}
}

func FuzzParseURI(f *testing.F) {
	f.Add("arn:aws:apigateway:us-east-1:dynamodb:action/PutItem&a={b}")
	f.Add("arn:aws:apigateway:${AWS::Region}:x.s3:path//{k+}")
	f.Fuzz(func(t *testing.T, uri string) {
		tg, err := ParseURI(uri)
		if err == nil && tg.Service == "" {
			t.Errorf("ParseURI(%q) accepted an empty service", uri)
		}
		_ = tg.signingName()
		_ = tg.protocolOf()
	})
}
