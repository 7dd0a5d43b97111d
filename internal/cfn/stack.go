package cfn

import (
	"fmt"
	"strings"

	"github.com/portico-gw/portico/internal/source"
)

// Options are the values a local run gives the pseudo parameters, and the
// parameter overrides.
type Options struct {
	Region    string // AWS::Region; default us-east-1
	AccountID string // AWS::AccountId; default 123456789012
	// Partition (AWS::Partition) and URLSuffix (AWS::URLSuffix) default
	// from the region: aws-cn and amazonaws.com.cn for cn-*, aws-us-gov
	// for us-gov-*, otherwise aws and amazonaws.com.
	Partition string
	URLSuffix string
	StackName string // AWS::StackName; default "portico"
	// StackID (AWS::StackId) defaults to
	// arn:{partition}:cloudformation:{region}:{account}:stack/{StackName}/00000000-0000-0000-0000-000000000000.
	StackID string
	// NotificationARNs is AWS::NotificationARNs; default an empty list.
	NotificationARNs []string
	// Overrides set parameter values (see ParseParameterOverrides); a key
	// the template does not declare is an error.
	Overrides []Override
}

// DefaultRegion and DefaultAccountID are the pseudo parameter values when
// Options leaves them empty.
const (
	DefaultRegion    = "us-east-1"
	DefaultAccountID = "123456789012"
	DefaultStackName = "portico"
)

func (o *Options) fill() {
	if o.Region == "" {
		o.Region = DefaultRegion
	}
	if o.AccountID == "" {
		o.AccountID = DefaultAccountID
	}
	if o.Partition == "" {
		switch {
		case strings.HasPrefix(o.Region, "cn-"):
			o.Partition = "aws-cn"
		case strings.HasPrefix(o.Region, "us-gov-"):
			o.Partition = "aws-us-gov"
		default:
			o.Partition = "aws"
		}
	}
	if o.URLSuffix == "" {
		o.URLSuffix = "amazonaws.com"
		if o.Partition == "aws-cn" {
			o.URLSuffix = "amazonaws.com.cn"
		}
	}
	if o.StackName == "" {
		o.StackName = DefaultStackName
	}
	if o.StackID == "" {
		o.StackID = fmt.Sprintf("arn:%s:cloudformation:%s:%s:stack/%s/00000000-0000-0000-0000-000000000000",
			o.Partition, o.Region, o.AccountID, o.StackName)
	}
}

// Stack is a resolved template: parameters applied, conditions evaluated,
// resources and outputs whose condition is false removed, and every
// intrinsic function replaced by its value. Values are plain Go values:
// map[string]any, []any, string, float64, bool, nil, and ResourceRef for
// what only AWS knows. Pointers into the values are those of the template
// (an intrinsic function's value sits where the function was written).
type Stack struct {
	File        string
	Transform   []string
	Description string

	// The pseudo parameter values used.
	Region, AccountID, Partition, URLSuffix, StackName, StackID string
	NotificationARNs                                            []string

	Parameters map[string]ParameterValue
	Conditions map[string]bool
	// Mappings are as written (CloudFormation allows no functions there).
	Mappings  map[string]any
	Resources map[string]*Resource
	// Implicit are the resources SAM creates that a template may refer to,
	// logical id to type: {Function}Role (AWS::IAM::Role) for a
	// serverless function without Role; ServerlessRestApi
	// (AWS::Serverless::Api) and ServerlessRestApiProdStage for Api events
	// without RestApiId; ServerlessHttpApi (AWS::Serverless::HttpApi) and
	// ServerlessHttpApiApiGatewayDefaultStage for HttpApi events without
	// ApiId; {Api}{StageName}Stage for a serverless API with a literal
	// StageName ({Api}Stage when it is a function), and
	// {HttpApi}ApiGatewayDefaultStage for a serverless HTTP API without one.
	Implicit map[string]string
	Outputs  map[string]*Output
	// Globals is SAM's Globals section, resolved.
	Globals map[string]any

	pos      map[string]Pos
	rendered map[string]ResourceRef
	uses     []refUse
	// redirect maps the pointer of a value that Fn::If or Fn::FindInMap
	// produced to the pointer of the value in the template.
	redirect map[string]string
}

// sourcePointer translates a pointer into the resolved values into the
// pointer of the template value it came from.
func (s *Stack) sourcePointer(pointer string) string {
	if len(s.redirect) == 0 || !strings.HasPrefix(pointer, "/") {
		return pointer
	}
	out := ""
	for _, token := range strings.Split(pointer[1:], "/") {
		out += "/" + token
		for range MaxDepth {
			to, ok := s.redirect[out]
			if !ok {
				break
			}
			out = to
		}
	}
	return out
}

type refUse struct {
	pointer string
	ref     ResourceRef
}

// Resource is one resource of a Stack.
type Resource struct {
	Name string // logical id
	Type string
	// Properties are resolved; nil when the resource has none.
	Properties map[string]any
	Condition  string
	DependsOn  []string
	// Metadata is as written, not resolved (SAM keeps build settings there).
	Metadata                            map[string]any
	DeletionPolicy, UpdateReplacePolicy string
	// Pointer is the resource's JSON Pointer, /Resources/{Name}.
	Pointer string
}

// Output is one output of a Stack.
type Output struct {
	Name        string
	Value       any
	Description string
	ExportName  any // nil without Export
	Condition   string
	Pointer     string
}

// Pos returns where the value at pointer (or its nearest located ancestor)
// starts: the template file or an AWS::Include snippet. A value chosen by
// Fn::If or taken from Mappings by Fn::FindInMap is located where it is
// written.
func (s *Stack) Pos(pointer string) Pos { return lookupPos(s.pos, s.File, s.sourcePointer(pointer)) }

// Errorf returns an error located at pointer, for later layers' problems.
func (s *Stack) Errorf(pointer, format string, args ...any) *source.Error {
	at := s.Pos(pointer)
	return &source.Error{File: at.File, Line: at.Line, Pointer: pointer, Message: fmt.Sprintf(format, args...)}
}

// ResourcePointer is the JSON Pointer of a property path of resource name:
// ResourcePointer("Fn", "Events", "Get") is /Resources/Fn/Properties/Events/Get.
func ResourcePointer(name string, path ...string) string {
	return source.Pointer(append([]string{"Resources", name, "Properties"}, path...)...)
}
