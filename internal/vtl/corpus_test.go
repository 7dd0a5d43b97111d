package vtl

import (
	"os"
	"path/filepath"
	"strings"
	"testing"
)

// corpusCase is one template of the conformance corpus.
type corpusCase struct {
	file, name, tmpl, vars string
}

// readCorpus reads testdata/corpus/*.txt. A file holds sections opened by
// "-- NAME.vm --" (a template) and "-- NAME.json --" (its variables, a JSON
// object; optional, defaulting to the file's "-- _.json --" section, else
// {}); each section is the lines up to the next one.
// testdata/velocity/Golden.java reads the same format.
func readCorpus(t *testing.T) []corpusCase {
	t.Helper()
	files, err := filepath.Glob("testdata/corpus/*.txt")
	if err != nil || len(files) == 0 {
		t.Fatalf("no corpus: %v", err)
	}
	var cases []corpusCase
	for _, f := range files {
		data, err := os.ReadFile(f)
		if err != nil {
			t.Fatal(err)
		}
		base := strings.TrimSuffix(filepath.Base(f), ".txt")
		sections := map[string]string{}
		var order []string
		name := ""
		var b strings.Builder
		for _, line := range strings.SplitAfter(string(data), "\n") {
			tl := strings.TrimSuffix(line, "\n")
			if strings.HasPrefix(tl, "-- ") && strings.HasSuffix(tl, " --") && len(tl) > 6 {
				if name != "" {
					sections[name] = b.String()
				}
				name = tl[3 : len(tl)-3]
				order = append(order, name)
				b.Reset()
				continue
			}
			if name != "" {
				b.WriteString(line)
			}
		}
		if name != "" {
			sections[name] = b.String()
		}
		for _, n := range order {
			if !strings.HasSuffix(n, ".vm") {
				continue
			}
			c := strings.TrimSuffix(n, ".vm")
			vars, ok := sections[c+".json"]
			if !ok {
				vars, ok = sections["_.json"]
			}
			if !ok {
				vars = "{}"
			}
			cases = append(cases, corpusCase{file: base, name: c, tmpl: sections[n], vars: vars})
		}
	}
	return cases
}

// render runs one corpus case the way Golden.java does; failures render as
// the line "<<error>>".
func (c corpusCase) render(t *testing.T) string {
	v, err := decodeJSON([]byte(c.vars), false)
	if err != nil {
		t.Fatalf("%s/%s: vars: %v", c.file, c.name, err)
	}
	vars := map[string]any{}
	m := v.(*Map)
	for _, k := range m.Keys() {
		vars[k], _ = m.Get(k)
	}
	tmpl, err := Parse(c.name, c.tmpl)
	if err != nil {
		return "<<error>>\n"
	}
	out, err := tmpl.Execute(t.Context(), vars)
	if err != nil {
		return "<<error>>\n"
	}
	return out
}

// TestCorpus compares every corpus case with the output of the real Apache
// Velocity 1.7, committed under testdata/golden by velocity/golden.sh.
func TestCorpus(t *testing.T) {
	cases := readCorpus(t)
	for _, c := range cases {
		t.Run(c.file+"/"+c.name, func(t *testing.T) {
			want, err := os.ReadFile(filepath.Join("testdata/golden", c.file, c.name+".golden"))
			if err != nil {
				t.Fatalf("no golden output (run testdata/velocity/golden.sh): %v", err)
			}
			if got := c.render(t); got != string(want) {
				t.Errorf("template:\n%s\ngot:\n%q\nwant:\n%q", c.tmpl, got, want)
			}
		})
	}
}
