package config

import (
	"path/filepath"
	"strconv"
)

// Template is one SAM or CloudFormation template served with the rest of
// the settings (docs/templates.md).
type Template struct {
	// Path is the template file, relative to the settings file.
	Path string `yaml:"path"`
	// ParameterOverrides sets template parameters (like sam's
	// --parameter-overrides, as a mapping).
	ParameterOverrides map[string]string `yaml:"parameterOverrides"`
	// EnvVars is a JSON file in sam local's --env-vars format.
	EnvVars string `yaml:"envVars"`
	// Overrides is --parameter-overrides' text (Key=Value pairs in SAM's
	// syntax), from the command line; not a settings key.
	Overrides string `yaml:"-"`
}

// Note is a located warning found while reading the settings' templates.
type Note struct {
	File    string
	Line    int
	Pointer string
	Message string
}

// templatePaths resolves the templates' relative paths against dir.
func (f *File) templatePaths(dir string) {
	for i := range f.Templates {
		t := &f.Templates[i]
		if t.Path != "" && !filepath.IsAbs(t.Path) {
			t.Path = filepath.Join(dir, t.Path)
		}
		if t.EnvVars != "" && !filepath.IsAbs(t.EnvVars) {
			t.EnvVars = filepath.Join(dir, t.EnvVars)
		}
	}
}

// validateTemplates checks that every template names a file.
func (v *validator) validateTemplates(f *File) {
	for i, t := range f.Templates {
		v.check("/templates/"+strconv.Itoa(i)+"/path", t.Path != "", "a template needs a path")
	}
}

// Expand adds what the templates contribute (see internal/template, called
// by internal/app) and checks the merged settings again, so that generated
// functions get their defaults and plans meet the rules of settings ones.
// A key of the settings with the name of a generated key replaces it: that
// is how a template's generated key gets a chosen value. A domain of the
// settings likewise replaces a template's domain of the same name; the
// templates' domains of one name are merged (their mappings joined).
func (f *File) Expand(functions []Function, apis []API, keys []APIKey, plans []UsagePlan, domains []Domain) error {
	f.Functions = append(f.Functions, functions...)
	names := map[string]int{}
	for i, d := range f.Domains {
		names[d.Name] = i
	}
	settings := len(f.Domains)
	for _, d := range domains {
		i, ok := names[d.Name]
		switch {
		case !ok:
			names[d.Name] = len(f.Domains)
			f.Domains = append(f.Domains, d)
		case i >= settings:
			f.Domains[i].Mappings = append(f.Domains[i].Mappings, d.Mappings...)
		}
	}
	f.APIs = append(f.APIs, apis...)
	have := map[string]bool{}
	for _, k := range f.APIKeys {
		have[k.Name] = true
	}
	for _, k := range keys {
		if !have[k.Name] {
			f.APIKeys = append(f.APIKeys, k)
		}
	}
	f.UsagePlans = append(f.UsagePlans, plans...)
	dir := "."
	if f.path != "" {
		dir = filepath.Dir(f.path)
	}
	if a, err := filepath.Abs(dir); err == nil {
		dir = a
	}
	f.applyDefaults(dir)
	return f.Validate(nil)
}

// TemplateListen is the default listener with --template, sam local
// start-api's.
const TemplateListen = "127.0.0.1:3000"

// quickTemplate is quick mode for a template: its APIs and functions, an
// in-memory store and defaults for everything else.
func quickTemplate(o QuickOptions) (*File, error) {
	f := Default()
	f.Listen = TemplateListen
	if o.Listen != "" {
		f.Listen = o.Listen
	}
	if o.AdminListen != "" {
		f.Admin.Listen = o.AdminListen
	}
	f.Admin.Profiling = o.Profiling
	abs, err := filepath.Abs(o.Template)
	if err != nil {
		return nil, err
	}
	t := Template{Path: abs, Overrides: o.ParameterOverrides}
	if o.EnvVars != "" {
		if t.EnvVars, err = filepath.Abs(o.EnvVars); err != nil {
			return nil, err
		}
	}
	f.Templates = []Template{t}
	f.Store.Type = "memory"
	f.applyDefaults(filepath.Dir(abs))
	if err := f.Validate(nil); err != nil {
		return nil, err
	}
	return &f, nil
}
