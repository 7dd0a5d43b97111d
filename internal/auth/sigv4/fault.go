package sigv4

import (
	"errors"

	"github.com/portico-gw/portico/internal/fault"
)

// Fault classifies an error returned by Verify as the gateway fault AWS
// answers with, so that the AWS_IAM step can return it as is:
//
//   - ErrMissing: MISSING_AUTHENTICATION_TOKEN (403 "Missing Authentication
//     Token").
//   - ErrExpiredToken: EXPIRED_TOKEN (403).
//   - *InvalidSignatureError and *SignatureExpiredError: INVALID_SIGNATURE
//     (403) with the error's message.
//   - *IncompleteSignatureError and ErrUnrecognizedClient: INVALID_SIGNATURE
//     with the error's message and its own x-amzn-ErrorType
//     (IncompleteSignatureException, UnrecognizedClientException). AWS does
//     not document which gateway response type these use (UNCONFIRMED);
//     INVALID_SIGNATURE keeps AWS's 403 and lets an API customize it.
//
// Any other error becomes DEFAULT_5XX through fault.From. Fault returns nil
// for a nil error.
func Fault(err error) *fault.Error {
	switch {
	case err == nil:
		return nil
	case errors.Is(err, ErrMissing):
		return fault.Reject(fault.MissingAuthenticationToken, err)
	case errors.Is(err, ErrExpiredToken):
		return fault.Reject(fault.ExpiredToken, err)
	}
	switch t := ErrorType(err); t {
	case errTypeInvalid:
		return fault.Reject(fault.InvalidSignature, err).WithMessage(err.Error())
	case errTypeIncomplete, errTypeUnrecognized:
		return fault.Reject(fault.InvalidSignature, err).WithMessage(err.Error()).WithErrorType(t)
	}
	return fault.From(err)
}
