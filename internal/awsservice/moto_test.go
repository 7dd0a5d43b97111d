package awsservice_test

import (
	"context"
	"crypto/sha256"
	"encoding/hex"
	"encoding/json"
	"io"
	"net/http"
	"net/url"
	"regexp"
	"strings"
	"testing"
	"time"

	"github.com/aws/aws-sdk-go-v2/aws"
	v4 "github.com/aws/aws-sdk-go-v2/aws/signer/v4"

	"github.com/portico-gw/portico/internal/awsservice/mototest"
	"github.com/portico-gw/portico/internal/gatewaytest"
)

// direct calls the emulator itself (to create and inspect resources), as
// the SDKs do: JSON protocol when target is set, else a query-protocol form.
func direct(t *testing.T, base, service, target, body string) (int, string) {
	t.Helper()
	return directTo(t, "POST", base+"/", service, target, body)
}

func directTo(t *testing.T, method, u, service, target, body string) (int, string) {
	t.Helper()
	req, err := http.NewRequest(method, u, strings.NewReader(body))
	if err != nil {
		t.Fatal(err)
	}
	if target != "" {
		req.Header.Set("Content-Type", "application/x-amz-json-1.0")
		req.Header.Set("X-Amz-Target", target)
	} else {
		req.Header.Set("Content-Type", "application/x-www-form-urlencoded")
	}
	sum := sha256.Sum256([]byte(body))
	if service == "s3" {
		req.Header.Set("X-Amz-Content-Sha256", hex.EncodeToString(sum[:]))
	}
	creds := aws.Credentials{AccessKeyID: "test", SecretAccessKey: "test"}
	if err := v4.NewSigner().SignHTTP(context.Background(), creds, req, hex.EncodeToString(sum[:]), service, "us-east-1", time.Now()); err != nil {
		t.Fatal(err)
	}
	resp, err := http.DefaultClient.Do(req)
	if err != nil {
		t.Fatal(err)
	}
	defer resp.Body.Close()
	b, _ := io.ReadAll(resp.Body)
	return resp.StatusCode, string(b)
}

func mustDirect(t *testing.T, base, service, target, body string) string {
	t.Helper()
	status, out := direct(t, base, service, target, body)
	if status != 200 {
		t.Fatalf("%s %s: %d %s", service, target+body, status, out)
	}
	return out
}

const motoDef = `openapi: 3.0.1
info: {title: moto, version: "1"}
paths:
  /pets:
    post:
      x-amazon-apigateway-integration:
        type: aws
        httpMethod: POST
        uri: arn:aws:apigateway:us-east-1:dynamodb:action/PutItem
        requestTemplates:
          application/json: '{"TableName":"pets","Item":{"id":{"S":"$input.path(''$.id'')"},"name":{"S":"$input.path(''$.name'')"}}}'
        responses: {default: {statusCode: "200"}}
  /pets/{id}:
    get:
      parameters: [{name: id, in: path, required: true, schema: {type: string}}]
      x-amazon-apigateway-integration:
        type: aws
        httpMethod: POST
        uri: arn:aws:apigateway:us-east-1:dynamodb:action/GetItem
        requestTemplates:
          application/json: '{"TableName":"pets","Key":{"id":{"S":"$input.params(''id'')"}}}'
        responses:
          default:
            statusCode: "200"
            responseTemplates:
              application/json: '{"id":"$input.path(''$.Item.id.S'')","name":"$input.path(''$.Item.name.S'')"}'
  /missing/{id}:
    get:
      parameters: [{name: id, in: path, required: true, schema: {type: string}}]
      responses: {"200": {description: ok}, "404": {description: not found}}
      x-amazon-apigateway-integration:
        type: aws
        httpMethod: POST
        uri: arn:aws:apigateway:us-east-1:dynamodb:action/GetItem
        requestTemplates:
          application/json: '{"TableName":"no-such-table","Key":{"id":{"S":"$input.params(''id'')"}}}'
        responses:
          "4\\d{2}":
            statusCode: "404"
            responseTemplates:
              application/json: '{"error":"$input.path(''$.__type'').replaceAll(''.*#'', '''')","message":"$input.path(''$.message'')"}'
          default: {statusCode: "200"}
  /queue:
    post:
      x-amazon-apigateway-integration:
        type: aws
        httpMethod: POST
        uri: arn:aws:apigateway:us-east-1:sqs:path/123456789012/jobs
        requestParameters:
          integration.request.header.Content-Type: "'application/x-www-form-urlencoded'"
        requestTemplates:
          application/json: Action=SendMessage&MessageBody=$util.urlEncode($input.body)
        responses: {default: {statusCode: "200"}}
  /queue-action:
    post:
      x-amazon-apigateway-integration:
        type: aws
        httpMethod: POST
        uri: arn:aws:apigateway:us-east-1:sqs:action/SendMessage
        requestParameters:
          integration.request.querystring.QueueUrl: "'QUEUE_URL'"
          integration.request.querystring.MessageBody: method.request.body
        passthroughBehavior: never
        requestTemplates:
          application/json: ""
        responses: {default: {statusCode: "200"}}
  /notify:
    post:
      x-amazon-apigateway-integration:
        type: aws
        httpMethod: POST
        uri: arn:aws:apigateway:us-east-1:sns:action/Publish
        requestParameters:
          integration.request.querystring.TopicArn: "'arn:aws:sns:us-east-1:123456789012:alerts'"
          integration.request.querystring.Message: method.request.body.text
        requestTemplates:
          application/json: ""
        responses: {default: {statusCode: "200"}}
  /files/{bucket}/{key}:
    parameters:
      - {name: bucket, in: path, required: true, schema: {type: string}}
      - {name: key, in: path, required: true, schema: {type: string}}
    put:
      x-amazon-apigateway-integration:
        type: aws
        httpMethod: PUT
        uri: arn:aws:apigateway:us-east-1:s3:path/{bucket}/{key}
        responses: {default: {statusCode: "200"}}
    get:
      x-amazon-apigateway-integration:
        type: aws
        httpMethod: GET
        uri: arn:aws:apigateway:us-east-1:s3:path/{bucket}/{key}
        responses:
          "404": {statusCode: "404", responseTemplates: {application/json: '{"message":"no such file"}'}}
          default:
            statusCode: "200"
            responseParameters: {method.response.header.Content-Type: integration.response.header.Content-Type}
  /events:
    post:
      x-amazon-apigateway-integration:
        type: aws
        httpMethod: POST
        uri: arn:aws:apigateway:us-east-1:events:action/PutEvents
        requestTemplates:
          application/json: '{"Entries":[{"Source":"portico.test","DetailType":"order","Detail":"$util.escapeJavaScript($input.body)","EventBusName":"default"}]}'
        responses: {default: {statusCode: "200"}}
  /executions:
    post:
      x-amazon-apigateway-integration:
        type: aws
        httpMethod: POST
        uri: arn:aws:apigateway:us-east-1:states:action/StartExecution
        requestTemplates:
          application/json: '{"stateMachineArn":"arn:aws:states:us-east-1:123456789012:stateMachine:flow","input":"$util.escapeJavaScript($input.body)"}'
        responses:
          default:
            statusCode: "200"
            responseTemplates: {application/json: '{"started":"$input.path(''$.executionArn'')"}'}
  /streams/{name}:
    put:
      parameters: [{name: name, in: path, required: true, schema: {type: string}}]
      x-amazon-apigateway-integration:
        type: aws
        httpMethod: POST
        uri: arn:aws:apigateway:us-east-1:kinesis:action/PutRecord
        requestTemplates:
          application/json: '{"StreamName":"$input.params(''name'')","Data":"$util.base64Encode($input.body)","PartitionKey":"pk-1"}'
        responses: {default: {statusCode: "200"}}
`

// TestMoto runs AWS service integrations against a real moto_server.
func TestMoto(t *testing.T) {
	moto := mototest.Start(t)
	mustDirect(t, moto.URL, "dynamodb", "DynamoDB_20120810.CreateTable",
		`{"TableName":"pets","KeySchema":[{"AttributeName":"id","KeyType":"HASH"}],"AttributeDefinitions":[{"AttributeName":"id","AttributeType":"S"}],"BillingMode":"PAY_PER_REQUEST"}`)
	out := mustDirect(t, moto.URL, "sqs", "", "Action=CreateQueue&QueueName=jobs")
	queueURL := regexp.MustCompile(`<QueueUrl>([^<]+)</QueueUrl>`).FindStringSubmatch(out)
	if queueURL == nil {
		t.Fatalf("CreateQueue: %s", out)
	}
	mustDirect(t, moto.URL, "sns", "", "Action=CreateTopic&Name=alerts")
	mustDirect(t, moto.URL, "sns", "", "Action=Subscribe&TopicArn="+url.QueryEscape("arn:aws:sns:us-east-1:123456789012:alerts")+
		"&Protocol=sqs&Endpoint="+url.QueryEscape("arn:aws:sqs:us-east-1:123456789012:jobs")+"&Attributes.entry.1.key=RawMessageDelivery&Attributes.entry.1.value=true")
	mustDirect(t, moto.URL, "kinesis", "Kinesis_20131202.CreateStream", `{"StreamName":"clicks","ShardCount":1}`)

	mustDirect(t, moto.URL, "states", "AWSStepFunctions.CreateStateMachine",
		`{"name":"flow","definition":"{\"StartAt\":\"P\",\"States\":{\"P\":{\"Type\":\"Pass\",\"End\":true}}}","roleArn":"arn:aws:iam::123456789012:role/sfn"}`)
	if status, out := directTo(t, "PUT", moto.URL+"/portico-files", "s3", "", ""); status != 200 {
		t.Fatalf("CreateBucket: %d %s", status, out)
	}

	def := strings.ReplaceAll(motoDef, "QUEUE_URL", queueURL[1])
	g := gatewaytest.Start(t, gatewaytest.Options{Definition: writeDef(t, def), Extra: "awsServices: {endpoint: \"" + moto.URL + "\"}\n"})

	t.Run("dynamodb PutItem and GetItem", func(t *testing.T) {
		if status, _, body := send(t, g, "POST", "/dev/pets", "application/json", `{"id":"p1","name":"Rex"}`); status != 200 || body != "{}" {
			t.Fatalf("PutItem: %d %s", status, body)
		}
		if status, _, body := send(t, g, "GET", "/dev/pets/p1", "", ""); status != 200 || body != `{"id":"p1","name":"Rex"}` {
			t.Errorf("GetItem: %d %s", status, body)
		}
	})

	t.Run("service error mapped through integration responses", func(t *testing.T) {
		status, h, body := send(t, g, "GET", "/dev/missing/p1", "", "")
		if status != 404 || !strings.HasPrefix(body, `{"error":"ResourceNotFoundException","message":"`) || h.Get("Content-Type") != "application/json" {
			t.Errorf("got %d %s %s", status, h.Get("Content-Type"), body)
		}
	})

	receive := func(t *testing.T) []string {
		t.Helper()
		out := mustDirect(t, moto.URL, "sqs", "", "Action=ReceiveMessage&MaxNumberOfMessages=10&QueueUrl="+url.QueryEscape(queueURL[1]))
		var bodies []string
		for _, m := range regexp.MustCompile(`<Body>([^<]*)</Body>`).FindAllStringSubmatch(out, -1) {
			bodies = append(bodies, strings.NewReplacer("&quot;", `"`, "&amp;", "&", "&lt;", "<", "&gt;", ">", "&#34;", `"`, "&#39;", "'").Replace(m[1]))
		}
		return bodies
	}

	t.Run("sqs SendMessage by path", func(t *testing.T) {
		status, _, body := send(t, g, "POST", "/dev/queue", "application/json", `{"job":"a & b"}`)
		if status != 200 || !strings.Contains(body, "MessageId") {
			t.Fatalf("got %d %s", status, body)
		}
		if got := receive(t); len(got) != 1 || got[0] != `{"job":"a & b"}` {
			t.Errorf("queue holds %q", got)
		}
	})

	t.Run("sqs SendMessage by action", func(t *testing.T) {
		status, _, body := send(t, g, "POST", "/dev/queue-action", "application/json", `{"job":2}`)
		if status != 200 || !strings.Contains(body, "MessageId") {
			t.Fatalf("got %d %s", status, body)
		}
		if got := receive(t); len(got) != 1 || got[0] != `{"job":2}` {
			t.Errorf("queue holds %q", got)
		}
	})

	t.Run("sns Publish", func(t *testing.T) {
		status, _, body := send(t, g, "POST", "/dev/notify", "application/json", `{"text":"disk full"}`)
		if status != 200 || !strings.Contains(body, "MessageId") {
			t.Fatalf("got %d %s", status, body)
		}
		if got := receive(t); len(got) != 1 || got[0] != "disk full" {
			t.Errorf("the topic's queue holds %q", got)
		}
	})

	t.Run("s3 PutObject and GetObject by path", func(t *testing.T) {
		if status, _, body := send(t, g, "PUT", "/dev/files/portico-files/notes.txt", "text/plain", "hello s3"); status != 200 {
			t.Fatalf("PutObject: %d %s", status, body)
		}
		status, h, body := send(t, g, "GET", "/dev/files/portico-files/notes.txt", "", "")
		if status != 200 || body != "hello s3" || h.Get("Content-Type") != "text/plain" {
			t.Errorf("GetObject: %d %s %q", status, h.Get("Content-Type"), body)
		}
		if status, _, body := send(t, g, "GET", "/dev/files/portico-files/absent.txt", "", ""); status != 404 || body != `{"message":"no such file"}` {
			t.Errorf("absent object: %d %s", status, body)
		}
	})

	t.Run("eventbridge PutEvents", func(t *testing.T) {
		status, _, body := send(t, g, "POST", "/dev/events", "application/json", `{"order":1}`)
		var out struct {
			FailedEntryCount int
			Entries          []struct{ EventId string }
		}
		if status != 200 || json.Unmarshal([]byte(body), &out) != nil || out.FailedEntryCount != 0 || len(out.Entries) != 1 || out.Entries[0].EventId == "" {
			t.Errorf("got %d %s", status, body)
		}
	})

	t.Run("step functions StartExecution", func(t *testing.T) {
		status, _, body := send(t, g, "POST", "/dev/executions", "application/json", `{"order":1}`)
		if status != 200 || !strings.HasPrefix(body, `{"started":"arn:aws:states:us-east-1:123456789012:execution:flow:`) {
			t.Errorf("got %d %s", status, body)
		}
	})

	t.Run("kinesis PutRecord", func(t *testing.T) {
		status, _, body := send(t, g, "PUT", "/dev/streams/clicks", "application/json", `{"kinesis":"snapshot"}`)
		var rec struct{ SequenceNumber, ShardId string }
		if status != 200 || json.Unmarshal([]byte(body), &rec) != nil || rec.SequenceNumber == "" || rec.ShardId == "" {
			t.Fatalf("got %d %s", status, body)
		}
		it := mustDirect(t, moto.URL, "kinesis", "Kinesis_20131202.GetShardIterator",
			`{"StreamName":"clicks","ShardId":"`+rec.ShardId+`","ShardIteratorType":"TRIM_HORIZON"}`)
		var iter struct{ ShardIterator string }
		_ = json.Unmarshal([]byte(it), &iter)
		req, _ := json.Marshal(map[string]string{"ShardIterator": iter.ShardIterator})
		recs := mustDirect(t, moto.URL, "kinesis", "Kinesis_20131202.GetRecords", string(req))
		var got struct{ Records []struct{ Data []byte } }
		if err := json.Unmarshal([]byte(recs), &got); err != nil || len(got.Records) != 1 || string(got.Records[0].Data) != `{"kinesis":"snapshot"}` {
			t.Errorf("stream holds %s", recs)
		}
	})
}
