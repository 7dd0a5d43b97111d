package vtl

import (
	"context"
	"errors"
	"fmt"
	"strings"
	"sync"
	"testing"
)

func TestParseErrorsAreLocated(t *testing.T) {
	tests := []struct{ src, want string }{
		{"#if($a)\nx", "t:2:2: missing #end for #if"},
		{"ok\n  #end", "t:2:3: #end without matching #if or #foreach"},
		{"#set($a = )", "t:1:11: unexpected ')' in expression"},
		{"#foreach($i $l)#end", "t:1:13: expected 'in' in #foreach"},
		{"#* never closed", "t:1:1: unterminated comment"},
		{`#set($s = "abc)`, "t:1:11: unterminated string literal"},
		{"#if x", "t:1:4: expected ( after #if"},
		{"line\n#set($x = \"#if(true)\")", "t:2:21: missing #end for #if"},
	}
	for _, tt := range tests {
		_, err := Parse("t", tt.src)
		if err == nil || err.Error() != tt.want {
			t.Errorf("Parse(%q): got %v, want %s", tt.src, err, tt.want)
		}
	}
}

func TestParseDepthLimit(t *testing.T) {
	deep := strings.Repeat("#if(true)", 200) + strings.Repeat("#end", 200)
	if _, err := Parse("t", deep); err == nil || !strings.Contains(err.Error(), "nesting deeper") {
		t.Errorf("got %v, want a nesting error", err)
	}
	parens := "#set($a = " + strings.Repeat("(", 500) + "1" + strings.Repeat(")", 500) + ")"
	if _, err := Parse("t", parens); err == nil {
		t.Error("want a nesting error for deep parentheses")
	}
}

func execErr(t *testing.T, src string, vars map[string]any) (string, error) {
	t.Helper()
	tmpl, err := Parse("t", src)
	if err != nil {
		t.Fatalf("Parse: %v", err)
	}
	return tmpl.Execute(t.Context(), vars)
}

func TestLimits(t *testing.T) {
	t.Run("foreach stops at 1000", func(t *testing.T) {
		out, err := execErr(t, "#set($n = 0)#foreach($i in [1..5000])#set($n = $n + 1)#end$n", nil)
		if err != nil || out != "1000" {
			t.Errorf("got %q, %v", out, err)
		}
	})
	t.Run("total iterations", func(t *testing.T) {
		_, err := execErr(t, "#foreach($i in [1..1000])#foreach($j in [1..1000])#end#end", nil)
		if !errors.Is(err, ErrTooManySteps) {
			t.Errorf("got %v, want ErrTooManySteps", err)
		}
	})
	t.Run("output", func(t *testing.T) {
		src := `#set($s = "xxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxx")` +
			`#set($s = "$s$s$s$s$s$s$s$s")#set($s = "$s$s$s$s$s$s$s$s")#set($s = "$s$s$s$s$s$s$s$s")` +
			`#foreach($i in [1..1000])$s#end`
		_, err := execErr(t, src, nil)
		if !errors.Is(err, ErrOutputTooLarge) {
			t.Errorf("got %v, want ErrOutputTooLarge", err)
		}
	})
	t.Run("string doubling", func(t *testing.T) {
		_, err := execErr(t, `#set($s = "xx")#foreach($i in [1..100])#set($s = "$s$s")#end`, nil)
		if !errors.Is(err, ErrAllocTooLarge) && !errors.Is(err, ErrOutputTooLarge) {
			t.Errorf("got %v, want a size limit error", err)
		}
	})
	t.Run("define recursion", func(t *testing.T) {
		_, err := execErr(t, `#define($d)x$d#end$d`, nil)
		if !errors.Is(err, ErrTooDeep) {
			t.Errorf("got %v, want ErrTooDeep", err)
		}
	})
	t.Run("define fan-out", func(t *testing.T) {
		_, err := execErr(t, `#define($d)$d$d#end$d`, nil)
		if err == nil {
			t.Error("want an error")
		}
	})
	t.Run("macro recursion", func(t *testing.T) {
		_, err := execErr(t, `#macro(m)#m()#end#m()`, nil)
		if !errors.Is(err, ErrTooDeep) {
			t.Errorf("got %v, want ErrTooDeep", err)
		}
	})
	t.Run("huge range", func(t *testing.T) {
		_, err := execErr(t, `#foreach($i in [1..100000000])#end`, nil)
		if err == nil {
			t.Error("want an error")
		}
	})
}

func TestContextCancel(t *testing.T) {
	tmpl, err := Parse("t", "#foreach($i in [1..1000])#foreach($j in [1..50])#end#end")
	if err != nil {
		t.Fatal(err)
	}
	ctx, cancel := context.WithCancel(t.Context())
	cancel()
	if _, err := tmpl.Execute(ctx, nil); !errors.Is(err, context.Canceled) {
		t.Errorf("got %v, want context.Canceled", err)
	}
}

func TestMethodErrorIsLocated(t *testing.T) {
	_, err := execErr(t, "a\n  $s.substring(9)", map[string]any{"s": "abc"})
	if err == nil || !strings.HasPrefix(err.Error(), "t:2:5:") {
		t.Errorf("got %v, want an error located at t:2:5", err)
	}
}

func TestTopLevelVarsNotWritten(t *testing.T) {
	vars := map[string]any{"a": "caller"}
	out, err := execErr(t, `#set($a = "template")#set($b = 1)$a`, vars)
	if err != nil || out != "template" {
		t.Fatalf("got %q, %v", out, err)
	}
	if vars["a"] != "caller" || vars["b"] != nil {
		t.Errorf("vars changed: %v", vars)
	}
}

func TestGoValues(t *testing.T) {
	vars := map[string]any{
		"l":  []any{"x", int64(2), 1.5, nil, true},
		"m":  map[string]any{"b": 2, "a": []any{1}},
		"ml": NewList(),
		"om": func() *Map { m := NewMap(2); m.Set("z", 1); m.Set("a", 2); return m }(),
		"i":  7,
	}
	out, err := execErr(t, `$l $l.size() $l[1] $m $m.a[0] $i $om|#set($d = $ml.add("new"))$ml #foreach($v in $m)$v;#end`, vars)
	want := `[x, 2, 1.5, null, true] 5 2 {a=[1], b=2} 1 7 {z=1, a=2}|[new] [1];2;`
	if err != nil || out != want {
		t.Errorf("got %q, %v, want %q", out, err, want)
	}
}

// counter is a host object for TestObject.
type counter struct{ n int }

func (c *counter) Property(name string) (any, bool) {
	if name == "count" {
		return int64(c.n), true
	}
	return nil, false
}

func (c *counter) Method(name string, args []any) (any, error) {
	switch name {
	case "inc":
		c.n++
		return int64(c.n), nil
	case "fail":
		return nil, errors.New("boom")
	}
	return nil, ErrNoMethod
}

func TestObject(t *testing.T) {
	c := &counter{}
	out, err := execErr(t, `$c.inc() $c.inc() $c.count $c.nope() $c.nope`, map[string]any{"c": c})
	if want := `1 2 2 $c.nope() $c.nope`; err != nil || out != want {
		t.Errorf("got %q, %v, want %q", out, err, want)
	}
	if _, err := execErr(t, `$c.fail()`, map[string]any{"c": c}); err == nil || !strings.Contains(err.Error(), "boom") {
		t.Errorf("got %v, want boom", err)
	}
}

func TestConcurrentExecute(t *testing.T) {
	tmpl, err := Parse("t", `#set($l = [])#foreach($i in [1..50])#set($d = $l.add($i))#end$l.size() $name $input.path('$.a')`)
	if err != nil {
		t.Fatal(err)
	}
	in := NewInput([]byte(`{"a": "b"}`), Params{})
	var wg sync.WaitGroup
	for g := range 8 {
		wg.Go(func() {
			for range 50 {
				name := fmt.Sprint("g", g)
				out, err := tmpl.Execute(context.Background(), map[string]any{"name": name, "input": in})
				if want := "50 " + name + " b"; err != nil || out != want {
					t.Errorf("got %q, %v, want %q", out, err, want)
					return
				}
			}
		})
	}
	wg.Wait()
}

func TestJavaDouble(t *testing.T) {
	tests := map[float64]string{
		1: "1.0", 0.1: "0.1", 100: "100.0", 1e7: "1.0E7", 9999999: "9999999.0", 0.001: "0.001",
		0.0001: "1.0E-4", 1.5e300: "1.5E300", -2.5: "-2.5", 123456.789: "123456.789", 1.0 / 3: "0.3333333333333333",
	}
	for f, want := range tests {
		if got := javaDouble(f); got != want {
			t.Errorf("javaDouble(%v) = %s, want %s", f, got, want)
		}
	}
}

func TestJavaReplacement(t *testing.T) {
	out, err := execErr(t, `$s.replaceAll("(\w+)@(\w+)", "$2 at $1") $s.replaceAll("@", "\$") $s.replaceFirst("o", "0")`, map[string]any{"s": "bob@home foo"})
	if want := `home at bob foo bob$home foo b0b@home foo`; err != nil || out != want {
		t.Errorf("got %q, %v, want %q", out, err, want)
	}
}

func TestCyclicAndSharedValues(t *testing.T) {
	tests := []string{
		`#set($l = [1])#set($d = $l.add($l))$l.size() $l`,
		`#set($m = {})#set($d = $m.put("self", $m))$m #if($m == $m)eq#end`,
		`#set($a = [1])#foreach($i in [1..40])#set($a = [$a, $a])#end$a.size() #if($a == $a)eq#end`,
		`#set($a = [1])#foreach($i in [1..40])#set($a = [$a, $a])#end$a`,
		`#set($x = $input.path('$'))#set($d = $x.put("self", $x))$input.json('$..a')`,
	}
	for _, src := range tests {
		tmpl, err := Parse("t", src)
		if err != nil {
			t.Fatal(err)
		}
		vars := map[string]any{"input": NewInput([]byte(`{"a": 1}`), Params{})}
		_, _ = tmpl.Execute(t.Context(), vars) // must terminate without crashing
	}
}

func TestStringMapsAndSlices(t *testing.T) {
	header := map[string]string{"X-A": "1"}
	vars := map[string]any{
		"sv":  map[string]string{"b": "2", "a": "1"},
		"ss":  []string{"x", "y"},
		"ctx": map[string]any{"requestOverride": map[string]any{"header": header}},
	}
	src := `$sv.a $sv['b'] $sv $sv.size() $sv.keySet() $ss $ss[1] $ss.size() #foreach($v in $sv)$v#end #foreach($v in $ss)$v#end` +
		`#set($ctx.requestOverride.header.X-B = 42)#set($ctx.requestOverride.header['X-C'] = "c") $sv.nope`
	out, err := execErr(t, src, vars)
	want := `1 2 {a=1, b=2} 2 [a, b] [x, y] y 2 12 xy $sv.nope`
	if err != nil || out != want {
		t.Errorf("got %q, %v, want %q", out, err, want)
	}
	if header["X-B"] != "42" || header["X-C"] != "c" {
		t.Errorf("header map not updated: %v", header)
	}
}

func TestMaxTemplateSize(t *testing.T) {
	if _, err := Parse("big", strings.Repeat("x", MaxTemplateSize+1)); err == nil {
		t.Error("want an error for an oversized template")
	}
	if _, err := Parse("ok", strings.Repeat("x", MaxTemplateSize)); err != nil {
		t.Error(err)
	}
}
