package lambdaevent

import (
	"encoding/json"
	"slices"
	"strconv"
	"unicode/utf8"
)

// appendProxyEvent appends the JSON encoding of ev to dst. It writes the
// same bytes as json.Marshal(ev) (field order, sorted map keys, HTML-safe
// string escaping) without reflection; the proxy event is built on every
// AWS_PROXY request.
func appendProxyEvent(dst []byte, ev *proxyEvent) ([]byte, error) {
	dst = append(dst, `{"resource":`...)
	dst = appendJSONString(dst, ev.Resource)
	dst = append(dst, `,"path":`...)
	dst = appendJSONString(dst, ev.Path)
	dst = append(dst, `,"httpMethod":`...)
	dst = appendJSONString(dst, ev.HTTPMethod)
	dst = append(dst, `,"headers":`...)
	dst = appendStringMap(dst, ev.Headers)
	dst = append(dst, `,"multiValueHeaders":`...)
	dst = appendListMap(dst, ev.MultiValueHeaders)
	dst = append(dst, `,"queryStringParameters":`...)
	dst = appendStringMap(dst, ev.QueryStringParameters)
	dst = append(dst, `,"multiValueQueryStringParameters":`...)
	dst = appendListMap(dst, ev.MultiValueQueryStringParameters)
	dst = append(dst, `,"pathParameters":`...)
	dst = appendStringMap(dst, ev.PathParameters)
	dst = append(dst, `,"stageVariables":`...)
	dst = appendStringMap(dst, ev.StageVariables)
	dst = append(dst, `,"requestContext":`...)
	dst, err := appendRequestContext(dst, &ev.RequestContext)
	if err != nil {
		return nil, err
	}
	dst = append(dst, `,"body":`...)
	dst = appendStringPtr(dst, ev.Body)
	dst = append(dst, `,"isBase64Encoded":`...)
	dst = strconv.AppendBool(dst, ev.IsBase64Encoded)
	return append(dst, '}'), nil
}

func appendRequestContext(dst []byte, rc *requestContext) ([]byte, error) {
	dst = append(dst, `{"accountId":`...)
	dst = appendJSONString(dst, rc.AccountID)
	dst = append(dst, `,"apiId":`...)
	dst = appendJSONString(dst, rc.APIID)
	if len(rc.Authorizer) > 0 {
		a, err := json.Marshal(rc.Authorizer)
		if err != nil {
			return nil, err
		}
		dst = append(dst, `,"authorizer":`...)
		dst = append(dst, a...)
	}
	dst = appendStringFields(dst,
		stringField{`,"deploymentId":`, rc.DeploymentID},
		stringField{`,"domainName":`, rc.DomainName},
		stringField{`,"domainPrefix":`, rc.DomainPrefix},
		stringField{`,"extendedRequestId":`, rc.ExtendedRequestID},
		stringField{`,"httpMethod":`, rc.HTTPMethod},
	)
	dst = append(dst, `,"identity":`...)
	dst = appendIdentity(dst, &rc.Identity)
	dst = appendStringFields(dst,
		stringField{`,"path":`, rc.Path},
		stringField{`,"protocol":`, rc.Protocol},
		stringField{`,"requestId":`, rc.RequestID},
		stringField{`,"requestTime":`, rc.RequestTime},
	)
	dst = append(dst, `,"requestTimeEpoch":`...)
	dst = strconv.AppendInt(dst, rc.RequestTimeEpoch, 10)
	dst = appendStringFields(dst,
		stringField{`,"resourceId":`, rc.ResourceID},
		stringField{`,"resourcePath":`, rc.ResourcePath},
		stringField{`,"stage":`, rc.Stage},
	)
	return append(dst, '}'), nil
}

func appendIdentity(dst []byte, id *identity) []byte {
	dst = append(dst, `{"accessKey":`...)
	dst = appendStringPtr(dst, id.AccessKey)
	dst = append(dst, `,"accountId":`...)
	dst = appendStringPtr(dst, id.AccountID)
	if id.APIKey != nil {
		dst = append(dst, `,"apiKey":`...)
		dst = appendStringPtr(dst, id.APIKey)
	}
	if id.APIKeyID != nil {
		dst = append(dst, `,"apiKeyId":`...)
		dst = appendStringPtr(dst, id.APIKeyID)
	}
	dst = append(dst, `,"caller":`...)
	dst = appendStringPtr(dst, id.Caller)
	if id.ClientCert != nil {
		dst = appendClientCert(append(dst, `,"clientCert":`...), id.ClientCert)
	}
	for _, f := range [...]struct {
		name  string
		value *string
	}{
		{`,"cognitoAuthenticationProvider":`, id.CognitoAuthenticationProvider},
		{`,"cognitoAuthenticationType":`, id.CognitoAuthenticationType},
		{`,"cognitoIdentityId":`, id.CognitoIdentityID},
		{`,"cognitoIdentityPoolId":`, id.CognitoIdentityPoolID},
		{`,"principalOrgId":`, id.PrincipalOrgID},
	} {
		dst = append(dst, f.name...)
		dst = appendStringPtr(dst, f.value)
	}
	dst = append(dst, `,"sourceIp":`...)
	dst = appendJSONString(dst, id.SourceIP)
	dst = append(dst, `,"user":`...)
	dst = appendStringPtr(dst, id.User)
	dst = append(dst, `,"userAgent":`...)
	dst = appendStringPtr(dst, id.UserAgent)
	dst = append(dst, `,"userArn":`...)
	dst = appendStringPtr(dst, id.UserArn)
	return append(dst, '}')
}

func appendStringPtr(dst []byte, s *string) []byte {
	if s == nil {
		return append(dst, "null"...)
	}
	return appendJSONString(dst, *s)
}

// sortedMapKeys returns m's keys in the order encoding/json writes them.
func sortedMapKeys[V any](m map[string]V) []string {
	keys := make([]string, 0, len(m))
	for k := range m {
		keys = append(keys, k)
	}
	slices.Sort(keys)
	return keys
}

func appendStringMap(dst []byte, m map[string]string) []byte {
	if m == nil {
		return append(dst, "null"...)
	}
	dst = append(dst, '{')
	for i, k := range sortedMapKeys(m) {
		if i > 0 {
			dst = append(dst, ',')
		}
		dst = appendJSONString(dst, k)
		dst = append(dst, ':')
		dst = appendJSONString(dst, m[k])
	}
	return append(dst, '}')
}

func appendListMap(dst []byte, m map[string][]string) []byte {
	if m == nil {
		return append(dst, "null"...)
	}
	dst = append(dst, '{')
	for i, k := range sortedMapKeys(m) {
		if i > 0 {
			dst = append(dst, ',')
		}
		dst = appendJSONString(dst, k)
		dst = append(dst, ':')
		vs := m[k]
		if vs == nil {
			dst = append(dst, "null"...)
			continue
		}
		dst = append(dst, '[')
		for j, v := range vs {
			if j > 0 {
				dst = append(dst, ',')
			}
			dst = appendJSONString(dst, v)
		}
		dst = append(dst, ']')
	}
	return append(dst, '}')
}

const hexDigits = "0123456789abcdef"

// appendJSONString appends s as a JSON string the way encoding/json does
// with HTML escaping on: <, > and & as \u003c, \u003e, \u0026, control
// characters escaped, invalid UTF-8 as \ufffd, U+2028 and U+2029 escaped.
func appendJSONString(dst []byte, s string) []byte {
	dst = append(dst, '"')
	start := 0
	for i := 0; i < len(s); {
		if b := s[i]; b < utf8.RuneSelf {
			if b >= 0x20 && b != '"' && b != '\\' && b != '<' && b != '>' && b != '&' {
				i++
				continue
			}
			dst = append(dst, s[start:i]...)
			switch b {
			case '\\', '"':
				dst = append(dst, '\\', b)
			case '\b':
				dst = append(dst, '\\', 'b')
			case '\f':
				dst = append(dst, '\\', 'f')
			case '\n':
				dst = append(dst, '\\', 'n')
			case '\r':
				dst = append(dst, '\\', 'r')
			case '\t':
				dst = append(dst, '\\', 't')
			default:
				dst = append(dst, '\\', 'u', '0', '0', hexDigits[b>>4], hexDigits[b&0xF])
			}
			i++
			start = i
			continue
		}
		c, size := utf8.DecodeRuneInString(s[i:])
		if c == utf8.RuneError && size == 1 {
			dst = append(dst, s[start:i]...)
			dst = append(dst, `\ufffd`...)
			i += size
			start = i
			continue
		}
		if c == '\u2028' || c == '\u2029' {
			dst = append(dst, s[start:i]...)
			dst = append(dst, '\\', 'u', '2', '0', '2', hexDigits[c&0xF])
			i += size
			start = i
			continue
		}
		i += size
	}
	dst = append(dst, s[start:]...)
	return append(dst, '"')
}

// stringField is one `,"name":` prefix and its string value.
type stringField struct{ name, value string }

// appendStringFields appends each field's prefix and JSON-quoted value.
func appendStringFields(dst []byte, fs ...stringField) []byte {
	for _, f := range fs {
		dst = append(dst, f.name...)
		dst = appendJSONString(dst, f.value)
	}
	return dst
}
