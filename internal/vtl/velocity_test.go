package vtl

import (
	"os"
	"os/exec"
	"path/filepath"
	"testing"
)

// TestGoldensMatchVelocity regenerates the corpus outputs with the real
// Apache Velocity 1.7 and checks that the committed goldens are current.
// It needs a JDK and the Debian packages velocity, libcommons-collections3-java
// and libcommons-lang-java, so it runs only with PORTICO_VELOCITY=1.
func TestGoldensMatchVelocity(t *testing.T) {
	if os.Getenv("PORTICO_VELOCITY") != "1" {
		t.Skip("set PORTICO_VELOCITY=1 to compare the goldens with Apache Velocity")
	}
	out := t.TempDir()
	cmd := exec.CommandContext(t.Context(), "sh", "testdata/velocity/golden.sh", out)
	if b, err := cmd.CombinedOutput(); err != nil {
		t.Fatalf("golden.sh: %v\n%s", err, b)
	}
	for _, c := range readCorpus(t) {
		rel := filepath.Join(c.file, c.name+".golden")
		fresh, err := os.ReadFile(filepath.Join(out, rel))
		if err != nil {
			t.Errorf("%s: not rendered by Velocity: %v", rel, err)
			continue
		}
		committed, err := os.ReadFile(filepath.Join("testdata/golden", rel))
		if err != nil {
			t.Errorf("%s: no committed golden: %v", rel, err)
			continue
		}
		if string(fresh) != string(committed) {
			t.Errorf("%s: committed golden is stale (rerun testdata/velocity/golden.sh):\ncommitted %q\nvelocity  %q", rel, committed, fresh)
		}
	}
	// Goldens without a corpus case are stale too.
	goldens, _ := filepath.Glob("testdata/golden/*/*.golden")
	if n := len(readCorpus(t)); len(goldens) != n {
		t.Errorf("%d committed goldens for %d corpus cases", len(goldens), n)
	}
}
