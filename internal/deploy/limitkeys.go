package deploy

import (
	"fmt"

	"github.com/portico-gw/portico/internal/usage"
)

// checkLimitKeys makes sure every per-method throttle names a method that
// exists, so a typo or an unsupported form never silently leaves a method
// unthrottled: usage-plan keys "/{resourcePath}/{METHOD}" (an ANY method is
// keyed with ANY) and stage methodSettings entries other than "/*" "*".
func checkLimitKeys(spec APISpec, l *Limits) []error {
	methods := map[string]bool{}
	paths := map[string]bool{}
	for _, m := range spec.Def.Methods {
		methods[usage.MethodKey(m.Path, m.HTTPMethod)] = true
		paths[m.Path] = true
	}
	var errs []error
	if l != nil && l.Registry != nil {
		for _, p := range l.Registry.Plans() {
			for _, st := range p.Stages {
				if st.API != spec.ID {
					continue
				}
				for key := range st.Methods {
					if !methods[key] {
						errs = append(errs, fmt.Errorf("usage plan %s: throttle key %q names no method of %s/%s (keys are \"/{resourcePath}/{METHOD}\"; an ANY method is keyed ANY)", p.Name, key, st.API, st.Stage))
					}
				}
			}
		}
	}
	for _, ss := range spec.Stages {
		for _, ms := range ss.MethodSettings {
			switch {
			case ms.ResourcePath == "/*":
			case ms.HTTPMethod == "*" && !paths[ms.ResourcePath]:
				errs = append(errs, fmt.Errorf("stage %s: methodSettings resourcePath %q names no resource", ss.Name, ms.ResourcePath))
			case ms.HTTPMethod != "*" && !methods[usage.MethodKey(ms.ResourcePath, ms.HTTPMethod)]:
				errs = append(errs, fmt.Errorf("stage %s: methodSettings %s %s names no method (an ANY method is set with httpMethod ANY or *)", ss.Name, ms.HTTPMethod, ms.ResourcePath))
			}
		}
	}
	return errs
}
