package source

import (
	"fmt"
	"strconv"
	"strings"

	"go.yaml.in/yaml/v4"
)

// Index maps JSON Pointers of a document to the line where each value starts.
type Index struct {
	file     string
	lines    map[string]int
	expanded int
}

// NewIndex parses data (YAML or JSON) and indexes every mapping key and
// sequence item. A document that does not parse yields an empty index and the
// parse error.
func NewIndex(file string, data []byte) (*Index, error) {
	ix := &Index{file: file, lines: map[string]int{}}
	var root yaml.Node
	if err := UnmarshalYAML(data, &root); err != nil {
		return ix, err
	}
	ix.walk(&root, "", 0)
	ix.expanded = expandedSize(&root, map[*yaml.Node]int{}, 0)
	return ix, nil
}

// ExpandedNodes is the number of nodes the document has once every alias is
// expanded; a small file can expand to billions ("billion laughs"), so
// readers refuse documents above a budget before decoding them.
func (ix *Index) ExpandedNodes() int { return ix.expanded }

// expandedSize counts nodes with aliases expanded, memoized per node so the
// count itself stays linear in the document's size. It saturates at 1<<40.
func expandedSize(n *yaml.Node, memo map[*yaml.Node]int, depth int) int {
	if n == nil || depth > 10000 {
		return 1
	}
	if v, ok := memo[n]; ok {
		return v
	}
	memo[n] = 1 // breaks alias cycles
	total := 1
	if n.Kind == yaml.AliasNode {
		total += expandedSize(n.Alias, memo, depth+1)
	}
	for _, c := range n.Content {
		total += expandedSize(c, memo, depth+1)
		if total > 1<<40 {
			total = 1 << 40
			break
		}
	}
	memo[n] = total
	return total
}

func (ix *Index) walk(n *yaml.Node, ptr string, depth int) {
	if n == nil || depth > 256 {
		return
	}
	switch n.Kind {
	case yaml.DocumentNode:
		ix.lines[ptr] = n.Line
		for _, c := range n.Content {
			ix.walk(c, ptr, depth+1)
		}
	case yaml.MappingNode:
		if _, ok := ix.lines[ptr]; !ok {
			ix.lines[ptr] = n.Line
		}
		for i := 0; i+1 < len(n.Content); i += 2 {
			k, v := n.Content[i], n.Content[i+1]
			p := ptr + "/" + Escape(k.Value)
			ix.lines[p] = k.Line
			ix.walk(v, p, depth+1)
		}
	case yaml.SequenceNode:
		if _, ok := ix.lines[ptr]; !ok {
			ix.lines[ptr] = n.Line
		}
		for i, c := range n.Content {
			p := ptr + "/" + strconv.Itoa(i)
			ix.lines[p] = c.Line
			ix.walk(c, p, depth+1)
		}
	}
}

// File is the indexed file's path.
func (ix *Index) File() string { return ix.file }

// Line returns the line of pointer, or of its nearest indexed ancestor.
func (ix *Index) Line(pointer string) int {
	if ix == nil {
		return 0
	}
	for p := pointer; ; {
		if l, ok := ix.lines[p]; ok {
			return l
		}
		i := strings.LastIndexByte(p, '/')
		if i < 0 {
			return 0
		}
		p = p[:i]
	}
}

// Escape encodes one JSON Pointer reference token ("~" → "~0", "/" → "~1").
func Escape(token string) string {
	return strings.ReplaceAll(strings.ReplaceAll(token, "~", "~0"), "/", "~1")
}

// Pointer joins tokens into a JSON Pointer.
func Pointer(tokens ...string) string {
	var b strings.Builder
	for _, t := range tokens {
		b.WriteByte('/')
		b.WriteString(Escape(t))
	}
	return b.String()
}

// Error is a problem located in a source document.
type Error struct {
	File    string
	Line    int
	Pointer string
	Message string
}

func (e *Error) Error() string {
	loc := e.File
	if e.Line > 0 {
		loc += ":" + strconv.Itoa(e.Line)
	}
	if e.Pointer != "" {
		return fmt.Sprintf("%s: %s: %s", loc, e.Pointer, e.Message)
	}
	return fmt.Sprintf("%s: %s", loc, e.Message)
}

// Errorf returns an Error at pointer.
func (ix *Index) Errorf(pointer, format string, args ...any) *Error {
	return &Error{File: ix.file, Line: ix.Line(pointer), Pointer: pointer, Message: fmt.Sprintf(format, args...)}
}
