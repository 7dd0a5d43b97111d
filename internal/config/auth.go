package config

// IAM holds the credentials AWS_IAM methods accept (SigV4, service execute-api).
type IAM struct {
	Credentials []IAMCredential `yaml:"credentials"`
}

// IAMCredential is one access key. Secrets may be ${env:NAME}; they are
// never logged.
type IAMCredential struct {
	AccessKeyID     string `yaml:"accessKeyId"`
	SecretAccessKey string `yaml:"secretAccessKey"`
	SessionToken    string `yaml:"sessionToken"`
	// ARN is the caller ($context.identity.userArn); default
	// arn:aws:iam::{accountId}:user/{accessKeyId}.
	ARN string `yaml:"arn"`
	// Expires (RFC 3339) makes a session credential expire.
	Expires string `yaml:"expires"`
}

// CognitoUserPool maps a user pool ARN (as in an authorizer's
// providerARNs) to where its tokens are verified.
type CognitoUserPool struct {
	ARN string `yaml:"arn"`
	// Issuer is the pool's issuer URL (https://cognito-idp.{region}.amazonaws.com/{poolId}).
	Issuer string `yaml:"issuer"`
	// JWKS is a URL or a local file with the pool's keys (works offline);
	// default {issuer}/.well-known/jwks.json.
	JWKS string `yaml:"jwks"`
}

// JWTAuthorizer lets REST definitions use a JWT authorizer: a security
// scheme with this name is verified as a JWT.
type JWTAuthorizer struct {
	Name      string   `yaml:"name"`
	Issuer    string   `yaml:"issuer"`
	Audiences []string `yaml:"audiences"`
	// JWKS is a URL or a local file; default OIDC discovery from the issuer.
	JWKS string `yaml:"jwks"`
}

// Authorization holds authorization choices where AWS's exact text is
// UNCONFIRMED.
type Authorization struct {
	// ExplicitDenyMessage is the ACCESS_DENIED message for an explicit Deny.
	// Default "User is not authorized to access this resource with an
	// explicit deny" (captures from 2025 on add " in an identity-based policy").
	ExplicitDenyMessage string `yaml:"explicitDenyMessage"`
}
