package sigv4

import (
	"net/http"
	"net/textproto"
	"net/url"
	"slices"
	"strconv"
	"strings"
)

const hexUpper = "0123456789ABCDEF"

// unreserved reports whether SigV4 leaves byte c unescaped: the RFC 3986
// unreserved set, A-Z a-z 0-9 - . _ ~.
func unreserved(c byte) bool {
	return 'A' <= c && c <= 'Z' || 'a' <= c && c <= 'z' || '0' <= c && c <= '9' ||
		c == '-' || c == '.' || c == '_' || c == '~'
}

// awsEscape percent-encodes every byte of s except the unreserved set (and
// '/' when keepSlash), with upper-case hex, as SigV4 requires.
func awsEscape(b *strings.Builder, s string, keepSlash bool) {
	for i := 0; i < len(s); i++ {
		c := s[i]
		if unreserved(c) || keepSlash && c == '/' {
			b.WriteByte(c)
			continue
		}
		b.WriteByte('%')
		b.WriteByte(hexUpper[c>>4])
		b.WriteByte(hexUpper[c&15])
	}
}

// requestTarget returns the escaped path and raw query exactly as the client
// sent them. A server request keeps them in RequestURI; a request built in
// process (tests, internal calls) falls back to its URL.
func requestTarget(r *http.Request) (path, query string) {
	if u := r.RequestURI; strings.HasPrefix(u, "/") {
		path, query, _ = strings.Cut(u, "?")
		return path, query
	}
	return r.URL.EscapedPath(), r.URL.RawQuery
}

// canonicalURI returns the canonical URI of an escaped request path. Like the
// AWS SDKs for every service but S3 (execute-api included), it escapes the
// already-escaped path once more, so a space travels as %20 and is signed as
// %2520. The path is not normalized.
func canonicalURI(b *strings.Builder, escapedPath string) {
	if escapedPath == "" {
		escapedPath = "/"
	}
	awsEscape(b, escapedPath, true)
}

// queryPair is one decoded query parameter.
type queryPair struct{ Key, Value string }

// parseQuery decodes a raw query the way net/url.ParseQuery does (pairs with
// a semicolon or a bad escape are dropped), keeping the order and every value.
func parseQuery(raw string) []queryPair {
	if raw == "" {
		return nil
	}
	pairs := make([]queryPair, 0, strings.Count(raw, "&")+1)
	for part := range strings.SplitSeq(raw, "&") {
		if part == "" || strings.Contains(part, ";") {
			continue
		}
		k, v, _ := strings.Cut(part, "=")
		k, err1 := url.QueryUnescape(k)
		v, err2 := url.QueryUnescape(v)
		if err1 != nil || err2 != nil {
			continue
		}
		pairs = append(pairs, queryPair{k, v})
	}
	return pairs
}

// canonicalQuery writes the canonical query string: every pair encoded with
// SigV4's rules and sorted by key, then value. skip names one parameter to
// leave out (X-Amz-Signature for presigned URLs). All pairs are encoded into
// one buffer so that the cost does not grow with one allocation per pair.
func canonicalQuery(b *strings.Builder, pairs []queryPair, skip string) {
	type span struct{ start, mid, end int } // key is buf[start:mid], value buf[mid:end]
	spans := make([]span, 0, len(pairs))
	var buf []byte
	for _, p := range pairs {
		if skip != "" && p.Key == skip {
			continue
		}
		start := len(buf)
		buf = appendEscape(buf, p.Key)
		mid := len(buf)
		buf = appendEscape(buf, p.Value)
		spans = append(spans, span{start, mid, len(buf)})
	}
	enc := string(buf)
	slices.SortFunc(spans, func(x, y span) int {
		if c := strings.Compare(enc[x.start:x.mid], enc[y.start:y.mid]); c != 0 {
			return c
		}
		return strings.Compare(enc[x.mid:x.end], enc[y.mid:y.end])
	})
	for i, sp := range spans {
		if i > 0 {
			b.WriteByte('&')
		}
		b.WriteString(enc[sp.start:sp.mid])
		b.WriteByte('=')
		b.WriteString(enc[sp.mid:sp.end])
	}
}

// appendEscape is awsEscape for query components, appending to dst.
func appendEscape(dst []byte, s string) []byte {
	for i := 0; i < len(s); i++ {
		if c := s[i]; unreserved(c) {
			dst = append(dst, c)
		} else {
			dst = append(dst, '%', hexUpper[c>>4], hexUpper[c&15])
		}
	}
	return dst
}

// canonicalHeaders writes "name:value\n" for every signed header in the
// client's order. Values are trimmed and runs of spaces collapsed; repeated
// headers are joined with commas. Host, Content-Length and Transfer-Encoding
// are read from the fields where net/http's server moves them.
func canonicalHeaders(b *strings.Builder, r *http.Request, names []string) {
	for _, name := range names {
		b.WriteString(name)
		b.WriteByte(':')
		values := r.Header[textproto.CanonicalMIMEHeaderKey(name)]
		switch {
		case name == "host":
			h := r.Host
			if h == "" {
				h = r.URL.Host
			}
			values = []string{h}
		case len(values) > 0:
		case name == "content-length" && r.ContentLength >= 0:
			values = []string{strconv.FormatInt(r.ContentLength, 10)}
		case name == "transfer-encoding":
			values = r.TransferEncoding
		}
		for i, v := range values {
			if i > 0 {
				b.WriteByte(',')
			}
			writeTrimmed(b, v)
		}
		b.WriteByte('\n')
	}
}

// writeTrimmed writes v without leading or trailing spaces and with every run
// of spaces collapsed to one, as the SDK's StripExcessSpaces does.
func writeTrimmed(b *strings.Builder, v string) {
	v = strings.TrimSpace(v)
	space := false
	for i := 0; i < len(v); i++ {
		c := v[i]
		if c == ' ' {
			if !space {
				b.WriteByte(' ')
			}
			space = true
			continue
		}
		space = false
		b.WriteByte(c)
	}
}
