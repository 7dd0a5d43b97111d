// Package pipeline holds the per-request vocabulary of the data plane: Call
// (everything known about one request), Result (what goes back to the
// client), the two contracts Step and Integration, and Pipeline, the runner
// that executes a method's steps in order and then its integration. It never
// writes HTTP: a rejection is a *fault.Error returned to the edge.
package pipeline
