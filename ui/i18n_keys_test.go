package ui

import (
	"os"
	"path/filepath"
	"regexp"
	"testing"

	"github.com/kycterm/kycterm/ui/i18n"
)

// TestEveryKeyTranslated finds every key the screens look up literally
// and checks both catalogs have it: a typo would show the key on screen.
func TestEveryKeyTranslated(t *testing.T) {
	files, err := filepath.Glob("*.go")
	if err != nil {
		t.Fatal(err)
	}
	keyRE := regexp.MustCompile(`\bt\("([a-z0-9_.]+)"|b\("[^"]*", "([a-z0-9_.]+)"`)
	seen := map[string]bool{}
	for _, f := range files {
		if filepath.Ext(f) != ".go" || len(f) > 8 && f[len(f)-8:] == "_test.go" {
			continue
		}
		src, err := os.ReadFile(f)
		if err != nil {
			t.Fatal(err)
		}
		for _, m := range keyRE.FindAllStringSubmatch(string(src), -1) {
			k := m[1] + m[2]
			seen[k] = true
		}
	}
	if len(seen) < 100 {
		t.Fatalf("found only %d keys: the pattern no longer matches the code", len(seen))
	}
	for _, lang := range i18n.Langs() {
		tr, err := i18n.New(lang)
		if err != nil {
			t.Fatal(err)
		}
		for k := range seen {
			if !tr.Has(k) {
				t.Errorf("%s lacks %q", lang, k)
			}
		}
	}
}
