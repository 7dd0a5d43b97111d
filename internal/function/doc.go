// Package function is Portico's local function runtime: it runs real,
// unchanged Lambda functions (any program speaking the AWS Lambda Runtime
// API 2018-06-01, such as a Go binary built with aws-lambda-go) as child
// processes and invokes them the way Lambda does.
//
// Node.js (nodejs18.x/20.x/22.x) and Python (python3.9 to python3.13)
// handlers run unchanged on the local node and python3 through Portico's own
// small runtime clients (runtimes/node/bootstrap.mjs,
// runtimes/python/bootstrap.py), embedded in the binary and written to the
// cache directory once. They build Lambda's context and report errors in
// Lambda's shapes. The Manager itself logs Lambda's START, END and REPORT
// lines for every invocation of every runtime.
//
// A [Manager] owns one pool of processes per configured function. Each
// process gets its own Runtime API listener on a random loopback port
// (served by a small purpose-built HTTP/1.1 server, see runtimeapi.go), the
// Lambda environment (AWS_LAMBDA_RUNTIME_API, AWS_LAMBDA_FUNCTION_NAME, ...)
// and at most one invocation at a time. Warm processes are reused, cold ones
// are started on demand and idle ones are reaped. Reserved concurrency,
// function timeouts, crashes and init failures surface as typed errors
// ([ThrottledError], [TimeoutError], [CrashError], [NotFoundError]); a
// function error reported by the function itself is a normal [Response]
// with FunctionError "Unhandled", as Lambda's Invoke API returns it:
//
//	m, err := function.NewManager(cfgs, function.Options{Logger: log})
//	if err != nil { ... }
//	defer m.Close()
//	resp, err := m.Invoke(ctx, "PetsFunction", event, function.InvokeOptions{RequestID: id})
//
// [LambdaAPI] serves Lambda's own Invoke API (POST
// /2015-03-31/functions/{name}/invocations) over a Manager, so AWS SDK
// clients can call the local functions directly.
//
// The package never writes gateway responses and never interprets proxy
// payloads; that is the integration's job. Function processes never outlive
// the Manager: Close kills them with their process groups, and on Linux the
// kernel kills them when Portico itself dies (Pdeathsig).
//
// Memory sizes are enforced (Options.MemoryLimit): through one cgroup v2 per
// process with memory.max when Portico may create memory-limited child
// cgroups (next to Portico's own, in a parent cgroup holding no process),
// else by polling the resident memory of each process group (/proc/PID/statm
// of the process and its descendants, which are looked up every second)
// every 100 ms while it starts or works and every second while it waits for
// work. A process over its
// size is killed and its invocation fails with Runtime.OutOfMemory
// ([CrashError] with OutOfMemory set). NewManager logs which mechanism it
// uses.
//
// Code changes are picked up without a restart: a watcher looks at each
// function's code once a second (Options.CodeCheckInterval) and, when it
// changed, rebuilds a Build source, kills the warm processes and retires the
// busy ones when their invocation ends, so the next invocation runs the new
// code. A failed rebuild is logged once and the old binary keeps serving.
//
// Not emulated: the Extensions,
// Logs and Telemetry APIs, response streaming to the caller, retries of
// Event invocations, and X-Amz-Log-Type: Tail.
package function
