// Command portico runs an API gateway with Amazon API Gateway's semantics
// from the API definitions users already have. main only wires the process
// to run; run holds the commands.
package main

import (
	"context"
	"os"
	"os/signal"
	"syscall"
)

func main() {
	ctx, stop := signal.NotifyContext(context.Background(), os.Interrupt, syscall.SIGTERM)
	hup := make(chan os.Signal, 1)
	signal.Notify(hup, syscall.SIGHUP)
	code := run(ctx, os.Args[1:], os.Getenv, os.Stdout, os.Stderr, hup)
	stop()
	os.Exit(code)
}
