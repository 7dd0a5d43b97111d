package mgmt

import (
	"context"
	"encoding/json"
	"slices"
	"time"
)

// usageDocID is the store key of the keys-and-plans document. REST API
// ids are 10 lowercase letters and digits, so it never names an API.
const usageDocID = "_usage"

// APIKey is the ApiKey shape. Value is stored; answers carry it only when
// asked (includeValue, includeValues) or on creation.
type APIKey struct {
	ID              string            `json:"id"`
	Value           string            `json:"value,omitempty"`
	Name            string            `json:"name,omitempty"`
	CustomerID      string            `json:"customerId,omitempty"`
	Description     string            `json:"description,omitempty"`
	Enabled         bool              `json:"enabled"`
	CreatedDate     Epoch             `json:"createdDate"`
	LastUpdatedDate Epoch             `json:"lastUpdatedDate"`
	StageKeys       []string          `json:"stageKeys"`
	Tags            map[string]string `json:"tags,omitempty"`
}

// ThrottleSettings is the ThrottleSettings shape.
type ThrottleSettings struct {
	BurstLimit int     `json:"burstLimit"`
	RateLimit  float64 `json:"rateLimit"`
}

// QuotaSettings is the QuotaSettings shape.
type QuotaSettings struct {
	Limit  int64  `json:"limit"`
	Offset int64  `json:"offset"`
	Period string `json:"period"`
}

// APIStage is the ApiStage shape: an API stage of a usage plan, with
// per-method throttles keyed "/{resourcePath}/{METHOD}".
type APIStage struct {
	APIID    string                      `json:"apiId"`
	Stage    string                      `json:"stage"`
	Throttle map[string]ThrottleSettings `json:"throttle,omitempty"`
}

// UsagePlan is the UsagePlan shape.
type UsagePlan struct {
	ID          string            `json:"id"`
	Name        string            `json:"name"`
	Description string            `json:"description,omitempty"`
	APIStages   []APIStage        `json:"apiStages"`
	Throttle    *ThrottleSettings `json:"throttle,omitempty"`
	Quota       *QuotaSettings    `json:"quota,omitempty"`
	ProductCode string            `json:"productCode,omitempty"`
	Tags        map[string]string `json:"tags,omitempty"`
}

// UsagePlanKey is the UsagePlanKey shape.
type UsagePlanKey struct {
	ID    string `json:"id"`
	Type  string `json:"type"`
	Value string `json:"value,omitempty"`
	Name  string `json:"name,omitempty"`
}

// QuotaGrant is an UpdateUsage: from At on, within the quota period that
// contains At, the key's quota limit is raised (or lowered) by Extra, so
// that the remaining count was the one asked for.
type QuotaGrant struct {
	At    Epoch `json:"at"`
	Extra int64 `json:"extra"`
}

// ManagedPlan is a usage plan with its keys (by key id), the instant it
// was created (the start of its quota's first period, which the offset
// needs) and its UpdateUsage grants by key id.
type ManagedPlan struct {
	UsagePlan
	KeyIDs  []string              `json:"keyIds"`
	Created Epoch                 `json:"created"`
	Grants  map[string]QuotaGrant `json:"grants,omitempty"`
}

// usageDoc is every API key and usage plan: one stored document.
type usageDoc struct {
	Keys  map[string]*APIKey      `json:"apiKeys"`
	Plans map[string]*ManagedPlan `json:"usagePlans"`
	// Domains are the custom domain names by name (ops_domains.go).
	Domains map[string]*managedDomain `json:"domainNames,omitempty"`
}

func newUsageDoc() *usageDoc {
	return &usageDoc{Keys: map[string]*APIKey{}, Plans: map[string]*ManagedPlan{}}
}

// UsageCounts reads and adjusts the counters of usage plans' quotas; the
// gateway implements it over its counter store and its current keys and
// plans.
type UsageCounts interface {
	// Usage returns, for each key id of the plan (or only keyID when not
	// empty), one [used, remaining] pair per UTC day from from to to.
	Usage(ctx context.Context, planID, keyID string, from, to time.Time) (map[string][][2]int64, error)
}

// SetUsageCounts sets what GetUsage and UpdateUsage read; without it they
// answer that usage is not available.
func (s *Service) SetUsageCounts(u UsageCounts) {
	s.writeMu.Lock()
	defer s.writeMu.Unlock()
	s.counts = u
}

// KeysAndPlans returns copies of the managed API keys and usage plans,
// sorted by id, for the gateway's key registry.
func (s *Service) KeysAndPlans() ([]APIKey, []ManagedPlan) {
	s.mu.RLock()
	defer s.mu.RUnlock()
	keys := make([]APIKey, 0, len(s.usage.Keys))
	for _, id := range sortedKeys(s.usage.Keys) {
		keys = append(keys, clone(*s.usage.Keys[id]))
	}
	plans := make([]ManagedPlan, 0, len(s.usage.Plans))
	for _, id := range sortedKeys(s.usage.Plans) {
		plans = append(plans, clone(*s.usage.Plans[id]))
	}
	return keys, plans
}

// readUsage returns the published keys-and-plans document for reading.
func (s *Service) readUsage() *usageDoc {
	s.mu.RLock()
	defer s.mu.RUnlock()
	return s.usage
}

// changeUsage applies fn to a copy of the keys-and-plans document,
// publishes it, rebuilds the data plane (keys and plans are part of every
// build) and stores it; on failure the old document is restored.
func (s *Service) changeUsage(ctx context.Context, fn func(u *usageDoc) error) error {
	s.writeMu.Lock()
	defer s.writeMu.Unlock()
	old := s.readUsage()
	u := clone(old)
	if u.Keys == nil {
		u.Keys = map[string]*APIKey{}
	}
	if u.Plans == nil {
		u.Plans = map[string]*ManagedPlan{}
	}
	if err := fn(u); err != nil {
		return err
	}
	s.setUsage(u)
	if s.onDeploy != nil {
		if err := s.onDeploy(); err != nil {
			s.setUsage(old)
			return badRequest("the change was not applied: the gateway could not deploy it: %v", err)
		}
	}
	b, err := json.Marshal(u)
	if err == nil {
		err = s.store.Put(ctx, usageDocID, b)
	}
	if err != nil {
		s.setUsage(old)
		if s.onDeploy != nil {
			_ = s.onDeploy()
		}
		s.log.Error("management API: store write failed", "document", "keys and usage plans", "error", err)
		return &apiError{500, "InternalFailure", "the change could not be stored: " + err.Error()}
	}
	return nil
}

func (s *Service) setUsage(u *usageDoc) {
	s.mu.Lock()
	defer s.mu.Unlock()
	s.usage = u
}

// plansOfKey returns the ids of the plans that hold key id.
func (u *usageDoc) plansOfKey(id string) []string {
	var out []string
	for _, pid := range sortedKeys(u.Plans) {
		if slices.Contains(u.Plans[pid].KeyIDs, id) {
			out = append(out, pid)
		}
	}
	return out
}
