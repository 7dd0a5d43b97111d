package awsservice_test

import (
	"bytes"
	"context"
	"crypto/sha256"
	"encoding/hex"
	"io"
	"net/http"
	"net/http/httptest"
	"net/url"
	"os"
	"path/filepath"
	"strings"
	"sync"
	"testing"
	"time"

	"github.com/aws/aws-sdk-go-v2/aws"
	v4 "github.com/aws/aws-sdk-go-v2/aws/signer/v4"

	"github.com/portico-gw/portico/internal/gatewaytest"
)

// captured is one request as the emulated service received it.
type captured struct {
	method, host, requestURI string
	header                   http.Header
	body                     []byte
}

// capture is a fake AWS endpoint that records requests and answers with a
// fixed status and body.
type capture struct {
	mu     sync.Mutex
	reqs   []captured
	status int
	answer string
}

func (c *capture) ServeHTTP(w http.ResponseWriter, r *http.Request) {
	b, _ := io.ReadAll(r.Body)
	c.mu.Lock()
	c.reqs = append(c.reqs, captured{r.Method, r.Host, r.RequestURI, r.Header.Clone(), b})
	status, answer := c.status, c.answer
	c.mu.Unlock()
	w.Header().Set("Content-Type", "application/x-amz-json-1.0")
	w.Header().Set("X-Amzn-Requestid", "svc-request-1")
	w.WriteHeader(status)
	_, _ = io.WriteString(w, answer)
}

func (c *capture) last(t *testing.T) captured {
	t.Helper()
	c.mu.Lock()
	defer c.mu.Unlock()
	if len(c.reqs) == 0 {
		t.Fatal("the service received no request")
	}
	return c.reqs[len(c.reqs)-1]
}

const requestDef = `openapi: 3.0.1
info: {title: aws-services, version: "1"}
paths:
  /ddb/{id}:
    post:
      parameters: [{name: id, in: path, required: true, schema: {type: string}}]
      responses: {"200": {description: ok}, "404": {description: nf}}
      x-amazon-apigateway-integration:
        type: aws
        httpMethod: POST
        uri: arn:aws:apigateway:us-west-2:dynamodb:action/PutItem
        requestTemplates:
          application/json: '{"TableName":"pets","Item":{"id":{"S":"$input.params(''id'')"},"name":{"S":"$input.path(''$.name'')"}}}'
        responses:
          "4\\d{2}":
            statusCode: "404"
            responseTemplates: {application/json: '{"error":"$input.path(''$.__type'')"}'}
          default:
            statusCode: "200"
            responseParameters: {method.response.header.X-Service-Id: integration.response.header.x-amzn-RequestId}
  /sqs/{group}:
    post:
      parameters: [{name: group, in: path, required: true, schema: {type: string}}]
      x-amazon-apigateway-integration:
        type: aws
        httpMethod: POST
        uri: arn:aws:apigateway:us-east-1:sqs:action/SendMessage&MessageGroupId={group}&Version=2012-11-05
        requestParameters:
          integration.request.querystring.QueueUrl: "'http://queue.example/123456789012/q1'"
        requestTemplates:
          application/json: MessageBody=$util.urlEncode($input.body)
        responses: {default: {statusCode: "200"}}
  /s3/{bucket}/{key+}:
    put:
      parameters:
        - {name: bucket, in: path, required: true, schema: {type: string}}
        - {name: key, in: path, required: true, schema: {type: string}}
      x-amazon-apigateway-integration:
        type: aws
        httpMethod: PUT
        uri: arn:aws:apigateway:us-east-1:s3:path/{bucket}/{key}
        passthroughBehavior: when_no_match
        responses: {default: {statusCode: "200"}}
  /photos/{name}:
    get:
      parameters: [{name: name, in: path, required: true, schema: {type: string}}]
      x-amazon-apigateway-integration:
        type: aws
        httpMethod: GET
        uri: arn:aws:apigateway:us-east-1:photos.s3:path/{name}
        responses: {default: {statusCode: "200"}}
  /events:
    post:
      x-amazon-apigateway-integration:
        type: aws
        httpMethod: POST
        uri: arn:aws:apigateway:${AWS::Region}:events:action/PutEvents
        requestTemplates:
          application/json: '{"Entries":[{"Source":"portico.test","DetailType":"t","Detail":"{}"}]}'
        responses: {default: {statusCode: "200"}}
`

func writeDef(t *testing.T, def string) string {
	t.Helper()
	p := filepath.Join(t.TempDir(), "api.yaml")
	if err := os.WriteFile(p, []byte(def), 0o600); err != nil {
		t.Fatal(err)
	}
	return p
}

func send(t *testing.T, g *gatewaytest.Gateway, method, path, ctype, body string) (int, http.Header, string) {
	t.Helper()
	req, err := http.NewRequest(method, g.URL+path, strings.NewReader(body))
	if err != nil {
		t.Fatal(err)
	}
	if ctype != "" {
		req.Header.Set("Content-Type", ctype)
	}
	resp := g.Do(t, req)
	defer resp.Body.Close()
	b, _ := io.ReadAll(resp.Body)
	return resp.StatusCode, resp.Header, string(b)
}

var testCreds = aws.Credentials{AccessKeyID: "AKIDPORTICOTEST", SecretAccessKey: "portico-test-secret", SessionToken: "session-token-1"}

// verifySignature re-signs the received request with the SDK's signer at
// the same time and checks that both Authorization values agree.
func verifySignature(t *testing.T, r captured, service, region string) {
	t.Helper()
	auth := r.header.Get("Authorization")
	wantScope := "Credential=" + testCreds.AccessKeyID + "/" + r.header.Get("X-Amz-Date")[:8] + "/" + region + "/" + service + "/aws4_request"
	if !strings.HasPrefix(auth, "AWS4-HMAC-SHA256 ") || !strings.Contains(auth, wantScope) {
		t.Fatalf("Authorization %q: want SigV4 with %s", auth, wantScope)
	}
	_, signedList, _ := strings.Cut(auth, "SignedHeaders=")
	signedList, _, _ = strings.Cut(signedList, ",")
	req, err := http.NewRequest(r.method, "http://"+r.host+r.requestURI, bytes.NewReader(r.body))
	if err != nil {
		t.Fatal(err)
	}
	for _, h := range strings.Split(signedList, ";") {
		if h == "host" || h == "content-length" {
			continue
		}
		req.Header[http.CanonicalHeaderKey(h)] = r.header.Values(h)
	}
	when, err := time.Parse("20060102T150405Z", r.header.Get("X-Amz-Date"))
	if err != nil {
		t.Fatal(err)
	}
	sum := sha256.Sum256(r.body)
	signer := v4.NewSigner(func(o *v4.SignerOptions) { o.DisableURIPathEscaping = service == "s3" })
	if err := signer.SignHTTP(context.Background(), testCreds, req, hex.EncodeToString(sum[:]), service, region, when); err != nil {
		t.Fatal(err)
	}
	if got := req.Header.Get("Authorization"); got != auth {
		t.Errorf("signature does not verify:\n sent %s\n want %s", auth, got)
	}
}

func TestServiceRequests(t *testing.T) {
	svc := &capture{status: 200, answer: `{}`}
	srv := httptest.NewServer(svc)
	t.Cleanup(srv.Close)
	extra := "awsServices:\n  endpoint: " + srv.URL + "\n  credentials: {accessKeyId: " + testCreds.AccessKeyID +
		", secretAccessKey: " + testCreds.SecretAccessKey + ", sessionToken: " + testCreds.SessionToken + "}\n"
	g := gatewaytest.Start(t, gatewaytest.Options{Definition: writeDef(t, requestDef), Extra: extra,
		StageExtra: "loggingLevel: INFO\ndataTraceEnabled: true"})

	t.Run("dynamodb action", func(t *testing.T) {
		status, h, body := send(t, g, "POST", "/dev/ddb/7", "application/json", `{"name":"rex"}`)
		if status != 200 || body != `{}` || h.Get("X-Service-Id") != "svc-request-1" {
			t.Errorf("got %d %q (X-Service-Id %q)", status, body, h.Get("X-Service-Id"))
		}
		r := svc.last(t)
		if r.method != "POST" || r.requestURI != "/" {
			t.Errorf("sent %s %s, want POST /", r.method, r.requestURI)
		}
		if ct, tg := r.header.Get("Content-Type"), r.header.Get("X-Amz-Target"); ct != "application/x-amz-json-1.0" || tg != "DynamoDB_20120810.PutItem" {
			t.Errorf("Content-Type %q, X-Amz-Target %q", ct, tg)
		}
		if want := `{"TableName":"pets","Item":{"id":{"S":"7"},"name":{"S":"rex"}}}`; string(r.body) != want {
			t.Errorf("body %s, want %s", r.body, want)
		}
		if r.header.Get("X-Amz-Security-Token") != testCreds.SessionToken {
			t.Errorf("session token not sent")
		}
		verifySignature(t, r, "dynamodb", "us-west-2") // the ARN's region
	})

	t.Run("service error through integration responses", func(t *testing.T) {
		svc.mu.Lock()
		svc.status, svc.answer = 400, `{"__type":"com.amazonaws.dynamodb.v20120810#ResourceNotFoundException","message":"Requested resource not found"}`
		svc.mu.Unlock()
		defer func() { svc.mu.Lock(); svc.status, svc.answer = 200, `{}`; svc.mu.Unlock() }()
		status, _, body := send(t, g, "POST", "/dev/ddb/7", "application/json", `{"name":"rex"}`)
		if status != 404 || body != `{"error":"com.amazonaws.dynamodb.v20120810#ResourceNotFoundException"}` {
			t.Errorf("got %d %s", status, body)
		}
	})

	t.Run("sqs query action", func(t *testing.T) {
		// A path value that tries to add an Action of its own stays one
		// MessageGroupId value.
		status, _, _ := send(t, g, "POST", "/dev/sqs/g1%26Action=DeleteQueue", "application/json", `{"a":"b c"}`)
		if status != 200 {
			t.Fatalf("status %d", status)
		}
		r := svc.last(t)
		if r.requestURI != "/" || r.header.Get("Content-Type") != "application/x-www-form-urlencoded" || r.header.Get("X-Amz-Target") != "" {
			t.Errorf("sent %s Content-Type %q X-Amz-Target %q", r.requestURI, r.header.Get("Content-Type"), r.header.Get("X-Amz-Target"))
		}
		form, err := url.ParseQuery(string(r.body))
		if err != nil {
			t.Fatal(err)
		}
		want := url.Values{"Action": {"SendMessage"}, "Version": {"2012-11-05"}, "MessageGroupId": {"g1&Action=DeleteQueue"},
			"QueueUrl": {"http://queue.example/123456789012/q1"}, "MessageBody": {`{"a":"b c"}`}}
		if form.Encode() != want.Encode() {
			t.Errorf("form %s\n want %s", form.Encode(), want.Encode())
		}
		verifySignature(t, r, "sqs", "us-east-1")
	})

	t.Run("s3 path", func(t *testing.T) {
		status, _, _ := send(t, g, "PUT", "/dev/s3/bucket-1/dir/file%20a.txt", "text/plain", "hello")
		if status != 200 {
			t.Fatalf("status %d", status)
		}
		r := svc.last(t)
		sum := sha256.Sum256([]byte("hello"))
		if r.method != "PUT" || r.requestURI != "/bucket-1/dir/file%20a.txt" || string(r.body) != "hello" ||
			r.header.Get("X-Amz-Content-Sha256") != hex.EncodeToString(sum[:]) || r.header.Get("Content-Type") != "text/plain" {
			t.Errorf("sent %s %s %q %v", r.method, r.requestURI, r.body, r.header)
		}
		verifySignature(t, r, "s3", "us-east-1")
	})

	t.Run("s3 subdomain is path-style", func(t *testing.T) {
		if status, _, _ := send(t, g, "GET", "/dev/photos/cat.png", "", ""); status != 200 {
			t.Fatalf("status %d", status)
		}
		if r := svc.last(t); r.method != "GET" || r.requestURI != "/photos/cat.png" {
			t.Errorf("sent %s %s", r.method, r.requestURI)
		}
	})

	t.Run("eventbridge with an unresolved region", func(t *testing.T) {
		if status, _, _ := send(t, g, "POST", "/dev/events", "application/json", `{}`); status != 200 {
			t.Fatalf("status %d", status)
		}
		r := svc.last(t)
		if r.header.Get("Content-Type") != "application/x-amz-json-1.1" || r.header.Get("X-Amz-Target") != "AWSEvents.PutEvents" {
			t.Errorf("headers %v", r.header)
		}
		verifySignature(t, r, "events", "us-east-1") // the settings' region
	})
	if !strings.Contains(g.Logs(), "Method completed with status") {
		t.Error("no execution log was written")
	}
	for _, secret := range []string{testCreds.SecretAccessKey, testCreds.SessionToken} {
		if strings.Contains(g.Logs()+g.AccessLog(), secret) {
			t.Errorf("%q was logged", secret)
		}
	}
}

// TestPerServiceEndpointAndRegion: endpoints overrides the default per
// service, and awsServices.region signs every request.
func TestPerServiceEndpointAndRegion(t *testing.T) {
	other, ddb := &capture{status: 200, answer: `{}`}, &capture{status: 200, answer: `{}`}
	os1, ds := httptest.NewServer(other), httptest.NewServer(ddb)
	t.Cleanup(os1.Close)
	t.Cleanup(ds.Close)
	extra := "awsServices:\n  endpoint: " + os1.URL + "\n  endpoints: {dynamodb: \"" + ds.URL + "\"}\n  region: eu-central-1\n" +
		"  credentials: {accessKeyId: " + testCreds.AccessKeyID + ", secretAccessKey: " + testCreds.SecretAccessKey + ", sessionToken: " + testCreds.SessionToken + "}\n"
	g := gatewaytest.Start(t, gatewaytest.Options{Definition: writeDef(t, requestDef), Extra: extra})
	if status, _, _ := send(t, g, "POST", "/dev/ddb/1", "application/json", `{"name":"a"}`); status != 200 {
		t.Fatalf("status %d", status)
	}
	verifySignature(t, ddb.last(t), "dynamodb", "eu-central-1")
	if status, _, _ := send(t, g, "POST", "/dev/events", "application/json", `{}`); status != 200 {
		t.Fatalf("status %d", status)
	}
	verifySignature(t, other.last(t), "events", "eu-central-1")
	if len(other.reqs) != 1 || len(ddb.reqs) != 1 {
		t.Errorf("requests: default endpoint %d, dynamodb endpoint %d", len(other.reqs), len(ddb.reqs))
	}
}

// TestNoEndpoint: without awsServices the API still deploys; its AWS
// service methods answer AWS's 500 and the execution log says why.
func TestNoEndpoint(t *testing.T) {
	g := gatewaytest.Start(t, gatewaytest.Options{Definition: writeDef(t, requestDef), StageExtra: "loggingLevel: ERROR"})
	status, h, body := send(t, g, "POST", "/dev/ddb/1", "application/json", `{"name":"a"}`)
	if status != 500 || body != `{"message": "Internal server error"}` || h.Get("x-amzn-ErrorType") != "InternalServerErrorException" {
		t.Errorf("got %d %v %s", status, h, body)
	}
	if want := "no endpoint is configured for AWS service dynamodb"; !strings.Contains(g.Logs(), want) {
		t.Errorf("logs lack %q:\n%s", want, g.Logs())
	}
}
