package sigv4

import "strings"

// identityOf builds the $context.identity fields for a credential. New
// calls it once per credential; Verify hands out copies.
func identityOf(c *Credential) *Identity {
	id := &Identity{AccessKeyID: c.AccessKeyID, ARN: c.ARN, UserArn: c.ARN}
	account, principal := parseARN(c.ARN)
	id.AccountID = account
	if principal == "" {
		principal = c.AccessKeyID
	}
	id.Caller, id.User = principal, principal
	return id
}

// parseARN returns the account ID of an ARN
// (arn:partition:service:region:account:resource) and a principal name
// derived from its resource: the last path element of "user/...", or
// "role:session" of "assumed-role/role/session", or the account ID for
// "root". Both are empty when arn is not an ARN.
func parseARN(arn string) (account, principal string) {
	parts := strings.SplitN(arn, ":", 6)
	if len(parts) != 6 || parts[0] != "arn" {
		return "", ""
	}
	account, resource := parts[4], parts[5]
	kind, rest, _ := strings.Cut(resource, "/")
	switch {
	case resource == "root":
		return account, account
	case kind == "assumed-role":
		role, session, ok := strings.Cut(rest, "/")
		if ok {
			return account, role + ":" + session
		}
		return account, rest
	case rest != "":
		return account, rest[strings.LastIndexByte(rest, '/')+1:]
	}
	return account, resource
}
