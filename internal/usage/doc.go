// Package usage owns API keys and usage plans: the Registry compiled at
// deploy from the settings (keys by value, the plan each key has for each
// API stage), and the API-key step that admits a request with its key, then
// applies the plan's throttle and quota (docs/aws-behaviour.md#api-keys-and-usage-plans). Keys are
// compared in constant time and never logged in clear. Counters live behind
// the throttle package's Buckets and Quotas interfaces; with a store that is
// a throttle.Admitter, the step takes the throttle step's deferred tokens
// (throttle.Pending), the plan's and the quota in one call.
package usage
