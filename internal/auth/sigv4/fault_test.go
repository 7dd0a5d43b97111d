package sigv4

import (
	"errors"
	"testing"

	"github.com/portico-gw/portico/internal/fault"
)

func TestFault(t *testing.T) {
	t.Parallel()
	cases := []struct {
		err          error
		typ          fault.ResponseType
		msg, errType string
		status       int
	}{
		{ErrMissing, fault.MissingAuthenticationToken, "Missing Authentication Token", "MissingAuthenticationTokenException", 403},
		{ErrExpiredToken, fault.ExpiredToken, "The security token included in the request is expired", "ExpiredTokenException", 403},
		{&InvalidSignatureError{Message: MsgSignatureMismatch}, fault.InvalidSignature, MsgSignatureMismatch, "InvalidSignatureException", 403},
		{&SignatureExpiredError{Message: "Signature expired: x"}, fault.InvalidSignature, "Signature expired: x", "InvalidSignatureException", 403},
		{&IncompleteSignatureError{Message: "m"}, fault.InvalidSignature, "m", "IncompleteSignatureException", 403},
		{ErrUnrecognizedClient, fault.InvalidSignature, "The security token included in the request is invalid.", "UnrecognizedClientException", 403},
		{errors.New("boom"), fault.Default5XX, "Internal server error", "InternalServerErrorException", 500},
	}
	for _, tc := range cases {
		f := Fault(tc.err)
		errType := f.ErrorType
		if errType == "" {
			errType = f.Type.ErrorType()
		}
		status := f.Status
		if status == 0 {
			status = f.Type.DefaultStatus()
		}
		if f.Type != tc.typ || f.MessageText() != tc.msg || errType != tc.errType || status != tc.status || !errors.Is(f, tc.err) {
			t.Errorf("Fault(%v) = %+v", tc.err, f)
		}
	}
	if Fault(nil) != nil {
		t.Error("Fault(nil) != nil")
	}
}
