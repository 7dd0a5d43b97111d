package auth

import (
	"bytes"
	"encoding/json"
	"errors"
	"fmt"

	"github.com/portico-gw/portico/internal/auth/policy"
	"github.com/portico-gw/portico/internal/lambdaevent"
)

// output is a Lambda authorizer's parsed answer.
type output struct {
	principalID string
	policy      *policy.Document
	// context holds the context values, stringified as API Gateway does.
	context            map[string]string
	usageIdentifierKey string

	// The answers of HTTP API Lambda authorizers: simple marks
	// {"isAuthorized", "context"} (authorized is then the decision and
	// policy nil); lambdaContext is requestContext.authorizer.lambda.
	simple        bool
	authorized    bool
	lambdaContext map[string]any

	// authorizer is $context.authorizer of a REST API: the context values
	// and principalId. An answer served from the cache gives every call
	// this one map; the steps after the authorizer only read it.
	authorizer map[string]any
}

// parseOutput validates {"principalId","policyDocument","context",
// "usageIdentifierKey"}: the policy must parse, and context values must be
// strings, numbers or booleans.
func parseOutput(payload []byte) (*output, error) {
	var raw struct {
		PrincipalID        any                        `json:"principalId"`
		PolicyDocument     json.RawMessage            `json:"policyDocument"`
		Context            map[string]json.RawMessage `json:"context"`
		UsageIdentifierKey *string                    `json:"usageIdentifierKey"`
	}
	dec := json.NewDecoder(bytes.NewReader(payload))
	dec.UseNumber()
	if err := dec.Decode(&raw); err != nil {
		return nil, fmt.Errorf("authorizer output is not a JSON object: %w", err)
	}
	if len(raw.PolicyDocument) == 0 || string(raw.PolicyDocument) == "null" {
		return nil, errors.New("authorizer output has no policyDocument")
	}
	doc, err := policy.Parse(raw.PolicyDocument)
	if err != nil {
		return nil, fmt.Errorf("Could not parse policy: %w", err)
	}
	out := &output{policy: doc, context: map[string]string{}}
	switch p := raw.PrincipalID.(type) {
	case nil:
	case string:
		out.principalID = p
	default:
		out.principalID = fmt.Sprint(p)
	}
	if raw.UsageIdentifierKey != nil {
		out.usageIdentifierKey = *raw.UsageIdentifierKey
	}
	for k, v := range raw.Context {
		s, err := contextValue(v)
		if err != nil {
			return nil, fmt.Errorf("authorizer context %q: %w", k, err)
		}
		out.context[k] = s
	}
	out.authorizer = make(map[string]any, len(out.context)+1)
	for k, v := range out.context {
		out.authorizer[k] = v
	}
	out.authorizer["principalId"] = out.principalID
	return out, nil
}

// contextValue stringifies a string, number or boolean; anything else is
// invalid, as on AWS.
func contextValue(v json.RawMessage) (string, error) {
	if s, ok := lambdaevent.ScalarString(v); ok {
		return s, nil
	}
	return "", errors.New("values must be strings, numbers or booleans")
}
