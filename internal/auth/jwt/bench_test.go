package jwt_test

import (
	"context"
	"testing"

	"github.com/portico-gw/portico/internal/auth/jwt"
)

// BenchmarkVerify measures one successful verification from the cached key
// set: parse, signature, claims and a scope check.
//
//	go test -run '^$' -bench BenchmarkVerify -benchmem -cpu 1 ./internal/auth/jwt/
func BenchmarkVerify(b *testing.B) {
	for _, s := range []signer{newRSA(b, "rsa"), newEC(b, "ec")} {
		b.Run(s.alg, func(b *testing.B) {
			v := newVerifier(b, jwt.Config{JWKS: writeJWKSFile(b, jwksJSON(b, s)), Audiences: []string{testAudience}})
			token := "Bearer " + s.sign(b, with(baseClaims(), "scope", "pets/read pets/write"))
			opts := jwt.VerifyOptions{Scopes: []string{"pets/write"}}
			ctx := context.Background()
			b.ReportAllocs()
			for b.Loop() {
				if _, err := v.Verify(ctx, token, opts); err != nil {
					b.Fatal(err)
				}
			}
		})
	}
}
