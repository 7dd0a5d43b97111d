package deploy

// rootMount is a stage also served at the listener's root.
type rootMount struct {
	api   *API
	stage *Stage
}

// rootMethods are tried, in this order, to find which root-mounted API
// owns a path that no mount serves with the request's method.
var rootMethods = []string{"GET", "POST", "PUT", "DELETE", "PATCH", "HEAD", "OPTIONS"}

// Root picks the root-mounted stage for a request at the listener's root
// (docs/templates.md#root-mount): the first mount, in template order,
// with a route for the method and path; else the first with a route for
// the path under any method (it answers as the API would, e.g. a CORS
// preflight or 403 Missing Authentication Token); else the first mount,
// so an unknown path gets that API's answer. false when nothing is
// mounted at the root.
func (s *Snapshot) Root(httpMethod, escapedPath string) (*API, *Stage, bool) {
	if len(s.roots) == 0 {
		return nil, nil, false
	}
	for _, m := range s.roots {
		if _, ok := m.stage.tree.Lookup(httpMethod, escapedPath); ok {
			return m.api, m.stage, true
		}
	}
	for _, m := range s.roots {
		for _, hm := range rootMethods {
			if _, ok := m.stage.tree.Lookup(hm, escapedPath); ok {
				return m.api, m.stage, true
			}
		}
	}
	for _, m := range s.roots {
		if m.stage.defaultRoute != nil {
			return m.api, m.stage, true
		}
	}
	return s.roots[0].api, s.roots[0].stage, true
}
