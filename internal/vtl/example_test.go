package vtl_test

import (
	"context"
	"fmt"

	"github.com/portico-gw/portico/internal/vtl"
)

// Example shows how the gateway runs a mapping template: parse once at
// deploy, then per request build $input, $util, $context and
// $stageVariables and execute. The caller reads $context.responseOverride
// afterwards.
func Example() {
	tmpl, err := vtl.Parse("integration-response", `#set($body = $input.path('$'))
#set($context.responseOverride.status = 201)
{"id": "$input.params('id')", "name": "$util.escapeJavaScript($body.name)", "stage": "${context.stage}-$stageVariables.v"}`)
	if err != nil {
		panic(err)
	}
	override := map[string]any{"header": map[string]any{}}
	vars := map[string]any{
		"input": vtl.NewInput([]byte(`{"name": "Rex 'the dog'"}`), vtl.Params{
			Path: map[string]string{"id": "42"},
		}),
		"util":           vtl.NewUtil(),
		"context":        map[string]any{"stage": "prod", "responseOverride": override},
		"stageVariables": map[string]any{"v": "2"},
	}
	out, err := tmpl.Execute(context.Background(), vars)
	if err != nil {
		panic(err)
	}
	fmt.Println(out)
	fmt.Println(override["status"])
	// Output:
	// {"id": "42", "name": "Rex \'the dog\'", "stage": "prod-2"}
	// 201
}
