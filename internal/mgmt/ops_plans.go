package mgmt

import (
	"fmt"
	"math"
	"net/http"
	"slices"
	"strconv"
	"strings"
	"time"
)

// createPlanInput is CreateUsagePlan's body.
type createPlanInput struct {
	Name        string            `json:"name"`
	Description string            `json:"description"`
	APIStages   []APIStage        `json:"apiStages"`
	Throttle    *ThrottleSettings `json:"throttle"`
	Quota       *QuotaSettings    `json:"quota"`
	Tags        map[string]string `json:"tags"`
}

// invalidStage is AWS's answer for an API stage that does not exist. AWS
// answers the format string itself, its placeholders unfilled
// (https://github.com/aws/aws-sdk/issues/354).
func invalidStage() error {
	return badRequest("Invalid API Stage {api: %%s, stage: %%s} specified for usageplan %%s")
}

// checkPlan validates a plan's stages, throttle and quota.
func (s *Service) checkPlan(p *UsagePlan, u *usageDoc) error {
	if strings.TrimSpace(p.Name) == "" {
		return badRequest("Invalid usage plan name specified: the name is required")
	}
	seen := map[string]bool{}
	for _, st := range p.APIStages {
		if st.APIID == "" || st.Stage == "" {
			return invalidStage()
		}
		d, _, err := s.get(st.APIID)
		if err != nil || d.Stages[st.Stage] == nil {
			return invalidStage()
		}
		if seen[st.APIID+":"+st.Stage] {
			return badRequest("Duplicate API Stage {api: %s, stage: %s} in usage plan", st.APIID, st.Stage)
		}
		seen[st.APIID+":"+st.Stage] = true
		for m, t := range st.Throttle {
			if err := checkMethodKey(m); err != nil {
				return err
			}
			if err := checkThrottle(t); err != nil {
				return err
			}
		}
	}
	if p.Throttle != nil {
		if err := checkThrottle(*p.Throttle); err != nil {
			return err
		}
	}
	if q := p.Quota; q != nil {
		switch q.Period {
		case "DAY", "WEEK", "MONTH":
		default:
			return validationError(q.Period, "quota.period", "Member must satisfy enum value set: [DAY, WEEK, MONTH]")
		}
		if q.Limit < 0 {
			return badRequest("Invalid quota limit %d: it must not be negative", q.Limit)
		}
		if q.Offset < 0 || q.Offset >= max(q.Limit, 1) {
			return badRequest("Invalid quota offset %d: it must be at least 0 and less than the limit %d", q.Offset, q.Limit)
		}
	}
	// A key has one plan per API stage.
	if u != nil {
		for _, kid := range u.planKeyIDs(p.ID) {
			if err := u.checkOnePlanPerStage(kid, p); err != nil {
				return err
			}
		}
	}
	return nil
}

func (u *usageDoc) planKeyIDs(planID string) []string {
	if p := u.Plans[planID]; p != nil {
		return p.KeyIDs
	}
	return nil
}

// checkOnePlanPerStage refuses a key in two plans that share an API stage.
func (u *usageDoc) checkOnePlanPerStage(keyID string, p *UsagePlan) error {
	for _, other := range u.Plans {
		if other.ID == p.ID || !slices.Contains(other.KeyIDs, keyID) {
			continue
		}
		for _, a := range other.APIStages {
			for _, b := range p.APIStages {
				if a.APIID == b.APIID && a.Stage == b.Stage {
					return conflict("API Key %s is already in usage plan %s, which covers API Stage {api: %s, stage: %s}; a key can be in one usage plan per API stage", keyID, other.ID, a.APIID, a.Stage)
				}
			}
		}
	}
	return nil
}

func checkThrottle(t ThrottleSettings) error {
	if t.BurstLimit < 0 || t.RateLimit < 0 || math.IsNaN(t.RateLimit) || math.IsInf(t.RateLimit, 0) {
		return badRequest("Invalid throttle settings: burstLimit and rateLimit must not be negative")
	}
	return nil
}

// checkMethodKey checks a per-method throttle key, "/{resourcePath}/{METHOD}".
func checkMethodKey(m string) error {
	i := strings.LastIndex(m, "/")
	if !strings.HasPrefix(m, "/") || i < 1 || !slices.Contains(append([]string{"*"}, httpMethods...), m[i+1:]) {
		return badRequest("Invalid method throttle key %s: it must be /{resourcePath}/{METHOD}, such as /pets/GET or //GET for the root", m)
	}
	return nil
}

func (s *Service) createPlan(r *http.Request) (int, any, error) {
	var in createPlanInput
	if err := decode(r, &in); err != nil {
		return 0, nil, err
	}
	p := UsagePlan{Name: in.Name, Description: in.Description, APIStages: in.APIStages, Throttle: in.Throttle, Quota: in.Quota, Tags: in.Tags}
	if p.APIStages == nil {
		p.APIStages = []APIStage{}
	}
	if err := s.checkPlan(&p, nil); err != nil {
		return 0, nil, err
	}
	err := s.changeUsage(r.Context(), func(u *usageDoc) error {
		p.ID = u.newKeyID()
		u.Plans[p.ID] = &ManagedPlan{UsagePlan: p, KeyIDs: []string{}, Created: Epoch{s.now().UTC()}}
		return nil
	})
	if err != nil {
		return 0, nil, err
	}
	s.log.Info("management API: usage plan created", "usagePlanId", p.ID, "name", p.Name)
	return http.StatusCreated, p, nil
}

func (u *usageDoc) plan(id string) (*ManagedPlan, error) {
	p := u.Plans[id]
	if p == nil {
		return nil, notFound("Invalid Usage Plan ID specified")
	}
	return p, nil
}

func (s *Service) getPlan(r *http.Request) (int, any, error) {
	p, err := s.readUsage().plan(r.PathValue("plan"))
	if err != nil {
		return 0, nil, err
	}
	return http.StatusOK, p.UsagePlan, nil
}

func (s *Service) listPlans(r *http.Request) (int, any, error) {
	keyID := r.URL.Query().Get("keyId")
	var plans []UsagePlan
	for _, p := range s.readUsage().Plans {
		if keyID == "" || slices.Contains(p.KeyIDs, keyID) {
			plans = append(plans, p.UsagePlan)
		}
	}
	out, err := paginate(r, plans, func(p UsagePlan) string { return p.ID })
	return http.StatusOK, out, err
}

// planPaths are UpdateUsagePlan's patch paths.
const planPaths = "/name, /description, /productCode, /throttle, /throttle/rateLimit, /throttle/burstLimit, /quota, /quota/limit, /quota/offset, /quota/period, /apiStages, /apiStages/{apiId}:{stage}/throttle/{resourcePath}/{METHOD}[/rateLimit|/burstLimit]"

func (s *Service) updatePlan(r *http.Request) (int, any, error) {
	ops, err := readPatch(r)
	if err != nil {
		return 0, nil, err
	}
	var out UsagePlan
	err = s.changeUsage(r.Context(), func(u *usageDoc) error {
		p, err := u.plan(r.PathValue("plan"))
		if err != nil {
			return err
		}
		for _, op := range ops {
			if err := patchPlan(&p.UsagePlan, op); err != nil {
				return err
			}
		}
		if err := s.checkPlan(&p.UsagePlan, u); err != nil {
			return err
		}
		out = p.UsagePlan
		return nil
	})
	return http.StatusOK, out, err
}

func patchPlan(p *UsagePlan, op PatchOperation) error {
	if op.Path == "/apiStages" {
		api, stage, ok := strings.Cut(op.value(), ":")
		if !ok {
			return badRequest("Invalid API Stage %q: the value must be {apiId}:{stage}", op.value())
		}
		i := slices.IndexFunc(p.APIStages, func(a APIStage) bool { return a.APIID == api && a.Stage == stage })
		switch op.Op {
		case "add":
			if i < 0 {
				p.APIStages = append(p.APIStages, APIStage{APIID: api, Stage: stage})
			}
		case "remove":
			if i < 0 {
				return notFound("Invalid API Stage {api: %s, stage: %s} specified for usageplan %s", api, stage, p.ID)
			}
			p.APIStages = slices.Delete(p.APIStages, i, i+1)
		default:
			return invalidPath(op, planPaths)
		}
		return nil
	}
	if rest, ok := strings.CutPrefix(op.Path, "/apiStages/"); ok {
		return patchStageThrottle(p, op, rest)
	}
	switch {
	case op.Op == "remove" && op.Path == "/throttle":
		p.Throttle = nil
	case op.Op == "remove" && op.Path == "/quota":
		p.Quota = nil
	case op.Op == "remove" && op.Path == "/productCode":
		p.ProductCode = ""
	case op.Op == "replace" && op.Path == "/name":
		p.Name = op.value()
	case op.Op == "replace" && op.Path == "/description":
		p.Description = op.value()
	case (op.Op == "replace" || op.Op == "add") && op.Path == "/productCode":
		p.ProductCode = op.value()
	case (op.Op == "replace" || op.Op == "add") && strings.HasPrefix(op.Path, "/throttle/"):
		if p.Throttle == nil {
			p.Throttle = &ThrottleSettings{}
		}
		return setThrottle(p.Throttle, op, strings.TrimPrefix(op.Path, "/throttle/"))
	case (op.Op == "replace" || op.Op == "add") && strings.HasPrefix(op.Path, "/quota/"):
		if p.Quota == nil {
			p.Quota = &QuotaSettings{Period: "DAY"}
		}
		switch op.Path {
		case "/quota/limit", "/quota/offset":
			n, err := parseInt(op, 0, math.MaxInt32)
			if err != nil {
				return err
			}
			if op.Path == "/quota/limit" {
				p.Quota.Limit = int64(n)
			} else {
				p.Quota.Offset = int64(n)
			}
		case "/quota/period":
			p.Quota.Period = op.value()
		default:
			return invalidPath(op, planPaths)
		}
	default:
		return invalidPath(op, planPaths)
	}
	return nil
}

func setThrottle(t *ThrottleSettings, op PatchOperation, field string) error {
	switch field {
	case "rateLimit":
		f, err := parseRate(op)
		if err != nil {
			return err
		}
		t.RateLimit = f
	case "burstLimit":
		n, err := parseInt(op, 0, math.MaxInt32)
		if err != nil {
			return err
		}
		t.BurstLimit = n
	default:
		return invalidPath(op, planPaths)
	}
	return nil
}

// patchStageThrottle applies
// /apiStages/{apiId}:{stage}/throttle/{resourcePath}/{METHOD}[/rateLimit|/burstLimit].
// The resource path's slashes may be escaped as ~1.
func patchStageThrottle(p *UsagePlan, op PatchOperation, rest string) error {
	stageRef, tail, ok := strings.Cut(rest, "/throttle")
	api, stage, ok2 := strings.Cut(stageRef, ":")
	if !ok || !ok2 {
		return invalidPath(op, planPaths)
	}
	i := slices.IndexFunc(p.APIStages, func(a APIStage) bool { return a.APIID == api && a.Stage == stage })
	if i < 0 {
		return notFound("Invalid API Stage {api: %s, stage: %s} specified for usageplan %s", api, stage, p.ID)
	}
	st := &p.APIStages[i]
	field := ""
	for _, f := range []string{"/rateLimit", "/burstLimit"} {
		if t, ok := strings.CutSuffix(tail, f); ok {
			tail, field = t, f[1:]
		}
	}
	// tail is "/" and the method key with its slashes escaped: "/~1pets/GET".
	tail = unescape(strings.TrimPrefix(tail, "/"))
	if tail == "" {
		if op.Op == "remove" && field == "" {
			st.Throttle = nil
			return nil
		}
		return invalidPath(op, planPaths)
	}
	if err := checkMethodKey(tail); err != nil {
		return err
	}
	if op.Op == "remove" && field == "" {
		delete(st.Throttle, tail)
		return nil
	}
	if (op.Op != "replace" && op.Op != "add") || field == "" {
		return invalidPath(op, planPaths)
	}
	if st.Throttle == nil {
		st.Throttle = map[string]ThrottleSettings{}
	}
	t := st.Throttle[tail]
	if err := setThrottle(&t, op, field); err != nil {
		return err
	}
	st.Throttle[tail] = t
	return nil
}

func (s *Service) deletePlan(r *http.Request) (int, any, error) {
	id := r.PathValue("plan")
	err := s.changeUsage(r.Context(), func(u *usageDoc) error {
		if _, err := u.plan(id); err != nil {
			return err
		}
		delete(u.Plans, id)
		return nil
	})
	if err != nil {
		return 0, nil, err
	}
	s.log.Info("management API: usage plan deleted", "usagePlanId", id)
	return http.StatusAccepted, nil, nil
}

// createPlanKeyInput is CreateUsagePlanKey's body.
type createPlanKeyInput struct {
	KeyID   string `json:"keyId"`
	KeyType string `json:"keyType"`
}

func planKeyView(k *APIKey) UsagePlanKey {
	return UsagePlanKey{ID: k.ID, Type: "API_KEY", Value: k.Value, Name: k.Name}
}

func (s *Service) createPlanKey(r *http.Request) (int, any, error) {
	var in createPlanKeyInput
	if err := decode(r, &in); err != nil {
		return 0, nil, err
	}
	if in.KeyType != "API_KEY" {
		return 0, nil, badRequest("Invalid key type %q: the only key type is API_KEY", in.KeyType)
	}
	var out UsagePlanKey
	err := s.changeUsage(r.Context(), func(u *usageDoc) error {
		p, err := u.plan(r.PathValue("plan"))
		if err != nil {
			return err
		}
		k, err := u.key(in.KeyID)
		if err != nil {
			return err
		}
		if slices.Contains(p.KeyIDs, k.ID) {
			return conflict("Usage Plan %s cannot be added because API Key %s already has it", p.ID, k.ID)
		}
		if err := u.checkOnePlanPerStage(k.ID, &p.UsagePlan); err != nil {
			return err
		}
		p.KeyIDs = append(p.KeyIDs, k.ID)
		out = planKeyView(k)
		return nil
	})
	if err != nil {
		return 0, nil, err
	}
	return http.StatusCreated, out, nil
}

func (s *Service) getPlanKey(r *http.Request) (int, any, error) {
	u := s.readUsage()
	p, err := u.plan(r.PathValue("plan"))
	if err != nil {
		return 0, nil, err
	}
	k := u.Keys[r.PathValue("keyId")]
	if k == nil || !slices.Contains(p.KeyIDs, k.ID) {
		return 0, nil, notFound("Invalid Usage Plan Key identifier specified")
	}
	return http.StatusOK, planKeyView(k), nil
}

func (s *Service) listPlanKeys(r *http.Request) (int, any, error) {
	u := s.readUsage()
	p, err := u.plan(r.PathValue("plan"))
	if err != nil {
		return 0, nil, err
	}
	name := r.URL.Query().Get("name")
	var keys []UsagePlanKey
	for _, id := range p.KeyIDs {
		if k := u.Keys[id]; k != nil && strings.HasPrefix(k.Name, name) {
			keys = append(keys, planKeyView(k))
		}
	}
	out, err := paginate(r, keys, func(k UsagePlanKey) string { return k.ID })
	return http.StatusOK, out, err
}

func (s *Service) deletePlanKey(r *http.Request) (int, any, error) {
	err := s.changeUsage(r.Context(), func(u *usageDoc) error {
		p, err := u.plan(r.PathValue("plan"))
		if err != nil {
			return err
		}
		id := r.PathValue("keyId")
		if !slices.Contains(p.KeyIDs, id) {
			return notFound("Invalid Usage Plan Key identifier specified")
		}
		p.KeyIDs = deleteString(p.KeyIDs, id)
		delete(p.Grants, id)
		return nil
	})
	if err != nil {
		return 0, nil, err
	}
	return http.StatusAccepted, nil, nil
}

// usageOut is the Usage shape; its items are named "values" on the wire
// (the service model's locationName).
type usageOut struct {
	UsagePlanID string                `json:"usagePlanId"`
	StartDate   string                `json:"startDate"`
	EndDate     string                `json:"endDate"`
	Position    string                `json:"position,omitempty"`
	Items       map[string][][2]int64 `json:"values"`
}

// dateRange reads startDate and endDate (YYYY-MM-DD, both required).
func dateRange(r *http.Request) (time.Time, time.Time, error) {
	q := r.URL.Query()
	var out [2]time.Time
	for i, name := range []string{"startDate", "endDate"} {
		v := q.Get(name)
		if v == "" {
			return time.Time{}, time.Time{}, badRequest("Invalid %s: it is required, as YYYY-MM-DD", name)
		}
		t, err := time.Parse("2006-01-02", v)
		if err != nil {
			return time.Time{}, time.Time{}, badRequest("Invalid %s %q: it must be a date, YYYY-MM-DD", name, v)
		}
		out[i] = t
	}
	if out[1].Before(out[0]) {
		return time.Time{}, time.Time{}, badRequest("The endDate must be on or after the startDate")
	}
	if out[1].Sub(out[0]) > 90*24*time.Hour {
		return time.Time{}, time.Time{}, badRequest("The usage date range can be at most 90 days")
	}
	return out[0], out[1].Add(24*time.Hour - time.Nanosecond), nil
}

func (s *Service) usageCounts() (UsageCounts, error) {
	s.writeMu.Lock()
	defer s.writeMu.Unlock()
	if s.counts == nil {
		return nil, badRequest("usage is not available: the gateway has no counter store")
	}
	return s.counts, nil
}

func (s *Service) getUsage(r *http.Request) (int, any, error) {
	u := s.readUsage()
	p, err := u.plan(r.PathValue("plan"))
	if err != nil {
		return 0, nil, err
	}
	from, to, err := dateRange(r)
	if err != nil {
		return 0, nil, err
	}
	keyID := r.URL.Query().Get("keyId")
	if keyID != "" && !slices.Contains(p.KeyIDs, keyID) {
		return 0, nil, notFound("Invalid Usage Plan Key identifier specified")
	}
	out := usageOut{UsagePlanID: p.ID, StartDate: from.Format("2006-01-02"), EndDate: to.Format("2006-01-02"), Items: map[string][][2]int64{}}
	if p.Quota == nil || len(p.KeyIDs) == 0 {
		return http.StatusOK, out, nil
	}
	c, err := s.usageCounts()
	if err != nil {
		return 0, nil, err
	}
	items, err := c.Usage(r.Context(), p.ID, keyID, from, to)
	if err != nil {
		return 0, nil, &apiError{http.StatusInternalServerError, "InternalFailure", "usage could not be read: " + err.Error()}
	}
	out.Items = items
	return http.StatusOK, out, nil
}

// updateUsage is UpdateUsage: `replace /keyId:{keyId}/remaining` sets the
// key's remaining requests in the current quota period (a grant that
// raises or lowers its limit for that period only).
func (s *Service) updateUsage(r *http.Request) (int, any, error) {
	ops, err := readPatch(r)
	if err != nil {
		return 0, nil, err
	}
	planID, keyID := r.PathValue("plan"), r.PathValue("keyId")
	u := s.readUsage()
	p, err := u.plan(planID)
	if err != nil {
		return 0, nil, err
	}
	if !slices.Contains(p.KeyIDs, keyID) {
		return 0, nil, notFound("Invalid Usage Plan Key identifier specified")
	}
	if p.Quota == nil {
		return 0, nil, badRequest("Usage plan %s has no quota: there is no remaining count to update", planID)
	}
	var want int64 = -1
	for _, op := range ops {
		if op.Op != "replace" || op.Path != "/keyId:"+keyID+"/remaining" {
			return 0, nil, invalidPath(op, "/keyId:"+keyID+"/remaining")
		}
		n, err := strconv.ParseInt(op.value(), 10, 64)
		if err != nil || n < 0 {
			return 0, nil, badRequest("Invalid remaining value '%s': it must be a non-negative integer", op.value())
		}
		want = n
	}
	if want < 0 {
		return 0, nil, badRequest("Invalid patch: replace /keyId:%s/remaining is required", keyID)
	}
	c, err := s.usageCounts()
	if err != nil {
		return 0, nil, err
	}
	now := s.now().UTC()
	today := time.Date(now.Year(), now.Month(), now.Day(), 0, 0, 0, 0, time.UTC)
	cur, err := c.Usage(r.Context(), planID, keyID, today, now)
	if err != nil {
		return 0, nil, &apiError{http.StatusInternalServerError, "InternalFailure", "usage could not be read: " + err.Error()}
	}
	rows := cur[keyID]
	if len(rows) == 0 {
		return 0, nil, &apiError{http.StatusInternalServerError, "InternalFailure", fmt.Sprintf("no usage row for key %s", keyID)}
	}
	remaining := rows[len(rows)-1][1]
	err = s.changeUsage(r.Context(), func(u *usageDoc) error {
		p, err := u.plan(planID)
		if err != nil {
			return err
		}
		if p.Grants == nil {
			p.Grants = map[string]QuotaGrant{}
		}
		g := p.Grants[keyID]
		extra := want - remaining
		if g.At.Time.IsZero() || !samePeriod(p.Quota.Period, g.At.Time, now) {
			g = QuotaGrant{}
		}
		// The remaining count already includes the grant in force.
		p.Grants[keyID] = QuotaGrant{At: Epoch{now}, Extra: g.Extra + extra}
		return nil
	})
	if err != nil {
		return 0, nil, err
	}
	after, err := c.Usage(r.Context(), planID, keyID, today, now)
	if err != nil {
		return 0, nil, &apiError{http.StatusInternalServerError, "InternalFailure", "usage could not be read: " + err.Error()}
	}
	return http.StatusOK, usageOut{UsagePlanID: planID, StartDate: today.Format("2006-01-02"), EndDate: today.Format("2006-01-02"), Items: after}, nil
}

// samePeriod reports whether a and b fall in one quota period.
func samePeriod(period string, a, b time.Time) bool {
	a, b = a.UTC(), b.UTC()
	switch period {
	case "DAY":
		return a.Format("2006-01-02") == b.Format("2006-01-02")
	case "WEEK":
		ay, aw := a.ISOWeek()
		by, bw := b.ISOWeek()
		return ay == by && aw == bw
	default:
		return a.Year() == b.Year() && a.Month() == b.Month()
	}
}
