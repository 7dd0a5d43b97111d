package validate

import (
	"errors"
	"net/http"
	"net/url"
	"testing"

	"github.com/portico-gw/portico/internal/apidef"
	"github.com/portico-gw/portico/internal/fault"
	"github.com/portico-gw/portico/internal/pipeline"
)

// testAPI returns an API whose validator "all" checks both parameters and
// body, with the given models.
func testAPI(models map[string]string) *apidef.RestAPI {
	api := &apidef.RestAPI{
		Models: map[string][]byte{},
		RequestValidators: map[string]apidef.RequestValidator{
			"all":    {ValidateRequestBody: true, ValidateRequestParameters: true},
			"body":   {ValidateRequestBody: true},
			"params": {ValidateRequestParameters: true},
			"none":   {},
		},
		DefaultValidator: "all",
	}
	for name, doc := range models {
		api.Models[name] = []byte(doc)
	}
	return api
}

// mustStep builds the step of m and fails the test when there is none.
func mustStep(t testing.TB, api *apidef.RestAPI, m *apidef.Method) *Step {
	t.Helper()
	s, err := New(api, m)
	if err != nil {
		t.Fatalf("New: %v", err)
	}
	if s == nil {
		t.Fatal("New returned no step")
	}
	return s.(*Step)
}

// request is the part of a call the step reads.
type request struct {
	header      map[string]string
	query       string
	path        map[string]string
	contentType string
	body        string
}

func (r request) call() *pipeline.Call {
	h := http.Header{}
	for k, v := range r.header {
		h.Set(k, v)
	}
	if r.contentType != "" {
		h.Set("Content-Type", r.contentType)
	}
	q, _ := url.ParseQuery(r.query)
	return &pipeline.Call{Header: h, Query: q, RawQuery: r.query, PathParams: r.path, Body: pipeline.NewBodyBytes([]byte(r.body))}
}

// want is the expected outcome: the zero value means "passes".
type want struct {
	typ     fault.ResponseType
	message string // "" means the type's default
	detail  string // validationErrorString; "-" means not checked
}

func checkFault(t *testing.T, err error, w want) {
	t.Helper()
	if w.typ == "" {
		if err != nil {
			t.Fatalf("got %v, want no fault", err)
		}
		return
	}
	var f *fault.Error
	if !errors.As(err, &f) {
		t.Fatalf("got %v, want a %s fault", err, w.typ)
	}
	if f.Type != w.typ {
		t.Errorf("type: got %s, want %s", f.Type, w.typ)
	}
	msg := w.message
	if msg == "" {
		msg, _ = w.typ.DefaultMessage()
	}
	if got := f.MessageText(); got != msg {
		t.Errorf("message:\ngot  %s\nwant %s", got, msg)
	}
	if w.detail != "-" {
		if got := f.Vars[VarValidationError]; got != w.detail {
			t.Errorf("validationErrorString:\ngot  %s\nwant %s", got, w.detail)
		}
	}
}
