package httpserver

import (
	"net/url"
	"testing"

	"github.com/google/go-cmp/cmp"
)

func TestParseQuery(t *testing.T) {
	for raw, want := range map[string]url.Values{
		"":                         nil,
		"filter=a;b&keep=1":        {"filter": {"a;b"}, "keep": {"1"}},
		"a=1&a=2&b":                {"a": {"1", "2"}, "b": {""}},
		"bad=%zz&ok=%41+b":         {"bad": {"%zz"}, "ok": {"A b"}},
		"%zz=1&&x=%":               {"%zz": {"1"}, "x": {"%"}},
		"k%3Bx=v%26w&e=a=b":        {"k;x": {"v&w"}, "e": {"a=b"}},
		"name=caf%C3%A9&plus=1+1":  {"name": {"café"}, "plus": {"1 1"}},
		"semi;colon=1;2&tail=%2":   {"semi;colon": {"1;2"}, "tail": {"%2"}},
		"encoded%2Bplus=a%2Bb&x=+": {"encoded+plus": {"a+b"}, "x": {" "}},
	} {
		if got := parseQuery(raw); !cmp.Equal(got, want) {
			t.Errorf("parseQuery(%q) = %v, want %v", raw, got, want)
		}
	}
}
