package apidef

import "testing"

func TestEnums(t *testing.T) {
	t.Parallel()
	type parse func(string) (string, bool)
	cases := []struct {
		name  string
		parse parse
		good  []string
		bad   []string
	}{
		{"AuthorizationType", func(s string) (string, bool) { v, ok := ParseAuthorizationType(s); return string(v), ok },
			[]string{"NONE", "aws_iam", "Custom", "COGNITO_USER_POOLS", "jwt"}, []string{"", "IAM", "AWS_IAM "}},
		{"AuthorizerType", func(s string) (string, bool) { v, ok := ParseAuthorizerType(s); return string(v), ok },
			[]string{"token", "REQUEST", "cognito_user_pools", "JWT"}, []string{"", "LAMBDA", "COGNITO"}},
		{"IntegrationType", func(s string) (string, bool) { v, ok := ParseIntegrationType(s); return string(v), ok },
			[]string{"http", "HTTP_PROXY", "mock", "AWS", "aws_proxy"}, []string{"", "LAMBDA", "HTTP-PROXY"}},
		{"PassthroughBehavior", func(s string) (string, bool) { v, ok := ParsePassthroughBehavior(s); return string(v), ok },
			[]string{"", "when_no_match", "WHEN_NO_TEMPLATES", "never"}, []string{"ALWAYS", "WHEN NO MATCH"}},
		{"ContentHandling", func(s string) (string, bool) { v, ok := ParseContentHandling(s); return string(v), ok },
			[]string{"", "convert_to_text", "CONVERT_TO_BINARY"}, []string{"CONVERT_TO_JSON", "TEXT"}},
	}
	for _, c := range cases {
		for _, s := range c.good {
			if v, ok := c.parse(s); !ok || v != upper(s) {
				t.Errorf("%s: Parse(%q) = %q, %v; want %q, true", c.name, s, v, ok, upper(s))
			}
		}
		for _, s := range c.bad {
			if v, ok := c.parse(s); ok || v != upper(s) {
				t.Errorf("%s: Parse(%q) = %q, %v; want %q, false", c.name, s, v, ok, upper(s))
			}
		}
	}
	if AuthorizationType("").Secured() || AuthNone.Secured() || !AuthIAM.Secured() || !AuthCustom.Secured() {
		t.Error("Secured: only a type other than NONE secures a method")
	}
}

func upper(s string) string {
	b := []byte(s)
	for i, c := range b {
		if 'a' <= c && c <= 'z' {
			b[i] = c - 'a' + 'A'
		}
	}
	return string(b)
}
