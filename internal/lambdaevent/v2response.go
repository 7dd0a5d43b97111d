package lambdaevent

import (
	"bytes"
	"encoding/json"
	"fmt"
	"net/http"
	"strings"
)

// ParseProxyResponseV2 applies an HTTP API's payload format 2.0 response
// rules (docs/aws-behaviour.md#http-api-lambda-response-payload-20,
// https://docs.aws.amazon.com/apigateway/latest/developerguide/http-api-develop-integrations-lambda.html):
//
//   - A JSON object with a statusCode key is the explicit form
//     {statusCode, headers, cookies, body, isBase64Encoded}: statusCode a
//     number or numeric string, header values strings (booleans and
//     numbers stringified), each cookies entry one Set-Cookie header, body a
//     string or null. Other keys (multiValueHeaders among them, which
//     format 2.0 does not have) are ignored.
//   - Any other valid JSON value is the inferred form: status 200,
//     Content-Type application/json, and the JSON text as the body; a JSON
//     string's body is the string itself ("Hello" gives Hello).
//   - Anything that is not JSON is malformed (ErrMalformed).
func ParseProxyResponseV2(payload []byte) (*ProxyResponse, error) {
	trimmed := bytes.TrimSpace(payload)
	if !json.Valid(trimmed) {
		return nil, fmt.Errorf("%w: the function's answer is not JSON", ErrMalformed)
	}
	var raw map[string]json.RawMessage
	if trimmed[0] == '{' {
		if err := json.Unmarshal(trimmed, &raw); err != nil {
			return nil, fmt.Errorf("%w: %v", ErrMalformed, err)
		}
	}
	if _, explicit := raw["statusCode"]; !explicit {
		r := &ProxyResponse{Status: http.StatusOK, Header: http.Header{"Content-Type": {"application/json"}}, Body: string(trimmed)}
		if trimmed[0] == '"' {
			if err := json.Unmarshal(trimmed, &r.Body); err != nil {
				return nil, fmt.Errorf("%w: %v", ErrMalformed, err)
			}
		}
		return r, nil
	}
	r := &ProxyResponse{Header: http.Header{}}
	var err error
	if r.Status, err = parseStatus(raw["statusCode"]); err != nil {
		return nil, fmt.Errorf("%w: %v", ErrMalformed, err)
	}
	if v, ok := raw["body"]; ok {
		if r.Body, err = parseBody(v); err != nil {
			return nil, fmt.Errorf("%w: %v", ErrMalformed, err)
		}
	}
	if v, ok := raw["isBase64Encoded"]; ok && string(v) != "null" {
		if err := json.Unmarshal(v, &r.Base64); err != nil {
			return nil, fmt.Errorf("%w: isBase64Encoded is not a boolean", ErrMalformed)
		}
	}
	if v, ok := raw["headers"]; ok && string(v) != "null" {
		var m map[string]json.RawMessage
		if err := json.Unmarshal(v, &m); err != nil {
			return nil, fmt.Errorf("%w: headers is not an object", ErrMalformed)
		}
		for _, k := range sortedKeys(m) {
			s, err := headerValue(m[k])
			if err != nil {
				return nil, fmt.Errorf("%w: headers[%q]: %v", ErrMalformed, k, err)
			}
			r.Header[k] = []string{s}
		}
	}
	if v, ok := raw["cookies"]; ok && string(v) != "null" {
		var cookies []string
		if err := json.Unmarshal(v, &cookies); err != nil {
			return nil, fmt.Errorf("%w: cookies is not a list of strings", ErrMalformed)
		}
		key := "Set-Cookie"
		for k := range r.Header {
			if strings.EqualFold(k, key) {
				key = k
				break
			}
		}
		for _, c := range cookies {
			r.Header[key] = append(r.Header[key], c)
		}
	}
	return r, nil
}
