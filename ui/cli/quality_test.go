package cli

import (
	"testing"

	"github.com/kycterm/kycterm/capture/document/quality"
	"github.com/kycterm/kycterm/config"
)

// TestQualityThresholds checks that the configured defaults are the
// thresholds capture/document/quality measured, and valid.
func TestQualityThresholds(t *testing.T) {
	got := qualityThresholds(config.Default().Document.Quality)
	if want := quality.DefaultThresholds(); got != want {
		t.Fatalf("config defaults %+v, want %+v", got, want)
	}
	if err := got.Validate(); err != nil {
		t.Fatal(err)
	}
}
