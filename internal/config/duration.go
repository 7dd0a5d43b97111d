package config

import (
	"fmt"
	"time"

	"go.yaml.in/yaml/v4"
)

// Duration is a time.Duration written as a Go duration string ("5s") or a
// number of seconds.
type Duration time.Duration

// UnmarshalYAML accepts "1.5s", "300ms" or a plain number of seconds.
func (d *Duration) UnmarshalYAML(n *yaml.Node) error {
	if n.Kind != yaml.ScalarNode {
		return fmt.Errorf("line %d: want a duration such as \"5s\"", n.Line)
	}
	if v, err := time.ParseDuration(n.Value); err == nil {
		*d = Duration(v)
		return nil
	}
	var secs float64
	if _, err := fmt.Sscanf(n.Value, "%g", &secs); err == nil {
		*d = Duration(secs * float64(time.Second))
		return nil
	}
	return fmt.Errorf("line %d: %q is not a duration such as \"5s\"", n.Line, n.Value)
}

// D returns the value as a time.Duration.
func (d Duration) D() time.Duration { return time.Duration(d) }
