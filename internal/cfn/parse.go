package cfn

import (
	"fmt"
	"os"
	"path/filepath"
	"slices"
	"strconv"
	"strings"

	"go.yaml.in/yaml/v4"

	"github.com/portico-gw/portico/internal/source"
)

// Limits that keep a hostile template from exhausting the process.
const (
	// MaxDepth is the deepest nesting of mappings and sequences accepted.
	MaxDepth = 100
	// MaxNodes is the most nodes a template may have once YAML aliases and
	// AWS::Include snippets are expanded.
	MaxNodes = 200_000
	// maxIncludeDepth bounds AWS::Include snippets that include others.
	maxIncludeDepth = 8
)

// Pos is where a value starts in its source file. A value that came from an
// AWS::Include snippet is located in the snippet's file.
type Pos struct {
	File   string
	Line   int
	Column int
}

// shortTags are the YAML short forms of the intrinsic functions, each to the
// key of its long form.
var shortTags = map[string]string{
	"!Ref": "Ref", "!Condition": "Condition",
	"!Sub": "Fn::Sub", "!GetAtt": "Fn::GetAtt", "!Join": "Fn::Join", "!Select": "Fn::Select",
	"!Split": "Fn::Split", "!If": "Fn::If", "!Equals": "Fn::Equals", "!And": "Fn::And",
	"!Or": "Fn::Or", "!Not": "Fn::Not", "!FindInMap": "Fn::FindInMap", "!Base64": "Fn::Base64",
	"!GetAZs": "Fn::GetAZs", "!ImportValue": "Fn::ImportValue", "!Cidr": "Fn::Cidr",
	"!Transform": "Fn::Transform", "!Length": "Fn::Length", "!ToJsonString": "Fn::ToJsonString",
}

// parser turns YAML nodes into plain values, recording the position of
// every JSON Pointer.
type parser struct {
	readFile func(string) ([]byte, error)
	pos      map[string]Pos
	errs     []error
	nodes    int
	// including is the chain of files being read, for AWS::Include cycles.
	including []string
	// expanding are the anchors whose aliases are being expanded.
	expanding map[*yaml.Node]bool
	tooDeep   bool
}

func (p *parser) errorf(file string, n *yaml.Node, ptr, format string, args ...any) {
	e := &source.Error{File: file, Pointer: ptr, Message: fmt.Sprintf(format, args...)}
	if n != nil {
		e.Line = n.Line
	}
	p.errs = append(p.errs, e)
}

// document parses data as one YAML or JSON document.
func (p *parser) document(file string, data []byte, ptr string) (any, bool) {
	var root yaml.Node
	if err := source.UnmarshalYAML(data, &root); err != nil {
		p.errs = append(p.errs, &source.Error{File: file, Line: yamlErrorLine(err), Message: "not valid YAML or JSON: " + err.Error()})
		return nil, false
	}
	n := &root
	if n.Kind == yaml.DocumentNode {
		if len(n.Content) == 0 {
			p.errs = append(p.errs, &source.Error{File: file, Message: "the document is empty"})
			return nil, false
		}
		n = n.Content[0]
	}
	if n.Kind == 0 {
		p.errs = append(p.errs, &source.Error{File: file, Message: "the document is empty"})
		return nil, false
	}
	if size := expandedSize(n, map[*yaml.Node]int{}, 0); p.nodes+size > MaxNodes {
		p.errs = append(p.errs, &source.Error{File: file, Line: n.Line, Message: fmt.Sprintf(
			"the template expands to more than %d nodes (YAML aliases or AWS::Include)", MaxNodes)})
		return nil, false
	}
	before := len(p.errs)
	v := p.value(file, n, ptr, 0)
	return v, len(p.errs) == before
}

// yamlErrorLine digs the line out of a YAML error message ("yaml: line 3: ...").
func yamlErrorLine(err error) int {
	msg := err.Error()
	if i := strings.Index(msg, "line "); i >= 0 {
		rest := msg[i+5:]
		j := 0
		for j < len(rest) && rest[j] >= '0' && rest[j] <= '9' {
			j++
		}
		if n, e := strconv.Atoi(rest[:j]); e == nil {
			return n
		}
	}
	return 0
}

func (p *parser) value(file string, n *yaml.Node, ptr string, depth int) any {
	if depth > MaxDepth {
		if !p.tooDeep {
			p.tooDeep = true
			p.errorf(file, n, ptr, "nested deeper than %d levels", MaxDepth)
		}
		return nil
	}
	p.nodes++
	if p.nodes > MaxNodes {
		if p.nodes == MaxNodes+1 {
			p.errorf(file, n, ptr, "the template expands to more than %d nodes (YAML aliases or AWS::Include)", MaxNodes)
		}
		return nil
	}
	if n.Kind == yaml.AliasNode {
		if n.Alias == nil {
			p.errorf(file, n, ptr, "alias to an unknown anchor")
			return nil
		}
		if p.expanding[n.Alias] {
			p.errorf(file, n, ptr, "alias *%s is inside its own anchor", n.Value)
			return nil
		}
		if p.expanding == nil {
			p.expanding = map[*yaml.Node]bool{}
		}
		p.expanding[n.Alias] = true
		defer delete(p.expanding, n.Alias)
		return p.value(file, n.Alias, ptr, depth+1)
	}
	if _, ok := p.pos[ptr]; !ok {
		p.pos[ptr] = Pos{File: file, Line: n.Line, Column: n.Column}
	}
	if n.Anchor != "" && !p.expanding[n] {
		if p.expanding == nil {
			p.expanding = map[*yaml.Node]bool{}
		}
		p.expanding[n] = true
		defer delete(p.expanding, n)
	}
	if strings.HasPrefix(n.Tag, "!") && !strings.HasPrefix(n.Tag, "!!") {
		long, ok := shortTags[n.Tag]
		if !ok {
			p.errorf(file, n, ptr, "unknown YAML tag %s", n.Tag)
			return nil
		}
		inner := ptr + "/" + source.Escape(long)
		p.pos[inner] = Pos{File: file, Line: n.Line, Column: n.Column}
		var arg any
		if n.Kind == yaml.ScalarNode {
			arg = n.Value
		} else {
			arg = p.untagged(file, n, inner, depth+1)
		}
		return map[string]any{long: arg}
	}
	return p.untagged(file, n, ptr, depth)
}

// untagged converts n ignoring a local tag on it.
func (p *parser) untagged(file string, n *yaml.Node, ptr string, depth int) any {
	switch n.Kind {
	case yaml.ScalarNode:
		return scalar(n)
	case yaml.SequenceNode:
		out := make([]any, 0, len(n.Content))
		for i, c := range n.Content {
			out = append(out, p.value(file, c, ptr+"/"+strconv.Itoa(i), depth+1))
		}
		return out
	case yaml.MappingNode:
		return p.mapping(file, n, ptr, depth)
	}
	p.errorf(file, n, ptr, "unsupported YAML node")
	return nil
}

func (p *parser) mapping(file string, n *yaml.Node, ptr string, depth int) any {
	out := make(map[string]any, len(n.Content)/2)
	keyNode := map[string]*yaml.Node{}
	for i := 0; i+1 < len(n.Content); i += 2 {
		k, v := n.Content[i], n.Content[i+1]
		if k.Kind == yaml.ScalarNode && k.Value == "<<" && k.ShortTag() == "!!merge" {
			p.merge(file, v, out, keyNode, ptr, depth)
			continue
		}
		if k.Kind != yaml.ScalarNode {
			p.errorf(file, k, ptr, "a mapping key must be a scalar")
			continue
		}
		kp := ptr + "/" + source.Escape(k.Value)
		if prev, dup := keyNode[k.Value]; dup && prev != nil {
			p.errorf(file, k, kp, "duplicate key %q (first on line %d)", k.Value, prev.Line)
			continue
		}
		keyNode[k.Value] = k
		p.pos[kp] = Pos{File: file, Line: k.Line, Column: k.Column}
		out[k.Value] = p.value(file, v, kp, depth+1)
	}
	if tr, ok := out["Fn::Transform"]; ok {
		return p.transform(file, keyNode["Fn::Transform"], out, tr, ptr, depth)
	}
	return out
}

// merge applies a YAML merge key: keys written in the mapping win.
func (p *parser) merge(file string, v *yaml.Node, out map[string]any, keyNode map[string]*yaml.Node, ptr string, depth int) {
	for v.Kind == yaml.AliasNode && v.Alias != nil {
		v = v.Alias
	}
	srcs := []*yaml.Node{v}
	if v.Kind == yaml.SequenceNode {
		srcs = v.Content
	}
	for _, s := range srcs {
		for s.Kind == yaml.AliasNode && s.Alias != nil {
			s = s.Alias
		}
		if s.Kind != yaml.MappingNode {
			p.errorf(file, s, ptr, "a merge key (<<) needs a mapping")
			continue
		}
		m, _ := p.mapping(file, s, ptr, depth+1).(map[string]any)
		for k, val := range m {
			if _, ok := keyNode[k]; !ok {
				keyNode[k] = nil
				out[k] = val
			}
		}
	}
}

// transform runs Fn::Transform AWS::Include at parse time; other
// transforms are left for the resolver to report.
func (p *parser) transform(file string, kn *yaml.Node, m map[string]any, tr any, ptr string, depth int) any {
	tp := ptr + "/Fn::Transform"
	t, _ := tr.(map[string]any)
	if t == nil || t["Name"] != "AWS::Include" {
		return m
	}
	params, _ := t["Parameters"].(map[string]any)
	loc, _ := params["Location"].(string)
	if loc == "" {
		p.errorf(file, kn, tp+"/Parameters/Location", "AWS::Include needs Parameters.Location, a literal path")
		return m
	}
	if strings.Contains(loc, "://") {
		p.errorf(file, kn, tp+"/Parameters/Location", "AWS::Include location %q is not a local file; only local paths can be read", loc)
		return m
	}
	path := loc
	if !filepath.IsAbs(path) {
		path = filepath.Join(filepath.Dir(file), path)
	}
	if p.readFile == nil {
		p.errorf(file, kn, tp+"/Parameters/Location", "AWS::Include of %s: files cannot be read here", loc)
		return m
	}
	if len(p.including) >= maxIncludeDepth {
		p.errorf(file, kn, tp, "AWS::Include nested deeper than %d files", maxIncludeDepth)
		return m
	}
	if slices.Contains(p.including, path) {
		p.errorf(file, kn, tp, "AWS::Include of %s includes itself", loc)
		return m
	}
	data, err := p.readFile(path)
	if err != nil {
		p.errorf(file, kn, tp+"/Parameters/Location", "AWS::Include: %v", err)
		return m
	}
	p.including = append(p.including, path)
	defer func() { p.including = p.including[:len(p.including)-1] }()
	// The snippet's positions replace those of the Fn::Transform key.
	for k := range p.pos {
		if k == tp || strings.HasPrefix(k, tp+"/") {
			delete(p.pos, k)
		}
	}
	inc, ok := p.document(path, data, ptr)
	if !ok {
		return m
	}
	delete(m, "Fn::Transform")
	if len(m) == 0 {
		return inc
	}
	im, ok := inc.(map[string]any)
	if !ok {
		p.errorf(file, kn, tp, "AWS::Include of %s next to other keys needs a mapping", loc)
		return m
	}
	for k, v := range im {
		if _, dup := m[k]; dup {
			p.errorf(file, kn, ptr+"/"+source.Escape(k), "key %q is both in the template and in the AWS::Include snippet %s", k, loc)
			continue
		}
		m[k] = v
	}
	return m
}

// scalar converts a YAML scalar to a string, float64, bool or nil.
// Timestamps and other YAML types stay the text that was written.
func scalar(n *yaml.Node) any {
	switch n.ShortTag() {
	case "!!null":
		return nil
	case "!!bool":
		var b bool
		if n.Decode(&b) == nil {
			return b
		}
	case "!!int", "!!float":
		var f float64
		if n.Decode(&f) == nil {
			return f
		}
	}
	return n.Value
}

// expandedSize counts n's nodes with aliases expanded, memoized per node
// so that counting stays linear in the document; it saturates above
// MaxNodes.
func expandedSize(n *yaml.Node, memo map[*yaml.Node]int, depth int) int {
	if n == nil || depth > MaxDepth+10 {
		return 1
	}
	if v, ok := memo[n]; ok {
		return v
	}
	memo[n] = 1 // an alias inside its own anchor counts once
	total := 1
	if n.Kind == yaml.AliasNode {
		total += expandedSize(n.Alias, memo, depth+1)
	}
	for _, c := range n.Content {
		total += expandedSize(c, memo, depth+1)
		if total > MaxNodes {
			total = MaxNodes + 1
			break
		}
	}
	memo[n] = total
	return total
}

// readOS is the file reader of Load.
func readOS(name string) ([]byte, error) { return os.ReadFile(name) }
