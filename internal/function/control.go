package function

import (
	"archive/zip"
	"bytes"
	"crypto/sha256"
	"encoding/base64"
	"encoding/hex"
	"encoding/json"
	"errors"
	"fmt"
	"io"
	"net/http"
	"os"
	"path/filepath"
	"slices"
	"strings"
	"sync"
	"time"
)

// Lambda's limits on deployment packages
// (https://docs.aws.amazon.com/lambda/latest/dg/gettingstarted-limits.html):
// 50 MB zipped when uploaded directly, 250 MB unzipped.
const (
	maxZipBytes      = 50 << 20
	maxUnzippedBytes = 250 << 20
	// maxControlBody bounds a control-plane request: a 50 MB zip in base64
	// plus the JSON around it.
	maxControlBody = maxZipBytes*4/3 + 1<<20
)

// LocalBucket is the Code.S3Bucket that names a local path instead of an
// S3 object: Code.S3Key is then an absolute directory (run in place) or
// .zip file (unpacked). It is Portico's, for clients that cannot send a
// zip's bytes.
const LocalBucket = "portico-local"

// Controls is the state of the functions made through Lambda's control
// plane: their records, kept as function.json files under Dir, and their
// unpacked code beside them, so they are started again with the gateway.
type Controls struct {
	// Dir holds one directory per function: function.json and the
	// unpacked code. Required.
	Dir string
	// Fixed are the names of the settings file's functions, which the
	// control plane lists but does not change.
	Fixed map[string]bool
	// Temporary says Dir is the process's own, removed when it stops.
	Temporary bool
	// OnChange, when set, runs after a function is created or deleted
	// (the gateway rebuilds, so integrations naming it find it).
	OnChange func()

	mu sync.Mutex
}

// record is one managed function, as stored in function.json.
type record struct {
	Name         string            `json:"name"`
	Runtime      string            `json:"runtime,omitempty"`
	Handler      string            `json:"handler,omitempty"`
	Role         string            `json:"role,omitempty"`
	Description  string            `json:"description,omitempty"`
	Timeout      int               `json:"timeout,omitempty"`
	MemorySize   int               `json:"memorySize,omitempty"`
	Environment  map[string]string `json:"environment,omitempty"`
	CodeDir      string            `json:"codeDir"`
	Unpacked     bool              `json:"unpacked"`
	CodeSha256   string            `json:"codeSha256"`
	CodeSize     int64             `json:"codeSize"`
	LastModified string            `json:"lastModified"`
	Policy       []json.RawMessage `json:"policy,omitempty"`
}

func (r *record) config(region, account string) Config {
	c := Config{Name: r.Name, CodeURI: r.CodeDir, Runtime: r.Runtime, Handler: r.Handler,
		Timeout: time.Duration(r.Timeout) * time.Second, MemorySize: r.MemorySize, Environment: r.Environment,
		Region: region, AccountID: account}
	return c
}

// Load returns the configs of every stored function, for NewManager.
func (ct *Controls) Load(region, account string) ([]Config, error) {
	entries, err := os.ReadDir(ct.Dir)
	if errors.Is(err, os.ErrNotExist) {
		return nil, nil
	}
	if err != nil {
		return nil, fmt.Errorf("functions made through the Lambda API: %w", err)
	}
	var out []Config
	for _, e := range entries {
		if !e.IsDir() {
			continue
		}
		r, err := ct.read(e.Name())
		if err != nil {
			return nil, err
		}
		if r != nil && !ct.Fixed[r.Name] {
			out = append(out, r.config(region, account))
		}
	}
	return out, nil
}

func (ct *Controls) read(name string) (*record, error) {
	b, err := os.ReadFile(filepath.Join(ct.Dir, name, "function.json"))
	if errors.Is(err, os.ErrNotExist) {
		return nil, nil
	}
	if err != nil {
		return nil, fmt.Errorf("function %s: %w", name, err)
	}
	r := &record{}
	if err := json.Unmarshal(b, r); err != nil {
		return nil, fmt.Errorf("function %s: %s: %w", name, filepath.Join(ct.Dir, name, "function.json"), err)
	}
	return r, nil
}

func (ct *Controls) write(r *record) error {
	b, err := json.MarshalIndent(r, "", "  ")
	if err != nil {
		return err
	}
	tmp := filepath.Join(ct.Dir, r.Name, "function.json.tmp")
	if err := os.WriteFile(tmp, b, 0o600); err != nil {
		return err
	}
	return os.Rename(tmp, filepath.Join(ct.Dir, r.Name, "function.json"))
}

// functionCode is the Code (FunctionCode) shape.
type functionCode struct {
	ZipFile  []byte `json:"ZipFile"`
	S3Bucket string `json:"S3Bucket"`
	S3Key    string `json:"S3Key"`
	ImageURI string `json:"ImageUri"`
}

// createInput is CreateFunction's body.
type createInput struct {
	FunctionName string       `json:"FunctionName"`
	Runtime      string       `json:"Runtime"`
	Role         string       `json:"Role"`
	Handler      string       `json:"Handler"`
	Code         functionCode `json:"Code"`
	Description  string       `json:"Description"`
	Timeout      int          `json:"Timeout"`
	MemorySize   int          `json:"MemorySize"`
	PackageType  string       `json:"PackageType"`
	Environment  *struct {
		Variables map[string]string `json:"Variables"`
	} `json:"Environment"`
}

// configurationOut is the FunctionConfiguration shape.
type configurationOut struct {
	FunctionName     string   `json:"FunctionName"`
	FunctionArn      string   `json:"FunctionArn"`
	Runtime          string   `json:"Runtime,omitempty"`
	Role             string   `json:"Role,omitempty"`
	Handler          string   `json:"Handler,omitempty"`
	CodeSize         int64    `json:"CodeSize"`
	Description      string   `json:"Description"`
	Timeout          int      `json:"Timeout"`
	MemorySize       int      `json:"MemorySize"`
	LastModified     string   `json:"LastModified,omitempty"`
	CodeSha256       string   `json:"CodeSha256,omitempty"`
	Version          string   `json:"Version"`
	State            string   `json:"State"`
	LastUpdateStatus string   `json:"LastUpdateStatus"`
	PackageType      string   `json:"PackageType"`
	Architectures    []string `json:"Architectures"`
	Environment      *struct {
		Variables map[string]string `json:"Variables"`
	} `json:"Environment,omitempty"`
}

func invalidParameter(w http.ResponseWriter, format string, a ...any) {
	writeLambdaError(w, http.StatusBadRequest, "InvalidParameterValueException", lambdaError{Type: "User", Message: fmt.Sprintf(format, a...)})
}

// lastModified is Lambda's LastModified format.
func lastModified(t time.Time) string { return t.UTC().Format("2006-01-02T15:04:05.000-0700") }

// view builds the FunctionConfiguration of a function: from its record
// when it was made through the API, else from its settings.
func (a *LambdaAPI) view(c Config, r *record) configurationOut {
	out := configurationOut{FunctionName: c.Name, FunctionArn: c.ARN(), Runtime: c.Runtime, Handler: c.Handler,
		Timeout: int(c.Timeout / time.Second), MemorySize: c.MemorySize, Version: latest, State: "Active",
		LastUpdateStatus: "Successful", PackageType: "Zip", Architectures: []string{"x86_64"}}
	if r != nil {
		out.Role, out.Description, out.CodeSize, out.CodeSha256, out.LastModified = r.Role, r.Description, r.CodeSize, r.CodeSha256, r.LastModified
	}
	if len(c.Environment) > 0 {
		out.Environment = &struct {
			Variables map[string]string `json:"Variables"`
		}{c.Environment}
	}
	return out
}

// unpack writes the zip's files under dir, refusing paths that leave it
// and packages over Lambda's limits; file modes (an executable bootstrap)
// are kept.
func unpack(zipped []byte, dir string) error {
	zr, err := zip.NewReader(bytes.NewReader(zipped), int64(len(zipped)))
	if err != nil {
		return fmt.Errorf("Could not unzip uploaded file. Please check your file, then try to upload again. (%v)", err)
	}
	var total uint64
	for _, f := range zr.File {
		total += f.UncompressedSize64
		if total > maxUnzippedBytes {
			return fmt.Errorf("Unzipped size must be smaller than %d bytes", maxUnzippedBytes)
		}
		name := filepath.FromSlash(f.Name)
		if !filepath.IsLocal(name) {
			return fmt.Errorf("Could not unzip uploaded file: entry %q leaves the package", f.Name)
		}
		target := filepath.Join(dir, name)
		if f.FileInfo().IsDir() {
			if err := os.MkdirAll(target, 0o755); err != nil {
				return err
			}
			continue
		}
		if f.Mode()&os.ModeSymlink != 0 {
			continue // links could point outside the package
		}
		if err := os.MkdirAll(filepath.Dir(target), 0o755); err != nil {
			return err
		}
		rc, err := f.Open()
		if err != nil {
			return fmt.Errorf("Could not unzip uploaded file: %s: %v", f.Name, err)
		}
		mode := f.Mode().Perm() | 0o400
		out, err := os.OpenFile(target, os.O_CREATE|os.O_WRONLY|os.O_TRUNC, mode)
		if err == nil {
			_, err = io.Copy(out, io.LimitReader(rc, maxUnzippedBytes))
			if cerr := out.Close(); err == nil {
				err = cerr
			}
		}
		rc.Close()
		if err != nil {
			return fmt.Errorf("Could not unzip uploaded file: %s: %v", f.Name, err)
		}
	}
	return nil
}

// placeCode puts the code of a create or update in place and fills in
// r's code fields. A zip is unpacked into a new directory under the
// function's (so running processes keep their files); a local directory
// is used in place.
func (ct *Controls) placeCode(r *record, code functionCode) error {
	zipped := code.ZipFile
	switch {
	case len(zipped) > 0:
	case code.S3Bucket == LocalBucket:
		path := code.S3Key
		if !filepath.IsAbs(path) {
			return fmt.Errorf("Code.S3Key %q must be an absolute path (a directory, or a .zip file) with S3Bucket %s", path, LocalBucket)
		}
		fi, err := os.Stat(path)
		if err != nil {
			return fmt.Errorf("Code.S3Key %s: %v", path, err)
		}
		if fi.IsDir() {
			sum := sha256.Sum256([]byte(path))
			r.CodeDir, r.Unpacked, r.CodeSize = path, false, 0
			r.CodeSha256 = base64.StdEncoding.EncodeToString(sum[:])
			return nil
		}
		if zipped, err = os.ReadFile(path); err != nil {
			return fmt.Errorf("Code.S3Key %s: %v", path, err)
		}
	case code.S3Bucket != "" || code.ImageURI != "":
		return fmt.Errorf("Portico runs local code only: send Code.ZipFile, or Code.S3Bucket %s with Code.S3Key an absolute directory or .zip path", LocalBucket)
	default:
		return errors.New("Code is required: Code.ZipFile, or Code.S3Bucket " + LocalBucket + " with Code.S3Key a local path")
	}
	if len(zipped) > maxZipBytes {
		return fmt.Errorf("Zipped size must be smaller than %d bytes", maxZipBytes)
	}
	sum := sha256.Sum256(zipped)
	dir := filepath.Join(ct.Dir, r.Name, "code-"+hex.EncodeToString(sum[:6])+"-"+randomHex(3))
	if err := os.MkdirAll(dir, 0o755); err != nil {
		return err
	}
	if err := unpack(zipped, dir); err != nil {
		_ = os.RemoveAll(dir)
		return err
	}
	r.CodeDir, r.Unpacked, r.CodeSize = dir, true, int64(len(zipped))
	r.CodeSha256 = base64.StdEncoding.EncodeToString(sum[:])
	return nil
}

// removeOldCode deletes the unpacked code directories of name other than keep.
func (ct *Controls) removeOldCode(name, keep string) {
	entries, _ := os.ReadDir(filepath.Join(ct.Dir, name))
	for _, e := range entries {
		p := filepath.Join(ct.Dir, name, e.Name())
		if e.IsDir() && strings.HasPrefix(e.Name(), "code-") && p != keep {
			_ = os.RemoveAll(p)
		}
	}
}

func decodeControl(w http.ResponseWriter, r *http.Request, v any) bool {
	b, err := io.ReadAll(http.MaxBytesReader(w, r.Body, maxControlBody))
	if err != nil {
		writeLambdaError(w, http.StatusRequestEntityTooLarge, "RequestEntityTooLargeException", lambdaError{Type: "User", Message: "Request must be smaller than 69905067 bytes for the CreateFunction operation"})
		return false
	}
	if err := json.Unmarshal(b, v); err != nil {
		invalidParameter(w, "The request body is not valid JSON: %v", err)
		return false
	}
	return true
}

func writeJSON(w http.ResponseWriter, status int, v any) {
	w.Header().Set("Content-Type", "application/json")
	w.WriteHeader(status)
	_ = json.NewEncoder(w).Encode(v)
}

func (a *LambdaAPI) createFunction(w http.ResponseWriter, r *http.Request) {
	var in createInput
	if !decodeControl(w, r, &in) {
		return
	}
	ct := a.ct
	ct.mu.Lock()
	defer ct.mu.Unlock()
	if !validName(in.FunctionName) {
		invalidParameter(w, "1 validation error detected: Value '%s' at 'functionName' failed to satisfy constraint: Member must satisfy regular expression pattern: [a-zA-Z0-9-_]+ (1 to 64 characters)", in.FunctionName)
		return
	}
	if a.m.Has(in.FunctionName) {
		writeLambdaError(w, http.StatusConflict, "ResourceConflictException", lambdaError{Type: "User", Message: "Function already exist: " + in.FunctionName})
		return
	}
	if in.PackageType == "Image" {
		invalidParameter(w, "Portico runs zip packages only, not container images")
		return
	}
	if in.Timeout < 0 || in.Timeout > 900 {
		invalidParameter(w, "1 validation error detected: Value '%d' at 'timeout' failed to satisfy constraint: Member must have value less than or equal to 900", in.Timeout)
		return
	}
	if in.MemorySize != 0 && (in.MemorySize < 128 || in.MemorySize > 10240) {
		invalidParameter(w, "1 validation error detected: Value '%d' at 'memorySize' failed to satisfy constraint: Member must have value between 128 and 10240", in.MemorySize)
		return
	}
	rec := &record{Name: in.FunctionName, Runtime: in.Runtime, Handler: in.Handler, Role: in.Role, Description: in.Description,
		Timeout: in.Timeout, MemorySize: in.MemorySize, LastModified: lastModified(time.Now())}
	if in.Environment != nil {
		rec.Environment = in.Environment.Variables
	}
	if err := os.MkdirAll(filepath.Join(ct.Dir, rec.Name), 0o700); err != nil {
		a.writeError(w, err)
		return
	}
	if err := ct.placeCode(rec, in.Code); err != nil {
		_ = os.RemoveAll(filepath.Join(ct.Dir, rec.Name))
		invalidParameter(w, "%v", err)
		return
	}
	c, err := a.m.Put(rec.config(a.m.region, a.m.account))
	if err != nil {
		_ = os.RemoveAll(filepath.Join(ct.Dir, rec.Name))
		invalidParameter(w, "%v", err)
		return
	}
	if err := ct.write(rec); err != nil {
		a.m.Remove(rec.Name)
		_ = os.RemoveAll(filepath.Join(ct.Dir, rec.Name))
		a.writeError(w, err)
		return
	}
	a.m.log.Info("function created through the Lambda API", "function", rec.Name, "codeSha256", rec.CodeSha256)
	if ct.OnChange != nil {
		ct.OnChange()
	}
	writeJSON(w, http.StatusCreated, a.view(c, rec))
}

// controlName reads {name} (a name or ARN) of an existing function.
func (a *LambdaAPI) controlName(w http.ResponseWriter, r *http.Request) (string, bool) {
	name, ok := a.functionName(r)
	if !ok {
		a.writeError(w, &NotFoundError{Function: name, ARN: a.arn(name, "")})
	}
	return name, ok
}

// managed returns the record of a function made through the API; a
// settings-file function answers 400.
func (a *LambdaAPI) managed(w http.ResponseWriter, name string) (*record, bool) {
	if a.ct.Fixed[name] {
		invalidParameter(w, "Function %s comes from the settings file and is read-only here; change it in the settings file", name)
		return nil, false
	}
	rec, err := a.ct.read(name)
	if err != nil || rec == nil {
		a.writeError(w, cmpErr(err, &NotFoundError{Function: name, ARN: a.arn(name, "")}))
		return nil, false
	}
	return rec, true
}

func cmpErr(err, otherwise error) error {
	if err != nil {
		return err
	}
	return otherwise
}

func (a *LambdaAPI) updateCode(w http.ResponseWriter, r *http.Request) {
	var in functionCode
	if !decodeControl(w, r, &in) {
		return
	}
	a.ct.mu.Lock()
	defer a.ct.mu.Unlock()
	name, ok := a.controlName(w, r)
	if !ok {
		return
	}
	rec, ok := a.managed(w, name)
	if !ok {
		return
	}
	next := *rec
	if err := a.ct.placeCode(&next, in); err != nil {
		invalidParameter(w, "%v", err)
		return
	}
	next.LastModified = lastModified(time.Now())
	c, err := a.m.Put(next.config(a.m.region, a.m.account))
	if err != nil {
		if next.Unpacked {
			_ = os.RemoveAll(next.CodeDir)
		}
		invalidParameter(w, "%v", err)
		return
	}
	if err := a.ct.write(&next); err != nil {
		a.writeError(w, err)
		return
	}
	a.ct.removeOldCode(name, next.CodeDir)
	a.m.log.Info("function code updated through the Lambda API", "function", name, "codeSha256", next.CodeSha256)
	writeJSON(w, http.StatusOK, a.view(c, &next))
}

func (a *LambdaAPI) getFunction(w http.ResponseWriter, r *http.Request) {
	name, ok := a.controlName(w, r)
	if !ok {
		return
	}
	c, _ := a.m.Config(name)
	rec, _ := a.ct.read(name)
	if a.ct.Fixed[name] {
		rec = nil
	}
	code := map[string]string{"RepositoryType": "S3"}
	if rec != nil && !rec.Unpacked {
		code["Location"] = "file://" + rec.CodeDir
	}
	writeJSON(w, http.StatusOK, map[string]any{"Configuration": a.view(c, rec), "Code": code})
}

func (a *LambdaAPI) listFunctions(w http.ResponseWriter, r *http.Request) {
	names := a.m.Names()
	slices.Sort(names)
	marker := r.URL.Query().Get("Marker")
	limit := 50
	if s := r.URL.Query().Get("MaxItems"); s != "" {
		if _, err := fmt.Sscan(s, &limit); err != nil || limit < 1 || limit > 10000 {
			invalidParameter(w, "1 validation error detected: Value '%s' at 'maxItems' failed to satisfy constraint: Member must have value between 1 and 10000", s)
			return
		}
	}
	start := 0
	if marker != "" {
		start, _ = slices.BinarySearch(names, marker)
	}
	items := []configurationOut{}
	for _, n := range names[start:min(len(names), start+limit)] {
		c, ok := a.m.Config(n)
		if !ok {
			continue
		}
		var rec *record
		if !a.ct.Fixed[n] {
			rec, _ = a.ct.read(n)
		}
		items = append(items, a.view(c, rec))
	}
	out := map[string]any{"Functions": items}
	if start+limit < len(names) {
		out["NextMarker"] = names[start+limit]
	}
	writeJSON(w, http.StatusOK, out)
}

func (a *LambdaAPI) deleteFunction(w http.ResponseWriter, r *http.Request) {
	a.ct.mu.Lock()
	defer a.ct.mu.Unlock()
	name, ok := a.controlName(w, r)
	if !ok {
		return
	}
	if _, ok := a.managed(w, name); !ok {
		return
	}
	a.m.Remove(name)
	if err := os.RemoveAll(filepath.Join(a.ct.Dir, name)); err != nil {
		a.m.log.Warn("function deleted, but its files remain", "function", name, "error", err)
	}
	a.m.log.Info("function deleted through the Lambda API", "function", name)
	if a.ct.OnChange != nil {
		a.ct.OnChange()
	}
	w.WriteHeader(http.StatusNoContent)
}

// addPermission records a resource-policy statement (Portico does not
// check who invokes a function; the statement is stored and returned).
func (a *LambdaAPI) addPermission(w http.ResponseWriter, r *http.Request) {
	var in struct {
		StatementID string `json:"StatementId"`
		Action      string `json:"Action"`
		Principal   string `json:"Principal"`
		SourceArn   string `json:"SourceArn"`
	}
	if !decodeControl(w, r, &in) {
		return
	}
	a.ct.mu.Lock()
	defer a.ct.mu.Unlock()
	name, ok := a.controlName(w, r)
	if !ok {
		return
	}
	rec, ok := a.managed(w, name)
	if !ok {
		return
	}
	if in.StatementID == "" || in.Action == "" || in.Principal == "" {
		invalidParameter(w, "StatementId, Action and Principal are required")
		return
	}
	for _, st := range rec.Policy {
		var old struct{ Sid string }
		if json.Unmarshal(st, &old) == nil && old.Sid == in.StatementID {
			writeLambdaError(w, http.StatusConflict, "ResourceConflictException", lambdaError{Type: "User",
				Message: "The statement id (" + in.StatementID + ") provided already exists. Please provide a new statement id, or remove the existing statement."})
			return
		}
	}
	principal := any(map[string]string{"Service": in.Principal})
	if !strings.Contains(in.Principal, ".") {
		principal = map[string]string{"AWS": in.Principal}
	}
	st := map[string]any{"Sid": in.StatementID, "Effect": "Allow", "Principal": principal, "Action": in.Action,
		"Resource": Config{Name: name, Region: a.m.region, AccountID: a.m.account}.ARN()}
	if in.SourceArn != "" {
		st["Condition"] = map[string]any{"ArnLike": map[string]string{"AWS:SourceArn": in.SourceArn}}
	}
	b, _ := json.Marshal(st)
	rec.Policy = append(rec.Policy, b)
	if err := a.ct.write(rec); err != nil {
		a.writeError(w, err)
		return
	}
	writeJSON(w, http.StatusCreated, map[string]string{"Statement": string(b)})
}

func (a *LambdaAPI) getPolicy(w http.ResponseWriter, r *http.Request) {
	name, ok := a.controlName(w, r)
	if !ok {
		return
	}
	rec, ok := a.managed(w, name)
	if !ok {
		return
	}
	if len(rec.Policy) == 0 {
		writeLambdaError(w, http.StatusNotFound, "ResourceNotFoundException", lambdaError{Type: "User", Message: "The resource you requested does not exist."})
		return
	}
	policy, _ := json.Marshal(map[string]any{"Version": "2012-10-17", "Id": "default", "Statement": rec.Policy})
	writeJSON(w, http.StatusOK, map[string]string{"Policy": string(policy), "RevisionId": rec.CodeSha256})
}
