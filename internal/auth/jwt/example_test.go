package jwt_test

import (
	"fmt"

	"github.com/portico-gw/portico/internal/auth/jwt"
)

func ExampleError_WWWAuthenticate() {
	e := &jwt.Error{Kind: jwt.KindInvalidToken, Description: jwt.DescAudience}
	fmt.Println(e.WWWAuthenticate())
	// Output: Bearer scope="" error="invalid_token" error_description="the token does not have a valid audience"
}

func ExampleCognitoOptions() {
	// A method without authorizationScopes takes ID tokens; one with scopes
	// takes access tokens.
	fmt.Printf("%+v\n", jwt.CognitoOptions(nil, `^[a-z0-9]+$`))
	fmt.Printf("%+v\n", jwt.CognitoOptions([]string{"pets/read"}, `^[a-z0-9]+$`))
	// Output:
	// {Scopes:[] TokenUse:id AudienceExpression:^[a-z0-9]+$}
	// {Scopes:[pets/read] TokenUse:access AudienceExpression:}
}
