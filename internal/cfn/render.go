package cfn

import "strings"

// ResourceRef stands for a value only AWS knows: Ref to a resource
// (Attribute "") or Fn::GetAtt of one of its attributes. It is kept as is
// in resolved values; inside strings (Fn::Sub, Fn::Join) it is rendered by
// Stack.Render, and Stack.RefOf maps a rendering back to it.
type ResourceRef struct {
	Name      string // the logical id
	Attribute string // "" for Ref
}

func (r ResourceRef) String() string {
	if r.Attribute == "" {
		return "Ref " + r.Name
	}
	return r.Name + "." + r.Attribute
}

// rendering is how a resource type's Ref and attributes read as text.
// The placeholders are {id} (logical id), {region}, {account},
// {partition} and {suffix} (AWS::URLSuffix).
type rendering struct {
	ref   string
	attrs map[string]string
}

// renderings are the documented local values per resource type; see the
// package documentation.
var renderings = map[string]rendering{
	"AWS::Lambda::Function": {ref: "{id}", attrs: map[string]string{
		"Arn": "arn:{partition}:lambda:{region}:{account}:function:{id}"}},
	"AWS::Serverless::Function": {ref: "{id}", attrs: map[string]string{
		"Arn": "arn:{partition}:lambda:{region}:{account}:function:{id}"}},
	"AWS::Lambda::Alias": {ref: "arn:{partition}:lambda:{region}:{account}:function:{id}"},
	"AWS::Lambda::Version": {ref: "arn:{partition}:lambda:{region}:{account}:function:{id}", attrs: map[string]string{
		"Version": "1"}},
	"AWS::ApiGateway::RestApi": {ref: "{id}", attrs: map[string]string{
		"RootResourceId": "{id}-root"}},
	"AWS::Serverless::Api": {ref: "{id}", attrs: map[string]string{
		"RootResourceId": "{id}-root"}},
	"AWS::ApiGatewayV2::Api": {ref: "{id}", attrs: map[string]string{
		"ApiEndpoint": "https://{id}.execute-api.{region}.{suffix}", "ApiId": "{id}"}},
	"AWS::Serverless::HttpApi": {ref: "{id}", attrs: map[string]string{
		"ApiEndpoint": "https://{id}.execute-api.{region}.{suffix}", "ApiId": "{id}"}},
	"AWS::ApiGateway::Authorizer": {ref: "{id}", attrs: map[string]string{"AuthorizerId": "{id}"}},
	"AWS::ApiGateway::Stage":      {ref: "{id}"},
	"AWS::ApiGateway::Deployment": {ref: "{id}", attrs: map[string]string{"DeploymentId": "{id}"}},
	"AWS::ApiGateway::ApiKey":     {ref: "{id}", attrs: map[string]string{"APIKeyId": "{id}"}},
	"AWS::ApiGateway::UsagePlan":  {ref: "{id}", attrs: map[string]string{"Id": "{id}"}},
	"AWS::IAM::Role": {ref: "{id}", attrs: map[string]string{
		"Arn": "arn:{partition}:iam::{account}:role/{id}", "RoleId": "{id}"}},
	"AWS::DynamoDB::Table": {ref: "{id}", attrs: map[string]string{
		"Arn": "arn:{partition}:dynamodb:{region}:{account}:table/{id}"}},
	"AWS::Serverless::SimpleTable": {ref: "{id}", attrs: map[string]string{
		"Arn": "arn:{partition}:dynamodb:{region}:{account}:table/{id}"}},
	"AWS::SQS::Queue": {ref: "https://sqs.{region}.{suffix}/{account}/{id}", attrs: map[string]string{
		"Arn": "arn:{partition}:sqs:{region}:{account}:{id}", "QueueName": "{id}",
		"QueueUrl": "https://sqs.{region}.{suffix}/{account}/{id}"}},
	"AWS::SNS::Topic": {ref: "arn:{partition}:sns:{region}:{account}:{id}", attrs: map[string]string{
		"TopicArn": "arn:{partition}:sns:{region}:{account}:{id}", "TopicName": "{id}"}},
	"AWS::S3::Bucket": {ref: "{id}", attrs: map[string]string{
		"Arn": "arn:{partition}:s3:::{id}", "DomainName": "{id}.s3.{suffix}"}},
	"AWS::Cognito::UserPool": {ref: "{region}_{id}", attrs: map[string]string{
		"Arn":          "arn:{partition}:cognito-idp:{region}:{account}:userpool/{region}_{id}",
		"ProviderName": "cognito-idp.{region}.{suffix}/{region}_{id}", "UserPoolId": "{region}_{id}"}},
	"AWS::Cognito::UserPoolClient": {ref: "{id}", attrs: map[string]string{"ClientId": "{id}"}},
	"AWS::Serverless::StateMachine": {ref: "arn:{partition}:states:{region}:{account}:stateMachine:{id}", attrs: map[string]string{
		"Arn": "arn:{partition}:states:{region}:{account}:stateMachine:{id}", "Name": "{id}"}},
	"AWS::StepFunctions::StateMachine": {ref: "arn:{partition}:states:{region}:{account}:stateMachine:{id}", attrs: map[string]string{
		"Arn": "arn:{partition}:states:{region}:{account}:stateMachine:{id}", "Name": "{id}"}},
	"AWS::Logs::LogGroup": {ref: "{id}", attrs: map[string]string{
		"Arn": "arn:{partition}:logs:{region}:{account}:log-group:{id}:*"}},
}

// genericAttr is the rendering of an attribute no rule names: a value
// that reads as what it is.
const genericAttr = "{id}.{attr}"

func (s *Stack) expand(tmpl, id, attr string) string {
	return strings.NewReplacer("{id}", id, "{attr}", attr, "{region}", s.Region, "{account}", s.AccountID,
		"{partition}", s.Partition, "{suffix}", s.URLSuffix).Replace(tmpl)
}

// Render returns the text that ref stands for inside strings: the rule for
// the resource's type and attribute (see the package documentation), or
// "{LogicalId}" for a Ref and "{LogicalId}.{Attribute}" for an attribute
// no rule names.
func (s *Stack) Render(ref ResourceRef) string {
	rule := renderings[s.ResourceType(ref.Name)]
	if ref.Attribute == "" {
		if rule.ref != "" {
			return s.expand(rule.ref, ref.Name, "")
		}
		return ref.Name
	}
	if t, ok := rule.attrs[ref.Attribute]; ok {
		return s.expand(t, ref.Name, ref.Attribute)
	}
	return s.expand(genericAttr, ref.Name, ref.Attribute)
}

// RefOf returns the reference whose rendering is exactly text, among the
// references the template used (a Ref is preferred to an attribute with
// the same rendering). It lets a caller read a value taken out of a
// string, such as the function ARN inside an API Gateway integration URI,
// as the resource it names.
func (s *Stack) RefOf(text string) (ResourceRef, bool) {
	r, ok := s.rendered[text]
	return r, ok
}

// RefsAt returns the references met at pointer or below it, whether kept
// as a ResourceRef or rendered into a string, in the order they were met
// (properties in key order).
func (s *Stack) RefsAt(pointer string) []ResourceRef {
	var out []ResourceRef
	pointer = s.sourcePointer(pointer)
	for _, u := range s.uses {
		if u.pointer == pointer || strings.HasPrefix(u.pointer, pointer+"/") {
			out = append(out, u.ref)
		}
	}
	return out
}

// ResourceType returns the type of a resource of the resolved stack, of
// one SAM creates implicitly (see Stack.Implicit), or "".
func (s *Stack) ResourceType(name string) string {
	if r, ok := s.Resources[name]; ok {
		return r.Type
	}
	return s.Implicit[name]
}
