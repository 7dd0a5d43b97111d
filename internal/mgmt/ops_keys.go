package mgmt

import (
	"bytes"
	"crypto/rand"
	"encoding/csv"
	"errors"
	"fmt"
	"io"
	"net/http"
	"strings"
)

// createKeyInput is CreateApiKey's body.
type createKeyInput struct {
	Name               string            `json:"name"`
	Description        string            `json:"description"`
	Enabled            bool              `json:"enabled"`
	GenerateDistinctID bool              `json:"generateDistinctId"`
	Value              string            `json:"value"`
	StageKeys          []stageKeyInput   `json:"stageKeys"`
	CustomerID         string            `json:"customerId"`
	Tags               map[string]string `json:"tags"`
}

// stageKeyInput is the StageKey shape.
type stageKeyInput struct {
	RestAPIID string `json:"restApiId"`
	StageName string `json:"stageName"`
}

// keyAlphabet is the alphabet of generated key values.
const keyAlphabet = "ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789"

// newKeyValue returns a 40-character value, as AWS generates.
func newKeyValue() string {
	var b [40]byte
	_, _ = rand.Read(b[:]) // crypto/rand.Read never fails
	for i := range b {
		b[i] = keyAlphabet[int(b[i])%len(keyAlphabet)]
	}
	return string(b[:])
}

// checkKey applies AWS's limits on a key's value and name.
func checkKey(value, name string) error {
	switch {
	case len(value) < 20:
		return badRequest("API Key value should be at least 20 characters")
	case len(value) > 128:
		return badRequest("API Key value exceeds maximum size of 128 characters")
	case len(name) > 1024:
		return badRequest("Invalid API Key name, can be at most 1024 characters.")
	}
	return nil
}

// keyByValue finds the key whose value is v.
func (u *usageDoc) keyByValue(v string) *APIKey {
	for _, k := range u.Keys {
		if k.Value == v {
			return k
		}
	}
	return nil
}

// newKeyID returns an id no key or plan has.
func (u *usageDoc) newKeyID() string {
	for {
		id := newID()
		if u.Keys[id] == nil && u.Plans[id] == nil {
			return id
		}
	}
}

func (s *Service) createOrImportKeys(r *http.Request) (int, any, error) {
	switch mode := r.URL.Query().Get("mode"); mode {
	case "import":
		return s.importKeys(r)
	case "":
	default:
		return 0, nil, badRequest("Invalid mode %q: POST /apikeys accepts only mode=import", mode)
	}
	var in createKeyInput
	if err := decode(r, &in); err != nil {
		return 0, nil, err
	}
	value := in.Value
	if value == "" {
		value = newKeyValue()
	}
	if err := checkKey(value, in.Name); err != nil {
		return 0, nil, err
	}
	stageKeys := []string{}
	for _, sk := range in.StageKeys {
		d, _, err := s.get(sk.RestAPIID)
		if err != nil {
			return 0, nil, err
		}
		if d.Stages[sk.StageName] == nil {
			return 0, nil, notFound("Invalid stage identifier specified")
		}
		stageKeys = append(stageKeys, sk.RestAPIID+"/"+sk.StageName)
	}
	var out APIKey
	err := s.changeUsage(r.Context(), func(u *usageDoc) error {
		if u.keyByValue(value) != nil {
			return conflict("API Key already exists")
		}
		now := s.stamp()
		k := &APIKey{ID: u.newKeyID(), Value: value, Name: in.Name, CustomerID: in.CustomerID, Description: in.Description,
			Enabled: in.Enabled, CreatedDate: now, LastUpdatedDate: now, StageKeys: stageKeys, Tags: in.Tags}
		u.Keys[k.ID] = k
		out = *k
		return nil
	})
	if err != nil {
		return 0, nil, err
	}
	s.log.Info("management API: API key created", "apiKeyId", out.ID, "name", out.Name)
	return http.StatusCreated, out, nil
}

// keyView is the key as answered: without its value unless asked.
func keyView(k *APIKey, withValue bool) APIKey {
	out := *k
	if !withValue {
		out.Value = ""
	}
	if out.StageKeys == nil {
		out.StageKeys = []string{}
	}
	return out
}

func (u *usageDoc) key(id string) (*APIKey, error) {
	k := u.Keys[id]
	if k == nil {
		return nil, notFound("Invalid API Key identifier specified")
	}
	return k, nil
}

func (s *Service) getKey(r *http.Request) (int, any, error) {
	k, err := s.readUsage().key(r.PathValue("key"))
	if err != nil {
		return 0, nil, err
	}
	return http.StatusOK, keyView(k, r.URL.Query().Get("includeValue") == "true"), nil
}

// keyList is GetApiKeys' answer (ApiKeys).
type keyList struct {
	Warnings []string `json:"warnings,omitempty"`
	list[APIKey]
}

func (s *Service) listKeys(r *http.Request) (int, any, error) {
	q := r.URL.Query()
	name, customer, values := q.Get("name"), q.Get("customerId"), q.Get("includeValues") == "true"
	var keys []APIKey
	for _, k := range s.readUsage().Keys {
		if !strings.HasPrefix(k.Name, name) || (customer != "" && k.CustomerID != customer) {
			continue
		}
		keys = append(keys, keyView(k, values))
	}
	page, err := paginate(r, keys, func(k APIKey) string { return k.ID })
	return http.StatusOK, keyList{list: page}, err
}

// keyPaths are UpdateApiKey's patch paths.
const keyPaths = "/name, /description, /enabled, /customerId"

func (s *Service) updateKey(r *http.Request) (int, any, error) {
	ops, err := readPatch(r)
	if err != nil {
		return 0, nil, err
	}
	var out APIKey
	err = s.changeUsage(r.Context(), func(u *usageDoc) error {
		k, err := u.key(r.PathValue("key"))
		if err != nil {
			return err
		}
		for _, p := range ops {
			if p.Op != "replace" {
				return invalidPath(p, keyPaths)
			}
			switch p.Path {
			case "/name":
				if err := checkKey(k.Value, p.value()); err != nil {
					return err
				}
				k.Name = p.value()
			case "/description":
				k.Description = p.value()
			case "/customerId":
				k.CustomerID = p.value()
			case "/enabled":
				b, err := parseBool(p)
				if err != nil {
					return err
				}
				k.Enabled = b
			default:
				return invalidPath(p, keyPaths)
			}
		}
		k.LastUpdatedDate = s.stamp()
		out = keyView(k, false)
		return nil
	})
	return http.StatusOK, out, err
}

func (s *Service) deleteKey(r *http.Request) (int, any, error) {
	id := r.PathValue("key")
	err := s.changeUsage(r.Context(), func(u *usageDoc) error {
		if _, err := u.key(id); err != nil {
			return err
		}
		delete(u.Keys, id)
		for _, p := range u.Plans {
			p.KeyIDs = deleteString(p.KeyIDs, id)
			delete(p.Grants, id)
		}
		return nil
	})
	if err != nil {
		return 0, nil, err
	}
	s.log.Info("management API: API key deleted", "apiKeyId", id)
	return http.StatusAccepted, nil, nil
}

func deleteString(list []string, s string) []string {
	out := list[:0]
	for _, e := range list {
		if e != s {
			out = append(out, e)
		}
	}
	return out
}

// keyIDs is ImportApiKeys' answer (ApiKeyIds).
type keyIDs struct {
	IDs      []string `json:"ids"`
	Warnings []string `json:"warnings,omitempty"`
}

// importedKey is one row of an API key file.
type importedKey struct {
	line                    int
	name, value, desc       string
	enabled                 bool
	planIDs                 []string
	hasName, hasDescription bool
}

// parseKeyFile reads an API key file: CSV with a header row naming the
// columns in any order, case-insensitively; Name and Key are required,
// Description, Enabled and UsagePlanIds optional, others ignored
// (https://docs.aws.amazon.com/apigateway/latest/developerguide/api-key-file-format.html).
func parseKeyFile(body []byte) ([]importedKey, error) {
	rd := csv.NewReader(bytes.NewReader(body))
	rd.FieldsPerRecord = -1
	rd.TrimLeadingSpace = true
	header, err := rd.Read()
	if errors.Is(err, io.EOF) {
		return nil, badRequest("Invalid API key file: the file is empty; it needs a header row with the Name and Key columns")
	}
	if err != nil {
		return nil, badRequest("Invalid API key file: %v", err)
	}
	col := map[string]int{}
	for i, h := range header {
		h = strings.ToLower(strings.TrimSpace(strings.TrimPrefix(h, "\ufeff")))
		if h == "value" {
			h = "key"
		}
		if _, dup := col[h]; !dup {
			col[h] = i
		}
	}
	if _, ok := col["key"]; !ok {
		return nil, badRequest("Invalid API key file: the header row has no Key column")
	}
	if _, ok := col["name"]; !ok {
		return nil, badRequest("Invalid API key file: the header row has no Name column")
	}
	var out []importedKey
	for {
		rec, err := rd.Read()
		if errors.Is(err, io.EOF) {
			break
		}
		line, _ := rd.FieldPos(0)
		if err != nil {
			return nil, badRequest("Invalid API key file: %v", err)
		}
		field := func(name string) (string, bool) {
			i, ok := col[name]
			if !ok || i >= len(rec) {
				return "", false
			}
			return strings.TrimSpace(rec[i]), true
		}
		k := importedKey{line: line, enabled: true}
		k.value, _ = field("key")
		k.name, k.hasName = field("name")
		k.desc, k.hasDescription = field("description")
		if e, ok := field("enabled"); ok && e != "" {
			switch strings.ToLower(e) {
			case "true":
			case "false":
				k.enabled = false
			default:
				return nil, badRequest("Invalid API key file: line %d: Enabled is %q; it must be true or false", line, e)
			}
		}
		if ids, ok := field("usageplanids"); ok {
			for id := range strings.SplitSeq(strings.Trim(ids, `'"`), ",") {
				if id = strings.TrimSpace(id); id != "" {
					k.planIDs = append(k.planIDs, id)
				}
			}
		}
		if err := checkKey(k.value, k.name); err != nil {
			return nil, badRequest("Invalid API key file: line %d: %s", line, err.(*apiError).msg)
		}
		out = append(out, k)
	}
	return out, nil
}

// importKeys is ImportApiKeys: each row creates a key, or updates the key
// that has its value (AWS: the most recent import of a value overwrites
// the previous one), and adds it to the rows' usage plans. An unknown
// usage plan is a warning, an error with failonwarnings=true.
func (s *Service) importKeys(r *http.Request) (int, any, error) {
	if f := r.URL.Query().Get("format"); f != "csv" {
		return 0, nil, validationError(f, "format", "Member must satisfy enum value set: [csv]")
	}
	failOnWarnings := r.URL.Query().Get("failonwarnings") == "true"
	body, err := io.ReadAll(r.Body)
	if err != nil {
		return 0, nil, badRequest("cannot read the request body: %v", err)
	}
	rows, err := parseKeyFile(body)
	if err != nil {
		return 0, nil, err
	}
	out := keyIDs{IDs: []string{}}
	err = s.changeUsage(r.Context(), func(u *usageDoc) error {
		now := s.stamp()
		for _, row := range rows {
			k := u.keyByValue(row.value)
			if k == nil {
				k = &APIKey{ID: u.newKeyID(), Value: row.value, CreatedDate: now, StageKeys: []string{}}
				u.Keys[k.ID] = k
			}
			k.Name, k.Enabled, k.LastUpdatedDate = row.name, row.enabled, now
			if row.hasDescription {
				k.Description = row.desc
			}
			for _, pid := range row.planIDs {
				p := u.Plans[pid]
				if p == nil {
					w := fmt.Sprintf("Invalid usage plan ID %s specified for API key at line %d", pid, row.line)
					if failOnWarnings {
						return badRequest("%s", w)
					}
					out.Warnings = append(out.Warnings, w)
					continue
				}
				if !containsString(p.KeyIDs, k.ID) {
					p.KeyIDs = append(p.KeyIDs, k.ID)
				}
			}
			out.IDs = append(out.IDs, k.ID)
		}
		return nil
	})
	if err != nil {
		return 0, nil, err
	}
	s.log.Info("management API: API keys imported", "count", len(out.IDs), "warnings", len(out.Warnings))
	return http.StatusCreated, out, nil
}

func containsString(list []string, s string) bool {
	for _, e := range list {
		if e == s {
			return true
		}
	}
	return false
}
