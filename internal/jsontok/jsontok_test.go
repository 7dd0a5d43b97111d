package jsontok

import (
	"encoding/json"
	"errors"
	"fmt"
	"slices"
	"strings"
	"testing"
	"unicode/utf8"
	"unsafe"
)

// tokens reads every token of data and prints them one per element:
// the kind, and the bytes of strings, keys and numbers.
func tokens(data string, opts Options) ([]string, error) {
	var t Tokenizer
	t.Reset([]byte(data), opts)
	var out []string
	for {
		k := t.Next()
		switch k {
		case Error:
			return out, t.Err()
		case End:
			return out, nil
		case Key, String, Number:
			out = append(out, fmt.Sprintf("%s(%s)", kindName(k), t.Bytes()))
		default:
			out = append(out, kindName(k))
		}
	}
}

func kindName(k Kind) string {
	return [...]string{"Error", "End", "{", "}", "[", "]", "Key", "String", "Number", "true", "false", "null"}[k]
}

func TestTokens(t *testing.T) {
	tests := []struct {
		in   string
		opts Options
		want string
	}{
		{` {"a" : [1, -2.5e+3, "x", true, false, null, {}, []], "b\n":{"c":"é"}} `, Options{},
			`{ Key(a) [ Number(1) Number(-2.5e+3) String(x) true false null { } [ ] ] Key(b` + "\n" + `) { Key(c) String(é) } }`},
		{`"a\"b\\c\/d\b\f\n\r\t\u00e9\ud83d\ude00"`, Options{}, "String(a\"b\\c/d\b\f\n\r\t\u00e9\U0001F600)"},
		// A lone surrogate becomes U+FFFD; a bad pair leaves the second escape alone.
		{`"\ud800x\udc00\ud800\u0041"`, Options{}, "String(\uFFFDx\uFFFD\uFFFDA)"},
		{`0`, Options{}, `Number(0)`},
		{`007`, Options{LaxNumbers: true}, `Number(007)`},
		{`[1-2+3e.5, 4]`, Options{LaxNumbers: true}, `[ Number(1-2+3e.5) Number(4) ]`},
		{"\"a\xffb\xc3\"", Options{ReplaceInvalidUTF8: true}, "String(a\uFFFDb\uFFFD)"},
		{"\"\xff\\n\xe9\"", Options{ReplaceInvalidUTF8: true}, "String(\uFFFD\n\uFFFD)"},
		{"\"é\\té\"", Options{ReplaceInvalidUTF8: true}, "String(é\té)"},
	}
	for _, tt := range tests {
		got, err := tokens(tt.in, tt.opts)
		if err != nil {
			t.Errorf("%q: %v", tt.in, err)
			continue
		}
		if g := strings.Join(got, " "); g != tt.want {
			t.Errorf("%q:\ngot  %s\nwant %s", tt.in, g, tt.want)
		}
	}
}

func TestErrors(t *testing.T) {
	tests := []struct {
		in     string
		opts   Options
		code   Code
		offset int
		msg    string
	}{
		{``, Options{}, EndOfInput, 0, "unexpected end of input"},
		{` x`, Options{}, UnexpectedChar, 1, "unexpected character 'x'"},
		{`[1,]`, Options{}, UnexpectedChar, 3, "unexpected character ']'"},
		{`nul`, Options{}, BadLiteral, 0, "invalid literal"},
		{`[truex]`, Options{}, ExpectedCommaOrBracket, 5, "expected ',' or ']'"},
		{`{1:2}`, Options{}, ExpectedKey, 1, "expected a member name"},
		{`{"a":1,}`, Options{}, ExpectedKey, 7, "expected a member name"},
		{`{"a" 1}`, Options{}, ExpectedColon, 5, "expected ':'"},
		{`{"a":1]`, Options{}, ExpectedCommaOrBrace, 6, "expected ',' or '}'"},
		{`[{}}`, Options{}, ExpectedCommaOrBracket, 3, "expected ',' or ']'"},
		{`{"a":1 `, Options{}, EndInObject, 7, "unexpected end of input in an object"},
		{`[1`, Options{}, EndInArray, 2, "unexpected end of input in an array"},
		{`-`, Options{}, BadNumber, 1, "invalid number"},
		{`1.`, Options{}, BadFraction, 2, "invalid number fraction"},
		{`1e+`, Options{}, BadExponent, 3, "invalid number exponent"},
		{`01`, Options{}, TrailingData, 1, "trailing data after the JSON value"},
		{`{} {}`, Options{}, TrailingData, 3, "trailing data after the JSON value"},
		{`"abc`, Options{}, Unterminated, 4, "unterminated string"},
		{"\"a\x01\"", Options{}, ControlChar, 2, "control character in a string"},
		{"\"\xff\"", Options{}, InvalidUTF8, 2, "invalid UTF-8 in a string"},
		{"\"\xff\\n\"", Options{}, InvalidUTF8, 2, "invalid UTF-8 in a string"},
		{"\"\\n\xff\"", Options{}, InvalidUTF8, 3, "invalid UTF-8 in a string"},
		{`"\`, Options{}, UnterminatedEscape, 1, "unterminated escape"},
		{`"\x"`, Options{}, BadEscape, 3, "invalid escape character"},
		{`"\u12"`, Options{}, BadUnicodeEscape, 3, `invalid \u escape`},
		{`"\ud800\u12"`, Options{}, BadUnicodeEscape, 9, `invalid \u escape`},
		// The lenient options change only numbers and invalid UTF-8.
		{`tru`, Options{LaxNumbers: true, ReplaceInvalidUTF8: true}, BadLiteral, 0, "invalid literal"},
		{"[\"\xff\" 1]", Options{LaxNumbers: true, ReplaceInvalidUTF8: true}, ExpectedCommaOrBracket, 5, "expected ',' or ']'"},
	}
	for _, tt := range tests {
		_, err := tokens(tt.in, tt.opts)
		var e *SyntaxError
		if !errors.As(err, &e) {
			t.Errorf("%q: got %v, want a syntax error", tt.in, err)
			continue
		}
		if e.Code != tt.code || e.Offset != tt.offset || e.Message() != tt.msg {
			t.Errorf("%q: got code %d at %d (%s), want %d at %d (%s)", tt.in, e.Code, e.Offset, e.Message(), tt.code, tt.offset, tt.msg)
		}
		if want := fmt.Sprintf("invalid JSON at offset %d: %s", tt.offset, tt.msg); err.Error() != want {
			t.Errorf("%q: got %q, want %q", tt.in, err, want)
		}
	}
}

func TestErrorChar(t *testing.T) {
	for in, want := range map[string]byte{`x`: 'x', `fals`: 'f', `"\q"`: 'q', `[1`: 0} {
		_, err := tokens(in, Options{})
		var e *SyntaxError
		if !errors.As(err, &e) || e.Char != want {
			t.Errorf("%q: got %v, want Char %q", in, err, want)
		}
	}
}

// TestDeepNesting crosses the 64-level boundary of the container stack in
// both directions, with objects and arrays interleaved.
func TestDeepNesting(t *testing.T) {
	const n = 300
	var b strings.Builder
	for i := range n {
		if i%3 == 0 {
			b.WriteString(`{"k":`)
		} else {
			b.WriteString("[")
		}
	}
	b.WriteString("1")
	for i := n - 1; i >= 0; i-- {
		if i%3 == 0 {
			b.WriteString("}")
		} else {
			b.WriteString("]")
		}
	}
	var tok Tokenizer
	tok.Reset([]byte(b.String()), Options{})
	maxDepth, count := 0, 0
	for {
		k := tok.Next()
		if k == Error {
			t.Fatal(tok.Err())
		}
		if k == End {
			break
		}
		maxDepth = max(maxDepth, tok.Depth())
		count++
	}
	if maxDepth != n || count != 2*n+n/3+1 || tok.Depth() != 0 {
		t.Errorf("got depth %d, %d tokens", maxDepth, count)
	}
	// A mismatched bracket deep down is found.
	bad := strings.Repeat("[", 100) + strings.Repeat(`{"a":[`, 50) + "}"
	_, err := tokens(bad, Options{})
	var e *SyntaxError
	if !errors.As(err, &e) || e.Code != UnexpectedChar || e.Offset != len(bad)-1 {
		t.Errorf("got %v", err)
	}
	bad = strings.Repeat("[", 100) + strings.Repeat(`{"a":`, 50) + "1]"
	_, err = tokens(bad, Options{})
	if !errors.As(err, &e) || e.Code != ExpectedCommaOrBrace || e.Offset != len(bad)-1 {
		t.Errorf("got %v", err)
	}
}

// TestReuse: Reset keeps nothing of the previous text.
func TestReuse(t *testing.T) {
	var tok Tokenizer
	tok.Reset([]byte(`[{"a\n":`), Options{})
	for tok.Next() != Error {
	}
	tok.Reset([]byte(`"b\t"`), Options{})
	if k := tok.Next(); k != String || string(tok.Bytes()) != "b\t" {
		t.Fatalf("got %d %q", k, tok.Bytes())
	}
	if k := tok.Next(); k != End || tok.Err() != nil {
		t.Fatalf("got %d %v", k, tok.Err())
	}
	if k := tok.Next(); k != End {
		t.Fatalf("after End: got %d", k)
	}
}

// FuzzTokenizer: no panic; the strict tokenizer accepts exactly the JSON
// texts encoding/json accepts (bar invalid UTF-8, which encoding/json
// tolerates); on those the lenient options give the same tokens; after an
// error every call returns Error.
func FuzzTokenizer(f *testing.F) {
	for _, s := range []string{
		``, `{}`, `[1,{"a":"b"},null]`, `"\ud83d\ude00"`, `-0.5e-3`, `007`, `[1,]`, "\"\xff\"", `{"a" 1}`, `"\u12"`,
		strings.Repeat("[", 70) + strings.Repeat("]", 70),
	} {
		f.Add([]byte(s))
	}
	f.Fuzz(func(t *testing.T, data []byte) {
		strict, err := tokens(string(data), Options{})
		valid := json.Valid(data)
		switch {
		case err == nil && !valid:
			t.Fatalf("accepted invalid JSON %q", data)
		case err != nil && valid && utf8.Valid(data):
			t.Fatalf("rejected valid JSON %q: %v", data, err)
		case err == nil:
			lax, err := tokens(string(data), Options{LaxNumbers: true, ReplaceInvalidUTF8: true})
			if err != nil || strings.Join(lax, "\x00") != strings.Join(strict, "\x00") {
				t.Fatalf("lenient tokens of %q differ: %v", data, err)
			}
		default:
			var tok Tokenizer
			tok.Reset(data, Options{})
			for tok.Next() != Error {
			}
			if tok.Next() != Error || tok.Err() == nil {
				t.Fatal("the error did not stick")
			}
		}
	})
}

// TestNameReuse: the names an array of objects repeats are one string each.
func TestNameReuse(t *testing.T) {
	var b strings.Builder
	b.WriteString("[")
	for i := range 50 {
		if i > 0 {
			b.WriteString(",")
		}
		fmt.Fprintf(&b, `{"id":%d,"type":"dog","price":1,"name":"n","tags":[],"a\u00e9":0,"":1}`, i)
	}
	b.WriteString("]")
	var tok Tokenizer
	tok.Reset([]byte(b.String()), Options{})
	first := map[string]*byte{}
	for k := tok.Next(); k != End; k = tok.Next() {
		if k == Error {
			t.Fatal(tok.Err())
		}
		if k != Key {
			continue
		}
		name := tok.Name()
		if name != string(tok.Bytes()) {
			t.Fatalf("Name %q, Bytes %q", name, tok.Bytes())
		}
		if p, ok := first[name]; !ok {
			first[name] = unsafe.StringData(name)
		} else if p != unsafe.StringData(name) {
			t.Errorf("%q was allocated again", name)
		}
	}
	if len(first) != 7 {
		t.Errorf("got names %v", first)
	}
}

func BenchmarkTokenize(b *testing.B) {
	var sb strings.Builder
	sb.WriteString("[")
	for i := 0; sb.Len() < 10<<10; i++ {
		if i > 0 {
			sb.WriteString(",")
		}
		fmt.Fprintf(&sb, `{"id": %d, "type": "dog", "price": %d.99, "name": "pet \"number\" %d", "tags": ["a", "b"], "ok": true}`, i, 100+i, i)
	}
	sb.WriteString("]")
	data := []byte(sb.String())
	for _, opts := range []Options{{}, {LaxNumbers: true, ReplaceInvalidUTF8: true}} {
		b.Run(fmt.Sprintf("lax=%v", opts.LaxNumbers), func(b *testing.B) {
			b.SetBytes(int64(len(data)))
			b.ReportAllocs()
			var tok Tokenizer
			for b.Loop() {
				tok.Reset(data, opts)
				for k := tok.Next(); k != End; k = tok.Next() {
					if k == Error {
						b.Fatal(tok.Err())
					}
				}
			}
		})
	}
}

// TestScratch: Bytes of a string without escapes is a slice of the input;
// of one with escapes, the scratch space.
func TestScratch(t *testing.T) {
	data := []byte(`{"plain":"a\nb","\u0061":"é"}`)
	var tok Tokenizer
	tok.Reset(data, Options{})
	want := []bool{false, true, true, false} // plain, "a\nb", "\u0061", "é"
	var got []bool
	for k := tok.Next(); k != End; k = tok.Next() {
		if k == Error {
			t.Fatal(tok.Err())
		}
		if k != Key && k != String {
			continue
		}
		got = append(got, tok.Scratch())
		if !tok.Scratch() {
			b := tok.Bytes()
			if &b[0] != &data[tok.Start()+1] {
				t.Errorf("%q is not a slice of the input", b)
			}
		}
	}
	if !slices.Equal(got, want) {
		t.Fatalf("got %v, want %v", got, want)
	}
}
