package policy

import (
	"encoding/json"
	"errors"
	"fmt"
	"net/netip"
	"sort"
	"strings"
)

// Decision is the outcome of evaluating a policy.
type Decision int

// The three IAM outcomes.
const (
	ImplicitDeny Decision = iota
	Allow
	ExplicitDeny
)

// MaxDocumentBytes bounds a policy document (API Gateway allows 8,192
// characters for resource policies; authorizer policies are smaller).
const MaxDocumentBytes = 64 << 10

// Document is a parsed policy.
type Document struct {
	Statements []Statement
}

// Statement is one statement of a policy.
type Statement struct {
	Effect      string
	Actions     []string
	NotActions  []string
	Resources   []string
	NotResource []string
	// Principals lists "*" or AWS principal ARNs / account ids; nil means
	// the statement has no Principal element (identity policies).
	Principals []string
	// SourceIPs and NotSourceIPs are the aws:SourceIp conditions.
	SourceIPs, NotSourceIPs []netip.Prefix
	// AbsentKeys are the statement's other condition keys (aws:SourceVpce,
	// aws:SourceVpc, ...). Portico's requests never carry them (they are
	// never reached through a VPC endpoint), so each condition is decided
	// at parse time as IAM decides a condition on a key missing from the
	// request: false, except for negated operators (StringNotEquals, ...),
	// ...IfExists and Null: true.
	AbsentKeys []string
	// NeverMatches is set when one of those conditions is false.
	NeverMatches bool
}

// AbsentKeys lists, once each and in order of appearance, the condition
// keys of the document that are evaluated as missing from every request.
func (d *Document) AbsentKeys() []string {
	var out []string
	seen := map[string]bool{}
	for _, st := range d.Statements {
		for _, k := range st.AbsentKeys {
			if !seen[strings.ToLower(k)] {
				seen[strings.ToLower(k)] = true
				out = append(out, k)
			}
		}
	}
	return out
}

// Request is what a statement is matched against.
type Request struct {
	// Action is "execute-api:Invoke".
	Action string
	// Resource is the method ARN.
	Resource string
	// Principal is the caller: an IAM ARN, or "" for anonymous.
	Principal string
	// SourceIP is the caller's address.
	SourceIP netip.Addr
}

// rawStatement mirrors the JSON; fields that are a string or a list use any.
type rawStatement struct {
	Sid          string         `json:"Sid"`
	Effect       string         `json:"Effect"`
	Action       any            `json:"Action"`
	NotAction    any            `json:"NotAction"`
	Resource     any            `json:"Resource"`
	NotResource  any            `json:"NotResource"`
	Principal    any            `json:"Principal"`
	NotPrincipal any            `json:"NotPrincipal"`
	Condition    map[string]any `json:"Condition"`
}

// Parse reads a policy document: {"Version", "Statement": object or list}.
// Keys are matched case-insensitively for Effect values, exactly otherwise.
func Parse(data []byte) (*Document, error) {
	if len(data) > MaxDocumentBytes {
		return nil, fmt.Errorf("policy document is %d bytes; the limit is %d", len(data), MaxDocumentBytes)
	}
	var raw struct {
		Version   string          `json:"Version"`
		Statement json.RawMessage `json:"Statement"`
	}
	if err := json.Unmarshal(data, &raw); err != nil {
		return nil, fmt.Errorf("policy document is not a JSON object: %w", err)
	}
	if len(raw.Statement) == 0 {
		return nil, errors.New("policy document has no Statement")
	}
	var list []rawStatement
	if raw.Statement[0] == '{' {
		var one rawStatement
		if err := json.Unmarshal(raw.Statement, &one); err != nil {
			return nil, fmt.Errorf("policy Statement: %w", err)
		}
		list = []rawStatement{one}
	} else if err := json.Unmarshal(raw.Statement, &list); err != nil {
		return nil, fmt.Errorf("policy Statement: %w", err)
	}
	d := &Document{}
	for i, rs := range list {
		st, err := statement(rs)
		if err != nil {
			return nil, fmt.Errorf("policy Statement %d: %w", i, err)
		}
		d.Statements = append(d.Statements, st)
	}
	return d, nil
}

func statement(rs rawStatement) (Statement, error) {
	var st Statement
	var err error
	switch strings.ToLower(rs.Effect) {
	case "allow":
		st.Effect = "Allow"
	case "deny":
		st.Effect = "Deny"
	default:
		return st, fmt.Errorf("Effect must be Allow or Deny, not %q", rs.Effect)
	}
	if st.Actions, err = strings1(rs.Action, "Action"); err != nil {
		return st, err
	}
	if st.NotActions, err = strings1(rs.NotAction, "NotAction"); err != nil {
		return st, err
	}
	if st.Actions == nil && st.NotActions == nil {
		return st, errors.New("a statement needs Action or NotAction")
	}
	if st.Resources, err = strings1(rs.Resource, "Resource"); err != nil {
		return st, err
	}
	if st.NotResource, err = strings1(rs.NotResource, "NotResource"); err != nil {
		return st, err
	}
	if st.Resources == nil && st.NotResource == nil {
		return st, errors.New("a statement needs Resource or NotResource")
	}
	if rs.NotPrincipal != nil {
		return st, errors.New("NotPrincipal is not supported")
	}
	if rs.Principal != nil {
		if st.Principals, err = principals(rs.Principal); err != nil {
			return st, err
		}
	}
	return st, conditions(&st, rs.Condition)
}

// strings1 reads a string-or-list field.
func strings1(v any, field string) ([]string, error) {
	switch t := v.(type) {
	case nil:
		return nil, nil
	case string:
		return []string{t}, nil
	case []any:
		out := make([]string, 0, len(t))
		for _, e := range t {
			s, ok := e.(string)
			if !ok {
				return nil, fmt.Errorf("%s entries must be strings", field)
			}
			out = append(out, s)
		}
		return out, nil
	}
	return nil, fmt.Errorf("%s must be a string or a list of strings", field)
}

// principals reads "*", {"AWS": "..." | [...]}.
func principals(v any) ([]string, error) {
	if s, ok := v.(string); ok {
		if s != "*" {
			return nil, fmt.Errorf("Principal must be \"*\" or {\"AWS\": ...}, not %q", s)
		}
		return []string{"*"}, nil
	}
	m, ok := v.(map[string]any)
	if !ok {
		return nil, errors.New("Principal must be \"*\" or an object")
	}
	var out []string
	for k, val := range m {
		if k != "AWS" {
			return nil, fmt.Errorf("Principal %s is not supported (only AWS)", k)
		}
		list, err := strings1(val, "Principal.AWS")
		if err != nil {
			return nil, err
		}
		out = append(out, list...)
	}
	return out, nil
}

// conditions reads IpAddress / NotIpAddress on aws:SourceIp; conditions
// on any other key are decided as for a request without that key.
func conditions(st *Statement, c map[string]any) error {
	for _, op := range sortedKeys(c) {
		m, ok := c[op].(map[string]any)
		if !ok {
			return fmt.Errorf("Condition %s must be an object", op)
		}
		for _, key := range sortedKeys(m) {
			val := m[key]
			if !strings.EqualFold(key, "aws:SourceIp") {
				list, err := strings1(val, "Condition value")
				if err != nil {
					return fmt.Errorf("Condition %s %s: %w", op, key, err)
				}
				st.AbsentKeys = append(st.AbsentKeys, key)
				if !absentKeyCondition(op, list) {
					st.NeverMatches = true
				}
				continue
			}
			list, err := strings1(val, "Condition value")
			if err != nil {
				return err
			}
			var prefixes []netip.Prefix
			for _, s := range list {
				p, err := parsePrefix(s)
				if err != nil {
					return fmt.Errorf("Condition %s: %w", op, err)
				}
				prefixes = append(prefixes, p)
			}
			switch op {
			case "IpAddress":
				st.SourceIPs = append(st.SourceIPs, prefixes...)
			case "NotIpAddress":
				st.NotSourceIPs = append(st.NotSourceIPs, prefixes...)
			default:
				return fmt.Errorf("Condition operator %s is not supported (IpAddress, NotIpAddress)", op)
			}
		}
	}
	return nil
}

// absentKeyCondition is a condition's value when its key is missing from
// the request: "If the key that you specify in a policy condition is not
// present in the request context, the values do not match and the
// condition is false. If the policy condition requires that the key is not
// matched, such as StringNotLike or ArnNotLike, and the right key is not
// present, the condition is true." (IAM JSON policy elements: Condition
// operators, https://docs.aws.amazon.com/IAM/latest/UserGuide/reference_policies_elements_condition_operators.html).
// ...IfExists is true on a missing key, Null is true when it tests for
// absence, ForAllValues: is true on an empty set.
func absentKeyCondition(op string, values []string) bool {
	switch {
	case strings.HasPrefix(op, "ForAllValues:"):
		return true
	case strings.HasPrefix(op, "ForAnyValue:"):
		return false
	case strings.HasSuffix(op, "IfExists"):
		return true
	case op == "Null":
		for _, v := range values {
			if !strings.EqualFold(v, "true") {
				return false
			}
		}
		return true
	}
	return strings.Contains(op, "Not")
}

func sortedKeys[V any](m map[string]V) []string {
	keys := make([]string, 0, len(m))
	for k := range m {
		keys = append(keys, k)
	}
	sort.Strings(keys)
	return keys
}

func parsePrefix(s string) (netip.Prefix, error) {
	if strings.Contains(s, "/") {
		return netip.ParsePrefix(s)
	}
	a, err := netip.ParseAddr(s)
	if err != nil {
		return netip.Prefix{}, err
	}
	return netip.PrefixFrom(a, a.BitLen()), nil
}
