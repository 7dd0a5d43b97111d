// Package config loads Portico's process settings file (docs/architecture.md#settings-file): the
// listeners, region and account, and the APIs to serve with their stages. It
// decodes strictly (unknown keys are errors), fills every default in Default,
// and Validate reports every problem with its file, line and field. It does
// not read API definitions; openapi does.
package config
