package policy

import (
	"net/netip"
	"regexp"
	"strings"
	"testing"
	"unicode/utf8"
)

const arn = "arn:aws:execute-api:us-east-1:123456789012:api1/dev/GET/pets/42"

func TestEvaluate(t *testing.T) {
	t.Parallel()
	cases := []struct {
		name, doc string
		req       Request
		want      Decision
	}{
		{"allow exact", `{"Version":"2012-10-17","Statement":[{"Effect":"Allow","Action":"execute-api:Invoke","Resource":"` + arn + `"}]}`, Request{Action: "execute-api:Invoke", Resource: arn}, Allow},
		{"single statement object", `{"Statement":{"Effect":"Allow","Action":["execute-api:Invoke"],"Resource":["arn:aws:execute-api:*"]}}`, Request{Action: "execute-api:Invoke", Resource: arn}, Allow},
		{"wildcard stage and method", `{"Statement":[{"Effect":"Allow","Action":"execute-api:*","Resource":"arn:aws:execute-api:us-east-1:123456789012:api1/*/*/pets/*"}]}`, Request{Action: "execute-api:Invoke", Resource: arn}, Allow},
		{"allow another method is implicit deny", `{"Statement":[{"Effect":"Allow","Action":"execute-api:Invoke","Resource":"arn:aws:execute-api:us-east-1:123456789012:api1/dev/POST/pets/42"}]}`, Request{Action: "execute-api:Invoke", Resource: arn}, ImplicitDeny},
		{"explicit deny wins", `{"Statement":[{"Effect":"Allow","Action":"*","Resource":"*"},{"Effect":"Deny","Action":"execute-api:Invoke","Resource":"` + arn + `"}]}`, Request{Action: "execute-api:Invoke", Resource: arn}, ExplicitDeny},
		{"action case-insensitive", `{"Statement":[{"Effect":"allow","Action":"Execute-Api:invoke","Resource":"*"}]}`, Request{Action: "execute-api:Invoke", Resource: arn}, Allow},
		{"resource case-sensitive", `{"Statement":[{"Effect":"Allow","Action":"*","Resource":"arn:aws:execute-api:us-east-1:123456789012:api1/dev/get/*"}]}`, Request{Action: "execute-api:Invoke", Resource: arn}, ImplicitDeny},
		{"? matches one character", `{"Statement":[{"Effect":"Allow","Action":"*","Resource":"arn:aws:execute-api:us-east-1:123456789012:api1/dev/GET/pets/4?"}]}`, Request{Action: "execute-api:Invoke", Resource: arn}, Allow},
		{"principal star", `{"Statement":[{"Effect":"Allow","Principal":"*","Action":"execute-api:Invoke","Resource":"*"}]}`, Request{Action: "execute-api:Invoke", Resource: arn}, Allow},
		{"principal account, anonymous caller", `{"Statement":[{"Effect":"Allow","Principal":{"AWS":"123456789012"},"Action":"execute-api:Invoke","Resource":"*"}]}`, Request{Action: "execute-api:Invoke", Resource: arn}, ImplicitDeny},
		{"principal account, IAM caller", `{"Statement":[{"Effect":"Allow","Principal":{"AWS":["arn:aws:iam::123456789012:root"]},"Action":"execute-api:Invoke","Resource":"*"}]}`, Request{Action: "execute-api:Invoke", Resource: arn, Principal: "arn:aws:iam::123456789012:user/alice"}, Allow},
		{"ip allow list", `{"Statement":[{"Effect":"Allow","Principal":"*","Action":"execute-api:Invoke","Resource":"*","Condition":{"IpAddress":{"aws:SourceIp":["10.0.0.0/8","127.0.0.1"]}}}]}`, Request{Action: "execute-api:Invoke", Resource: arn, SourceIP: netip.MustParseAddr("127.0.0.1")}, Allow},
		{"ip outside allow list", `{"Statement":[{"Effect":"Allow","Principal":"*","Action":"execute-api:Invoke","Resource":"*","Condition":{"IpAddress":{"aws:SourceIp":"10.0.0.0/8"}}}]}`, Request{Action: "execute-api:Invoke", Resource: arn, SourceIP: netip.MustParseAddr("127.0.0.1")}, ImplicitDeny},
		{"deny outside a range", `{"Statement":[{"Effect":"Allow","Principal":"*","Action":"*","Resource":"*"},{"Effect":"Deny","Principal":"*","Action":"*","Resource":"*","Condition":{"NotIpAddress":{"aws:SourceIp":"192.168.0.0/16"}}}]}`, Request{Action: "execute-api:Invoke", Resource: arn, SourceIP: netip.MustParseAddr("127.0.0.1")}, ExplicitDeny},
		{"allow only from a VPC endpoint: never off a VPC", `{"Statement":[{"Effect":"Allow","Principal":"*","Action":"*","Resource":"*","Condition":{"StringEquals":{"aws:sourceVpce":"vpce-1"}}}]}`, Request{Action: "execute-api:Invoke", Resource: arn}, ImplicitDeny},
		{"deny unless from a VPC endpoint: always off a VPC", `{"Statement":[{"Effect":"Allow","Principal":"*","Action":"*","Resource":"*"},{"Effect":"Deny","Principal":"*","Action":"*","Resource":"*","Condition":{"StringNotEquals":{"aws:SourceVpc":["vpc-1","vpc-2"]}}}]}`, Request{Action: "execute-api:Invoke", Resource: arn}, ExplicitDeny},
		{"IfExists on a missing key is true", `{"Statement":[{"Effect":"Allow","Principal":"*","Action":"*","Resource":"*","Condition":{"StringEqualsIfExists":{"aws:SourceVpc":"vpc-1"}}}]}`, Request{Action: "execute-api:Invoke", Resource: arn}, Allow},
		{"Null true on a missing key is true", `{"Statement":[{"Effect":"Allow","Principal":"*","Action":"*","Resource":"*","Condition":{"Null":{"aws:SourceVpc":"true"}}}]}`, Request{Action: "execute-api:Invoke", Resource: arn}, Allow},
		{"a missing key and a matching IP: both must hold", `{"Statement":[{"Effect":"Allow","Principal":"*","Action":"*","Resource":"*","Condition":{"IpAddress":{"aws:SourceIp":"127.0.0.1"},"StringEquals":{"aws:SourceVpc":"vpc-1"}}}]}`, Request{Action: "execute-api:Invoke", Resource: arn, SourceIP: netip.MustParseAddr("127.0.0.1")}, ImplicitDeny},
		{"NotResource", `{"Statement":[{"Effect":"Allow","Action":"*","NotResource":"arn:aws:execute-api:*:*:api1/dev/DELETE/*"}]}`, Request{Action: "execute-api:Invoke", Resource: arn}, Allow},
	}
	for _, c := range cases {
		d, err := Parse([]byte(c.doc))
		if err != nil {
			t.Errorf("%s: %v", c.name, err)
			continue
		}
		if got := d.Evaluate(c.req); got != c.want {
			t.Errorf("%s: got %v, want %v", c.name, got, c.want)
		}
	}
}

func TestAbsentKeys(t *testing.T) {
	t.Parallel()
	d, err := Parse([]byte(`{"Statement":[{"Effect":"Allow","Principal":"*","Action":"*","Resource":"*","Condition":{"StringEquals":{"aws:sourceVpce":"a"}}},{"Effect":"Deny","Principal":"*","Action":"*","Resource":"*","Condition":{"StringNotEquals":{"aws:SourceVpce":"b","aws:SourceVpc":"c"}}}]}`))
	if err != nil {
		t.Fatal(err)
	}
	if got := strings.Join(d.AbsentKeys(), ","); got != "aws:sourceVpce,aws:SourceVpc" {
		t.Errorf("got %q", got)
	}
}

func TestParseErrors(t *testing.T) {
	t.Parallel()
	for _, doc := range []string{
		``, `[]`, `{}`, `{"Statement":[]}x`, `{"Statement":[{"Effect":"Maybe","Action":"*","Resource":"*"}]}`,
		`{"Statement":[{"Effect":"Allow","Resource":"*"}]}`, `{"Statement":[{"Effect":"Allow","Action":"*"}]}`,
		`{"Statement":[{"Effect":"Allow","Action":1,"Resource":"*"}]}`,
		`{"Statement":[{"Effect":"Allow","Action":"*","Resource":"*","Condition":{"StringEquals":{"aws:SourceIp":"1.2.3.4"}}}]}`,
		`{"Statement":[{"Effect":"Allow","Action":"*","Resource":"*","Condition":{"IpAddress":{"aws:SourceIp":"not-an-ip"}}}]}`,
		`{"Statement":[{"Effect":"Allow","Action":"*","Resource":"*","Condition":{"StringEquals":{"aws:SourceVpc":{"a":1}}}}]}`,
	} {
		if _, err := Parse([]byte(doc)); err == nil {
			t.Errorf("Parse(%q): no error", doc)
		}
	}
}

func TestMatch(t *testing.T) {
	t.Parallel()
	cases := []struct {
		p, s string
		want bool
	}{
		{"*", "", true}, {"a*b", "ab", true}, {"a*b", "axxb", true}, {"a*b", "axxc", false},
		{"a?c", "abc", true}, {"a?c", "ac", false}, {"**a", "bba", true}, {"a*b*c", "a-b-b-c", true},
	}
	for _, c := range cases {
		if got := Match(c.p, c.s); got != c.want {
			t.Errorf("Match(%q, %q) = %v", c.p, c.s, got)
		}
	}
}

func FuzzParse(f *testing.F) {
	f.Add([]byte(`{"Version":"2012-10-17","Statement":[{"Effect":"Allow","Action":"execute-api:Invoke","Resource":"*","Principal":{"AWS":["*"]},"Condition":{"IpAddress":{"aws:SourceIp":["10.0.0.0/8"]}}}]}`))
	f.Add([]byte(`{"Statement":{"Effect":"Deny","NotAction":"x","NotResource":["y"]}}`))
	f.Fuzz(func(t *testing.T, data []byte) {
		d, err := Parse(data)
		if err == nil {
			_ = d.Evaluate(Request{Action: "execute-api:Invoke", Resource: arn, SourceIP: netip.MustParseAddr("10.1.2.3")})
		}
	})
}

// FuzzMatch compares Match with an equivalent regular expression.
func FuzzMatch(f *testing.F) {
	f.Add("a*b?c", "aXXbYc")
	f.Add("x/*", "x/*y")
	f.Fuzz(func(t *testing.T, p, s string) {
		if len(p) > 64 || len(s) > 64 {
			return
		}
		var b strings.Builder
		b.WriteString("^(?s:")
		for _, r := range p {
			switch r {
			case '*':
				b.WriteString(".*")
			case '?':
				b.WriteString(".")
			default:
				b.WriteString(regexp.QuoteMeta(string(r)))
			}
		}
		b.WriteString(")$")
		re, err := regexp.Compile(b.String())
		if err != nil || !utf8.ValidString(p) || !utf8.ValidString(s) {
			return
		}
		if got, want := Match(p, s), re.MatchString(s); got != want {
			t.Fatalf("Match(%q, %q) = %v, regexp says %v", p, s, got, want)
		}
	})
}

// FuzzMatchFold: the case-insensitive match of ASCII actions gives what
// matching the lower-case copies gives.
func FuzzMatchFold(f *testing.F) {
	f.Add("execute-api:Invoke", "execute-api:invoke")
	f.Add("Execute-API:*", "execute-api:Invoke")
	f.Add("e?ecute-*:INV*", "execute-api:Invoke")
	f.Add("[A-Z]", "[a-z]")
	f.Fuzz(func(t *testing.T, p, s string) {
		want := Match(strings.ToLower(p), strings.ToLower(s))
		if got := anyMatch([]string{p}, s, true); got != want {
			t.Fatalf("anyMatch(%q, %q, fold) = %v, matching the lower-case copies says %v", p, s, got, want)
		}
	})
}
