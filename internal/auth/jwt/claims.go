package jwt

import (
	"encoding/json"
	"strconv"
	"strings"
)

// Claims are the verified claims of a token.
type Claims struct {
	// Values holds every claim as decoded from the token's JSON payload.
	// Numbers are [json.Number], so integers such as exp keep their exact
	// digits.
	Values map[string]any
}

// Subject returns the "sub" claim, or "" when it is absent or not a string.
func (c *Claims) Subject() string {
	s, _ := c.Values["sub"].(string)
	return s
}

// TokenUse returns Cognito's "token_use" claim ("id" or "access"), or "".
func (c *Claims) TokenUse() string {
	s, _ := c.Values["token_use"].(string)
	return s
}

// Scopes returns the token's scopes: those of the space-separated "scope"
// claim followed by those of the "scp" claim (a space-separated string or an
// array of strings). It returns nil when the token has neither.
func (c *Claims) Scopes() []string {
	var out []string
	if s, ok := c.Values["scope"].(string); ok {
		out = append(out, strings.Fields(s)...)
	}
	switch v := c.Values["scp"].(type) {
	case string:
		out = append(out, strings.Fields(v)...)
	case []any:
		for _, e := range v {
			if s, ok := e.(string); ok && s != "" {
				out = append(out, s)
			}
		}
	}
	return out
}

// Stringified returns every claim as a string, the way API Gateway exposes
// them in $context.authorizer.claims.<name> (REST) and
// requestContext.authorizer.jwt.claims (HTTP APIs):
//
//   - strings are unchanged;
//   - numbers are written in plain decimal without an exponent, so an exp of
//     1787996002 becomes "1787996002";
//   - booleans become "true" or "false", and null becomes "";
//   - arrays become "[a b c]" (elements stringified and space-separated), as
//     HTTP APIs are observed to render cognito:groups;
//   - objects become their compact JSON text.
func (c *Claims) Stringified() map[string]string {
	out := make(map[string]string, len(c.Values))
	for k, v := range c.Values {
		out[k] = Stringify(v)
	}
	return out
}

// Stringify renders one decoded JSON value as text, by the rules of
// Stringified. $context.authorizer.* values are rendered the same way.
func Stringify(v any) string {
	switch x := v.(type) {
	case nil:
		return ""
	case string:
		return x
	case bool:
		return strconv.FormatBool(x)
	case json.Number:
		return plainNumber(string(x))
	case float64:
		return strconv.FormatFloat(x, 'f', -1, 64)
	case []any:
		parts := make([]string, len(x))
		for i, e := range x {
			parts[i] = Stringify(e)
		}
		return "[" + strings.Join(parts, " ") + "]"
	default:
		b, err := json.Marshal(x)
		if err != nil {
			return ""
		}
		return string(b)
	}
}

// plainNumber rewrites a JSON number that uses an exponent ("1.5e9") into
// plain decimal ("1500000000"); other numbers keep their exact text.
func plainNumber(s string) string {
	if !strings.ContainsAny(s, "eE") {
		return s
	}
	f, err := strconv.ParseFloat(s, 64)
	if err != nil {
		return s
	}
	return strconv.FormatFloat(f, 'f', -1, 64)
}
