package fault

import (
	"errors"
	"fmt"
	"testing"
)

// TestDefaults pins every type's default status against the AWS developer
// guide's "Gateway response types" table and the GetGatewayResponses
// recording (docs/aws-behaviour.md#response-types-and-defaults), and its x-amzn-ErrorType.
func TestDefaults(t *testing.T) {
	t.Parallel()
	want := map[ResponseType]struct {
		status    int
		family    ResponseType
		errorType string
	}{
		AccessDenied:                 {403, Default4XX, "AccessDeniedException"},
		APIConfigurationError:        {500, Default5XX, "InternalServerErrorException"},
		AuthorizerConfigurationError: {500, Default5XX, "AuthorizerConfigurationException"},
		AuthorizerFailure:            {500, Default5XX, "AuthorizerFailureException"},
		BadRequestBody:               {400, Default4XX, "BadRequestException"},
		BadRequestParameters:         {400, Default4XX, "BadRequestException"},
		Default4XX:                   {0, Default4XX, ""},
		Default5XX:                   {0, Default5XX, ""},
		ExpiredToken:                 {403, Default4XX, "ExpiredTokenException"},
		IntegrationFailure:           {504, Default5XX, "InternalServerErrorException"},
		IntegrationTimeout:           {504, Default5XX, "InternalServerErrorException"},
		InvalidAPIKey:                {403, Default4XX, "ForbiddenException"},
		InvalidSignature:             {403, Default4XX, "InvalidSignatureException"},
		MissingAuthenticationToken:   {403, Default4XX, "MissingAuthenticationTokenException"},
		QuotaExceeded:                {429, Default4XX, "LimitExceededException"},
		RequestTooLarge:              {413, Default4XX, "BadRequestException"},
		ResourceNotFound:             {404, Default4XX, "NotFoundException"},
		Throttled:                    {429, Default4XX, "TooManyRequestsException"},
		Unauthorized:                 {401, Default4XX, "UnauthorizedException"},
		UnsupportedMediaType:         {415, Default4XX, "BadRequestException"},
		WAFFiltered:                  {403, Default4XX, "WAFFilteredException"},
	}
	if len(All()) != 21 || len(want) != 21 {
		t.Fatalf("got %d types, want the 21 of the AWS enum", len(All()))
	}
	for _, rt := range All() {
		w, ok := want[rt]
		if !ok || !rt.IsValid() {
			t.Fatalf("%s: not in the AWS table", rt)
		}
		if rt.DefaultStatus() != w.status || rt.Family() != w.family || rt.ErrorType() != w.errorType {
			t.Errorf("%s: got (%d, %s, %s), want (%d, %s, %s)", rt, rt.DefaultStatus(), rt.Family(), rt.ErrorType(), w.status, w.family, w.errorType)
		}
	}
	if ResponseType("FAKE_RESPONSE_TYPE").IsValid() {
		t.Error("FAKE_RESPONSE_TYPE accepted")
	}
}

func TestMessages(t *testing.T) {
	t.Parallel()
	cases := []struct {
		f    *Error
		msg  string
		null bool
	}{
		{&Error{Type: MissingAuthenticationToken}, "Missing Authentication Token", false},
		{&Error{Type: Throttled}, "Too Many Requests", false},
		{&Error{Type: QuotaExceeded}, "Limit Exceeded", false},
		{&Error{Type: InvalidAPIKey}, "Forbidden", false},
		{&Error{Type: Unauthorized}, "Unauthorized", false},
		{&Error{Type: AuthorizerConfigurationError}, "", true},
		{&Error{Type: AccessDenied, Message: "User is not authorized to access this resource with an explicit deny"}, "User is not authorized to access this resource with an explicit deny", false},
		{&Error{Type: BadRequestParameters, Message: "Missing required request parameters: [q1]"}, "Missing required request parameters: [q1]", false},
	}
	for _, c := range cases {
		if c.f.MessageText() != c.msg || c.f.IsNull() != c.null {
			t.Errorf("%s: got (%q, null=%v), want (%q, %v)", c.f.Type, c.f.MessageText(), c.f.IsNull(), c.msg, c.null)
		}
	}
}

func TestNewKeepsInnerClassification(t *testing.T) {
	t.Parallel()
	inner := &Error{Type: IntegrationTimeout}
	got := New(IntegrationFailure, fmt.Errorf("call: %w", inner))
	if got.Type != IntegrationTimeout {
		t.Errorf("got %s, want the inner INTEGRATION_TIMEOUT", got.Type)
	}
	plain := From(errors.New("boom"))
	if plain.Type != Default5XX || plain.MessageText() != "Internal server error" || plain.Status != 500 {
		t.Errorf("From(plain error): got %+v", plain)
	}
	if From(nil) != nil {
		t.Error("From(nil) is not nil")
	}
}
