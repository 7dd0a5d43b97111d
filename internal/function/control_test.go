package function

import (
	"archive/zip"
	"bytes"
	"os"
	"path/filepath"
	"strings"
	"testing"
)

// TestUnpack: files and modes are kept; an entry leaving the package is
// refused.
func TestUnpack(t *testing.T) {
	t.Parallel()
	build := func(entries map[string]os.FileMode) []byte {
		var buf bytes.Buffer
		zw := zip.NewWriter(&buf)
		for name, mode := range entries {
			h := &zip.FileHeader{Name: name, Method: zip.Deflate}
			h.SetMode(mode)
			w, err := zw.CreateHeader(h)
			if err != nil {
				t.Fatal(err)
			}
			_, _ = w.Write([]byte("#!/bin/sh\necho " + name + "\n"))
		}
		if err := zw.Close(); err != nil {
			t.Fatal(err)
		}
		return buf.Bytes()
	}
	dir := t.TempDir()
	if err := unpack(build(map[string]os.FileMode{"bootstrap": 0o755, "lib/data.txt": 0o644}), dir); err != nil {
		t.Fatal(err)
	}
	fi, err := os.Stat(filepath.Join(dir, "bootstrap"))
	if err != nil || fi.Mode().Perm()&0o100 == 0 {
		t.Fatalf("bootstrap: %v %v", fi, err)
	}
	if b, err := os.ReadFile(filepath.Join(dir, "lib", "data.txt")); err != nil || !strings.Contains(string(b), "lib/data.txt") {
		t.Fatalf("lib/data.txt: %q %v", b, err)
	}
	err = unpack(build(map[string]os.FileMode{"../escape": 0o644}), t.TempDir())
	if err == nil || !strings.Contains(err.Error(), `entry "../escape" leaves the package`) {
		t.Fatalf("zip slip: %v", err)
	}
	if err := unpack([]byte("nope"), t.TempDir()); err == nil || !strings.Contains(err.Error(), "Could not unzip uploaded file") {
		t.Fatalf("not a zip: %v", err)
	}
}
