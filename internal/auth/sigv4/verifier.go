package sigv4

import (
	"errors"
	"fmt"
	"net/http"
	"time"
)

// DefaultService is the signing name of API Gateway's data plane.
const DefaultService = "execute-api"

// DefaultSkew is the clock skew AWS allows between a request's signing time
// and its own clock.
const DefaultSkew = 5 * time.Minute

// Credential is one access key the gateway accepts.
type Credential struct {
	// AccessKeyID and SecretAccessKey are the key pair; both are required.
	AccessKeyID, SecretAccessKey string
	// SessionToken, when set, must arrive as X-Amz-Security-Token (header or
	// presigned query). When empty, a request carrying a token is rejected.
	SessionToken string
	// ARN is the principal's ARN (arn:aws:iam::123456789012:user/alice or
	// arn:aws:sts::123456789012:assumed-role/role/session); it fills Identity.
	ARN string
	// Expires ends a session credential; zero means it never expires.
	Expires time.Time
}

// Config configures a Verifier. Defaults are applied by New.
type Config struct {
	// Credentials are the accepted access keys; access key IDs must be unique.
	Credentials []Credential
	// Region is the region a credential scope must name, e.g. "us-east-1".
	Region string
	// Service is the service a credential scope must name; default
	// DefaultService ("execute-api").
	Service string
	// Skew is the allowed difference between the signing time and Now;
	// default DefaultSkew (5 minutes).
	Skew time.Duration
	// Now is the clock; default time.Now.
	Now func() time.Time
	// ExplainMismatch appends the expected canonical string and
	// string-to-sign to the client-facing message of a wrong signature, as
	// AWS does. Default off: they are always in InvalidSignatureError's
	// fields for logs, but they name every signed header value.
	ExplainMismatch bool
	// AcceptAnyKey accepts a well-formed, current signature by an access
	// key that Credentials do not name, without checking it (the secret is
	// unknown). It is for development listeners bound to loopback, such as
	// the management API with no configured credentials. Keys that
	// Credentials name are still verified.
	AcceptAnyKey bool
}

// Identity is the authenticated caller, for $context.identity.
type Identity struct {
	// AccessKeyID is $context.identity.accessKey.
	AccessKeyID string
	// ARN is the credential's ARN, as configured.
	ARN string
	// AccountID is the account field of ARN ($context.identity.accountId).
	AccountID string
	// Caller and User are $context.identity.caller and .user. AWS fills them
	// with the principal's unique ID (AIDA…, or AROA…:session); Portico has
	// no unique IDs, so they hold the name from the ARN: the user name, or
	// "role:session" for an assumed role, or the account ID for root, or the
	// access key ID when there is no ARN.
	Caller, User string
	// UserArn is $context.identity.userArn, the same as ARN.
	UserArn string
}

// entry is an accepted credential with its precomputed identity.
type entry struct {
	Credential
	identity Identity
}

// Verifier checks SigV4 signatures for one region and service. It is safe
// for concurrent use; its only mutable state is a cache of signing keys.
type Verifier struct {
	creds   map[string]*entry
	region  string
	service string
	skew    time.Duration
	now     func() time.Time
	explain bool
	anyKey  bool
	keys    keyCache
}

// New validates cfg, applies its defaults and returns a Verifier.
func New(cfg Config) (*Verifier, error) {
	var errs []error
	if cfg.Region == "" {
		errs = append(errs, errors.New("sigv4: region is required"))
	}
	if cfg.Skew < 0 {
		errs = append(errs, fmt.Errorf("sigv4: skew %v is negative", cfg.Skew))
	}
	v := &Verifier{
		creds:   make(map[string]*entry, len(cfg.Credentials)),
		region:  cfg.Region,
		service: cfg.Service,
		skew:    cfg.Skew,
		now:     cfg.Now,
		explain: cfg.ExplainMismatch,
		anyKey:  cfg.AcceptAnyKey,
	}
	if v.service == "" {
		v.service = DefaultService
	}
	if v.skew == 0 {
		v.skew = DefaultSkew
	}
	if v.now == nil {
		v.now = time.Now
	}
	for i, c := range cfg.Credentials {
		switch {
		case c.AccessKeyID == "" || c.SecretAccessKey == "":
			errs = append(errs, fmt.Errorf("sigv4: credential %d: access key ID and secret are required", i))
		case v.creds[c.AccessKeyID] != nil:
			errs = append(errs, fmt.Errorf("sigv4: credential %d: duplicate access key ID %q", i, c.AccessKeyID))
		default:
			v.creds[c.AccessKeyID] = &entry{Credential: c, identity: *identityOf(&c)}
		}
	}
	if err := errors.Join(errs...); err != nil {
		return nil, err
	}
	return v, nil
}

// Verify checks the SigV4 signature of r, whose body has already been read
// into body, and returns the caller's identity. r must be the request as the
// client sent it (its RequestURI, or its URL when RequestURI is empty, and
// its headers). Errors are ErrMissing, ErrUnrecognizedClient,
// ErrExpiredToken, *IncompleteSignatureError, *InvalidSignatureError or
// *SignatureExpiredError.
//
// A request with an Authorization header is verified by that header even
// when it also carries presigned query parameters.
func (v *Verifier) Verify(r *http.Request, body []byte) (*Identity, error) {
	path, rawQuery := requestTarget(r)
	query := parseQuery(rawQuery)
	var (
		s   *signedRequest
		err error
	)
	if auth := r.Header.Get("Authorization"); auth != "" {
		s, err = fromHeader(r, auth)
	} else if _, ok := lookup(query, paramAlgorithm); ok {
		s, err = fromQuery(query)
	} else {
		return nil, ErrMissing
	}
	if err != nil {
		return nil, err
	}
	if err := checkScope(s.scope, v.region, v.service, s.time.Format(shortFormat), s.amzDate); err != nil {
		return nil, err
	}
	now := v.now().UTC()
	if err := v.checkTime(s, now); err != nil {
		return nil, err
	}
	if v.anyKey && v.creds[s.scope.AccessKeyID] == nil {
		id := identityOf(&Credential{AccessKeyID: s.scope.AccessKeyID})
		return id, nil
	}
	cred, err := v.credential(s, now)
	if err != nil {
		return nil, err
	}
	hash, err := payloadHash(r, query, s.presigned, body)
	if err != nil {
		return nil, err
	}
	if err := v.checkSignature(r, s, cred, path, query, hash); err != nil {
		// A presigned URL says nothing about its payload hash; SDKs sign
		// either the body's hash or UNSIGNED-PAYLOAD, so accept both.
		if !s.presigned || hash == unsignedPayload || v.checkSignature(r, s, cred, path, query, unsignedPayload) != nil {
			return nil, err
		}
	}
	id := cred.identity
	return &id, nil
}

// checkTime enforces the clock skew and, for presigned URLs, X-Amz-Expires.
func (v *Verifier) checkTime(s *signedRequest, now time.Time) error {
	if s.time.After(now.Add(v.skew)) {
		return skewError(s.time, now, v.skew)
	}
	if s.expires < 0 {
		if s.time.Before(now.Add(-v.skew)) {
			return skewError(s.time, now, v.skew)
		}
		return nil
	}
	if end := s.time.Add(s.expires); now.After(end) {
		return &SignatureExpiredError{Message: "Request has expired", Signed: s.time, Now: now, Expires: end}
	}
	return nil
}

// credential finds the signing credential and checks its session token and
// expiry.
func (v *Verifier) credential(s *signedRequest, now time.Time) (*entry, error) {
	c := v.creds[s.scope.AccessKeyID]
	if c == nil {
		return nil, ErrUnrecognizedClient
	}
	if (c.SessionToken != "" || s.token != "") && !equal(c.SessionToken, s.token) {
		return nil, ErrUnrecognizedClient
	}
	if !c.Expires.IsZero() && !now.Before(c.Expires) {
		return nil, ErrExpiredToken
	}
	return c, nil
}
