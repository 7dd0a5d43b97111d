package policy

import (
	"net/netip"
	"strings"
	"unicode/utf8"
)

// Evaluate returns the policy's decision for r: an explicit Deny wins over
// any Allow; without a matching statement the result is ImplicitDeny.
func (d *Document) Evaluate(r Request) Decision {
	dec := ImplicitDeny
	for i := range d.Statements {
		st := &d.Statements[i]
		if !st.matches(r) {
			continue
		}
		if st.Effect == "Deny" {
			return ExplicitDeny
		}
		dec = Allow
	}
	return dec
}

func (st *Statement) matches(r Request) bool {
	if st.NeverMatches {
		return false
	}
	if st.Actions != nil && !anyMatch(st.Actions, r.Action, true) {
		return false
	}
	if st.NotActions != nil && anyMatch(st.NotActions, r.Action, true) {
		return false
	}
	if st.Resources != nil && !anyMatch(st.Resources, r.Resource, false) {
		return false
	}
	if st.NotResource != nil && anyMatch(st.NotResource, r.Resource, false) {
		return false
	}
	if st.Principals != nil && !st.principalMatches(r.Principal) {
		return false
	}
	if len(st.SourceIPs) > 0 && !inAny(st.SourceIPs, r) {
		return false
	}
	if len(st.NotSourceIPs) > 0 && inAny(st.NotSourceIPs, r) {
		return false
	}
	return true
}

// principalMatches: "*" matches anyone; an ARN or account id matches the
// caller's ARN, or its account.
func (st *Statement) principalMatches(caller string) bool {
	for _, p := range st.Principals {
		switch {
		case p == "*":
			return true
		case caller == "":
		case p == caller, accountOf(caller) != "" && (p == accountOf(caller) || p == "arn:aws:iam::"+accountOf(caller)+":root"):
			return true
		}
	}
	return false
}

func accountOf(arn string) string {
	parts := strings.Split(arn, ":")
	if len(parts) >= 5 {
		return parts[4]
	}
	return ""
}

func inAny(ps []netip.Prefix, r Request) bool {
	if !r.SourceIP.IsValid() {
		return false
	}
	for _, p := range ps {
		if p.Contains(r.SourceIP.Unmap()) {
			return true
		}
	}
	return false
}

func anyMatch(patterns []string, s string, fold bool) bool {
	for _, p := range patterns {
		switch {
		case !fold:
			if Match(p, s) {
				return true
			}
		case isASCII(p) && isASCII(s):
			if matchFoldASCII(p, s) {
				return true
			}
		default:
			if Match(strings.ToLower(p), strings.ToLower(s)) {
				return true
			}
		}
	}
	return false
}

func isASCII(s string) bool {
	for i := 0; i < len(s); i++ {
		if s[i] >= utf8.RuneSelf {
			return false
		}
	}
	return true
}

// matchFoldASCII is Match(strings.ToLower(pattern), strings.ToLower(s))
// for ASCII pattern and s, without making the lower-case copies: each byte
// is one rune, and lowering changes A-Z alone.
func matchFoldASCII(pattern, s string) bool {
	p, i := 0, 0
	star, mark := -1, 0
	for i < len(s) {
		switch {
		case p < len(pattern) && pattern[p] == '*':
			star, mark = p, i
			p++
			continue
		case p < len(pattern) && (pattern[p] == '?' || lowerASCII(pattern[p]) == lowerASCII(s[i])):
			p++
			i++
			continue
		}
		if star < 0 {
			return false
		}
		p, mark = star+1, mark+1
		i = mark
	}
	for p < len(pattern) && pattern[p] == '*' {
		p++
	}
	return p == len(pattern)
}

func lowerASCII(c byte) byte {
	if 'A' <= c && c <= 'Z' {
		return c + 'a' - 'A'
	}
	return c
}

// Match reports whether s matches pattern, where * matches any run of
// characters (also none) and ? exactly one character (rune). It runs in
// O(len(p)·len(s)) worst case without recursion.
func Match(pattern, s string) bool {
	p, i := 0, 0
	star, mark := -1, 0
	for i < len(s) {
		_, sz := utf8.DecodeRuneInString(s[i:])
		switch {
		case p < len(pattern) && pattern[p] == '*':
			star, mark = p, i
			p++
			continue
		case p < len(pattern) && pattern[p] == '?':
			p++
			i += sz
			continue
		case p < len(pattern):
			_, psz := utf8.DecodeRuneInString(pattern[p:])
			if pattern[p:p+psz] == s[i:i+sz] {
				p += psz
				i += sz
				continue
			}
		}
		if star < 0 {
			return false
		}
		_, msz := utf8.DecodeRuneInString(s[mark:])
		p, mark = star+1, mark+msz
		i = mark
	}
	for p < len(pattern) && pattern[p] == '*' {
		p++
	}
	return p == len(pattern)
}
