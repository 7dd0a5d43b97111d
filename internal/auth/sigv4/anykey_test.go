package sigv4

import (
	"errors"
	"testing"
	"time"
)

// TestAcceptAnyKey: with AcceptAnyKey, an unknown key's well-formed,
// current signature passes unchecked; a known key is still verified, and a
// stale or malformed signature still fails.
func TestAcceptAnyKey(t *testing.T) {
	v := newVerifier(t, time.Minute, func(c *Config) { c.AcceptAnyKey = true })
	base := "https://abc.execute-api." + testRegion + ".amazonaws.com/prod"
	r, body := sdkSign(t, signOpts{url: base, akid: "AKIDANYONE", secret: "whatever"})
	id, err := v.Verify(r, body)
	if err != nil || id.AccessKeyID != "AKIDANYONE" || id.Caller != "AKIDANYONE" {
		t.Fatalf("unknown key: %+v %v", id, err)
	}
	r, body = sdkSign(t, signOpts{url: base, akid: testAKID, secret: "wrong"})
	var inv *InvalidSignatureError
	if _, err := v.Verify(r, body); !errors.As(err, &inv) {
		t.Fatalf("known key, wrong secret: %v", err)
	}
	r, body = sdkSign(t, signOpts{url: base, akid: "AKIDANYONE", secret: "x", at: signTime().Add(-time.Hour)})
	var skew *SignatureExpiredError
	if _, err := v.Verify(r, body); !errors.As(err, &skew) {
		t.Fatalf("stale: %v", err)
	}
	r, body = sdkSign(t, signOpts{url: base, akid: "AKIDANYONE", secret: "x", service: "apigateway"})
	if _, err := v.Verify(r, body); err == nil {
		t.Fatal("another service's scope was accepted")
	}
	r, body = sdkSign(t, signOpts{url: base})
	r.Header.Set("Authorization", "AWS4-HMAC-SHA256 Credential=AKIDANYONE")
	var inc *IncompleteSignatureError
	if _, err := v.Verify(r, body); !errors.As(err, &inc) {
		t.Fatalf("malformed: %v", err)
	}
	strict := newVerifier(t, time.Minute, nil)
	r, body = sdkSign(t, signOpts{url: base, akid: "AKIDANYONE", secret: "whatever"})
	if _, err := strict.Verify(r, body); !errors.Is(err, ErrUnrecognizedClient) {
		t.Fatalf("without AcceptAnyKey: %v", err)
	}
}
