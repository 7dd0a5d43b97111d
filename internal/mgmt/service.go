package mgmt

import (
	"context"
	"crypto/rand"
	"encoding/json"
	"fmt"
	"log/slog"
	"maps"
	"net/http"
	"slices"
	"sync"
	"time"

	"github.com/portico-gw/portico/internal/apidef"
	"github.com/portico-gw/portico/internal/auth/sigv4"
	"github.com/portico-gw/portico/internal/deploy"
	"github.com/portico-gw/portico/internal/telemetry"
)

// Options configures a Service.
type Options struct {
	// Store keeps the state; nil means a MemoryStore.
	Store Store
	// Region and AccountID appear in messages, exports and ARNs.
	Region, AccountID string
	// Credentials are the access keys whose SigV4 signatures the API
	// accepts. With none, any well-formed signature is accepted (the
	// caller must then keep the listener on loopback).
	Credentials []sigv4.Credential
	// Logger receives the changes made; default: discard.
	Logger *slog.Logger
	// Now is the clock; default time.Now.
	Now func() time.Time
	// PollInterval is how often a SharedStore's version is checked;
	// default 500 ms.
	PollInterval time.Duration
	// LoadLater lets New succeed when a SharedStore cannot be read: the
	// Service starts empty and loads the state when the store answers.
	LoadLater bool
}

// SharedStore is a Store that several processes write (Redis): Version
// changes on every write by any of them. A Service on a SharedStore polls
// it and, when it changed, reloads every document and rebuilds the data
// plane, so every replica serves a change within about PollInterval.
type SharedStore interface {
	Store
	Version(ctx context.Context) (int64, error)
}

// Service is the management API's state and handlers. It is safe for
// concurrent use.
type Service struct {
	store     Store
	region    string
	accountID string
	log       *slog.Logger
	now       func() time.Time
	verifier  *sigv4.Verifier

	// writeMu serializes changes, including the redeploy they trigger;
	// mu guards docs and fileAPIs. Documents are never changed once
	// published in docs: a change publishes a copy, so a reader may keep
	// using a document after RUnlock.
	writeMu  sync.Mutex
	mu       sync.RWMutex
	docs     map[string]*document
	fileAPIs map[string]*document
	// fileIDs are the ids of every settings-file API, HTTP APIs included
	// (which the REST management API does not list).
	fileIDs map[string]bool
	// fileDomains are the settings file's custom domain names.
	fileDomains map[string]bool
	onDeploy    func() error
	// usage is the API keys and usage plans (guarded by mu, replaced as
	// docs are); counts reads their quota counters.
	usage  *usageDoc
	counts UsageCounts
	// seen is the SharedStore version last loaded (guarded by writeMu;
	// -1 before the first load); stop ends the poll loop, done says it
	// ended.
	seen       int64
	stop, done chan struct{}
}

// New loads every stored API. The error names a document that cannot be
// read.
func New(ctx context.Context, o Options) (*Service, error) {
	if o.Store == nil {
		o.Store = NewMemoryStore()
	}
	if o.Logger == nil {
		o.Logger = slog.New(slog.DiscardHandler)
	}
	if o.Now == nil {
		o.Now = time.Now
	}
	v, err := sigv4.New(sigv4.Config{Credentials: o.Credentials, Region: o.Region, Service: "apigateway", AcceptAnyKey: len(o.Credentials) == 0})
	if err != nil {
		return nil, fmt.Errorf("management API: %w", err)
	}
	s := &Service{store: o.Store, region: o.Region, accountID: o.AccountID, log: o.Logger, now: o.Now, verifier: v,
		docs: map[string]*document{}, fileAPIs: map[string]*document{}, usage: newUsageDoc()}
	s.seen = -1
	shared, isShared := o.Store.(SharedStore)
	var version int64
	if isShared {
		version, err = shared.Version(ctx)
	}
	var raw map[string][]byte
	if err == nil {
		raw, err = o.Store.LoadAll(ctx)
	}
	switch {
	case err != nil && isShared && o.LoadLater:
		o.Logger.Warn("management API: the shared store cannot be read; starting with no managed APIs until it answers", "error", err)
	case err != nil:
		return nil, fmt.Errorf("management store: %w", err)
	default:
		docs, u, err := parseAll(raw)
		if err != nil {
			return nil, err
		}
		s.docs, s.usage, s.seen = docs, u, version
	}
	if isShared {
		if o.PollInterval <= 0 {
			o.PollInterval = 500 * time.Millisecond
		}
		s.stop, s.done = make(chan struct{}), make(chan struct{})
		go s.poll(shared, o.PollInterval)
	}
	return s, nil
}

// parseAll decodes the stored documents.
func parseAll(raw map[string][]byte) (map[string]*document, *usageDoc, error) {
	docs, u := map[string]*document{}, newUsageDoc()
	for id, b := range raw {
		if id == usageDocID {
			if err := json.Unmarshal(b, u); err != nil {
				return nil, nil, fmt.Errorf("management store: API keys and usage plans: %w", err)
			}
			continue
		}
		d := &document{}
		if err := json.Unmarshal(b, d); err != nil {
			return nil, nil, fmt.Errorf("management store: REST API %s: %w", id, err)
		}
		d.fixPaths()
		docs[id] = d
	}
	return docs, u, nil
}

// poll reloads the state whenever the shared store's version changes.
func (s *Service) poll(st SharedStore, every time.Duration) {
	defer close(s.done)
	t := time.NewTicker(every)
	defer t.Stop()
	failing := false
	for {
		select {
		case <-s.stop:
			return
		case <-t.C:
		}
		err := s.refresh(st)
		if err != nil && !failing {
			s.log.Error("management API: cannot read the shared store; serving the state last read", "error", err)
		} else if err == nil && failing {
			s.log.Info("management API: the shared store answers again")
		}
		failing = err != nil
	}
}

// refresh loads every document when another process (or this one) wrote
// since the last load, and rebuilds the data plane.
func (s *Service) refresh(st SharedStore) error {
	ctx, cancel := context.WithTimeout(context.Background(), 5*time.Second)
	defer cancel()
	v, err := st.Version(ctx)
	if err != nil {
		return err
	}
	s.writeMu.Lock()
	defer s.writeMu.Unlock()
	if v == s.seen {
		return nil
	}
	raw, err := st.LoadAll(ctx)
	if err != nil {
		return err
	}
	docs, u, err := parseAll(raw)
	if err != nil {
		return err
	}
	s.mu.Lock()
	s.docs, s.usage = docs, u
	s.mu.Unlock()
	s.seen = v
	if s.onDeploy != nil {
		if err := s.onDeploy(); err != nil {
			s.log.Error("management API: the shared state changed but the gateway could not deploy it; the previous deployment keeps serving", "error", err)
		}
	}
	return nil
}

// SetOnDeploy sets the function called after every change to what is
// served (a deployment, a stage change, a deleted API). It rebuilds the
// data plane's snapshot, reading Specs; its error undoes the change.
func (s *Service) SetOnDeploy(f func() error) {
	s.writeMu.Lock()
	defer s.writeMu.Unlock()
	s.onDeploy = f
}

// Close stops polling a shared store and closes the store.
func (s *Service) Close() error {
	if s.stop != nil {
		close(s.stop)
		<-s.done
		s.stop = nil
	}
	return s.store.Close()
}

// apiError is an error answer: status, AWS error type and message.
type apiError struct {
	status int
	typ    string
	msg    string
}

func (e *apiError) Error() string { return e.typ + ": " + e.msg }

func badRequest(format string, a ...any) error {
	return &apiError{http.StatusBadRequest, "BadRequestException", fmt.Sprintf(format, a...)}
}

func notFound(format string, a ...any) error {
	return &apiError{http.StatusNotFound, "NotFoundException", fmt.Sprintf(format, a...)}
}

func conflict(format string, a ...any) error {
	return &apiError{http.StatusConflict, "ConflictException", fmt.Sprintf(format, a...)}
}

// idAlphabet is the alphabet of AWS's generated ids.
const idAlphabet = "abcdefghijklmnopqrstuvwxyz0123456789"

// newID returns a 10-character lowercase alphanumeric id, like AWS's.
func newID() string {
	var b [10]byte
	_, _ = rand.Read(b[:]) // crypto/rand.Read never fails
	for i := range b {
		b[i] = idAlphabet[int(b[i])%len(idAlphabet)]
	}
	return string(b[:])
}

// apiNotFound is AWS's answer for an unknown API id.
func (s *Service) apiNotFound(id string) error {
	return notFound("Invalid API identifier specified %s:%s", s.accountID, id)
}

// fromFile is the refusal to change a settings-file API.
func fromFile(id string) error {
	return badRequest("REST API %s comes from the settings file and is read-only here; change its definition or stages in the settings file", id)
}

// get returns the published document of id (managed or from the settings
// file) for reading.
func (s *Service) get(id string) (*document, bool, error) {
	s.mu.RLock()
	defer s.mu.RUnlock()
	if d, ok := s.fileAPIs[id]; ok {
		return d, true, nil // the settings file wins a clash, as in Specs
	}
	if d, ok := s.docs[id]; ok && !s.fileIDs[id] {
		return d, false, nil
	}
	return nil, false, s.apiNotFound(id)
}

// change applies fn to a copy of API id's document and publishes it. With
// redeploy, the data plane is rebuilt; if that fails the change is undone.
// The document is stored last, so a failed change leaves nothing behind.
func (s *Service) change(ctx context.Context, id string, redeploy bool, fn func(d *document) error) error {
	s.writeMu.Lock()
	defer s.writeMu.Unlock()
	s.mu.RLock()
	old, ok := s.docs[id]
	_, file := s.fileAPIs[id]
	s.mu.RUnlock()
	if !ok {
		if file {
			return fromFile(id)
		}
		return s.apiNotFound(id)
	}
	d := clone(old)
	d.fixPaths()
	if err := fn(d); err != nil {
		return err
	}
	d.fixPaths()
	return s.publish(ctx, id, old, d, redeploy)
}

// publish swaps old for d (nil d deletes), redeploys when asked and
// stores the result; on failure old is restored.
func (s *Service) publish(ctx context.Context, id string, old, d *document, redeploy bool) error {
	s.set(id, d)
	if redeploy && s.onDeploy != nil {
		if err := s.onDeploy(); err != nil {
			s.set(id, old)
			return badRequest("the change was not applied: the gateway could not deploy it: %v", err)
		}
	}
	var err error
	if d == nil {
		err = s.store.Delete(ctx, id)
	} else {
		var b []byte
		if b, err = json.Marshal(d); err == nil {
			err = s.store.Put(ctx, id, b)
		}
	}
	if err != nil {
		s.set(id, old)
		if redeploy && s.onDeploy != nil {
			_ = s.onDeploy()
		}
		s.log.Error("management API: store write failed", "restApiId", id, "error", err)
		return &apiError{http.StatusInternalServerError, "InternalFailure", "the change could not be stored: " + err.Error()}
	}
	return nil
}

func (s *Service) set(id string, d *document) {
	s.mu.Lock()
	defer s.mu.Unlock()
	if d == nil {
		delete(s.docs, id)
		return
	}
	s.docs[id] = d
}

// SetFileAPIs records the settings file's APIs: its REST APIs are listed
// read-only; the ids of all of them are kept out of the managed APIs. The
// gateway calls it on every build, before Specs.
func (s *Service) SetFileAPIs(specs []deploy.APISpec) {
	files := make(map[string]*document, len(specs))
	ids := make(map[string]bool, len(specs))
	now := s.stamp()
	s.mu.Lock()
	defer s.mu.Unlock()
	for _, sp := range specs {
		ids[sp.ID] = true
		if sp.Def == nil || sp.Def.Protocol == apidef.ProtocolHTTP {
			continue // an HTTP API belongs to apigatewayv2
		}
		d := fileDocument(sp)
		// createdDate is when this process first loaded the API.
		d.API.CreatedDate = now
		if old, ok := s.fileAPIs[sp.ID]; ok {
			d.API.CreatedDate = old.API.CreatedDate
		}
		for _, dep := range d.Deployments {
			dep.CreatedDate = d.API.CreatedDate
		}
		for _, st := range d.Stages {
			st.CreatedDate, st.LastUpdatedDate = d.API.CreatedDate, d.API.CreatedDate
		}
		files[sp.ID] = d
	}
	s.fileAPIs, s.fileIDs = files, ids
}

// taken reports whether a managed or settings-file API has the id (new
// ids avoid both).
func (s *Service) taken(id string) bool {
	s.mu.RLock()
	defer s.mu.RUnlock()
	_, a := s.docs[id]
	return a || s.fileIDs[id]
}

// Specs returns every deployed stage of the managed APIs, one APISpec per
// API with at least one stage; each stage serves its deployment's
// snapshot. An API whose id the settings file also uses is left out (the
// settings file wins).
func (s *Service) Specs() []deploy.APISpec {
	s.mu.RLock()
	defer s.mu.RUnlock()
	var out []deploy.APISpec
	for _, id := range slices.Sorted(maps.Keys(s.docs)) {
		if s.fileIDs[id] {
			continue
		}
		if sp, ok := s.docs[id].spec(id, s.log); ok {
			out = append(out, sp)
		}
	}
	return out
}

// spec builds the API's APISpec from its stages.
func (d *document) spec(id string, log *slog.Logger) (deploy.APISpec, bool) {
	sp := deploy.APISpec{ID: id}
	for _, name := range slices.Sorted(maps.Keys(d.Stages)) {
		st := d.Stages[name]
		dep := d.Deployments[st.DeploymentID]
		if dep == nil || dep.Snapshot == nil {
			continue
		}
		def := toAPIDef(id, dep.ID, dep.Snapshot)
		if sp.Def == nil {
			sp.Def = def
		}
		sp.Stages = append(sp.Stages, deploy.StageSpec{Name: name, Variables: maps.Clone(st.Variables), Def: def, DeploymentID: dep.ID,
			MethodSettings: methodSettings(st.MethodSettings), Cache: stageCache(st), Telemetry: stageTelemetry(id, st, log)})
	}
	return sp, sp.Def != nil
}

// stageTelemetry is the stage's execution log (the "*/*" method setting's
// loggingLevel and dataTraceEnabled) and access-log format. The format was
// checked when set; the gateway gives the log its writer.
func stageTelemetry(apiID string, st *Stage, log *slog.Logger) deploy.StageTelemetry {
	var t deploy.StageTelemetry
	if all := st.MethodSettings["*/*"]; all != nil {
		if lvl, err := telemetry.ParseLogLevel(all.LoggingLevel); err == nil {
			t.Exec = telemetry.NewExecLog(telemetry.ExecLogConfig{Logger: log, Level: lvl, DataTrace: all.DataTraceEnabled, API: apiID, Stage: st.StageName})
		}
	}
	if a := st.AccessLogSettings; a != nil && a.Format != "" {
		if al, err := telemetry.CompileAccessLog(a.Format); err == nil {
			t.AccessLog = al
		}
	}
	return t
}

// stamp is the current time as AWS stamps resources: whole seconds.
func (s *Service) stamp() Epoch { return Epoch{s.now().UTC().Truncate(time.Second)} }
