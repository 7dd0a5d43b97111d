package integration

import (
	"context"

	"github.com/portico-gw/portico/internal/apidef"
	"github.com/portico-gw/portico/internal/pipeline"
)

// Failing answers every call with the same fault. Deploy uses it for
// definitions AWS accepts but that fail on every call, such as an endpoint
// URI whose stage variable is not set on the stage, an illegal header
// mapping, or an AWS_PROXY integration whose httpMethod is not POST.
type Failing struct {
	// Kind names the integration type for logs.
	Kind apidef.IntegrationType
	// Err is returned by every Invoke.
	Err error
}

var _ pipeline.Integration = (*Failing)(nil)

// Name implements pipeline.Named.
func (f *Failing) Name() string { return "integration:" + string(f.Kind) }

// Invoke returns f.Err.
func (f *Failing) Invoke(context.Context, *pipeline.Call) (*pipeline.Result, error) {
	return nil, f.Err
}

// ConfigError builds the API_CONFIGURATION_ERROR fault (500) with AWS's log
// text "Execution failed due to configuration error: ...".
func ConfigError(format string, args ...any) error { return configError(format, args...) }
