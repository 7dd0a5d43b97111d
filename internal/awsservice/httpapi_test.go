package awsservice_test

import (
	"context"
	"encoding/json"
	"errors"
	"net/http"
	"net/http/httptest"
	"net/url"
	"regexp"
	"strings"
	"testing"
	"time"

	"github.com/aws/aws-sdk-go-v2/aws"

	"github.com/portico-gw/portico/internal/awsservice"
	"github.com/portico-gw/portico/internal/awsservice/mototest"
	"github.com/portico-gw/portico/internal/fault"
	"github.com/portico-gw/portico/internal/integration"
	"github.com/portico-gw/portico/internal/pipeline"
)

// v2Call is an HTTP API call with a JSON body and a header.
func v2Call(body string) *pipeline.Call {
	return &pipeline.Call{
		Start: time.Date(2026, 1, 2, 3, 4, 5, 0, time.UTC), RequestID: "req-7", APIID: "api1", Stage: "$default",
		StageVariables: map[string]string{"bus": "orders"}, HTTPMethod: "POST", RouteKey: "POST /send",
		Path: "/send", StagePath: "/send", PathParams: map[string]string{}, Query: url.Values{"group": {"g1"}},
		Header: http.Header{"Queueurl": {"http://queue.example/123456789012/q1"}}, SourceIP: "192.0.2.1",
		Body: pipeline.NewBodyBytes([]byte(body)),
	}
}

func newSubtype(t *testing.T, cfg *awsservice.Config, subtype string, params map[string]string) pipeline.Integration {
	t.Helper()
	in, err := awsservice.NewSubtype(cfg, awsservice.SubtypeSpec{Subtype: subtype, RequestParameters: params, Transport: integration.NewTransport(false)})
	if err != nil {
		t.Fatalf("NewSubtype: %v", err)
	}
	return in
}

// TestSubtypeRequests: the service request each subtype sends, exactly
// (https://docs.aws.amazon.com/apigateway/latest/developerguide/http-api-develop-integrations-aws-services-reference.html).
func TestSubtypeRequests(t *testing.T) {
	svc := &capture{status: 200, answer: `{"ok":true}`}
	srv := httptest.NewServer(svc)
	defer srv.Close()
	cfg := &awsservice.Config{Endpoint: srv.URL, DefaultRegion: "eu-west-1",
		Credentials: aws.Credentials{AccessKeyID: "AKIDTEST", SecretAccessKey: "secret"}}
	tests := []struct {
		name, subtype string
		params        map[string]string
		body          string
		wantTarget    string
		wantType      string
		wantBody      string
		wantRegion    string
	}{
		{"the AWS example: SQS-SendMessage", "SQS-SendMessage",
			map[string]string{"QueueUrl": "$request.header.queueUrl", "MessageBody": "$request.body.message"},
			`{"message":"hello & bye"}`, "", "application/x-www-form-urlencoded",
			"Action=SendMessage&MessageBody=hello+%26+bye&QueueUrl=http%3A%2F%2Fqueue.example%2F123456789012%2Fq1", "eu-west-1"},
		{"SQS-SendMessage with attributes, a group and a delay", "SQS-SendMessage",
			map[string]string{"QueueUrl": "http://queue.example/1/q.fifo", "MessageBody": "$request.body", "MessageGroupId": "$request.querystring.group",
				"DelaySeconds": "5", "MessageAttributes": `{"kind":{"DataType":"String","StringValue":"order"}}`, "Region": "us-west-2"},
			`{"a":1}`, "", "application/x-www-form-urlencoded",
			"Action=SendMessage&DelaySeconds=5&MessageAttribute.1.Name=kind&MessageAttribute.1.Value.DataType=String&MessageAttribute.1.Value.StringValue=order" +
				"&MessageBody=%7B%22a%22%3A1%7D&MessageGroupId=g1&QueueUrl=http%3A%2F%2Fqueue.example%2F1%2Fq.fifo", "us-west-2"},
		{"SQS-ReceiveMessage lists", "SQS-ReceiveMessage",
			map[string]string{"QueueUrl": "http://q/1/q", "AttributeNames": "All", "MessageAttributeNames": `["a","b"]`, "MaxNumberOfMessages": "10"},
			"", "", "application/x-www-form-urlencoded",
			"Action=ReceiveMessage&AttributeName.1=All&MaxNumberOfMessages=10&MessageAttributeName.1=a&MessageAttributeName.2=b&QueueUrl=http%3A%2F%2Fq%2F1%2Fq", "eu-west-1"},
		{"EventBridge-PutEvents", "EventBridge-PutEvents",
			map[string]string{"Detail": "$request.body", "DetailType": "order", "Source": "shop.$context.stage", "EventBusName": "$stageVariables.bus",
				"Resources": "arn:a, arn:b", "Time": "1767323045"},
			`{"id":1}`, "AWSEvents.PutEvents", "application/x-amz-json-1.1",
			`{"Entries":[{"Detail":"{\"id\":1}","DetailType":"order","EventBusName":"orders","Resources":["arn:a","arn:b"],"Source":"shop.$default","Time":1767323045}]}`, "eu-west-1"},
		{"Kinesis-PutRecord base64-encodes Data", "Kinesis-PutRecord",
			map[string]string{"StreamName": "clicks", "Data": "$request.body", "PartitionKey": "$context.requestId"},
			`{"click":1}`, "Kinesis_20131202.PutRecord", "application/x-amz-json-1.1",
			`{"Data":"eyJjbGljayI6MX0=","PartitionKey":"req-7","StreamName":"clicks"}`, "eu-west-1"},
		{"StepFunctions-StartExecution", "StepFunctions-StartExecution",
			map[string]string{"StateMachineArn": "arn:aws:states:eu-west-1:123456789012:stateMachine:flow", "Input": "$request.body", "Name": "run-$context.requestId"},
			`{"order":1}`, "AWSStepFunctions.StartExecution", "application/x-amz-json-1.0",
			`{"input":"{\"order\":1}","name":"run-req-7","stateMachineArn":"arn:aws:states:eu-west-1:123456789012:stateMachine:flow"}`, "eu-west-1"},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			in := newSubtype(t, cfg, tt.subtype, tt.params)
			res, err := in.Invoke(context.Background(), v2Call(tt.body))
			if err != nil {
				t.Fatal(err)
			}
			if res.Status != 200 || string(res.Body) != `{"ok":true}` || res.Header.Get("Content-Type") != "application/x-amz-json-1.0" {
				t.Errorf("answer %d %v %s", res.Status, res.Header, res.Body)
			}
			got := svc.last(t)
			if got.method != "POST" || got.requestURI != "/" {
				t.Errorf("request %s %s", got.method, got.requestURI)
			}
			if string(got.body) != tt.wantBody {
				t.Errorf("body\n got %s\nwant %s", got.body, tt.wantBody)
			}
			if got.header.Get("X-Amz-Target") != tt.wantTarget || got.header.Get("Content-Type") != tt.wantType {
				t.Errorf("X-Amz-Target %q, Content-Type %q", got.header.Get("X-Amz-Target"), got.header.Get("Content-Type"))
			}
			scope := "Credential=AKIDTEST/20"
			if a := got.header.Get("Authorization"); !strings.HasPrefix(a, "AWS4-HMAC-SHA256 "+scope) || !strings.Contains(a, "/"+tt.wantRegion+"/") {
				t.Errorf("Authorization %q, want a signature for %s", a, tt.wantRegion)
			}
		})
	}
}

// TestSubtypeRefusals: what NewSubtype refuses, and what a call refuses.
func TestSubtypeRefusals(t *testing.T) {
	cfg := &awsservice.Config{Endpoint: "http://127.0.0.1:1"}
	tests := []struct {
		subtype string
		params  map[string]string
		want    string
	}{
		{"SQS-Send", nil, `unknown integrationSubtype "SQS-Send" (one of EventBridge-PutEvents, Kinesis-PutRecord, SQS-DeleteMessage,`},
		{"SQS-SendMessage", map[string]string{"QueueUrl": "q"}, "requestParameters: SQS-SendMessage requires MessageBody"},
		{"SQS-SendMessage", map[string]string{"QueueUrl": "q", "MessageBody": "b", "Body": "x"}, `requestParameters "Body": SQS-SendMessage has no parameter Body`},
		{"SQS-SendMessage", map[string]string{"QueueUrl": "$request.cookie.q", "MessageBody": "b"}, `requestParameters "QueueUrl": $request.cookie.q: unknown request variable`},
	}
	for _, tt := range tests {
		_, err := awsservice.NewSubtype(cfg, awsservice.SubtypeSpec{Subtype: tt.subtype, RequestParameters: tt.params})
		if err == nil || !strings.Contains(err.Error(), tt.want) {
			t.Errorf("%s %v: error %v, want %q", tt.subtype, tt.params, err, tt.want)
		}
	}
	// Supported by AWS, not served here: a 500 on every call, not a refused deploy.
	for _, st := range []string{"AppConfig-GetConfiguration", "StepFunctions-StartSyncExecution"} {
		in, err := awsservice.NewSubtype(cfg, awsservice.SubtypeSpec{Subtype: st})
		if err != nil {
			t.Fatalf("%s: %v", st, err)
		}
		_, err = in.Invoke(context.Background(), v2Call(""))
		if f, ok := errors.AsType[*fault.Error](err); !ok || f.Type != fault.APIConfigurationError {
			t.Errorf("%s: %v, want API_CONFIGURATION_ERROR", st, err)
		}
	}
	// A required parameter whose source gives nothing, a value of the wrong type: 400.
	in := newSubtype(t, cfg, "SQS-SendMessage", map[string]string{"QueueUrl": "$request.header.missing", "MessageBody": "b"})
	_, err := in.Invoke(context.Background(), v2Call(""))
	if f, ok := errors.AsType[*fault.Error](err); !ok || f.Type != fault.BadRequestParameters || !strings.Contains(err.Error(), "QueueUrl has no value") {
		t.Errorf("missing QueueUrl: %v", err)
	}
	in = newSubtype(t, cfg, "SQS-SendMessage", map[string]string{"QueueUrl": "q", "MessageBody": "b", "DelaySeconds": "$request.body.d"})
	_, err = in.Invoke(context.Background(), v2Call(`{"d":"soon"}`))
	if f, ok := errors.AsType[*fault.Error](err); !ok || f.Type != fault.BadRequestParameters || !strings.Contains(err.Error(), `parameter DelaySeconds must be an integer, got "soon"`) {
		t.Errorf("bad DelaySeconds: %v", err)
	}
	// No endpoint for the service: deploys, fails every call with 500.
	in, err = awsservice.NewSubtype(&awsservice.Config{}, awsservice.SubtypeSpec{Subtype: "SQS-PurgeQueue", RequestParameters: map[string]string{"QueueUrl": "q"}})
	if err != nil {
		t.Fatal(err)
	}
	if _, err := in.Invoke(context.Background(), v2Call("")); err == nil || !strings.Contains(err.Error(), "no endpoint is configured for AWS service sqs") {
		t.Errorf("no endpoint: %v", err)
	}
}

// TestSubtypeMoto runs HTTP API service integrations against a real
// moto_server.
func TestSubtypeMoto(t *testing.T) {
	moto := mototest.Start(t)
	out := mustDirect(t, moto.URL, "sqs", "", "Action=CreateQueue&QueueName=v2jobs")
	queueURL := regexp.MustCompile(`<QueueUrl>([^<]+)</QueueUrl>`).FindStringSubmatch(out)
	if queueURL == nil {
		t.Fatalf("CreateQueue: %s", out)
	}
	mustDirect(t, moto.URL, "kinesis", "Kinesis_20131202.CreateStream", `{"StreamName":"v2clicks","ShardCount":1}`)
	mustDirect(t, moto.URL, "states", "AWSStepFunctions.CreateStateMachine",
		`{"name":"v2flow","definition":"{\"StartAt\":\"P\",\"States\":{\"P\":{\"Type\":\"Pass\",\"End\":true}}}","roleArn":"arn:aws:iam::123456789012:role/sfn"}`)
	cfg := &awsservice.Config{Endpoint: moto.URL, DefaultRegion: "us-east-1", Credentials: aws.Credentials{AccessKeyID: "test", SecretAccessKey: "test"}}

	t.Run("SQS-SendMessage, then ReceiveMessage", func(t *testing.T) {
		send := newSubtype(t, cfg, "SQS-SendMessage", map[string]string{"QueueUrl": queueURL[1], "MessageBody": "$request.body.message"})
		res, err := send.Invoke(context.Background(), v2Call(`{"message":"a & b"}`))
		if err != nil || res.Status != 200 || !strings.Contains(string(res.Body), "MessageId") {
			t.Fatalf("SendMessage: %v %+v %s", err, res, res.Body)
		}
		recv := newSubtype(t, cfg, "SQS-ReceiveMessage", map[string]string{"QueueUrl": queueURL[1], "MaxNumberOfMessages": "10"})
		res, err = recv.Invoke(context.Background(), v2Call(""))
		if err != nil || res.Status != 200 || !strings.Contains(string(res.Body), "<Body>a &amp; b</Body>") {
			t.Errorf("ReceiveMessage: %v %s", err, res.Body)
		}
	})

	t.Run("EventBridge-PutEvents", func(t *testing.T) {
		in := newSubtype(t, cfg, "EventBridge-PutEvents", map[string]string{"Detail": "$request.body", "DetailType": "order", "Source": "portico.test"})
		res, err := in.Invoke(context.Background(), v2Call(`{"order":1}`))
		var got struct {
			FailedEntryCount int
			Entries          []struct{ EventId string }
		}
		if err != nil || res.Status != 200 || json.Unmarshal(res.Body, &got) != nil || got.FailedEntryCount != 0 || len(got.Entries) != 1 || got.Entries[0].EventId == "" {
			t.Errorf("PutEvents: %v %s", err, res.Body)
		}
	})

	t.Run("Kinesis-PutRecord", func(t *testing.T) {
		in := newSubtype(t, cfg, "Kinesis-PutRecord", map[string]string{"StreamName": "v2clicks", "Data": "$request.body", "PartitionKey": "pk"})
		res, err := in.Invoke(context.Background(), v2Call(`{"click":1}`))
		var rec struct{ SequenceNumber, ShardId string }
		if err != nil || res.Status != 200 || json.Unmarshal(res.Body, &rec) != nil || rec.ShardId == "" {
			t.Fatalf("PutRecord: %v %s", err, res.Body)
		}
		it := mustDirect(t, moto.URL, "kinesis", "Kinesis_20131202.GetShardIterator",
			`{"StreamName":"v2clicks","ShardId":"`+rec.ShardId+`","ShardIteratorType":"TRIM_HORIZON"}`)
		var iter struct{ ShardIterator string }
		_ = json.Unmarshal([]byte(it), &iter)
		req, _ := json.Marshal(map[string]string{"ShardIterator": iter.ShardIterator})
		recs := mustDirect(t, moto.URL, "kinesis", "Kinesis_20131202.GetRecords", string(req))
		var got struct{ Records []struct{ Data []byte } }
		if err := json.Unmarshal([]byte(recs), &got); err != nil || len(got.Records) != 1 || string(got.Records[0].Data) != `{"click":1}` {
			t.Errorf("stream holds %s", recs)
		}
	})

	t.Run("StepFunctions-StartExecution", func(t *testing.T) {
		in := newSubtype(t, cfg, "StepFunctions-StartExecution", map[string]string{
			"StateMachineArn": "arn:aws:states:us-east-1:123456789012:stateMachine:v2flow", "Input": "$request.body"})
		res, err := in.Invoke(context.Background(), v2Call(`{"order":1}`))
		var got struct{ ExecutionArn string }
		if err != nil || res.Status != 200 || json.Unmarshal(res.Body, &got) != nil ||
			!strings.HasPrefix(got.ExecutionArn, "arn:aws:states:us-east-1:123456789012:execution:v2flow:") {
			t.Errorf("StartExecution: %v %s", err, res.Body)
		}
	})

	t.Run("a service error comes back as the service sent it", func(t *testing.T) {
		in := newSubtype(t, cfg, "Kinesis-PutRecord", map[string]string{"StreamName": "no-such-stream", "Data": "x", "PartitionKey": "pk"})
		res, err := in.Invoke(context.Background(), v2Call(""))
		if err != nil || res.Status != 400 || !strings.Contains(string(res.Body), "ResourceNotFoundException") {
			t.Errorf("got %v %+v", err, res)
		}
	})
}
