// Package source locates values inside YAML or JSON documents: it parses a
// document once into a line index keyed by JSON Pointer, so that config and
// definition errors can name the file, line and field. It imports no other
// internal package and never fails on a document that parsed.
package source
