package cfn

import (
	"errors"
	"fmt"
	"os"
	"slices"
	"sort"
	"strconv"
	"strings"

	"github.com/portico-gw/portico/internal/source"
)

// Template is a parsed template: its sections as plain values, with the
// YAML short forms turned into their long forms ({"Ref": ...},
// {"Fn::Sub": ...}) and AWS::Include snippets inlined. Nothing is resolved.
type Template struct {
	// File is the template's path as given to Parse or Load.
	File string
	// Body is the whole document. Read it; do not change it.
	Body map[string]any
	// Transform lists the macros the Transform section names
	// (AWS::Serverless-2016-10-31 for SAM).
	Transform []string
	// Parameters are the declared parameters, by name.
	Parameters map[string]*Parameter

	pos map[string]Pos
}

// Parameter is one entry of the Parameters section.
type Parameter struct {
	Name string
	// Type is as written: String, Number, CommaDelimitedList, List<Number>,
	// an AWS-specific type, or AWS::SSM::Parameter::Value<...>.
	Type                  string
	Default               *string // the default as text; nil when there is none
	AllowedValues         []string
	AllowedPattern        string
	MinLength, MaxLength  *int
	MinValue, MaxValue    *float64
	NoEcho                bool
	Description           string
	ConstraintDescription string
}

// IsList reports whether the parameter's value is a list (Ref returns a
// list of strings).
func (p *Parameter) IsList() bool {
	t := strings.TrimSuffix(strings.TrimPrefix(p.Type, "AWS::SSM::Parameter::Value<"), ">")
	return t == "CommaDelimitedList" || strings.HasPrefix(t, "List<")
}

// IsSSM reports whether the parameter names an SSM parameter, whose value
// only AWS knows.
func (p *Parameter) IsSSM() bool { return strings.HasPrefix(p.Type, "AWS::SSM::Parameter::") }

// Load reads and parses the template at path. AWS::Include locations are
// read relative to the including file.
func Load(path string) (*Template, error) {
	data, err := os.ReadFile(path)
	if err != nil {
		return nil, &source.Error{File: path, Message: err.Error()}
	}
	return Parse(path, data, readOS)
}

// Parse parses data, the template named file (used in errors and as the
// base of relative AWS::Include locations). readFile reads included
// snippets; nil makes every AWS::Include an error. Every problem found is
// returned, joined, as *source.Error values.
func Parse(file string, data []byte, readFile func(name string) ([]byte, error)) (*Template, error) {
	p := &parser{readFile: readFile, pos: map[string]Pos{}, including: []string{file}}
	v, ok := p.document(file, data, "")
	if !ok {
		return nil, joinSorted(p.errs)
	}
	body, isMap := v.(map[string]any)
	if !isMap {
		p.errs = append(p.errs, &source.Error{File: file, Line: p.pos[""].Line, Message: "a template is a mapping of sections"})
		return nil, joinSorted(p.errs)
	}
	t := &Template{File: file, Body: body, Parameters: map[string]*Parameter{}, pos: p.pos}
	t.check(&p.errs)
	if len(p.errs) > 0 {
		return nil, joinSorted(p.errs)
	}
	return t, nil
}

var sections = []string{"AWSTemplateFormatVersion", "Description", "Metadata", "Parameters", "Rules",
	"Mappings", "Conditions", "Transform", "Resources", "Outputs", "Globals"}

var resourceKeys = []string{"Type", "Properties", "Condition", "DependsOn", "Metadata", "DeletionPolicy",
	"UpdateReplacePolicy", "CreationPolicy", "UpdatePolicy", "Version", "Connectors", "IgnoreGlobals"}

// Pos returns where the value at pointer (or its nearest located ancestor)
// starts.
func (t *Template) Pos(pointer string) Pos { return lookupPos(t.pos, t.File, pointer) }

// Errorf returns an error located at pointer.
func (t *Template) Errorf(pointer, format string, args ...any) *source.Error {
	return locErr(t.pos, t.File, pointer, fmt.Sprintf(format, args...))
}

func lookupPos(pos map[string]Pos, file, pointer string) Pos {
	for p := pointer; ; {
		if l, ok := pos[p]; ok {
			return l
		}
		i := strings.LastIndexByte(p, '/')
		if i < 0 {
			return Pos{File: file}
		}
		p = p[:i]
	}
}

func locErr(pos map[string]Pos, file, pointer, msg string) *source.Error {
	at := lookupPos(pos, file, pointer)
	return &source.Error{File: at.File, Line: at.Line, Pointer: pointer, Message: msg}
}

// check validates the sections' shapes and reads Transform and Parameters.
func (t *Template) check(errs *[]error) {
	bad := func(ptr, format string, args ...any) { *errs = append(*errs, t.Errorf(ptr, format, args...)) }
	for _, k := range sortedKeys(t.Body) {
		if !slices.Contains(sections, k) {
			bad("/"+source.Escape(k), "unknown template section %q (known: %s)", k, strings.Join(sections, ", "))
		}
	}
	switch tr := t.Body["Transform"].(type) {
	case nil:
	case string:
		t.Transform = []string{tr}
	case []any:
		for i, x := range tr {
			s, ok := x.(string)
			if !ok {
				bad("/Transform/"+strconv.Itoa(i), "a transform is named by a string")
				continue
			}
			t.Transform = append(t.Transform, s)
		}
	default:
		bad("/Transform", "Transform is a macro name or a list of names")
	}
	for _, sec := range []string{"Parameters", "Mappings", "Conditions", "Outputs", "Globals", "Metadata", "Rules"} {
		if v, ok := t.Body[sec]; ok {
			if _, isMap := v.(map[string]any); !isMap {
				bad("/"+sec, "%s is a mapping", sec)
			}
		}
	}
	res, ok := t.Body["Resources"].(map[string]any)
	switch {
	case t.Body["Resources"] == nil:
		bad("", "the template has no Resources section")
	case !ok:
		bad("/Resources", "Resources is a mapping of logical ids to resources")
	}
	for _, name := range sortedKeys(res) {
		rp := "/Resources/" + source.Escape(name)
		if strings.HasPrefix(name, "Fn::ForEach::") {
			bad(rp, "Fn::ForEach (the AWS::LanguageExtensions transform) is not supported; write the resources out")
			continue
		}
		if !validLogicalID(name) {
			bad(rp, "logical id %q is not alphanumeric", name)
		}
		r, ok := res[name].(map[string]any)
		if !ok {
			bad(rp, "a resource is a mapping with Type and Properties")
			continue
		}
		if typ, ok := r["Type"].(string); !ok || typ == "" {
			bad(rp+"/Type", "resource %s needs a Type, a literal string", name)
		}
		for _, k := range sortedKeys(r) {
			if !slices.Contains(resourceKeys, k) {
				bad(rp+"/"+source.Escape(k), "unknown resource attribute %q (known: %s)", k, strings.Join(resourceKeys, ", "))
			}
		}
		if c, ok := r["Condition"]; ok {
			if _, isStr := c.(string); !isStr {
				bad(rp+"/Condition", "a resource's Condition names a condition")
			}
		}
		if v, ok := r["Properties"]; ok && v != nil {
			if _, isMap := v.(map[string]any); !isMap {
				bad(rp+"/Properties", "Properties is a mapping")
			}
		}
		switch d := r["DependsOn"].(type) {
		case nil, string:
		case []any:
			for i, x := range d {
				if _, ok := x.(string); !ok {
					bad(rp+"/DependsOn/"+strconv.Itoa(i), "DependsOn lists logical ids")
				}
			}
		default:
			bad(rp+"/DependsOn", "DependsOn is a logical id or a list of them")
		}
	}
	maps, _ := t.Body["Mappings"].(map[string]any)
	for _, name := range sortedKeys(maps) {
		mp := "/Mappings/" + source.Escape(name)
		m, ok := maps[name].(map[string]any)
		if !ok {
			bad(mp, "mapping %s is a mapping of top-level keys", name)
			continue
		}
		for _, k := range sortedKeys(m) {
			if _, ok := m[k].(map[string]any); !ok {
				bad(mp+"/"+source.Escape(k), "top-level key %s of mapping %s is a mapping of second-level keys", k, name)
			}
		}
		if p, fn := findFunction(m, mp); fn != "" {
			bad(p, "Mappings hold literal values, not %s", fn)
		}
	}
	params, _ := t.Body["Parameters"].(map[string]any)
	for _, name := range sortedKeys(params) {
		if p := t.parameter(name, params[name], bad); p != nil {
			t.Parameters[name] = p
		}
	}
}

// findFunction returns the pointer and name of an intrinsic function in v.
func findFunction(v any, ptr string) (string, string) {
	switch x := v.(type) {
	case map[string]any:
		for _, k := range sortedKeys(x) {
			kp := ptr + "/" + source.Escape(k)
			if k == "Ref" || strings.HasPrefix(k, "Fn::") {
				return kp, k
			}
			if p, fn := findFunction(x[k], kp); fn != "" {
				return p, fn
			}
		}
	case []any:
		for i, c := range x {
			if p, fn := findFunction(c, ptr+"/"+strconv.Itoa(i)); fn != "" {
				return p, fn
			}
		}
	}
	return "", ""
}

func validLogicalID(s string) bool {
	if s == "" {
		return false
	}
	for _, r := range s {
		if !(r >= 'a' && r <= 'z' || r >= 'A' && r <= 'Z' || r >= '0' && r <= '9') {
			return false
		}
	}
	return true
}

var parameterKeys = []string{"Type", "Default", "AllowedValues", "AllowedPattern", "MinLength", "MaxLength",
	"MinValue", "MaxValue", "NoEcho", "Description", "ConstraintDescription"}

func (t *Template) parameter(name string, v any, bad func(string, string, ...any)) *Parameter {
	pp := "/Parameters/" + source.Escape(name)
	if !validLogicalID(name) {
		bad(pp, "parameter name %q is not alphanumeric", name)
	}
	m, ok := v.(map[string]any)
	if !ok {
		bad(pp, "a parameter is a mapping with a Type")
		return nil
	}
	for _, k := range sortedKeys(m) {
		if !slices.Contains(parameterKeys, k) {
			bad(pp+"/"+source.Escape(k), "unknown parameter property %q", k)
		}
	}
	p := &Parameter{Name: name}
	p.Type, _ = m["Type"].(string)
	if !knownParameterType(p.Type) {
		bad(pp+"/Type", "parameter %s has Type %q; known: String, Number, List<Number>, CommaDelimitedList, AWS-specific types and AWS::SSM::Parameter::Value<...>", name, m["Type"])
	}
	text := func(key string) (string, bool) {
		switch x := m[key].(type) {
		case nil:
			return "", false
		case string:
			return x, true
		case float64:
			return formatNumber(x), true
		case bool:
			return strconv.FormatBool(x), true
		}
		bad(pp+"/"+key, "%s is a scalar", key)
		return "", false
	}
	if d, ok := m["Default"].([]any); ok && p.IsList() {
		// A list default is accepted as the comma-separated text.
		parts := make([]string, 0, len(d))
		for _, x := range d {
			s, ok := scalarText(x)
			if !ok {
				bad(pp+"/Default", "a list default holds scalars")
			}
			parts = append(parts, s)
		}
		s := strings.Join(parts, ",")
		p.Default = &s
	} else if s, ok := text("Default"); ok {
		p.Default = &s
	}
	if av, ok := m["AllowedValues"]; ok {
		list, isList := av.([]any)
		if !isList {
			bad(pp+"/AllowedValues", "AllowedValues is a list")
		}
		for i, x := range list {
			s, ok := scalarText(x)
			if !ok {
				bad(pp+"/AllowedValues/"+strconv.Itoa(i), "an allowed value is a scalar")
			}
			p.AllowedValues = append(p.AllowedValues, s)
		}
	}
	p.AllowedPattern, _ = text("AllowedPattern")
	p.Description, _ = text("Description")
	p.ConstraintDescription, _ = text("ConstraintDescription")
	if s, ok := text("NoEcho"); ok {
		p.NoEcho = strings.EqualFold(s, "true")
	}
	for key, dst := range map[string]**int{"MinLength": &p.MinLength, "MaxLength": &p.MaxLength} {
		if s, ok := text(key); ok {
			n, err := strconv.Atoi(s)
			if err != nil || n < 0 {
				bad(pp+"/"+key, "%s is a non-negative integer", key)
				continue
			}
			*dst = &n
		}
	}
	for key, dst := range map[string]**float64{"MinValue": &p.MinValue, "MaxValue": &p.MaxValue} {
		if s, ok := text(key); ok {
			f, err := strconv.ParseFloat(s, 64)
			if err != nil {
				bad(pp+"/"+key, "%s is a number", key)
				continue
			}
			*dst = &f
		}
	}
	return p
}

func knownParameterType(t string) bool {
	switch {
	case t == "String", t == "Number", t == "CommaDelimitedList", t == "List<Number>":
		return true
	case strings.HasPrefix(t, "AWS::SSM::Parameter::Value<") && strings.HasSuffix(t, ">"),
		t == "AWS::SSM::Parameter::Name":
		return true
	case strings.HasPrefix(t, "List<AWS::") && strings.HasSuffix(t, ">"):
		return true
	case strings.HasPrefix(t, "AWS::") && strings.Count(t, "::") >= 2:
		return true
	}
	return false
}

func scalarText(v any) (string, bool) {
	switch x := v.(type) {
	case string:
		return x, true
	case float64:
		return formatNumber(x), true
	case bool:
		return strconv.FormatBool(x), true
	}
	return "", false
}

// formatNumber writes a number as CloudFormation does when it becomes a
// string: no exponent, no trailing zeros.
func formatNumber(f float64) string { return strconv.FormatFloat(f, 'f', -1, 64) }

func sortedKeys[V any](m map[string]V) []string {
	keys := make([]string, 0, len(m))
	for k := range m {
		keys = append(keys, k)
	}
	sort.Strings(keys)
	return keys
}

// joinSorted joins errors ordered by file, line and pointer.
func joinSorted(errs []error) error {
	sort.SliceStable(errs, func(i, j int) bool {
		a, aok := errs[i].(*source.Error)
		b, bok := errs[j].(*source.Error)
		if !aok || !bok {
			return aok && !bok
		}
		if a.File != b.File {
			return a.File < b.File
		}
		if a.Line != b.Line {
			return a.Line < b.Line
		}
		if a.Pointer != b.Pointer {
			return a.Pointer < b.Pointer
		}
		return a.Message < b.Message
	})
	return errors.Join(errs...)
}
