package app

import (
	"errors"

	"github.com/portico-gw/portico/internal/apidef"
	"github.com/portico-gw/portico/internal/deploy"
	"github.com/portico-gw/portico/internal/integration"
)

// Report summarizes a validation run.
type Report struct {
	APIs, Methods int
	Warnings      []apidef.Warning
}

// Validate loads the settings and definitions and deploys them without
// serving, so every problem a start would hit is reported, each located.
func Validate(src Source) (Report, error) {
	var rep Report
	cfg, err := src.load()
	if err != nil {
		return rep, err
	}
	l, err := Load(cfg)
	rep.Warnings = l.Warnings
	for _, s := range l.Specs {
		rep.APIs++
		rep.Methods += len(s.Def.Methods)
	}
	if err != nil {
		return rep, err
	}
	t := integration.NewTransport(false)
	defer t.CloseIdleConnections()
	_, err = Deploy(cfg, l, deploy.Options{Transport: t, InsecureTransport: t, Compile: Compiler()})
	return rep, errors.Join(err)
}
