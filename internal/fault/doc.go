// Package fault holds Portico's typed gateway faults: the ResponseType enum of
// API Gateway's 21 gateway response types with their default status, message
// and x-amzn-ErrorType, and the Error value that pipeline steps return to
// reject a request. It is pure: it never writes HTTP and imports no other
// internal package. The edge (httpserver) renders faults through an API's
// gateway-response table.
package fault
