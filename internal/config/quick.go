package config

import (
	"path/filepath"
	"strings"
)

// Quick returns settings for quick mode (`portico serve --api FILE`): one
// API whose id is derived from the file name, one stage, defaults for
// everything else. Empty stage and listen keep their defaults (dev,
// 127.0.0.1:8080).
func Quick(apiPath, stage, listen string) (*File, error) {
	f := Default()
	if stage == "" {
		stage = "dev"
	}
	if listen != "" {
		f.Listen = listen
	}
	abs, err := filepath.Abs(apiPath)
	if err != nil {
		return nil, err
	}
	id := strings.TrimSuffix(filepath.Base(abs), filepath.Ext(abs))
	id = strings.Map(func(r rune) rune {
		if r >= 'a' && r <= 'z' || r >= 'A' && r <= 'Z' || r >= '0' && r <= '9' || r == '-' || r == '_' {
			return r
		}
		return '-'
	}, id)
	f.APIs = []API{{ID: id, Definition: abs, Stages: []Stage{{Name: stage}}}}
	f.Store.Type = "memory"
	f.applyDefaults(filepath.Dir(abs))
	if err := f.Validate(nil); err != nil {
		return nil, err
	}
	return &f, nil
}
