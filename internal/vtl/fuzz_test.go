package vtl

import (
	"context"
	"testing"
	"time"
)

// FuzzParse checks that parsing and executing arbitrary templates never
// panics or hangs. Run with: go test -fuzz=FuzzParse ./internal/vtl
func FuzzParse(f *testing.F) {
	seeds := []string{
		"", "$", "#", "\\", "$a", "${a}", "$!a.b(1, 'x')[0]", "\\$a \\\\#if",
		"#set($a = [1..3])#foreach($i in $a)$i#end", "#if($a && !$b || $c == 1)x#elseif(true)y#else z#end",
		"#define($d)$d#end$d", "#macro(m $x)#m($x)#end#m(1)", "## c\n#* c *#\n#[[ raw ]]#",
		`#set($s = "a$b#if(true)c#end")$s.replaceAll("(a)", "$1")`, "#set($m = {'a': {'b': [1, 2.5e3, -4]}})$m.a.b[-1]",
		"#foreach($i in [1..1000])#foreach($j in [1..1000])#end#end", "$input.json('$..a[?(@.b > 1)]')",
		"#set($x = 1 / 0)#set($y = 7 % 3 * 2 - 1)$x$y", "#stop#break", "#if(", "#set($a =", `"`, "#{else}#{end}", `$m.get(\"k\") #set($x = \"a$s\")$x`, `\"`,
	}
	for _, s := range seeds {
		f.Add(s)
	}
	f.Fuzz(func(t *testing.T, src string) {
		tmpl, err := Parse("fuzz", src)
		if err != nil {
			return
		}
		ctx, cancel := context.WithTimeout(context.Background(), 2*time.Second)
		defer cancel()
		vars := map[string]any{
			"a":     int64(1),
			"s":     "text",
			"l":     NewList(int64(1), "x", 2.5),
			"m":     map[string]any{"k": "v"},
			"input": NewInput([]byte(`{"a": [{"b": 2}], "c": "d"}`), Params{}),
			"util":  NewUtil(),
		}
		_, _ = tmpl.Execute(ctx, vars)
	})
}
