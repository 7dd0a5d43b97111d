package internal_test

import (
	"bufio"
	"os"
	"path/filepath"
	"regexp"
	"strconv"
	"strings"
	"testing"
	"unicode"
)

// repoRoot walks up from the test's directory to the directory holding go.mod.
func repoRoot(t *testing.T) string {
	t.Helper()
	dir, err := os.Getwd()
	if err != nil {
		t.Fatal(err)
	}
	for {
		if _, err := os.Stat(filepath.Join(dir, "go.mod")); err == nil {
			return dir
		}
		parent := filepath.Dir(dir)
		if parent == dir {
			t.Fatal("go.mod not found")
		}
		dir = parent
	}
}

// slug is GitHub's heading anchor: lower case, inline markup and punctuation
// removed (letters, digits, '-' and '_' kept), spaces turned into '-'.
func slug(heading string) string {
	var b strings.Builder
	for _, r := range strings.ToLower(strings.TrimSpace(heading)) {
		switch {
		case r == ' ':
			b.WriteByte('-')
		case r == '-' || r == '_' || unicode.IsLetter(r) || unicode.IsDigit(r):
			b.WriteRune(r)
		}
	}
	return b.String()
}

// anchors returns the anchors of a Markdown file's ATX headings (outside
// fenced code), numbering repeats as GitHub does ("x", "x-1", ...).
func anchors(t *testing.T, path string) map[string]bool {
	t.Helper()
	f, err := os.Open(path)
	if err != nil {
		t.Fatal(err)
	}
	defer f.Close()
	out, seen, fenced := map[string]bool{}, map[string]int{}, false
	sc := bufio.NewScanner(f)
	for sc.Scan() {
		line := sc.Text()
		if strings.HasPrefix(line, "```") {
			fenced = !fenced
			continue
		}
		if fenced || !strings.HasPrefix(line, "#") {
			continue
		}
		text := strings.TrimLeft(line, "#")
		if text == "" || text[0] != ' ' {
			continue
		}
		a := slug(text)
		if n := seen[a]; n > 0 {
			out[a+"-"+strconv.Itoa(n)] = true
		} else {
			out[a] = true
		}
		seen[a]++
	}
	return out
}

var (
	// docRef is a reference from code or test data: docs/FILE.md#anchor.
	docRef = regexp.MustCompile(`docs/([a-z0-9_-]+\.md)#([a-z0-9_-]+)`)
	// mdLink is a link inside docs/: [text](FILE.md#anchor) or [text](#anchor).
	mdLink = regexp.MustCompile(`\]\(([A-Za-z0-9_-]+\.md)?#([^)\s]+)\)`)
	// codeSpan is inline code in Markdown, where link syntax is only text.
	codeSpan = regexp.MustCompile("`[^`]*`")
	// briefing is a citation of sources outside the repository that a
	// contributor cannot read: the old briefing files and the issue tracker.
	briefing = regexp.MustCompile(`(aws-reference|aws-recordings|design|style|libraries)(\.md)?('s)? +§|aws-reference\.md|aws-recordings\.md|"aws": "[^"]*\bissue [0-9]+`)
)

// TestDocReferences fails when a docs/FILE.md#anchor reference in Go code,
// parity data or the docs themselves names a missing file or heading.
func TestDocReferences(t *testing.T) {
	root := repoRoot(t)
	cache := map[string]map[string]bool{}
	check := func(where, file, anchor string) {
		p := filepath.Join(root, "docs", file)
		as, ok := cache[p]
		if !ok {
			if _, err := os.Stat(p); err != nil {
				t.Errorf("%s: docs/%s does not exist", where, file)
				cache[p] = nil
				return
			}
			as = anchors(t, p)
			cache[p] = as
		}
		if as != nil && !as[anchor] {
			t.Errorf("%s: docs/%s has no heading with anchor #%s", where, file, anchor)
		}
	}
	err := filepath.WalkDir(root, func(path string, d os.DirEntry, err error) error {
		if err != nil {
			return err
		}
		if d.IsDir() && (d.Name() == ".git" || d.Name() == "node_modules") {
			return filepath.SkipDir
		}
		ext := filepath.Ext(path)
		if d.IsDir() || (ext != ".go" && ext != ".json" && ext != ".md") {
			return nil
		}
		data, err := os.ReadFile(path)
		if err != nil {
			return err
		}
		rel, _ := filepath.Rel(root, path)
		fenced := false
		for i, line := range strings.Split(string(data), "\n") {
			if ext == ".md" && strings.HasPrefix(line, "```") {
				fenced = !fenced
			}
			if fenced {
				continue // code examples in Markdown are not references
			}
			where := rel + ":" + strconv.Itoa(i+1)
			for _, m := range docRef.FindAllStringSubmatch(line, -1) {
				check(where, m[1], m[2])
			}
			if filepath.Dir(rel) == "docs" && ext == ".md" {
				for _, m := range mdLink.FindAllStringSubmatch(codeSpan.ReplaceAllString(line, ""), -1) {
					file := m[1]
					if file == "" {
						file = filepath.Base(rel)
					}
					check(where, file, m[2])
				}
			}
		}
		return nil
	})
	if err != nil {
		t.Fatal(err)
	}
}

// TestNoBriefingReferences fails while code or parity data still cites the
// private briefing files by name or section instead of docs/.
func TestNoBriefingReferences(t *testing.T) {
	root := repoRoot(t)
	for _, dir := range []string{"cmd", "internal", "testdata"} {
		_ = filepath.WalkDir(filepath.Join(root, dir), func(path string, d os.DirEntry, err error) error {
			if err != nil || d.IsDir() || (filepath.Ext(path) != ".go" && filepath.Ext(path) != ".json" && filepath.Ext(path) != ".yaml") {
				return err
			}
			data, err := os.ReadFile(path)
			if err != nil {
				return err
			}
			rel, _ := filepath.Rel(root, path)
			for i, line := range strings.Split(string(data), "\n") {
				if briefing.MatchString(line) {
					t.Errorf("%s:%d: cites the briefing, not docs/: %s", rel, i+1, strings.TrimSpace(line))
				}
			}
			return nil
		})
	}
}
