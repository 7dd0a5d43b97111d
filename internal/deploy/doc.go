// Package deploy turns validated API definitions plus their stages into an
// immutable Snapshot: per stage a compiled resource tree whose methods each
// carry a pipeline (steps in AWS order, then the integration), and per API
// the resolved gateway-response table. It is the only place the pipeline
// order is written. Build either returns a complete snapshot or an error
// joining every problem; it never returns something partial.
package deploy
