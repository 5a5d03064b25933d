package cli

import (
	"github.com/kycterm/kycterm/assets"
	"github.com/kycterm/kycterm/capture/face"
	"github.com/kycterm/kycterm/ui/flow"
)

// newFaceAnalyzer loads the embedded face models as the flow's analyzer, or
// returns nil when off is set (the verify request then carries no
// measurements and an empty antiSpoofing object).
func newFaceAnalyzer(off bool) (*flow.FaceAnalyzer, error) {
	if off {
		return nil, nil
	}
	return flow.NewFaceAnalyzer(assets.Models(), face.Options{})
}
