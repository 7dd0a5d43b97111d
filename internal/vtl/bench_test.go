package vtl

import (
	"bytes"
	"fmt"
	"strings"
	"testing"
)

// requestTemplate is a typical request mapping template: reshape a small
// JSON body and add parameters, context and stage variables.
const requestTemplate = `#set($body = $input.path('$'))
{
  "petName": "$util.escapeJavaScript($body.name)",
  "kind": "$body.type",
  "ageInMonths": #set($m = $body.age * 12)$m,
  "tags": [#foreach($t in $body.tags)"$t"#if($foreach.hasNext), #end#end],
  "id": "$input.params('id')",
  "limit": #if($input.params('limit') != "")$input.params('limit')#else 10#end,
  "requestId": "$context.requestId",
  "sourceIp": "$context.identity.sourceIp",
  "table": "pets-$stageVariables.version"
}`

const requestBody = `{"name": "Rex \"the dog\"", "type": "dog", "age": 3, "tags": ["good", "boy", "fluffy"]}`

func requestVars() map[string]any {
	return map[string]any{
		"input": NewInput([]byte(requestBody), Params{
			Path:        map[string]string{"id": "42"},
			QueryString: map[string]string{"limit": "25"},
			Header:      map[string]string{"Accept": "application/json"},
		}),
		"util": NewUtil(),
		"context": map[string]any{
			"requestId": "c6af9ac6-7b61-11e6-9a41-93e8deadbeef",
			"identity":  map[string]any{"sourceIp": "203.0.113.7"},
		},
		"stageVariables": map[string]any{"version": "v2"},
	}
}

// BenchmarkRequestTemplate measures a typical request template, including
// parsing the JSON body (a new $input per request, as in the gateway).
func BenchmarkRequestTemplate(b *testing.B) {
	tmpl, err := Parse("request", requestTemplate)
	if err != nil {
		b.Fatal(err)
	}
	ctx := b.Context()
	var buf bytes.Buffer
	b.ReportAllocs()
	for b.Loop() {
		buf.Reset()
		if err := tmpl.ExecuteTo(ctx, &buf, requestVars()); err != nil {
			b.Fatal(err)
		}
	}
}

// responseTemplate reshapes an array of items (AWS's PetStore example,
// extended).
const responseTemplate = `#set($inputRoot = $input.path('$'))
[
#foreach($elem in $inputRoot)
  {
    "description": "Item $elem.id is a $elem.type.",
    "askingPrice": $elem.price,
    "name": "$elem.name.toUpperCase()",
    "tagCount": $elem.tags.size()
  }#if($foreach.hasNext),#end

#end
]`

// tenKBArray returns a JSON array of about 10 KB.
func tenKBArray() []byte {
	var b strings.Builder
	b.WriteByte('[')
	for i := 0; b.Len() < 10<<10; i++ {
		if i > 0 {
			b.WriteByte(',')
		}
		fmt.Fprintf(&b, `{"id": %d, "type": "dog", "price": %d.99, "name": "pet number %d", "tags": ["a", "b"]}`, i, 100+i, i)
	}
	b.WriteByte(']')
	return []byte(b.String())
}

// BenchmarkResponseTemplate10KB reshapes a 10 KB JSON array, including
// parsing it.
func BenchmarkResponseTemplate10KB(b *testing.B) {
	tmpl, err := Parse("response", responseTemplate)
	if err != nil {
		b.Fatal(err)
	}
	body := tenKBArray()
	ctx := b.Context()
	var buf bytes.Buffer
	b.SetBytes(int64(len(body)))
	b.ReportAllocs()
	for b.Loop() {
		buf.Reset()
		vars := map[string]any{"input": NewInput(body, Params{})}
		if err := tmpl.ExecuteTo(ctx, &buf, vars); err != nil {
			b.Fatal(err)
		}
	}
}

// BenchmarkParse measures parsing the request template.
func BenchmarkParse(b *testing.B) {
	b.ReportAllocs()
	for b.Loop() {
		if _, err := Parse("request", requestTemplate); err != nil {
			b.Fatal(err)
		}
	}
}

func TestBenchTemplates(t *testing.T) {
	tmpl, err := Parse("request", requestTemplate)
	if err != nil {
		t.Fatal(err)
	}
	got, err := tmpl.Execute(t.Context(), requestVars())
	if err != nil {
		t.Fatal(err)
	}
	want := `{
  "petName": "Rex \"the dog\"",
  "kind": "dog",
  "ageInMonths": 36,
  "tags": ["good", "boy", "fluffy"],
  "id": "42",
  "limit": 25,
  "requestId": "c6af9ac6-7b61-11e6-9a41-93e8deadbeef",
  "sourceIp": "203.0.113.7",
  "table": "pets-v2"
}`
	if got != want {
		t.Errorf("got:\n%s\nwant:\n%s", got, want)
	}
}
