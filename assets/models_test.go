package assets

import (
	"bufio"
	"crypto/sha256"
	"encoding/hex"
	"io/fs"
	"strings"
	"testing"
)

// TestModelsSHA256SUMS checks every embedded model file against SHA256SUMS and
// that every model file is listed.
func TestModelsSHA256SUMS(t *testing.T) {
	fsys := Models()
	sums, err := fs.ReadFile(fsys, "SHA256SUMS")
	if err != nil {
		t.Fatalf("read SHA256SUMS: %v", err)
	}
	listed := map[string]bool{}
	sc := bufio.NewScanner(strings.NewReader(string(sums)))
	for sc.Scan() {
		fields := strings.Fields(sc.Text())
		if len(fields) != 2 {
			t.Fatalf("malformed SHA256SUMS line %q", sc.Text())
		}
		want, name := fields[0], fields[1]
		listed[name] = true
		t.Run(name, func(t *testing.T) {
			data, err := fs.ReadFile(fsys, name)
			if err != nil {
				t.Fatalf("read %s: %v", name, err)
			}
			got := sha256.Sum256(data)
			if hex.EncodeToString(got[:]) != want {
				t.Errorf("%s: sha256 %x, SHA256SUMS says %s", name, got, want)
			}
		})
	}
	for _, n := range ModelNames() {
		for _, ext := range []string{".json", ".bin"} {
			if !listed[n+ext] {
				t.Errorf("%s%s is embedded but not in SHA256SUMS", n, ext)
			}
		}
	}
	entries, err := fs.ReadDir(fsys, ".")
	if err != nil {
		t.Fatal(err)
	}
	for _, e := range entries {
		if (strings.HasSuffix(e.Name(), ".json") || strings.HasSuffix(e.Name(), ".bin")) && !listed[e.Name()] {
			t.Errorf("%s is embedded but not in SHA256SUMS", e.Name())
		}
	}
	for _, f := range []string{"LICENSE", "NOTICE"} {
		if _, err := fs.Stat(fsys, f); err != nil {
			t.Errorf("%s missing: %v", f, err)
		}
	}
}
