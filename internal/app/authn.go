package app

import (
	"context"
	"errors"
	"fmt"
	"log/slog"
	"time"

	"github.com/portico-gw/portico/internal/auth/jwt"
	"github.com/portico-gw/portico/internal/auth/sigv4"
	"github.com/portico-gw/portico/internal/config"
)

// tokenVerifiers holds the JWT verifiers of Cognito user pools and JWT
// authorizers. They fetch and refresh key sets in the background, so they
// live as long as the gateway and are closed with it.
type tokenVerifiers struct {
	cognito map[string]*jwt.Verifier
	jwt     map[string]*jwt.Verifier
}

// openVerifiers loads every configured key set (a URL or a local file).
func openVerifiers(cfg *config.File, log *slog.Logger) (*tokenVerifiers, error) {
	tv := &tokenVerifiers{cognito: map[string]*jwt.Verifier{}, jwt: map[string]*jwt.Verifier{}}
	ctx, cancel := context.WithTimeout(context.Background(), 10*time.Second)
	defer cancel()
	for _, p := range cfg.CognitoUserPools {
		keys := p.JWKS
		if keys == "" {
			keys = p.Issuer + "/.well-known/jwks.json"
		}
		v, err := jwt.New(ctx, jwt.Config{Issuer: p.Issuer, JWKS: keys, Logger: log})
		if err != nil {
			tv.Close()
			return nil, fmt.Errorf("cognitoUserPools %s: %w", p.ARN, err)
		}
		tv.cognito[p.ARN] = v
	}
	for _, a := range cfg.JWTAuthorizers {
		v, err := jwt.New(ctx, jwt.Config{Issuer: a.Issuer, Audiences: a.Audiences, JWKS: a.JWKS, Logger: log})
		if err != nil {
			tv.Close()
			return nil, fmt.Errorf("jwtAuthorizers %s: %w", a.Name, err)
		}
		tv.jwt[a.Name] = v
	}
	return tv, nil
}

// Close stops every verifier's refresh.
func (tv *tokenVerifiers) Close() error {
	if tv == nil {
		return nil
	}
	var errs []error
	for _, v := range tv.cognito {
		errs = append(errs, v.Close())
	}
	for _, v := range tv.jwt {
		errs = append(errs, v.Close())
	}
	return errors.Join(errs...)
}

// iamVerifier builds the SigV4 verifier of the configured credentials.
// With none, it knows no access key, so every AWS_IAM call is refused with
// 403 (deploy.Lint warns about such methods).
func iamVerifier(cfg *config.File) (*sigv4.Verifier, error) {
	creds := make([]sigv4.Credential, 0, len(cfg.IAM.Credentials))
	for _, c := range cfg.IAM.Credentials {
		arn := c.ARN
		if arn == "" {
			arn = "arn:aws:iam::" + cfg.AccountID + ":user/" + c.AccessKeyID
		}
		var exp time.Time
		if c.Expires != "" {
			exp, _ = time.Parse(time.RFC3339, c.Expires)
		}
		creds = append(creds, sigv4.Credential{AccessKeyID: c.AccessKeyID, SecretAccessKey: c.SecretAccessKey, SessionToken: c.SessionToken, ARN: arn, Expires: exp})
	}
	return sigv4.New(sigv4.Config{Credentials: creds, Region: cfg.Region})
}
