package subst

import "testing"

func TestRender(t *testing.T) {
	t.Parallel()
	vars := map[string]string{
		"context.error.messageString": `"Missing Authentication Token"`,
		"context.stage":               "prod",
		"stageVariables.a":            "A",
	}
	look := func(r string) (string, bool) { v, ok := vars[r]; return v, ok }
	cases := []struct{ src, want string }{
		{`{"message":$context.error.messageString}`, `{"message":"Missing Authentication Token"}`},
		{`stage $context.stage.`, `stage prod.`},
		{`${context.stage}x`, `prodx`},
		{`$stageVariables.a/$context.unknown!`, `A/!`},
		{`$foo $ $context`, `$foo $ $context`},
		{`${context.stage`, `${context.stage`},
	}
	for _, c := range cases {
		if got := Compile(c.src).String(look); got != c.want {
			t.Errorf("Compile(%q): got %q, want %q", c.src, got, c.want)
		}
	}
}

func FuzzCompile(f *testing.F) {
	f.Add(`{"message":$context.error.messageString}`)
	f.Add(`${context.a}${stageVariables.`)
	f.Fuzz(func(t *testing.T, src string) {
		out := Compile(src).String(func(string) (string, bool) { return "", false })
		if len(out) > len(src) {
			t.Fatalf("render with empty values grew: %q → %q", src, out)
		}
	})
}
