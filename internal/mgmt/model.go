package mgmt

import (
	"encoding/json"
	"math"
	"strconv"
	"time"

	"github.com/portico-gw/portico/internal/apidef"
)

// Epoch is a timestamp as AWS's REST-JSON protocol writes it: seconds since
// the Unix epoch, as a JSON number.
type Epoch struct{ time.Time }

// MarshalJSON writes the seconds (with milliseconds when not whole).
func (e Epoch) MarshalJSON() ([]byte, error) {
	ms := e.UnixMilli()
	if ms%1000 == 0 {
		return []byte(strconv.FormatInt(ms/1000, 10)), nil
	}
	return []byte(strconv.FormatFloat(float64(ms)/1000, 'f', 3, 64)), nil
}

// UnmarshalJSON reads seconds, whole or fractional.
func (e *Epoch) UnmarshalJSON(b []byte) error {
	var f float64
	if err := json.Unmarshal(b, &f); err != nil {
		return err
	}
	sec, frac := math.Modf(f)
	e.Time = time.Unix(int64(sec), int64(math.Round(frac*1000))*int64(time.Millisecond)).UTC()
	return nil
}

// RestAPI is the RestApi shape of the apigateway service model.
type RestAPI struct {
	ID                        string                 `json:"id"`
	Name                      string                 `json:"name"`
	Description               string                 `json:"description,omitempty"`
	CreatedDate               Epoch                  `json:"createdDate"`
	Version                   string                 `json:"version,omitempty"`
	Warnings                  []string               `json:"warnings,omitempty"`
	BinaryMediaTypes          []string               `json:"binaryMediaTypes,omitempty"`
	MinimumCompressionSize    *int                   `json:"minimumCompressionSize,omitempty"`
	APIKeySource              string                 `json:"apiKeySource"`
	EndpointConfiguration     *EndpointConfiguration `json:"endpointConfiguration,omitempty"`
	Policy                    string                 `json:"policy,omitempty"`
	Tags                      map[string]string      `json:"tags,omitempty"`
	DisableExecuteAPIEndpoint bool                   `json:"disableExecuteApiEndpoint"`
	RootResourceID            string                 `json:"rootResourceId"`
}

// EndpointConfiguration is the API's endpoint types (recorded only: Portico
// serves every API on its own listener).
type EndpointConfiguration struct {
	Types          []string `json:"types,omitempty"`
	IPAddressType  string   `json:"ipAddressType,omitempty"`
	VPCEndpointIDs []string `json:"vpcEndpointIds,omitempty"`
}

// Resource is the Resource shape.
type Resource struct {
	ID       string             `json:"id"`
	ParentID string             `json:"parentId,omitempty"`
	PathPart string             `json:"pathPart,omitempty"`
	Path     string             `json:"path"`
	Methods  map[string]*Method `json:"resourceMethods,omitempty"`
}

// Method is the Method shape.
type Method struct {
	HTTPMethod          string                     `json:"httpMethod"`
	AuthorizationType   string                     `json:"authorizationType"`
	AuthorizerID        string                     `json:"authorizerId,omitempty"`
	APIKeyRequired      bool                       `json:"apiKeyRequired"`
	RequestValidatorID  string                     `json:"requestValidatorId,omitempty"`
	OperationName       string                     `json:"operationName,omitempty"`
	RequestParameters   map[string]bool            `json:"requestParameters,omitempty"`
	RequestModels       map[string]string          `json:"requestModels,omitempty"`
	MethodResponses     map[string]*MethodResponse `json:"methodResponses,omitempty"`
	Integration         *Integration               `json:"methodIntegration,omitempty"`
	AuthorizationScopes []string                   `json:"authorizationScopes,omitempty"`
}

// MethodResponse is the MethodResponse shape.
type MethodResponse struct {
	StatusCode         string            `json:"statusCode"`
	ResponseParameters map[string]bool   `json:"responseParameters,omitempty"`
	ResponseModels     map[string]string `json:"responseModels,omitempty"`
}

// Integration is the Integration shape.
type Integration struct {
	Type                 string                          `json:"type"`
	HTTPMethod           string                          `json:"httpMethod,omitempty"`
	URI                  string                          `json:"uri,omitempty"`
	ConnectionType       string                          `json:"connectionType,omitempty"`
	ConnectionID         string                          `json:"connectionId,omitempty"`
	Credentials          string                          `json:"credentials,omitempty"`
	RequestParameters    map[string]string               `json:"requestParameters,omitempty"`
	RequestTemplates     map[string]string               `json:"requestTemplates,omitempty"`
	PassthroughBehavior  string                          `json:"passthroughBehavior,omitempty"`
	ContentHandling      string                          `json:"contentHandling,omitempty"`
	TimeoutInMillis      int                             `json:"timeoutInMillis"`
	CacheNamespace       string                          `json:"cacheNamespace,omitempty"`
	CacheKeyParameters   []string                        `json:"cacheKeyParameters"`
	IntegrationResponses map[string]*IntegrationResponse `json:"integrationResponses,omitempty"`
	TLSConfig            *TLSConfig                      `json:"tlsConfig,omitempty"`
}

// TLSConfig is the integration's TlsConfig.
type TLSConfig struct {
	InsecureSkipVerification bool `json:"insecureSkipVerification"`
}

// IntegrationResponse is the IntegrationResponse shape.
type IntegrationResponse struct {
	StatusCode         string            `json:"statusCode"`
	SelectionPattern   string            `json:"selectionPattern,omitempty"`
	ResponseParameters map[string]string `json:"responseParameters,omitempty"`
	ResponseTemplates  map[string]string `json:"responseTemplates,omitempty"`
	ContentHandling    string            `json:"contentHandling,omitempty"`
}

// Deployment is the Deployment shape.
type Deployment struct {
	ID          string                               `json:"id"`
	Description string                               `json:"description,omitempty"`
	CreatedDate Epoch                                `json:"createdDate"`
	APISummary  map[string]map[string]MethodSnapshot `json:"apiSummary,omitempty"`
}

// MethodSnapshot is one method of a deployment's apiSummary.
type MethodSnapshot struct {
	AuthorizationType string `json:"authorizationType"`
	APIKeyRequired    bool   `json:"apiKeyRequired"`
}

// Stage is the Stage shape.
type Stage struct {
	DeploymentID         string                    `json:"deploymentId"`
	StageName            string                    `json:"stageName"`
	Description          string                    `json:"description,omitempty"`
	CacheClusterEnabled  bool                      `json:"cacheClusterEnabled"`
	CacheClusterSize     string                    `json:"cacheClusterSize,omitempty"`
	CacheClusterStatus   string                    `json:"cacheClusterStatus"`
	MethodSettings       map[string]*MethodSetting `json:"methodSettings"`
	Variables            map[string]string         `json:"variables,omitempty"`
	DocumentationVersion string                    `json:"documentationVersion,omitempty"`
	AccessLogSettings    *AccessLogSettings        `json:"accessLogSettings,omitempty"`
	TracingEnabled       bool                      `json:"tracingEnabled"`
	Tags                 map[string]string         `json:"tags,omitempty"`
	CreatedDate          Epoch                     `json:"createdDate"`
	LastUpdatedDate      Epoch                     `json:"lastUpdatedDate"`
}

// AccessLogSettings is the stage's access log: format is a $context
// format; destinationArn is recorded (lines go to the gateway's stdout).
type AccessLogSettings struct {
	Format         string `json:"format,omitempty"`
	DestinationARN string `json:"destinationArn,omitempty"`
}

// MethodSetting is the MethodSetting shape.
type MethodSetting struct {
	MetricsEnabled                         bool    `json:"metricsEnabled"`
	LoggingLevel                           string  `json:"loggingLevel"`
	DataTraceEnabled                       bool    `json:"dataTraceEnabled"`
	ThrottlingBurstLimit                   int     `json:"throttlingBurstLimit"`
	ThrottlingRateLimit                    float64 `json:"throttlingRateLimit"`
	CachingEnabled                         bool    `json:"cachingEnabled"`
	CacheTTLInSeconds                      int     `json:"cacheTtlInSeconds"`
	CacheDataEncrypted                     bool    `json:"cacheDataEncrypted"`
	RequireAuthorizationForCacheControl    bool    `json:"requireAuthorizationForCacheControl"`
	UnauthorizedCacheControlHeaderStrategy string  `json:"unauthorizedCacheControlHeaderStrategy"`
}

// Validator is a request validator kept from an imported definition.
type Validator struct {
	Name string `json:"name"`
	apidef.RequestValidator
}

// Extras are an API's models, authorizers, request validators and gateway
// responses, from an imported definition or their own operations.
// Deployments copy them, so they are served after create-deployment, and
// exports write them.
type Extras struct {
	Models           map[string]string                 `json:"models,omitempty"`
	Authorizers      map[string]apidef.Authorizer      `json:"authorizers,omitempty"`
	Validators       map[string]Validator              `json:"validators,omitempty"`
	DefaultValidator string                            `json:"defaultValidator,omitempty"`
	GatewayResponses map[string]apidef.GatewayResponse `json:"gatewayResponses,omitempty"`
	// AuthorizerInfo (by authorizer id) and ModelInfo (by model name) are
	// the shapes' fields the data plane does not use.
	AuthorizerInfo map[string]AuthorizerInfo `json:"authorizerInfo,omitempty"`
	ModelInfo      map[string]ModelInfo      `json:"modelInfo,omitempty"`
}

// content is what a deployment copies: the API's settings that take effect
// on deployment, its resources and its extras.
type content struct {
	API       RestAPI              `json:"api"`
	Resources map[string]*Resource `json:"resources"`
	Extras    Extras               `json:"extras"`
}

// deploymentRec is a deployment with its snapshot.
type deploymentRec struct {
	Deployment
	Snapshot *content `json:"snapshot"`
}

// document is everything stored for one REST API.
type document struct {
	content
	Deployments map[string]*deploymentRec `json:"deployments"`
	Stages      map[string]*Stage         `json:"stages"`
}

// clone deep-copies v through JSON (documents are small and copied only
// on writes and deployments). The documents hold only strings, booleans,
// maps and finite numbers (rates are checked finite when set), so encoding
// cannot fail.
func clone[T any](v T) T {
	b, err := json.Marshal(v)
	if err != nil {
		panic(err) // only plain data: cannot fail
	}
	var out T
	if err := json.Unmarshal(b, &out); err != nil {
		panic(err)
	}
	return out
}
