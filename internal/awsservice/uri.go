package awsservice

import (
	"fmt"
	"net/url"
	"regexp"
	"strings"
	"sync"
)

// Target is a parsed AWS service integration URI.
type Target struct {
	// Region is the ARN's region as written ("" or not a region name when
	// it is a placeholder such as ${AWS::Region}).
	Region string
	// Service is the service name (dynamodb, sqs, states, ...); Subdomain
	// is what precedes it in a {subdomain}.{service} form ("" if none).
	Service, Subdomain string
	// Action is the action of an action/ URI ("" for path/ URIs), with
	// its &name=value parameters in order.
	Action string
	Params []Param
	// Path is what follows path/ in a path/ URI (may be "" or "/").
	Path string
}

// Param is one name=value pair of an action URI; Value may hold {name}
// placeholders.
type Param struct{ Name, Value string }

// regionRe is a region name, compiled on first use, like every pattern of this package (docs/architecture.md#memory).
var regionRe = sync.OnceValue(func() *regexp.Regexp { return regexp.MustCompile(`^[a-z]{2}(-[a-z]+)+-\d$`) })

// ParseURI parses arn:{partition}:apigateway:{region}:{service}:action/...
// or :path/...; the region may be an unresolved ${AWS::Region}.
func ParseURI(uri string) (Target, error) {
	var t Target
	_, rest, ok := strings.Cut(uri, ":apigateway:")
	if !ok || !strings.HasPrefix(uri, "arn:") {
		return t, fmt.Errorf("%q is not an arn:aws:apigateway:{region}:{service}:action|path/... URI", uri)
	}
	ia, ip := strings.Index(rest, ":action/"), strings.Index(rest, ":path/")
	var head, tail string
	switch {
	case ia >= 0 && (ip < 0 || ia < ip):
		head, tail = rest[:ia], rest[ia+len(":action/"):]
		name, params, _ := strings.Cut(tail, "&")
		t.Action = name
		if t.Action == "" {
			return t, fmt.Errorf("%q names no action after action/", uri)
		}
		for _, p := range strings.Split(params, "&") {
			if p == "" {
				continue
			}
			k, v, _ := strings.Cut(p, "=")
			if uk, err := url.QueryUnescape(k); err == nil {
				k = uk
			}
			if uv, err := url.QueryUnescape(v); err == nil {
				v = uv
			}
			t.Params = append(t.Params, Param{Name: k, Value: v})
		}
	case ip >= 0:
		head, tail = rest[:ip], rest[ip+len(":path/"):]
		t.Path = tail
	default:
		return t, fmt.Errorf("AWS ARN for integration must contain path or action: %q", uri)
	}
	i := strings.LastIndexByte(head, ':')
	if i < 0 {
		return t, fmt.Errorf("%q has no service name", uri)
	}
	t.Region, t.Service = head[:i], head[i+1:]
	if j := strings.LastIndexByte(t.Service, '.'); j >= 0 {
		t.Subdomain, t.Service = t.Service[:j], t.Service[j+1:]
	}
	if t.Service == "" {
		return t, fmt.Errorf("%q has no service name", uri)
	}
	return t, nil
}

// IsService reports whether uri is an AWS service integration other than
// a Lambda function invocation.
func IsService(uri string) bool {
	t, err := ParseURI(uri)
	return err == nil && t.Service != "lambda"
}

// protocol is how a service's action requests are encoded (from the
// services' botocore models: metadata protocol, jsonVersion, targetPrefix).
type protocol struct {
	jsonVersion  string // "" for the query protocol
	targetPrefix string
}

// services lists the JSON-protocol services by their ARN name; every other
// service's action/ URIs use the query protocol (Action=... form
// parameters), as SQS, SNS, STS, IAM and other classic services do. SQS
// speaks both; API Gateway's action integrations use its query protocol.
var services = map[string]protocol{
	"dynamodb":                {"1.0", "DynamoDB_20120810"},
	"streams.dynamodb":        {"1.0", "DynamoDBStreams_20120810"},
	"kinesis":                 {"1.1", "Kinesis_20131202"},
	"firehose":                {"1.1", "Firehose_20150804"},
	"states":                  {"1.0", "AWSStepFunctions"},
	"events":                  {"1.1", "AWSEvents"},
	"logs":                    {"1.1", "Logs_20140328"},
	"ssm":                     {"1.1", "AmazonSSM"},
	"secretsmanager":          {"1.1", "secretsmanager"},
	"kms":                     {"1.1", "TrentService"},
	"cognito-idp":             {"1.1", "AWSCognitoIdentityProviderService"},
	"athena":                  {"1.1", "AmazonAthena"},
	"glue":                    {"1.1", "AWSGlue"},
	"ecs":                     {"1.1", "AmazonEC2ContainerServiceV20141113"},
	"comprehend":              {"1.1", "Comprehend_20171127"},
	"translate":               {"1.1", "AWSShineFrontendService_20170701"},
	"rekognition":             {"1.1", "RekognitionService"},
	"textract":                {"1.1", "Textract"},
	"codebuild":               {"1.1", "CodeBuild_20161006"},
	"codepipeline":            {"1.1", "CodePipeline_20150709"},
	"redshift-data":           {"1.1", "RedshiftData"},
	"application-autoscaling": {"1.1", "AnyScaleFrontendService"},
}

// protocolOf returns the service's action protocol, looking up
// {subdomain}.{service} first.
func (t Target) protocolOf() protocol {
	if t.Subdomain != "" {
		if p, ok := services[t.Subdomain+"."+t.Service]; ok {
			return p
		}
	}
	return services[t.Service]
}

// signingName is the SigV4 service name: the ARN's service name, except
// where the service signs under another name.
func (t Target) signingName() string {
	switch t.Service {
	case "sagemaker": // runtime.sagemaker
		return "sagemaker"
	case "iot": // data-ats.iot, data.iot
		if strings.HasPrefix(t.Subdomain, "data") {
			return "iotdata"
		}
	}
	return t.Service
}
