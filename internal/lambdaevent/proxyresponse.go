package lambdaevent

import (
	"bytes"
	"encoding/json"
	"errors"
	"fmt"
	"net/http"
	"sort"
	"strconv"
	"strings"
)

// ErrMalformed is a Lambda proxy response API Gateway rejects with 502.
var ErrMalformed = errors.New("Malformed Lambda proxy response")

// ProxyResponse is the validated AWS_PROXY response (docs/aws-behaviour.md#lambda-proxy-response).
type ProxyResponse struct {
	Status int
	Header http.Header
	Body   string
	Base64 bool
}

// ParseProxyResponse applies AWS's rules: a JSON object whose keys are only
// statusCode, headers, multiValueHeaders, body and isBase64Encoded, all
// optional; statusCode a number or numeric string (default 200); header
// values strings or booleans (numbers accepted too); multiValueHeaders
// values lists; values of both merged with the multi values first and the
// multiValueHeaders spelling kept.
func ParseProxyResponse(payload []byte) (*ProxyResponse, error) {
	if r, ok := parseProxyResponseFast(payload); ok {
		return r, nil
	}
	return parseProxyResponseGeneral(payload)
}

// parseProxyResponseGeneral is ParseProxyResponse with encoding/json; it
// decides every answer the fast path leaves to it, errors included.
func parseProxyResponseGeneral(payload []byte) (*ProxyResponse, error) {
	dec := json.NewDecoder(bytes.NewReader(payload))
	dec.UseNumber()
	var raw map[string]json.RawMessage
	if err := dec.Decode(&raw); err != nil || raw == nil {
		return nil, fmt.Errorf("%w: not a JSON object", ErrMalformed)
	}
	if dec.More() {
		return nil, fmt.Errorf("%w: trailing data", ErrMalformed)
	}
	r := &ProxyResponse{Status: 200, Header: http.Header{}}
	for k, v := range raw {
		var err error
		switch k {
		case "statusCode":
			r.Status, err = parseStatus(v)
		case "headers", "multiValueHeaders":
		case "body":
			r.Body, err = parseBody(v)
		case "isBase64Encoded":
			err = json.Unmarshal(v, &r.Base64)
		default:
			err = fmt.Errorf("unknown key %q", k)
		}
		if err != nil {
			return nil, fmt.Errorf("%w: %v", ErrMalformed, err)
		}
	}
	if err := r.headers(raw["multiValueHeaders"], raw["headers"]); err != nil {
		return nil, fmt.Errorf("%w: %v", ErrMalformed, err)
	}
	return r, nil
}

func parseStatus(v json.RawMessage) (int, error) {
	var n json.Number
	if err := json.Unmarshal(v, &n); err != nil {
		var s string
		if json.Unmarshal(v, &s) != nil {
			return 0, fmt.Errorf("statusCode is not a number")
		}
		n = json.Number(strings.TrimSpace(s))
	}
	code, err := strconv.Atoi(string(n))
	if err != nil || code < 200 || code > 599 {
		return 0, fmt.Errorf("statusCode %s is not a valid status", v)
	}
	return code, nil
}

func parseBody(v json.RawMessage) (string, error) {
	if string(v) == "null" {
		return "", nil
	}
	var s string
	if err := json.Unmarshal(v, &s); err != nil {
		return "", fmt.Errorf("body is not a string")
	}
	return s, nil
}

// headers merges multiValueHeaders then headers into r.Header, keeping the
// spelling of the first occurrence (the multiValueHeaders one).
func (r *ProxyResponse) headers(multi, single json.RawMessage) error {
	names := map[string]string{} // lower-case → spelling used
	add := func(name, value string) {
		key, ok := names[strings.ToLower(name)]
		if !ok {
			key = name
			names[strings.ToLower(name)] = name
		}
		if prev, ok := r.Header[key]; ok {
			r.Header[key] = []string{prev[0] + ", " + value}
			return
		}
		r.Header[key] = []string{value}
	}
	if len(multi) > 0 && string(multi) != "null" {
		var m map[string]json.RawMessage
		if err := json.Unmarshal(multi, &m); err != nil {
			return fmt.Errorf("multiValueHeaders is not an object")
		}
		for _, k := range sortedKeys(m) {
			var list []json.RawMessage
			if err := json.Unmarshal(m[k], &list); err != nil {
				return fmt.Errorf("multiValueHeaders[%q] is not a list", k)
			}
			for _, e := range list {
				s, err := headerValue(e)
				if err != nil {
					return fmt.Errorf("multiValueHeaders[%q]: %v", k, err)
				}
				add(k, s)
			}
		}
	}
	if len(single) > 0 && string(single) != "null" {
		var m map[string]json.RawMessage
		if err := json.Unmarshal(single, &m); err != nil {
			return fmt.Errorf("headers is not an object")
		}
		for _, k := range sortedKeys(m) {
			s, err := headerValue(m[k])
			if err != nil {
				return fmt.Errorf("headers[%q]: %v", k, err)
			}
			add(k, s)
		}
	}
	return nil
}

// ScalarString stringifies a JSON string, boolean (lower case) or number as
// API Gateway does for Lambda header values and authorizer context values;
// null is the empty string, and ok is false for objects and arrays.
func ScalarString(v json.RawMessage) (s string, ok bool) {
	if json.Unmarshal(v, &s) == nil {
		return s, true
	}
	var b bool
	if json.Unmarshal(v, &b) == nil {
		return strconv.FormatBool(b), true
	}
	var n json.Number
	if json.Unmarshal(v, &n) == nil {
		return n.String(), true
	}
	return "", false
}

// headerValue accepts a string, a boolean (rendered lower case) or a number.
func headerValue(v json.RawMessage) (string, error) {
	if s, ok := ScalarString(v); ok {
		return s, nil
	}
	return "", fmt.Errorf("value is not a string")
}

func sortedKeys[V any](m map[string]V) []string {
	keys := make([]string, 0, len(m))
	for k := range m {
		keys = append(keys, k)
	}
	sort.Strings(keys)
	return keys
}
