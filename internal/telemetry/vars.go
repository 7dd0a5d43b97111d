package telemetry

import "github.com/portico-gw/portico/internal/contextvars"

// Vars supplies variable values while a compiled access log renders one line.
//
// AppendVar appends the value of the variable to dst and returns the extended
// slice. The variables are the rows of the contextvars table that access logs
// know; key is empty except for the parameterised variables
// ($context.authorizer.<key>, $context.authorizer.claims.<key> and the
// override variables), where it holds the name after the prefix. Appending
// nothing means "no value": the renderer then writes "-", as AWS does.
// Implementations must not retain dst.
type Vars interface {
	AppendVar(dst []byte, id contextvars.ID, key string) []byte
}
