// Package fallback wraps a shared store (Redis) so that the gateway keeps
// its quotas while the store fails, and knows whether it is failing.
//
// Every call goes to the shared store while it works. Once a call fails,
// the store counts as failing: one call per Options.RetryEvery tries it
// again (as does Health, for /readyz), and the others fail at once rather
// than each waiting out a hung store's timeout. When a quota Consume fails
// (the store is down, hung past its timeout, or never connected) and
// Options.Local is set (store.onError: open), the decision is made locally
// instead: the request is admitted while the count last seen from the
// store for that key and window, plus the requests admitted locally since,
// stays under the limit. Locally admitted requests are added to the shared
// counters (Adder) before the key's next successful Consume, so the store's
// count, and the usage report, include them.
//
// A frozen store therefore admits at most the requests whose replies it
// had not yet sent when it froze beyond a quota, instead of admitting every
// request. A request whose command the store executes late (after its
// timeout) is counted twice, which errs on the strict side. With several
// replicas, each one decides alone during the failure and may admit the
// remaining quota once; a key not seen since start is admitted up to its
// full limit. Token buckets (throttling) are not kept locally: their errors
// reach the caller, which applies store.onError. Admit (the checks of one
// request in one call) fails as a whole while the store fails; the caller
// then makes the checks separately, with the outcomes above.
package fallback
