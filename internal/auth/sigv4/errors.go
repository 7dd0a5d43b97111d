package sigv4

import (
	"errors"
	"fmt"
	"time"
)

// Provenance of the texts, with the labels of docs/aws-behaviour.md#sources. Observed in AWS
// captures [OBS]: the signature mismatch, "Signature expired: … is now
// earlier than … (… - 5 min.)", the expired and invalid security token, the
// missing-equal-sign text in its hashed form, the missing-parameter list,
// "Credential should be scoped to a valid region, not '…'. " and "… to
// correct service: '…'. ". Recalled from other AWS services' SigV4 front end
// and UNCONFIRMED for execute-api: "Signature not yet current", the
// credential-element, terminator, scope-date, ISO-8601 and Host texts, the
// query-string and X-Amz-Expires texts, "Unsupported AWS 'algorithm'", and
// S3's wordings "Request has expired" (a presigned URL past X-Amz-Expires)
// and "The provided 'x-amz-content-sha256' header does not match what was
// computed.". The RFC 1123 Date-header text is Portico's own. The hashed form of the missing-parameter list is
// modelled on the hashed missing-equal-sign text (UNCONFIRMED); older AWS
// responses echoed "Authorization=<header>" instead.

// The x-amzn-ErrorType names AWS sends with each error. The gateway copies
// them into its fault so that the response header matches AWS.
const (
	errTypeMissing      = "MissingAuthenticationTokenException"
	errTypeIncomplete   = "IncompleteSignatureException"
	errTypeInvalid      = "InvalidSignatureException"
	errTypeUnrecognized = "UnrecognizedClientException"
	errTypeExpiredToken = "ExpiredTokenException"
)

// MsgSignatureMismatch is AWS's client-facing text for a wrong signature.
const MsgSignatureMismatch = "The request signature we calculated does not match the signature you provided. " +
	"Check your AWS Secret Access Key and signing method. Consult the service documentation for details."

// sentinel is an error value with a fixed AWS message and error type. Its
// values are compared with errors.Is.
type sentinel struct{ msg, errType string }

func (s *sentinel) Error() string { return s.msg }

// ErrorType returns the x-amzn-ErrorType AWS sends with this error.
func (s *sentinel) ErrorType() string { return s.errType }

// The sentinel errors are never reassigned: they are the package's error
// vocabulary, compared with errors.Is. Their texts are AWS's client-facing
// messages, hence the capital letters.
var (
	// ErrMissing means the request carries neither an Authorization header
	// nor an X-Amz-Algorithm query parameter. The gateway answers 403
	// MISSING_AUTHENTICATION_TOKEN "Missing Authentication Token".
	ErrMissing error = &sentinel{"Missing Authentication Token", errTypeMissing}

	// ErrExpiredToken means the signing credential (a session credential with
	// an expiry) has expired. The gateway answers 403 EXPIRED_TOKEN.
	ErrExpiredToken error = &sentinel{"The security token included in the request is expired", errTypeExpiredToken}

	// ErrUnrecognizedClient means the access key ID is unknown, or the
	// X-Amz-Security-Token does not belong to the credential. AWS answers
	// execute-api requests signed with an unknown key with 403
	// UnrecognizedClientException "The security token included in the
	// request is invalid." (observed in public captures). There is no
	// dedicated gateway response type; Fault maps it to INVALID_SIGNATURE
	// with this message and error type. A wrong signature cannot be told
	// from an unknown key without the secret, so this is also the most
	// useful answer for the client.
	ErrUnrecognizedClient error = &sentinel{"The security token included in the request is invalid.", errTypeUnrecognized}
)

// IncompleteSignatureError reports an Authorization header or presigned query
// that cannot be parsed (AWS's IncompleteSignatureException, 403). Message is
// AWS's text; the header value is never echoed, only its SHA-256 hash in
// Base64, as newer AWS responses do.
type IncompleteSignatureError struct {
	Message string
}

func (e *IncompleteSignatureError) Error() string { return e.Message }

// ErrorType returns "IncompleteSignatureException".
func (e *IncompleteSignatureError) ErrorType() string { return errTypeIncomplete }

// InvalidSignatureError reports a well-formed signature that does not verify
// or is scoped to another region, service or date (AWS's
// InvalidSignatureException, 403, gateway response INVALID_SIGNATURE).
type InvalidSignatureError struct {
	// Message is the client-facing text. For a wrong signature it is
	// MsgSignatureMismatch, followed by the canonical string and the
	// string-to-sign only when Config.ExplainMismatch is set.
	Message string
	// CanonicalRequest and StringToSign are what the verifier computed, for
	// the gateway's logs. They are empty when the signature was not computed.
	CanonicalRequest string
	StringToSign     string
}

func (e *InvalidSignatureError) Error() string { return e.Message }

// ErrorType returns "InvalidSignatureException".
func (e *InvalidSignatureError) ErrorType() string { return errTypeInvalid }

// SignatureExpiredError reports a request date outside the allowed clock skew,
// or a presigned URL used after X-Amz-Expires (AWS's
// InvalidSignatureException, 403, gateway response INVALID_SIGNATURE).
type SignatureExpiredError struct {
	// Message is AWS's text, for example "Signature expired: 20201027T123008Z
	// is now earlier than 20201027T125507Z (20201027T130007Z - 5 min.)".
	Message string
	// Signed is the request's signing time; Now is the verifier's clock.
	Signed, Now time.Time
	// Expires is the end of a presigned URL's validity, zero otherwise.
	Expires time.Time
}

func (e *SignatureExpiredError) Error() string { return e.Message }

// ErrorType returns "InvalidSignatureException".
func (e *SignatureExpiredError) ErrorType() string { return errTypeInvalid }

// Interface guards: every error carries its AWS error type.
var (
	_ interface{ ErrorType() string } = (*sentinel)(nil)
	_ interface{ ErrorType() string } = (*IncompleteSignatureError)(nil)
	_ interface{ ErrorType() string } = (*InvalidSignatureError)(nil)
	_ interface{ ErrorType() string } = (*SignatureExpiredError)(nil)
)

// ErrorType returns the x-amzn-ErrorType that AWS sends for err, or "" when
// err did not come from this package.
func ErrorType(err error) string {
	var t interface{ ErrorType() string }
	if errors.As(err, &t) {
		return t.ErrorType()
	}
	return ""
}

// skewError builds AWS's clock-skew text. minutes is the allowed skew,
// written the way AWS writes it ("5 min.").
func skewError(signed, now time.Time, skew time.Duration) *SignatureExpiredError {
	mins := fmt.Sprintf("%g min.", skew.Minutes())
	e := &SignatureExpiredError{Signed: signed, Now: now}
	if signed.Before(now) {
		e.Message = fmt.Sprintf("Signature expired: %s is now earlier than %s (%s - %s)",
			fmtTime(signed), fmtTime(now.Add(-skew)), fmtTime(now), mins)
	} else {
		e.Message = fmt.Sprintf("Signature not yet current: %s is still later than %s (%s + %s)",
			fmtTime(signed), fmtTime(now.Add(skew)), fmtTime(now), mins)
	}
	return e
}

// fmtTime writes t in ISO 8601 basic format, as AWS quotes times.
func fmtTime(t time.Time) string { return t.UTC().Format(isoFormat) }
