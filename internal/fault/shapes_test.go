package fault

import (
	"errors"
	"fmt"
	"go/ast"
	"go/parser"
	"go/token"
	"io/fs"
	"path/filepath"
	"strings"
	"testing"
)

// TestShapes pins what each constructor answers when the API has not
// customized the type: status, x-amzn-ErrorType, built-in body and headers.
func TestShapes(t *testing.T) {
	t.Parallel()
	cause := errors.New("cause")
	cases := []struct {
		name      string
		f         *Error
		typ       ResponseType
		status    int
		errorType string
		body      string
		headers   map[string]string
	}{
		{"IntegrationFailed", IntegrationFailed(cause), IntegrationFailure, 502, "InternalServerErrorException", `{"message": "Internal server error"}`, nil},
		{"InvokeRejected", InvokeRejected(cause), IntegrationFailure, 500, "InternalServerErrorException", `{"message": "Internal server error"}`, nil},
		{"InvokeFailed", InvokeFailed(cause), IntegrationFailure, 504, "InternalServerErrorException", `{"message":"Internal server error"}`, nil},
		{"InvokeFailed keeps a fault", InvokeFailed(fmt.Errorf("invoke: %w", TooManyRequests("1", cause))), Throttled, 429, "TooManyRequestsException", `{"message":"Too Many Requests"}`, map[string]string{"Retry-After": "1"}},
		{"BadGateway", BadGateway(cause), Default5XX, 502, "InternalServerErrorException", `{"message": "Internal server error"}`, nil},
		{"Internal", Internal(cause), Default5XX, 500, "InternalServerErrorException", `{"message": "Internal server error"}`, nil},
		{"ConfigurationError", ConfigurationError(cause), APIConfigurationError, 500, "InternalServerErrorException", `{"message": "Internal server error"}`, nil},
		{"AuthorizerConfiguration", AuthorizerConfiguration(cause), AuthorizerConfigurationError, 500, "AuthorizerConfigurationException", `{"message": null}`, nil},
		{"TimedOut", TimedOut(cause), IntegrationTimeout, 504, "InternalServerErrorException", `{"message": "Endpoint request timed out"}`, nil},
		{"PayloadTooLarge", PayloadTooLarge(cause), Default4XX, 413, "BadRequestException", `{"message": "Request Too Long"}`, nil},
		{"ContentLengthExceeded", ContentLengthExceeded(cause), RequestTooLarge, 413, "BadRequestException", `{"message":"Request Too Long"}`, nil},
		{"Forbidden", Forbidden(cause), Default4XX, 403, "ForbiddenException", `{"message":"Forbidden"}`, nil},
		{"TokenRejected", TokenRejected(`Bearer scope="" error="invalid_token" error_description="x"`, cause), Unauthorized, 401, "UnauthorizedException", `{"message":"Unauthorized"}`,
			map[string]string{"WWW-Authenticate": `Bearer scope="" error="invalid_token" error_description="x"`}},
		{"InsufficientScope", InsufficientScope(`Bearer scope="a b" error="insufficient_scope"`, cause), Default4XX, 403, "ForbiddenException", `{"message":"Forbidden"}`,
			map[string]string{"WWW-Authenticate": `Bearer scope="a b" error="insufficient_scope"`}},
		{"BadRequest", BadRequest(cause), Default4XX, 400, "", `{"message":"Bad Request"}`, nil},
		{"MalformedBody", MalformedBody(cause), Default4XX, 400, "BadRequestException", `{"message":"Bad Request"}`, map[string]string{"Connection": "close"}},
		{"RequestTimeout", RequestTimeout(cause), Default4XX, 408, "", `{"message":"Request Timeout"}`, map[string]string{"Connection": "close"}},
		{"TooManyRequests", TooManyRequests("3", cause), Throttled, 429, "TooManyRequestsException", `{"message":"Too Many Requests"}`, map[string]string{"Retry-After": "3"}},
		{"TooManyRequests never", TooManyRequests("", cause), Throttled, 429, "TooManyRequestsException", `{"message":"Too Many Requests"}`, nil},
		{"LimitExceeded", LimitExceeded("60", cause), QuotaExceeded, 429, "LimitExceededException", `{"message":"Limit Exceeded"}`, map[string]string{"Retry-After": "60"}},
		{"Denied", Denied("User is not authorized to access this resource", cause), AccessDenied, 403, "AccessDeniedException", `{"Message":"User is not authorized to access this resource"}`, nil},
		{"Reject", Reject(Unauthorized, cause), Unauthorized, 401, "UnauthorizedException", `{"message":"Unauthorized"}`, nil},
		{"Reject DEFAULT_4XX", Reject(Default4XX, cause), Default4XX, 400, "", `{"message":""}`, nil},
		{"Reject DEFAULT_5XX", Reject(Default5XX, cause), Default5XX, 500, "", `{"message":""}`, nil},
		{"Reject INTEGRATION_FAILURE keeps the table's 504", Reject(IntegrationFailure, cause), IntegrationFailure, 504, "InternalServerErrorException", `{"message":"Internal server error"}`, nil},
		{"WithMessage WithErrorType", Reject(MissingAuthenticationToken, cause).WithErrorType("IncompleteSignatureException").WithMessage(`say "hi" <b>`),
			MissingAuthenticationToken, 403, "IncompleteSignatureException", `{"message":"say \"hi\" \u003cb\u003e"}`, nil},
	}
	for _, c := range cases {
		f := c.f
		if f.Type != c.typ || f.StatusCode() != c.status || f.ErrorTypeHeader() != c.errorType || string(f.DefaultBody()) != c.body {
			t.Errorf("%s: got (%s, %d, %q, %s), want (%s, %d, %q, %s)", c.name, f.Type, f.StatusCode(), f.ErrorTypeHeader(), f.DefaultBody(),
				c.typ, c.status, c.errorType, c.body)
		}
		if fmt.Sprint(f.Headers) != fmt.Sprint(c.headers) && (len(f.Headers) != 0 || len(c.headers) != 0) {
			t.Errorf("%s: headers %v, want %v", c.name, f.Headers, c.headers)
		}
		if !errors.Is(f, cause) {
			t.Errorf("%s: the cause is not kept", c.name)
		}
	}
	v := Reject(BadRequestBody, nil).WithVar("validationErrorString", "[x]").WithHeader("WWW-Authenticate", "Bearer")
	if v.Vars["validationErrorString"] != "[x]" || v.Headers["WWW-Authenticate"] != "Bearer" || v.Cause != nil {
		t.Errorf("WithVar/WithHeader: got %+v", v)
	}
}

// TestFailureClasses: the execution-log classes are found through any
// number of wrappers and print AWS's line.
func TestFailureClasses(t *testing.T) {
	t.Parallel()
	inner := errors.New("json: cannot unmarshal")
	f := fmt.Errorf("outer: %w", BadGateway(Misconfigured("authorizer a: %w", inner)))
	cf, ok := errors.AsType[*ConfigFailure](f)
	if !ok || cf.Reason != "authorizer a: json: cannot unmarshal" || !errors.Is(f, inner) {
		t.Fatalf("ConfigFailure not found or wrong: %+v", cf)
	}
	if got := cf.Error(); got != "Execution failed due to configuration error: authorizer a: json: cannot unmarshal" {
		t.Errorf("ConfigFailure.Error() = %q", got)
	}
	if m := Misconfigured("Invalid endpoint address"); m.Err != nil || m.Reason != "Invalid endpoint address" {
		t.Errorf("Misconfigured without %%w: %+v", m)
	}
	ff, ok := errors.AsType[*FunctionFailure](BadGateway(&FunctionFailure{Status: 200, Reason: "boom. Lambda request id: r1"}))
	if !ok || ff.Error() != "Lambda execution failed with status 200 due to customer function error: boom. Lambda request id: r1" {
		t.Errorf("FunctionFailure: %v, %v", ff, ok)
	}
	if _, ok := errors.AsType[*ConfigFailure](IntegrationFailed(errors.New("refused"))); ok {
		t.Error("a network failure classified as a configuration error")
	}
}

// TestNoLiteralsOutsideFault keeps the shapes in this package: code outside
// it builds faults with the constructors of shapes.go, never with a
// fault.Error literal, so that adding or changing a shape touches one file.
func TestNoLiteralsOutsideFault(t *testing.T) {
	t.Parallel()
	root := ".."
	fset := token.NewFileSet()
	err := filepath.WalkDir(root, func(path string, d fs.DirEntry, err error) error {
		if err != nil {
			return err
		}
		if d.IsDir() && (d.Name() == "testdata" || d.Name() == "fault") {
			return filepath.SkipDir
		}
		if d.IsDir() || !strings.HasSuffix(path, ".go") || strings.HasSuffix(path, "_test.go") {
			return nil
		}
		file, err := parser.ParseFile(fset, path, nil, parser.SkipObjectResolution)
		if err != nil {
			return err
		}
		ast.Inspect(file, func(n ast.Node) bool {
			lit, ok := n.(*ast.CompositeLit)
			if !ok {
				return true
			}
			if sel, ok := lit.Type.(*ast.SelectorExpr); ok && sel.Sel.Name == "Error" {
				if id, ok := sel.X.(*ast.Ident); ok && id.Name == "fault" {
					t.Errorf("%s: a fault.Error literal; use a constructor of internal/fault/shapes.go", fset.Position(lit.Pos()))
				}
			}
			return true
		})
		return nil
	})
	if err != nil {
		t.Fatal(err)
	}
}
