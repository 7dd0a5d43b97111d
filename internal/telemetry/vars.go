package telemetry

import (
	"strconv"
	"strings"
	"time"
)

// VarID names one $context variable an access-log format may reference. The
// gateway switches on it in its Vars implementation, so rendering never looks
// a name up by string. The zero value is invalid.
type VarID uint8

// Vars supplies variable values while a compiled access log renders one line.
//
// AppendVar appends the value of the variable to dst and returns the extended
// slice. key is empty except for the parameterised variables (VarAuthorizer,
// VarAuthorizerClaim and the override variables), where it holds the name
// after the fixed prefix. Appending nothing means "no value": the renderer
// then writes "-", as AWS does. Implementations must not retain dst.
type Vars interface {
	AppendVar(dst []byte, id VarID, key string) []byte
}

// The $context variables of REST access logs, named after AWS (see
// https://docs.aws.amazon.com/apigateway/latest/developerguide/api-gateway-variables-for-access-logging.html).
// Each constant's name string, as written after "$context.", is its String.
const (
	VarAccountID VarID = iota + 1
	VarAPIID
	VarAuthenticateError
	VarAuthenticateLatency
	VarAuthenticateStatus
	VarAuthorizeError
	VarAuthorizeLatency
	VarAuthorizeStatus
	VarAuthorizerError
	VarAuthorizerIntegrationLatency
	VarAuthorizerIntegrationStatus
	VarAuthorizerLatency
	VarAuthorizerPrincipalID
	VarAuthorizerRequestID
	VarAuthorizerStatus
	VarAWSEndpointRequestID
	VarCustomDomainBasePathMatched
	VarDeploymentID
	VarDomainName
	VarDomainPrefix
	VarEndpointType
	VarErrorMessage
	VarErrorMessageString
	VarErrorResponseType
	VarErrorValidationErrorString
	VarExtendedRequestID
	VarHTTPMethod
	VarIdentityAccessKey
	VarIdentityAccountID
	VarIdentityAPIKey
	VarIdentityAPIKeyID
	VarIdentityCaller
	VarIdentityClientCertPem
	VarIdentityClientCertIssuerDN
	VarIdentityClientCertSerialNumber
	VarIdentityClientCertSubjectDN
	VarIdentityClientCertNotAfter
	VarIdentityClientCertNotBefore
	VarIdentityCognitoAuthenticationProvider
	VarIdentityCognitoAuthenticationType
	VarIdentityCognitoIdentityID
	VarIdentityCognitoIdentityPoolID
	VarIdentityPrincipalOrgID
	VarIdentitySourceIP
	VarIdentityUser
	VarIdentityUserAgent
	VarIdentityUserArn
	VarIdentityVpcID
	VarIdentityVpceID
	VarIntegrationError
	VarIntegrationIntegrationStatus
	VarIntegrationLatencyDetail // integration.latency (not integrationLatency)
	VarIntegrationRequestID
	VarIntegrationStatusDetail // integration.status (not integrationStatus)
	VarIntegrationErrorMessage
	VarIntegrationLatency
	VarIntegrationStatus
	VarIsCanaryRequest
	VarPath
	VarProtocol
	VarRequestID
	VarRequestTime
	VarRequestTimeEpoch
	VarResourceID
	VarResourcePath
	VarResponseLatency
	VarResponseLength
	VarResponseOverrideStatus
	VarStage
	VarStatus
	VarWAFError
	VarWAFLatency
	VarWAFStatus
	VarWAFResponseCode
	VarWebACLArn
	VarXRayTraceID

	// The parameterised variables: the key is the part after the prefix.

	// VarAuthorizer is $context.authorizer.<key>: a value of the Lambda
	// authorizer's context (any authorizer.* name that is not one of the
	// fixed authorizer variables above).
	VarAuthorizer
	// VarAuthorizerClaim is $context.authorizer.claims.<key> (Cognito).
	VarAuthorizerClaim
	// VarRequestOverrideHeader is $context.requestOverride.header.<key>.
	VarRequestOverrideHeader
	// VarRequestOverridePath is $context.requestOverride.path.<key>.
	VarRequestOverridePath
	// VarRequestOverrideQuery is $context.requestOverride.querystring.<key>.
	VarRequestOverrideQuery
	// VarResponseOverrideHeader is $context.responseOverride.header.<key>.
	VarResponseOverrideHeader

	// NumVars is one more than the largest VarID, for tables indexed by id.
	NumVars
)

// String returns the variable's name after "$context.", e.g.
// "identity.sourceIp". Parameterised variables return their prefix with a
// trailing dot ("authorizer.claims."). Invalid ids return "".
func (id VarID) String() string {
	if n := id.fixedName(); n != "" {
		return n
	}
	return id.prefix()
}

// fixedName is the name of a non-parameterised variable.
func (id VarID) fixedName() string {
	switch id {
	case VarAccountID:
		return "accountId"
	case VarAPIID:
		return "apiId"
	case VarAuthenticateError:
		return "authenticate.error"
	case VarAuthenticateLatency:
		return "authenticate.latency"
	case VarAuthenticateStatus:
		return "authenticate.status"
	case VarAuthorizeError:
		return "authorize.error"
	case VarAuthorizeLatency:
		return "authorize.latency"
	case VarAuthorizeStatus:
		return "authorize.status"
	case VarAuthorizerError:
		return "authorizer.error"
	case VarAuthorizerIntegrationLatency:
		return "authorizer.integrationLatency"
	case VarAuthorizerIntegrationStatus:
		return "authorizer.integrationStatus"
	case VarAuthorizerLatency:
		return "authorizer.latency"
	case VarAuthorizerPrincipalID:
		return "authorizer.principalId"
	case VarAuthorizerRequestID:
		return "authorizer.requestId"
	case VarAuthorizerStatus:
		return "authorizer.status"
	case VarAWSEndpointRequestID:
		return "awsEndpointRequestId"
	case VarCustomDomainBasePathMatched:
		return "customDomain.basePathMatched"
	case VarDeploymentID:
		return "deploymentId"
	case VarDomainName:
		return "domainName"
	case VarDomainPrefix:
		return "domainPrefix"
	case VarEndpointType:
		return "endpointType"
	case VarErrorMessage:
		return "error.message"
	case VarErrorMessageString:
		return "error.messageString"
	case VarErrorResponseType:
		return "error.responseType"
	case VarErrorValidationErrorString:
		return "error.validationErrorString"
	case VarExtendedRequestID:
		return "extendedRequestId"
	case VarHTTPMethod:
		return "httpMethod"
	}
	return id.identityName()
}

// identityName covers the $context.identity.* names.
func (id VarID) identityName() string {
	switch id {
	case VarIdentityAccessKey:
		return "identity.accessKey"
	case VarIdentityAccountID:
		return "identity.accountId"
	case VarIdentityAPIKey:
		return "identity.apiKey"
	case VarIdentityAPIKeyID:
		return "identity.apiKeyId"
	case VarIdentityCaller:
		return "identity.caller"
	case VarIdentityClientCertPem:
		return "identity.clientCert.clientCertPem"
	case VarIdentityClientCertIssuerDN:
		return "identity.clientCert.issuerDN"
	case VarIdentityClientCertSerialNumber:
		return "identity.clientCert.serialNumber"
	case VarIdentityClientCertSubjectDN:
		return "identity.clientCert.subjectDN"
	case VarIdentityClientCertNotAfter:
		return "identity.clientCert.validity.notAfter"
	case VarIdentityClientCertNotBefore:
		return "identity.clientCert.validity.notBefore"
	case VarIdentityCognitoAuthenticationProvider:
		return "identity.cognitoAuthenticationProvider"
	case VarIdentityCognitoAuthenticationType:
		return "identity.cognitoAuthenticationType"
	case VarIdentityCognitoIdentityID:
		return "identity.cognitoIdentityId"
	case VarIdentityCognitoIdentityPoolID:
		return "identity.cognitoIdentityPoolId"
	case VarIdentityPrincipalOrgID:
		return "identity.principalOrgId"
	case VarIdentitySourceIP:
		return "identity.sourceIp"
	case VarIdentityUser:
		return "identity.user"
	case VarIdentityUserAgent:
		return "identity.userAgent"
	case VarIdentityUserArn:
		return "identity.userArn"
	case VarIdentityVpcID:
		return "identity.vpcId"
	case VarIdentityVpceID:
		return "identity.vpceId"
	}
	return id.restName()
}

// restName covers the names from "integration." on.
func (id VarID) restName() string {
	switch id {
	case VarIntegrationError:
		return "integration.error"
	case VarIntegrationIntegrationStatus:
		return "integration.integrationStatus"
	case VarIntegrationLatencyDetail:
		return "integration.latency"
	case VarIntegrationRequestID:
		return "integration.requestId"
	case VarIntegrationStatusDetail:
		return "integration.status"
	case VarIntegrationErrorMessage:
		return "integrationErrorMessage"
	case VarIntegrationLatency:
		return "integrationLatency"
	case VarIntegrationStatus:
		return "integrationStatus"
	case VarIsCanaryRequest:
		return "isCanaryRequest"
	case VarPath:
		return "path"
	case VarProtocol:
		return "protocol"
	case VarRequestID:
		return "requestId"
	case VarRequestTime:
		return "requestTime"
	case VarRequestTimeEpoch:
		return "requestTimeEpoch"
	case VarResourceID:
		return "resourceId"
	case VarResourcePath:
		return "resourcePath"
	case VarResponseLatency:
		return "responseLatency"
	case VarResponseLength:
		return "responseLength"
	case VarResponseOverrideStatus:
		return "responseOverride.status"
	case VarStage:
		return "stage"
	case VarStatus:
		return "status"
	case VarWAFError:
		return "waf.error"
	case VarWAFLatency:
		return "waf.latency"
	case VarWAFStatus:
		return "waf.status"
	case VarWAFResponseCode:
		return "wafResponseCode"
	case VarWebACLArn:
		return "webaclArn"
	case VarXRayTraceID:
		return "xrayTraceId"
	}
	return ""
}

// prefix is the fixed part of a parameterised variable's name.
func (id VarID) prefix() string {
	switch id {
	case VarAuthorizer:
		return "authorizer."
	case VarAuthorizerClaim:
		return "authorizer.claims."
	case VarRequestOverrideHeader:
		return "requestOverride.header."
	case VarRequestOverridePath:
		return "requestOverride.path."
	case VarRequestOverrideQuery:
		return "requestOverride.querystring."
	case VarResponseOverrideHeader:
		return "responseOverride.header."
	}
	return ""
}

// LookupVar resolves a variable name as written after "$context."
// (case-sensitive, as AWS's names are) to its id and, for parameterised
// variables, the key. ok is false for names AWS does not define.
func LookupVar(name string) (id VarID, key string, ok bool) {
	for id := VarID(1); id < VarAuthorizer; id++ {
		if id.fixedName() == name {
			return id, "", true
		}
	}
	// The longest prefix wins: authorizer.claims. before authorizer.
	best := VarID(0)
	for id := VarAuthorizer; id < NumVars; id++ {
		p := id.prefix()
		if strings.HasPrefix(name, p) && len(name) > len(p) && (best == 0 || len(p) > len(best.prefix())) {
			best = id
		}
	}
	if best == 0 {
		return 0, "", false
	}
	return best, name[len(best.prefix()):], true
}

// AppendRequestTime appends t as $context.requestTime renders it: the CLF
// time "02/Jan/2006:15:04:05 +0000", in UTC.
// It is a hand-rolled time.AppendFormat for this one layout, which is about
// half of a CLF line's rendering cost otherwise.
func AppendRequestTime(dst []byte, t time.Time) []byte {
	t = t.UTC()
	year, month, day := t.Date()
	hour, minute, sec := t.Clock()
	if year < 0 || year > 9999 {
		return t.AppendFormat(dst, "02/Jan/2006:15:04:05 -0700")
	}
	const months = "JanFebMarAprMayJunJulAugSepOctNovDec"
	m := 3 * (int(month) - 1)
	dst = append(dst, byte('0'+day/10), byte('0'+day%10), '/', months[m], months[m+1], months[m+2], '/',
		byte('0'+year/1000), byte('0'+year/100%10), byte('0'+year/10%10), byte('0'+year%10), ':',
		byte('0'+hour/10), byte('0'+hour%10), ':', byte('0'+minute/10), byte('0'+minute%10), ':',
		byte('0'+sec/10), byte('0'+sec%10))
	return append(dst, " +0000"...)
}

// AppendEpochMillis appends t as $context.requestTimeEpoch renders it:
// milliseconds since the Unix epoch.
func AppendEpochMillis(dst []byte, t time.Time) []byte {
	return strconv.AppendInt(dst, t.UnixMilli(), 10)
}

// AppendMillis appends d in whole milliseconds, the unit of the latency
// variables.
func AppendMillis(dst []byte, d time.Duration) []byte {
	return strconv.AppendInt(dst, d.Milliseconds(), 10)
}
