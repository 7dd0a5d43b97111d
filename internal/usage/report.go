package usage

import (
	"context"
	"fmt"
	"sort"
	"time"

	"github.com/portico-gw/portico/internal/throttle"
)

// UsageReport is API Gateway's GetUsage shape: for each key of a plan, one
// [used, remaining] pair per UTC day from StartDate to EndDate.
type UsageReport struct {
	UsagePlanID string                `json:"usagePlanId"`
	StartDate   string                `json:"startDate"`
	EndDate     string                `json:"endDate"`
	Items       map[string][][2]int64 `json:"items"`
}

// Report builds the usage report of a plan (by ID or name), optionally for
// one key (by name or ID), over [from, to]. Zero from and to mean the
// current quota period up to today. Usage is counted for plans with a quota.
func Report(ctx context.Context, reg *Registry, quotas throttle.Quotas, plan, key string, from, to, now time.Time) (*UsageReport, error) {
	p, ok := reg.Plan(plan)
	if !ok {
		return nil, fmt.Errorf("Invalid Usage Plan ID specified: %q", plan)
	}
	if p.Quota == nil {
		return nil, fmt.Errorf("usage plan %s has no quota; usage is recorded for plans with a quota", p.Name)
	}
	if from.IsZero() {
		w, _, err := p.Quota.At(now)
		if err != nil {
			return nil, err
		}
		from, to = w.Start, now
	}
	if to.Before(from) {
		return nil, fmt.Errorf("endDate is before startDate")
	}
	names := p.Keys
	if key != "" {
		k, ok := reg.KeyByName(key)
		if !ok || (!contains(p.Keys, k.Name) && !contains(p.Keys, k.ID)) {
			return nil, fmt.Errorf("API key %q is not in usage plan %s", key, p.Name)
		}
		names = []string{k.Name}
	}
	r := &UsageReport{UsagePlanID: p.ID, StartDate: from.UTC().Format("2006-01-02"), EndDate: to.UTC().Format("2006-01-02"), Items: map[string][][2]int64{}}
	sort.Strings(names)
	for _, n := range names {
		k, ok := reg.KeyByName(n)
		if !ok {
			continue
		}
		days, err := quotas.Usage(ctx, QuotaKey(p.ID, k.ID), from, to)
		if err != nil {
			return nil, fmt.Errorf("read usage of %s: %w", k.Name, err)
		}
		rows, err := p.Quota.Report(days)
		if err != nil {
			return nil, err
		}
		g, granted := p.Grants[k.ID]
		var gw throttle.Window
		var glimit, cum int64
		if granted {
			if gw, glimit, err = p.Quota.At(g.At); err != nil {
				return nil, err
			}
		}
		pairs := make([][2]int64, 0, len(rows))
		for _, row := range rows {
			if granted && gw.Contains(row.Day) {
				// The grant changes the limit of its period only.
				cum += row.Used
				row.Remaining = max(glimit+g.Extra-cum, 0)
			}
			pairs = append(pairs, [2]int64{row.Used, row.Remaining})
		}
		r.Items[k.ID] = pairs
	}
	return r, nil
}

func contains(list []string, s string) bool {
	for _, e := range list {
		if e == s {
			return true
		}
	}
	return false
}
