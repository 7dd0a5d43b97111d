// Command authorizer is a test Lambda authorizer (TOKEN and REQUEST) whose
// answer the token chooses:
//
//	allow        Allow on the whole API, with context values and a usage key
//	allow-pets   Allow only GET on /pets/*
//	allow-nokey  Allow on the whole API, without a usage key
//	deny         an explicit Deny on the whole API
//	unauthorized fails with exactly "Unauthorized" (API Gateway: 401)
//	boom         fails with another error (API Gateway: 500)
//	garbage      answers something that is not a policy (API Gateway: 500)
//	nested       answers a context value that is an object (API Gateway: 500)
//
// For REQUEST authorizers the token is the "token" query parameter, else
// the header spelled exactly "x-user" in the event's headers.
package main

import (
	"context"
	"encoding/json"
	"errors"
	"strings"

	"github.com/aws/aws-lambda-go/lambda"
)

type event struct {
	Type                  string            `json:"type"`
	AuthorizationToken    string            `json:"authorizationToken"`
	MethodArn             string            `json:"methodArn"`
	QueryStringParameters map[string]string `json:"queryStringParameters"`
	Headers               map[string]string `json:"headers"`
}

func policy(effect, resource string) map[string]any {
	return map[string]any{"Version": "2012-10-17", "Statement": []any{
		map[string]any{"Action": "execute-api:Invoke", "Effect": effect, "Resource": resource}}}
}

func handle(_ context.Context, ev event) (json.RawMessage, error) {
	token := ev.AuthorizationToken
	if ev.Type == "REQUEST" {
		token = ev.QueryStringParameters["token"]
		if token == "" {
			token = ev.Headers["x-user"]
		}
	}
	token = strings.TrimPrefix(token, "Bearer ")
	// arn:aws:execute-api:region:account:api/stage/METHOD/path → the API's prefix
	parts := strings.SplitN(ev.MethodArn, "/", 3)
	apiArn := parts[0] + "/" + parts[1]
	var out any
	switch token {
	case "allow":
		out = map[string]any{"principalId": "user-42", "policyDocument": policy("Allow", apiArn+"/*"),
			"context": map[string]any{"tenant": "acme", "level": 7, "admin": true}, "usageIdentifierKey": "authkey-0123456789abcdefgh"}
	case "allow-nokey":
		out = map[string]any{"principalId": "no-key", "policyDocument": policy("Allow", apiArn+"/*")}
	case "allow-pets":
		out = map[string]any{"principalId": "pets-only", "policyDocument": policy("Allow", apiArn+"/GET/pets/*")}
	case "deny":
		out = map[string]any{"principalId": "user-13", "policyDocument": policy("Deny", apiArn+"/*")}
	case "unauthorized":
		return nil, errors.New("Unauthorized")
	case "boom":
		return nil, errors.New("something broke")
	case "garbage":
		return json.RawMessage(`"not a policy"`), nil
	case "nested":
		out = map[string]any{"principalId": "x", "policyDocument": policy("Allow", "*"), "context": map[string]any{"obj": map[string]any{"a": 1}}}
	default:
		return nil, errors.New("Unauthorized")
	}
	b, err := json.Marshal(out)
	return b, err
}

func main() { lambda.Start(handle) }
