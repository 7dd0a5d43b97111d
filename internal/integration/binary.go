package integration

import (
	"mime"
	"strings"
)

// isBinary reports whether a media type matches the API's binary media
// types: exact, "*/*", or a right wildcard ("image/*"). A configured type
// with a left wildcard ("*/test") matches nothing, not even "*/test"
// itself, as AWS answered in LocalStack's test_aws_proxy_binary_response
// (validated against AWS).
func isBinary(contentType string, binaryTypes []string) bool {
	if contentType == "" || len(binaryTypes) == 0 {
		return false
	}
	mt, _, err := mime.ParseMediaType(contentType)
	if err != nil {
		mt = strings.ToLower(strings.TrimSpace(contentType))
	}
	for _, b := range binaryTypes {
		b = strings.ToLower(b)
		switch {
		case b == "*/*":
			return true
		case strings.HasPrefix(b, "*/"):
			// left wildcard: never matches
		case b == mt:
			return true
		case strings.HasSuffix(b, "/*") && strings.HasPrefix(mt, strings.TrimSuffix(b, "*")):
			return true
		}
	}
	return false
}
