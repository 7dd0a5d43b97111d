package sigv4

import (
	"crypto/sha256"
	"encoding/base64"
	"fmt"
	"strings"
)

// algorithm is the only signing algorithm SigV4 over HMAC-SHA256 defines.
const algorithm = "AWS4-HMAC-SHA256"

// authParams holds the parameters of an Authorization header.
type authParams struct {
	Algorithm     string
	Credential    string
	SignedHeaders string
	Signature     string
}

// parseAuthorization splits an Authorization header value the way AWS does:
// the first word is the algorithm and every other comma- or
// whitespace-separated token must be a key=value pair. hasDate reports
// whether the request has an X-Amz-Date or Date header, which AWS checks
// together with the required parameters. Errors carry AWS's texts, with the
// header value replaced by its SHA-256 hash in Base64.
func parseAuthorization(value string, hasDate bool) (authParams, error) {
	var p authParams
	alg, rest, _ := strings.Cut(strings.TrimSpace(value), " ")
	p.Algorithm = alg
	for tok := range strings.FieldsFuncSeq(rest, isAuthSeparator) {
		k, v, ok := strings.Cut(tok, "=")
		if !ok {
			return p, &IncompleteSignatureError{Message: "Invalid key=value pair (missing equal-sign) in Authorization header " +
				"(hashed with SHA-256 and encoded with Base64): '" + hashValue(value) + "'."}
		}
		switch k {
		case "Credential":
			p.Credential = v
		case "SignedHeaders":
			p.SignedHeaders = v
		case "Signature":
			p.Signature = v
		}
	}
	var missing []string
	if p.Credential == "" {
		missing = append(missing, "Authorization header requires 'Credential' parameter.")
	}
	if p.Signature == "" {
		missing = append(missing, "Authorization header requires 'Signature' parameter.")
	}
	if p.SignedHeaders == "" {
		missing = append(missing, "Authorization header requires 'SignedHeaders' parameter.")
	}
	if !hasDate {
		missing = append(missing, "Authorization header requires existence of either a 'X-Amz-Date' or a 'Date' header.")
	}
	if len(missing) > 0 {
		return p, &IncompleteSignatureError{Message: strings.Join(missing, " ") +
			" Authorization header (hashed with SHA-256 and encoded with Base64): '" + hashValue(value) + "'."}
	}
	if p.Algorithm != algorithm {
		return p, &IncompleteSignatureError{Message: fmt.Sprintf("Unsupported AWS 'algorithm': '%s'.", p.Algorithm)}
	}
	return p, nil
}

func isAuthSeparator(r rune) bool {
	return r == ',' || r == ' ' || r == '\t'
}

// hashValue returns the SHA-256 of v in standard Base64, the form in which
// newer AWS error texts quote an Authorization header.
func hashValue(v string) string {
	sum := sha256.Sum256([]byte(v))
	return base64.StdEncoding.EncodeToString(sum[:])
}

// scope is a parsed credential: keyid/date/region/service/aws4_request.
type scope struct {
	AccessKeyID, Date, Region, Service, Terminator string
}

// String returns the credential scope without the access key ID, as it
// appears in the string to sign.
func (s scope) String() string {
	return s.Date + "/" + s.Region + "/" + s.Service + "/" + s.Terminator
}

// parseCredential splits a Credential parameter into its five elements.
func parseCredential(cred string) (scope, error) {
	parts := strings.Split(cred, "/")
	if len(parts) != 5 {
		return scope{}, &IncompleteSignatureError{Message: fmt.Sprintf(
			"Credential must have exactly 5 slash-delimited elements, e.g. keyid/date/region/service/term, got '%s'", cred)}
	}
	return scope{parts[0], parts[1], parts[2], parts[3], parts[4]}, nil
}

// checkScope verifies that a credential scope names this verifier's region
// and service and the request's date, with AWS's texts (trailing space
// included, as AWS writes them).
func checkScope(s scope, region, service, date, amzDate string) error {
	switch {
	case s.Terminator != "aws4_request":
		return &InvalidSignatureError{Message: fmt.Sprintf(
			"Credential should be scoped with a valid terminator: 'aws4_request', not '%s'. ", s.Terminator)}
	case s.Region != region:
		return &InvalidSignatureError{Message: fmt.Sprintf("Credential should be scoped to a valid region, not '%s'. ", s.Region)}
	case s.Service != service:
		return &InvalidSignatureError{Message: fmt.Sprintf("Credential should be scoped to correct service: '%s'. ", service)}
	case s.Date != date:
		return &InvalidSignatureError{Message: fmt.Sprintf(
			"Date in Credential scope does not match YYYYMMDD from ISO-8601 version of date from HTTP: '%s' != '%s', from '%s'.",
			s.Date, date, amzDate)}
	}
	return nil
}

// splitSignedHeaders splits the SignedHeaders parameter and checks that host
// is among them, as AWS requires.
func splitSignedHeaders(v string) ([]string, error) {
	names := strings.Split(v, ";")
	for _, n := range names {
		if n == "host" {
			return names, nil
		}
	}
	return nil, &IncompleteSignatureError{Message: "'Host' or ':authority' must be a 'SignedHeader' in the AWS Authorization."}
}
