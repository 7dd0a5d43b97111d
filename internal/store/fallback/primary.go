package fallback

// Primary returns the shared store this one falls back from.
func (s *Store) Primary() Primary { return s.p }
