package cli

import (
	"context"
	"fmt"

	"github.com/kycterm/kycterm/api/sandbox"
	"github.com/kycterm/kycterm/assets"
	"github.com/kycterm/kycterm/capture/face/match"
)

// The sandbox's face matchers, by the name --face-matcher and
// $KYCTERM_SANDBOX_FACE_MATCHER take.
const (
	// faceMatcherLocal is local face matching with mobilefacenet (package
	// capture/face/match), the default.
	faceMatcherLocal = "local"
	// faceMatcherHistogram is the sandbox's picture-similarity heuristic
	// (sandbox.HistogramMatcher), not face recognition.
	faceMatcherHistogram = "histogram"
	// faceMatcherEnv chooses the matcher of the demo's in-process sandbox
	// and is the default of `kycterm sandbox --face-matcher`.
	faceMatcherEnv = "KYCTERM_SANDBOX_FACE_MATCHER"
)

// defaultFaceMatcher is the matcher named by $KYCTERM_SANDBOX_FACE_MATCHER,
// else local.
func defaultFaceMatcher(app *App) string {
	if app.Env != nil {
		if v := app.Env(faceMatcherEnv); v != "" {
			return v
		}
	}
	return faceMatcherLocal
}

// newFaceMatcher returns the sandbox's face matcher called name. The local
// matcher's models are released when ctx ends.
func newFaceMatcher(ctx context.Context, name string) (sandbox.FaceMatcher, error) {
	switch name {
	case faceMatcherHistogram:
		return sandbox.HistogramMatcher{}, nil
	case faceMatcherLocal:
		m, err := match.NewMatcher(assets.Models(), match.Options{})
		if err != nil {
			return nil, fmt.Errorf("local face matcher: %w", err)
		}
		context.AfterFunc(ctx, m.Close)
		return m, nil
	}
	return nil, UsageError(fmt.Errorf("face matcher %q: use %s or %s", name, faceMatcherLocal, faceMatcherHistogram))
}

// demoFaceMatcher is the face matcher of the demo's in-process sandbox:
// the one $KYCTERM_SANDBOX_FACE_MATCHER names, else local.
func demoFaceMatcher(ctx context.Context, app *App) (sandbox.FaceMatcher, error) {
	return newFaceMatcher(ctx, defaultFaceMatcher(app))
}
