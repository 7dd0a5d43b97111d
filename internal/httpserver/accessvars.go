package httpserver

import (
	"strconv"
	"time"

	"github.com/portico-gw/portico/internal/telemetry"
)

// accessVars resolves access-log $context variables for one exchange. It
// appends straight into the line's buffer; a variable with no value appends
// nothing, which the format renders as "-".
type accessVars struct {
	x       *exchange
	latency time.Duration
}

var _ telemetry.Vars = (*accessVars)(nil)

// AppendVar implements telemetry.Vars.
func (v *accessVars) AppendVar(dst []byte, id telemetry.VarID, key string) []byte {
	c := v.x.c
	switch id {
	case telemetry.VarAccountID:
		return append(dst, c.AccountID...)
	case telemetry.VarAPIID:
		return append(dst, c.APIID...)
	case telemetry.VarDeploymentID:
		return append(dst, c.DeploymentID...)
	case telemetry.VarDomainName:
		return append(dst, c.DomainName...)
	case telemetry.VarDomainPrefix:
		return append(dst, c.DomainPrefix...)
	case telemetry.VarExtendedRequestID:
		return append(dst, c.ExtendedRequestID...)
	case telemetry.VarHTTPMethod:
		return append(dst, c.HTTPMethod...)
	case telemetry.VarPath:
		return append(dst, c.StagePath...)
	case telemetry.VarProtocol:
		return append(dst, c.Protocol...)
	case telemetry.VarRequestID:
		return append(dst, c.RequestID...)
	case telemetry.VarRequestTime:
		return telemetry.AppendRequestTime(dst, c.Start)
	case telemetry.VarRequestTimeEpoch:
		return telemetry.AppendEpochMillis(dst, c.Start)
	case telemetry.VarResourceID:
		return append(dst, c.ResourceID...)
	case telemetry.VarResourcePath:
		return append(dst, c.ResourcePath...)
	case telemetry.VarStage:
		return append(dst, c.Stage...)
	case telemetry.VarStatus:
		return strconv.AppendInt(dst, int64(v.x.status), 10)
	case telemetry.VarResponseLength:
		return strconv.AppendInt(dst, v.x.length, 10)
	case telemetry.VarResponseLatency:
		return telemetry.AppendMillis(dst, v.latency)
	case telemetry.VarIntegrationLatency, telemetry.VarIntegrationLatencyDetail:
		if c.IntegrationStatus == 0 && c.IntegrationLatency == 0 {
			return dst
		}
		return telemetry.AppendMillis(dst, c.IntegrationLatency)
	case telemetry.VarIntegrationStatus, telemetry.VarIntegrationStatusDetail, telemetry.VarIntegrationIntegrationStatus:
		if c.IntegrationStatus == 0 {
			return dst
		}
		return strconv.AppendInt(dst, int64(c.IntegrationStatus), 10)
	case telemetry.VarIsCanaryRequest:
		return append(dst, "false"...)
	}
	return v.appendMore(dst, id, key)
}

// appendMore covers identity, authorizer and error variables.
func (v *accessVars) appendMore(dst []byte, id telemetry.VarID, key string) []byte {
	c := v.x.c
	switch id {
	case telemetry.VarIdentitySourceIP:
		return append(dst, c.SourceIP...)
	case telemetry.VarIdentityUserAgent:
		return append(dst, c.Header.Get("User-Agent")...)
	case telemetry.VarIdentityAPIKeyID:
		return append(dst, c.Identity.APIKeyID...)
	case telemetry.VarIdentityAPIKey:
		return append(dst, maskKey(c.Identity.APIKey)...)
	case telemetry.VarIdentityCaller:
		return append(dst, c.Identity.Caller...)
	case telemetry.VarIdentityUser:
		return append(dst, c.Identity.User...)
	case telemetry.VarIdentityUserArn:
		return append(dst, c.Identity.UserArn...)
	case telemetry.VarIdentityAccountID:
		return append(dst, c.Identity.AccountID...)
	case telemetry.VarIdentityAccessKey:
		return append(dst, c.Identity.AccessKey...)
	case telemetry.VarAuthorizerPrincipalID:
		if p, ok := c.Authorizer["principalId"].(string); ok {
			return append(dst, p...)
		}
	case telemetry.VarAuthorizer:
		if val, ok := c.ContextValue("authorizer." + key); ok {
			return append(dst, val...)
		}
	case telemetry.VarAuthorizerClaim:
		if val, ok := c.ContextValue("authorizer.claims." + key); ok {
			return append(dst, val...)
		}
	case telemetry.VarErrorMessage:
		if f := v.x.fault; f != nil {
			return append(dst, f.MessageText()...)
		}
	case telemetry.VarErrorMessageString:
		if f := v.x.fault; f != nil {
			return append(append(append(dst, '"'), f.MessageText()...), '"')
		}
	case telemetry.VarErrorResponseType:
		if f := v.x.fault; f != nil {
			return append(dst, f.Type...)
		}
	case telemetry.VarErrorValidationErrorString:
		if f := v.x.fault; f != nil {
			return append(dst, f.Vars["validationErrorString"]...)
		}
	}
	return dst
}

// maskKey never writes an API key in clear: the last four characters only.
func maskKey(k string) string {
	if k == "" {
		return ""
	}
	if len(k) <= 4 {
		return "****"
	}
	return "****" + k[len(k)-4:]
}
