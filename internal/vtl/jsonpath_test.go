package vtl

import "testing"

const storeJSON = `{"store": {"book": [
  {"category": "reference", "author": "Nigel Rees", "title": "Sayings of the Century", "price": 8.95},
  {"category": "fiction", "author": "Evelyn Waugh", "title": "Sword of Honour", "price": 12.99},
  {"category": "fiction", "author": "Herman Melville", "title": "Moby Dick", "isbn": "0-553-21311-3", "price": 8.99},
  {"category": "fiction", "author": "J. R. R. Tolkien", "title": "The Lord of the Rings", "isbn": "0-395-19395-8", "price": 22.99}],
  "bicycle": {"color": "red", "price": 19.95}}, "expensive": 10, "odd key": "ok", "a-b": 1}`

// TestJSONPath uses the examples of the Jayway JsonPath README.
func TestJSONPath(t *testing.T) {
	root, err := DecodeJSON([]byte(storeJSON))
	if err != nil {
		t.Fatal(err)
	}
	tests := []struct{ path, want string }{
		{"$", toJSON(root)},
		{"$.store.book[*].author", `["Nigel Rees","Evelyn Waugh","Herman Melville","J. R. R. Tolkien"]`},
		{"$..author", `["Nigel Rees","Evelyn Waugh","Herman Melville","J. R. R. Tolkien"]`},
		{"$.store.*", `[[{"category":"reference","author":"Nigel Rees","title":"Sayings of the Century","price":8.95},{"category":"fiction","author":"Evelyn Waugh","title":"Sword of Honour","price":12.99},{"category":"fiction","author":"Herman Melville","title":"Moby Dick","isbn":"0-553-21311-3","price":8.99},{"category":"fiction","author":"J. R. R. Tolkien","title":"The Lord of the Rings","isbn":"0-395-19395-8","price":22.99}],{"color":"red","price":19.95}]`},
		{"$.store..price", `[8.95,12.99,8.99,22.99,19.95]`},
		{"$..book[2].title", `["Moby Dick"]`},
		{"$..book[-2].title", `["Moby Dick"]`},
		{"$..book[0,1].title", `["Sayings of the Century","Sword of Honour"]`},
		{"$..book[:2].title", `["Sayings of the Century","Sword of Honour"]`},
		{"$..book[1:2].title", `["Sword of Honour"]`},
		{"$..book[-2:].title", `["Moby Dick","The Lord of the Rings"]`},
		{"$..book[2:].title", `["Moby Dick","The Lord of the Rings"]`},
		{"$..book[?(@.isbn)].title", `["Moby Dick","The Lord of the Rings"]`},
		{"$.store.book[?(@.price < 10)].title", `["Sayings of the Century","Moby Dick"]`},
		{"$..book[?(@.price <= 8.99 && @.category == 'fiction')].title", `["Moby Dick"]`},
		{"$..book[?(@.author == 'Nigel Rees' || @.price > 20)].price", `[8.95,22.99]`},
		{"$..book.length()", `4`},
		{"$.store.book.length()", `4`},
		{"$..book[?(@.price > 100)]", `[]`},
		{"$..nothing.length()", `0`},
		{"$.store.book[0]['title']", `"Sayings of the Century"`},
		{`$["store"]["bicycle"].color`, `"red"`},
		{"$['odd key']", `"ok"`},
		{"$.a-b", `1`},
		{"$.store.bicycle['color','price']", `["red",19.95]`},
	}
	for _, tt := range tests {
		p, err := compilePath(tt.path)
		if err != nil {
			t.Errorf("%s: %v", tt.path, err)
			continue
		}
		v, ok := p.eval(root)
		if !ok {
			t.Errorf("%s: no match", tt.path)
			continue
		}
		if got := toJSON(v); got != tt.want {
			t.Errorf("%s: got %s, want %s", tt.path, got, tt.want)
		}
	}
}

func TestJSONPathMissingAndErrors(t *testing.T) {
	root, _ := DecodeJSON([]byte(storeJSON))
	for _, path := range []string{"$.nope", "$.store.book[10]", "$.store.bicycle.color.x", "$.expensive[0]"} {
		p, err := compilePath(path)
		if err != nil {
			t.Fatalf("%s: %v", path, err)
		}
		if v, ok := p.eval(root); ok {
			t.Errorf("%s: got %v, want no match", path, v)
		}
	}
	for _, path := range []string{"store", "$.", "$[", "$[?(@.a ~ 1)]", "$['a", "$.a.length().b", "$[1:x]"} {
		if _, err := compilePath(path); err == nil {
			t.Errorf("%s: want an error", path)
		}
	}
}

// FuzzJSONPath checks that compiling and evaluating any path never panics.
func FuzzJSONPath(f *testing.F) {
	for _, s := range []string{"$", "$..a[?(@.b > 1 && @.c)]", "$['x','y'][1:-1]", "$.a.length()", "$[*].*"} {
		f.Add(s)
	}
	root, _ := DecodeJSON([]byte(storeJSON))
	f.Fuzz(func(t *testing.T, path string) {
		p, err := compilePath(path)
		if err != nil {
			return
		}
		p.eval(root)
	})
}
