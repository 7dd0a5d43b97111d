// Package redistest starts a throwaway redis-server for tests: on a free
// loopback port, without persistence, killed when the test ends. If
// redis-server is not on PATH, Start skips the test with a loud message,
// unless PORTICO_REQUIRE_REDIS=1, which turns the skip into a failure (CI
// sets it). Server.Stop and Server.Restart let a test take Redis away and
// bring it back on the same port; Server.Pause and Server.Resume freeze it
// with its connections open, like a hung server.
package redistest
