package vtl

import (
	"encoding/json"
	"testing"
)

func TestDecodeJSON(t *testing.T) {
	good := []string{
		`{}`, `[]`, `"a\"b\\c\/d\n\u00e9\ud83d\ude00"`, `-1.5e3`, `123456789012345678901234567890`,
		` {"a": [1, 2.5, true, false, null, "x"], "b": {"c": {}}} `, `"héllo"`,
	}
	for _, s := range good {
		v, err := DecodeJSON([]byte(s))
		if err != nil {
			t.Errorf("%s: %v", s, err)
			continue
		}
		var std any
		if err := json.Unmarshal([]byte(s), &std); err != nil {
			t.Fatal(err)
		}
		a, _ := json.Marshal(std)
		var back any
		if err := json.Unmarshal([]byte(toJSON(v)), &back); err != nil {
			t.Errorf("%s: re-encoded %s does not parse: %v", s, toJSON(v), err)
			continue
		}
		b, _ := json.Marshal(back)
		if string(a) != string(b) {
			t.Errorf("%s: got %s, want %s", s, b, a)
		}
	}
	bad := []string{``, `{`, `[1,]`, `{"a" 1}`, `"\x"`, "\"a\x01\"", `tru`, `1 2`, `{"a":1,}`, `"\u12"`}
	for _, s := range bad {
		if _, err := DecodeJSON([]byte(s)); err == nil {
			t.Errorf("%q: want an error", s)
		}
	}
}

func TestDecodeJSONOrder(t *testing.T) {
	v, err := DecodeJSON([]byte(`{"z": 1, "a": 2, "m": {"y": 1, "b": 2}}`))
	if err != nil {
		t.Fatal(err)
	}
	if got, want := display(v), `{z=1, a=2, m={y=1, b=2}}`; got != want {
		t.Errorf("got %s, want %s", got, want)
	}
	if got, want := toJSON(v), `{"z":1,"a":2,"m":{"y":1,"b":2}}`; got != want {
		t.Errorf("got %s, want %s", got, want)
	}
}

func FuzzDecodeJSON(f *testing.F) {
	f.Add(`{"a": [1, "x", {"b": null}]}`)
	f.Fuzz(func(t *testing.T, s string) {
		v, err := DecodeJSON([]byte(s))
		if err != nil {
			return
		}
		if _, err := DecodeJSON([]byte(toJSON(v))); err != nil {
			t.Errorf("round trip of %q: %v", s, err)
		}
	})
}

func TestToJSON(t *testing.T) {
	m := NewMap(2)
	m.Set("b", NewList(int64(1), 2.5, nil, true))
	m.Set("a", map[string]any{"y": []any{"s"}, "x": map[string]string{"k": "v"}})
	v := []any{m, []string{"p"}, "q\"\\\n\r\t\b\f\x01é/", int(3), entry{key: "k", val: 1}}
	want := `[{"b":[1,2.5,null,true],"a":{"x":{"k":"v"},"y":["s"]}},["p"],"q\"\\\n\r\t\b\f\u0001é/",3,"k=1"]`
	if got := toJSON(v); got != want {
		t.Errorf("got  %s\nwant %s", got, want)
	}
}
