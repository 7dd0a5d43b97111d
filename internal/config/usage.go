package config

import "time"

// Account holds account-level settings.
type Account struct {
	// Throttle is the account-level token bucket shared by every API and
	// stage. Default rateLimit 10000, burstLimit 5000 (AWS's defaults).
	Throttle Throttle `yaml:"throttle"`
}

// Throttle is a token bucket: rateLimit requests per second refill a bucket
// of burstLimit requests.
type Throttle struct {
	RateLimit  float64 `yaml:"rateLimit"`
	BurstLimit int     `yaml:"burstLimit"`
}

// MethodSetting is one stage methodSettings entry (CloudFormation's shape).
// resourcePath "/*" with httpMethod "*" applies to every method; a
// CloudFormation-escaped path ("/~1pets~1{id}") is accepted and decoded.
// The caching fields are described in cache.go.
type MethodSetting struct {
	ResourcePath         string   `yaml:"resourcePath"`
	HTTPMethod           string   `yaml:"httpMethod"`
	ThrottlingRateLimit  *float64 `yaml:"throttlingRateLimit"`
	ThrottlingBurstLimit *int     `yaml:"throttlingBurstLimit"`
	MethodCacheSettings  `yaml:",inline"`
}

// RouteSetting is an HTTP API stage's throttle for a route (or for every
// route, as defaultRouteSettings); unset fields inherit from the level above.
type RouteSetting struct {
	ThrottlingRateLimit  *float64 `yaml:"throttlingRateLimit"`
	ThrottlingBurstLimit *int     `yaml:"throttlingBurstLimit"`
}

// APIKey is one API key.
type APIKey struct {
	// Name identifies the key in usage plans and reports.
	Name string `yaml:"name"`
	// ID is the apiKeyId ($context.identity.apiKeyId); default derived from the name.
	ID string `yaml:"id"`
	// Value is the secret sent in x-api-key: 20 to 128 characters, unique.
	Value string `yaml:"value"`
	// Enabled defaults to true.
	Enabled *bool `yaml:"enabled"`
	// CustomerID and Description are informational.
	CustomerID  string `yaml:"customerId"`
	Description string `yaml:"description"`
}

// IsEnabled reports the effective enabled flag (default true).
func (k APIKey) IsEnabled() bool { return k.Enabled == nil || *k.Enabled }

// UsagePlan is one usage plan.
type UsagePlan struct {
	// Name identifies the plan; ID defaults to the name.
	Name string `yaml:"name"`
	ID   string `yaml:"id"`
	// APIStages are the API stages the plan covers.
	APIStages []PlanStage `yaml:"apiStages"`
	// Throttle is the per-key token bucket; absent means none.
	Throttle *Throttle `yaml:"throttle"`
	// Quota is the per-key request quota; absent means none.
	Quota *Quota `yaml:"quota"`
	// APIKeys names the keys in the plan.
	APIKeys []string `yaml:"apiKeys"`
}

// PlanStage is one API stage of a usage plan, with per-method throttles
// keyed "/{resourcePath}/{METHOD}" (the root is "//GET").
type PlanStage struct {
	API      string              `yaml:"api"`
	Stage    string              `yaml:"stage"`
	Throttle map[string]Throttle `yaml:"throttle"`
}

// Quota limits requests per key per calendar period in UTC.
type Quota struct {
	Limit  int64  `yaml:"limit"`
	Period string `yaml:"period"` // DAY, WEEK or MONTH
	// Offset is subtracted from Limit in the period containing StartDate.
	Offset int64 `yaml:"offset"`
	// StartDate is when the plan took effect (2026-11-01 or RFC 3339);
	// required with an offset.
	StartDate string `yaml:"startDate"`
}

// Start parses StartDate; the zero time when unset or invalid.
func (q Quota) Start() time.Time {
	for _, layout := range []string{time.RFC3339, "2006-01-02"} {
		if t, err := time.Parse(layout, q.StartDate); err == nil {
			return t.UTC()
		}
	}
	return time.Time{}
}

// Store says where keys' usage counters, quotas and throttle buckets live.
type Store struct {
	// Type is embedded (default; a bbolt file), memory or redis.
	Type string `yaml:"type"`
	// Path is the embedded store's file or directory. Default ./portico-data.
	Path string `yaml:"path"`
	// URL is the Redis URL (redis://host:port/db), shared by every replica.
	URL string `yaml:"url"`
	// KeyPrefix namespaces Redis keys. Default "portico".
	KeyPrefix string `yaml:"keyPrefix"`
	// OnError is open (default: serve without limits, as AWS fails open) or
	// closed (answer 500) when the store fails.
	OnError string `yaml:"onError"`
	// FlushInterval is how often the embedded store persists counts. Default 1s.
	FlushInterval Duration `yaml:"flushInterval"`
	// Timeout bounds one store round trip. Default 250ms.
	Timeout Duration `yaml:"timeout"`
}
