// Package app wires a running gateway from a settings file: it loads and
// imports the API definitions, deploys them into a snapshot, serves the data
// plane and the admin listener, reloads on SIGHUP or on a change to any
// config or definition file (keeping the old snapshot when the new one is
// bad), and drains in-flight requests on stop. cmd/portico is a thin layer
// over it, and gatewaytest boots the same code in process.
package app
