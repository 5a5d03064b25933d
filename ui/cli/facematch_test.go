package cli

import (
	"context"
	"errors"
	"image"
	"testing"
	"time"

	"github.com/kycterm/kycterm/api/sandbox"
	"github.com/kycterm/kycterm/capture/face/match"
)

func TestNewFaceMatcher(t *testing.T) {
	ctx, cancel := context.WithCancel(context.Background())
	defer cancel()
	for _, tc := range []struct {
		name     string
		env      string
		wantName string
		usage    bool
	}{
		{"default is local", "", "local-mobilefacenet", false},
		{"local", "local", "local-mobilefacenet", false},
		{"histogram", "histogram", sandbox.HistogramMatcher{}.Name(), false},
		{"unknown", "eigenfaces", "", true},
	} {
		t.Run(tc.name, func(t *testing.T) {
			app := &App{Env: func(k string) string {
				if k == faceMatcherEnv {
					return tc.env
				}
				return ""
			}}
			fm, err := demoFaceMatcher(ctx, app)
			if tc.usage {
				var ee *ExitError
				if !errors.As(err, &ee) || ee.Code != ExitUsage {
					t.Fatalf("error %v, want a usage error", err)
				}
				return
			}
			if err != nil {
				t.Fatal(err)
			}
			n, ok := fm.(interface{ Name() string })
			if !ok || n.Name() != tc.wantName {
				t.Errorf("matcher %T, want one named %q", fm, tc.wantName)
			}
		})
	}
}

// TestLocalFaceMatcherClosedWithContext checks that the local matcher's
// models are released when the context ends.
func TestLocalFaceMatcherClosedWithContext(t *testing.T) {
	ctx, cancel := context.WithCancel(context.Background())
	fm, err := newFaceMatcher(ctx, faceMatcherLocal)
	if err != nil {
		t.Fatal(err)
	}
	m := fm.(*match.Matcher)
	grey := image.NewGray(image.Rect(0, 0, 8, 8))
	if _, err := m.Compare(context.Background(), grey, nil); err != nil {
		t.Fatalf("before cancel: %v", err)
	}
	cancel()
	// context.AfterFunc closes it in a goroutine of its own: wait for it.
	deadline := time.Now().Add(10 * time.Second)
	for {
		_, err := m.Compare(context.Background(), grey, nil)
		if errors.Is(err, match.ErrClosed) {
			return
		}
		if time.Now().After(deadline) {
			t.Fatalf("after cancel: error %v, want match.ErrClosed", err)
		}
		time.Sleep(10 * time.Millisecond)
	}
}
