package sigv4

import (
	"fmt"
	"net/http"
	"strconv"
	"strings"
	"time"
)

// Presigned URL query parameters.
const (
	paramAlgorithm     = "X-Amz-Algorithm"
	paramCredential    = "X-Amz-Credential"
	paramDate          = "X-Amz-Date"
	paramExpires       = "X-Amz-Expires"
	paramSignedHeaders = "X-Amz-SignedHeaders"
	paramSignature     = "X-Amz-Signature"
	paramToken         = "X-Amz-Security-Token"
	paramContentSHA256 = "X-Amz-Content-Sha256"
)

const (
	isoFormat   = "20060102T150405Z"
	shortFormat = "20060102"
	// maxExpires is the longest presigned URL lifetime SigV4 allows (7 days).
	maxExpires = 604800
)

// signedRequest is what a request claims about its signature, from either
// the Authorization header or a presigned query.
type signedRequest struct {
	presigned     bool
	scope         scope
	signedHeaders []string
	signature     string
	amzDate       string        // the signing time as written in the string to sign
	time          time.Time     // the signing time
	expires       time.Duration // X-Amz-Expires; negative when absent
	token         string        // X-Amz-Security-Token
}

// fromHeader reads the signature of an Authorization-header request.
func fromHeader(r *http.Request, auth string) (*signedRequest, error) {
	xAmzDate, date := r.Header.Get("X-Amz-Date"), r.Header.Get("Date")
	p, err := parseAuthorization(auth, xAmzDate != "" || date != "")
	if err != nil {
		return nil, err
	}
	s := &signedRequest{signature: p.Signature, expires: -1, token: r.Header.Get("X-Amz-Security-Token")}
	if s.scope, err = parseCredential(p.Credential); err != nil {
		return nil, err
	}
	if s.signedHeaders, err = splitSignedHeaders(p.SignedHeaders); err != nil {
		return nil, err
	}
	if xAmzDate != "" {
		s.time, err = parseISODate(xAmzDate)
	} else if s.time, err = http.ParseTime(date); err != nil {
		err = &IncompleteSignatureError{Message: fmt.Sprintf("Date must be in RFC 1123 format. Got '%s'.", date)}
	}
	if err != nil {
		return nil, err
	}
	s.time = s.time.UTC()
	s.amzDate = s.time.Format(isoFormat)
	return s, nil
}

// fromQuery reads the signature of a presigned URL. The texts for missing
// parameters follow AWS's query-string authentication errors.
func fromQuery(q []queryPair) (*signedRequest, error) {
	var missing []string
	get := func(name string) string {
		v, ok := lookup(q, name)
		if !ok || v == "" {
			missing = append(missing, fmt.Sprintf("AWS query-string parameters must include '%s'.", name))
		}
		return v
	}
	alg, cred, sh := get(paramAlgorithm), get(paramCredential), get(paramSignedHeaders)
	sig, date := get(paramSignature), get(paramDate)
	if len(missing) > 0 {
		return nil, &IncompleteSignatureError{Message: strings.Join(missing, " ") + " Re-examine the query-string parameters."}
	}
	if alg != algorithm {
		return nil, &IncompleteSignatureError{Message: fmt.Sprintf("Unsupported AWS 'algorithm': '%s'.", alg)}
	}
	token, _ := lookup(q, paramToken)
	s := &signedRequest{presigned: true, signature: sig, amzDate: date, expires: -1, token: token}
	var err error
	if s.scope, err = parseCredential(cred); err != nil {
		return nil, err
	}
	if s.signedHeaders, err = splitSignedHeaders(sh); err != nil {
		return nil, err
	}
	if s.time, err = parseISODate(date); err != nil {
		return nil, err
	}
	if exp, ok := lookup(q, paramExpires); ok {
		n, err := strconv.ParseInt(exp, 10, 64)
		switch {
		case err != nil || n < 0:
			return nil, &IncompleteSignatureError{Message: "X-Amz-Expires should be a number"}
		case n > maxExpires:
			return nil, &IncompleteSignatureError{Message: "X-Amz-Expires must be less than a week (in seconds); " +
				"that is, the given X-Amz-Expires must be less than 604800 seconds"}
		}
		s.expires = time.Duration(n) * time.Second
	}
	return s, nil
}

// parseISODate parses an X-Amz-Date value (ISO 8601 basic format, UTC).
func parseISODate(v string) (time.Time, error) {
	t, err := time.Parse(isoFormat, v)
	if err != nil {
		return time.Time{}, &IncompleteSignatureError{Message: fmt.Sprintf(
			"Date must be in ISO-8601 'basic format'. Got '%s'. See http://en.wikipedia.org/wiki/ISO_8601", v)}
	}
	return t, nil
}

// lookup returns the first value of the query parameter name.
func lookup(q []queryPair, name string) (string, bool) {
	for _, p := range q {
		if p.Key == name {
			return p.Value, true
		}
	}
	return "", false
}
