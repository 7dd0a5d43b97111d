// Package gatewaytest boots a Portico gateway in process for tests: it
// writes a settings file for a definition, starts a fake upstream (echo,
// status, slow, reset and garbage endpoints) and a refused address, wires
// their addresses into stage variables, and serves the gateway on a loopback
// httptest server. It is imported only by tests.
package gatewaytest
