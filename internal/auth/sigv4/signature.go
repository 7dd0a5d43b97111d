package sigv4

import (
	"crypto/hmac"
	"crypto/sha256"
	"crypto/subtle"
	"encoding/hex"
	"net/http"
	"strings"
)

// unsignedPayload is the payload hash of a request whose body is not signed.
const unsignedPayload = "UNSIGNED-PAYLOAD"

// payloadHash returns the last line of the canonical request: the
// X-Amz-Content-Sha256 header (or, for presigned URLs, query parameter) when
// present, UNSIGNED-PAYLOAD included, else the hex SHA-256 of body. A header
// that claims a SHA-256 other than the body's is rejected, so that a signed
// hash always covers the body that arrived.
func payloadHash(r *http.Request, q []queryPair, presigned bool, body []byte) (string, error) {
	claimed := r.Header.Get(paramContentSHA256)
	if claimed == "" && presigned {
		claimed, _ = lookup(q, paramContentSHA256)
	}
	if claimed != "" && !isSHA256Hex(claimed) {
		return claimed, nil
	}
	sum := sha256.Sum256(body)
	actual := hex.EncodeToString(sum[:])
	if claimed != "" && claimed != actual {
		return "", &InvalidSignatureError{Message: "The provided 'x-amz-content-sha256' header does not match what was computed."}
	}
	return actual, nil
}

// isSHA256Hex reports whether v is 64 lower-case hex digits.
func isSHA256Hex(v string) bool {
	if len(v) != 2*sha256.Size {
		return false
	}
	for i := 0; i < len(v); i++ {
		if c := v[i]; !('0' <= c && c <= '9' || 'a' <= c && c <= 'f') {
			return false
		}
	}
	return true
}

// checkSignature rebuilds the canonical request and the string to sign,
// signs it with cred and compares the result with the client's signature in
// constant time.
func (v *Verifier) checkSignature(r *http.Request, s *signedRequest, cred *entry, path string, q []queryPair, hash string) error {
	var b strings.Builder
	b.Grow(512)
	b.WriteString(r.Method)
	b.WriteByte('\n')
	canonicalURI(&b, path)
	b.WriteByte('\n')
	skip := ""
	if s.presigned {
		skip = paramSignature
	}
	canonicalQuery(&b, q, skip)
	b.WriteByte('\n')
	canonicalHeaders(&b, r, s.signedHeaders)
	b.WriteByte('\n')
	for i, h := range s.signedHeaders {
		if i > 0 {
			b.WriteByte(';')
		}
		b.WriteString(h)
	}
	b.WriteByte('\n')
	b.WriteString(hash)
	canonical := b.String()

	crHash := sha256.Sum256([]byte(canonical))
	sts := algorithm + "\n" + s.amzDate + "\n" + s.scope.String() + "\n" + hex.EncodeToString(crHash[:])

	key := v.keys.signingKey(&cred.Credential, s.scope.Date, v.region, v.service)
	mac := hmac.New(sha256.New, key[:])
	mac.Write([]byte(sts))
	var sum [2 * sha256.Size]byte
	hex.Encode(sum[:], mac.Sum(nil))
	if subtle.ConstantTimeCompare(sum[:], []byte(s.signature)) == 1 {
		return nil
	}
	e := &InvalidSignatureError{Message: MsgSignatureMismatch, CanonicalRequest: canonical, StringToSign: sts}
	if v.explain {
		e.Message += "\n\nThe Canonical String for this request should have been\n'" + canonical +
			"'\n\nThe String-to-Sign should have been\n'" + sts + "'\n"
	}
	return e
}

// equal compares two secrets in constant time.
func equal(a, b string) bool {
	return subtle.ConstantTimeCompare([]byte(a), []byte(b)) == 1
}
