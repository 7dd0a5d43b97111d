package usage

import (
	"crypto/sha256"
	"crypto/subtle"
	"fmt"
	"strings"
	"time"

	"github.com/portico-gw/portico/internal/throttle"
)

// Key is one API key.
type Key struct {
	ID, Name string
	Value    string
	Enabled  bool
}

// Limit is a token bucket's rate and burst.
type Limit = throttle.Limit

// Plan is one usage plan.
type Plan struct {
	ID, Name string
	// Throttle is the per-key bucket; nil means none.
	Throttle *Limit
	// Quota is the per-key quota; nil means none.
	Quota *throttle.Quota
	// Stages are the API stages, each with per-method throttles keyed
	// "/{resourcePath}/{METHOD}".
	Stages []PlanStage
	// Keys are the plan's keys, each by name or, when no key has that
	// name, by ID.
	Keys []string
	// Grants are quota changes by key ID (the management API's
	// UpdateUsage): each raises or lowers the key's limit in the quota
	// period that contains its instant.
	Grants map[string]Grant
}

// Grant is a change to one key's quota limit in the period containing At.
type Grant struct {
	At    time.Time
	Extra int64
}

// PlanStage is one API stage of a plan.
type PlanStage struct {
	API, Stage string
	Methods    map[string]Limit
}

// Registry is the compiled, immutable view of keys and plans.
type Registry struct {
	byHash map[[32]byte]*Key
	byName map[string]*Key
	byID   map[string]*Key
	plans  map[string]*Plan
	// stages maps "api/stage" to the keys admitted there.
	stages map[string]*StageKeys
}

// StageKeys maps each key admitted on one API stage to its plan and its
// precomputed counter names, so the hot path builds no strings.
type StageKeys struct {
	byKey map[*Key]*Admission
}

// Admission is a key's plan on one API stage.
type Admission struct {
	Plan *Plan
	// BucketKey and QuotaKey name the key's counters in the plan.
	BucketKey, QuotaKey string
	// Grant is the key's quota change in the plan, if any.
	Grant *Grant
}

// NewRegistry compiles keys and plans. Keys and plans must already be valid
// (config validates them); a plan naming an unknown key is an error. When
// two keys share a name, the first keeps it (plans reach the other by ID).
func NewRegistry(keys []Key, plans []Plan) (*Registry, error) {
	r := &Registry{byHash: map[[32]byte]*Key{}, byName: map[string]*Key{}, byID: map[string]*Key{}, plans: map[string]*Plan{}, stages: map[string]*StageKeys{}}
	for i := range keys {
		k := &keys[i]
		r.byHash[sha256.Sum256([]byte(k.Value))] = k
		if _, ok := r.byName[k.Name]; !ok {
			r.byName[k.Name] = k
		}
		r.byID[k.ID] = k
	}
	for i := range plans {
		p := &plans[i]
		r.plans[p.ID] = p
		for _, name := range p.Keys {
			k, ok := r.byName[name]
			if !ok {
				k, ok = r.byID[name]
			}
			if !ok {
				return nil, fmt.Errorf("usage plan %s: API key %q is not defined", p.Name, name)
			}
			var grant *Grant
			if g, ok := p.Grants[k.ID]; ok {
				grant = &g
			}
			for _, st := range p.Stages {
				sk := r.stages[st.API+"/"+st.Stage]
				if sk == nil {
					sk = &StageKeys{byKey: map[*Key]*Admission{}}
					r.stages[st.API+"/"+st.Stage] = sk
				}
				sk.byKey[k] = &Admission{Plan: p, BucketKey: "plan:" + p.ID + ":key:" + k.ID, QuotaKey: QuotaKey(p.ID, k.ID), Grant: grant}
			}
		}
	}
	return r, nil
}

// Lookup finds the key whose value is value. The map is keyed by the
// value's SHA-256, and the found key's value is compared in constant time,
// so lookups leak nothing about other keys' values.
func (r *Registry) Lookup(value string) (*Key, bool) {
	k, ok := r.byHash[sha256.Sum256([]byte(value))]
	if !ok || subtle.ConstantTimeCompare([]byte(k.Value), []byte(value)) != 1 {
		return nil, false
	}
	return k, true
}

// Stage returns the keys admitted on an API stage (empty when none).
func (r *Registry) Stage(api, stage string) *StageKeys {
	if sk, ok := r.stages[api+"/"+stage]; ok {
		return sk
	}
	return &StageKeys{}
}

// Admission returns the key's plan on the stage.
func (sk *StageKeys) Admission(k *Key) (*Admission, bool) {
	a, ok := sk.byKey[k]
	return a, ok
}

// Plan returns a plan by ID or name.
func (r *Registry) Plan(id string) (*Plan, bool) {
	if p, ok := r.plans[id]; ok {
		return p, true
	}
	for _, p := range r.plans {
		if p.Name == id {
			return p, true
		}
	}
	return nil, false
}

// Plans returns every plan.
func (r *Registry) Plans() []*Plan {
	out := make([]*Plan, 0, len(r.plans))
	for _, p := range r.plans {
		out = append(out, p)
	}
	return out
}

// KeyByName returns a key by name or ID.
func (r *Registry) KeyByName(name string) (*Key, bool) {
	if k, ok := r.byName[name]; ok {
		return k, true
	}
	k, ok := r.byID[name]
	return k, ok
}

// In returns the grant's extra requests when it applies to window w.
func (g *Grant) In(w throttle.Window) int64 {
	if g == nil || !w.Contains(g.At) {
		return 0
	}
	return g.Extra
}

// MethodKey is the usage-plan per-method throttle key of a method:
// "/{resourcePath}/{METHOD}" with the resource path's leading slash kept,
// so the root resource is "//GET" (docs/aws-behaviour.md#usage-plans-and-quotas).
func MethodKey(resourcePath, httpMethod string) string {
	return resourcePath + "/" + strings.ToUpper(httpMethod)
}
