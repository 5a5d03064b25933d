package recording

import (
	"errors"
	"image"
	"image/color"
	"os"
	"path/filepath"
	"strings"
	"testing"
	"time"
)

const validManifest = `{
  "format": "kycterm-recording",
  "version": 1,
  "camera": {"device": "/dev/video0", "card": "vivid", "format": "MJPG", "width": 640, "height": 480, "fps": 30},
  "frames": [
    {"file": "000000.jpg", "t": 0},
    {"file": "000001.jpg", "t": 0.033, "challengeIndex": 0, "label": "blink"},
    {"file": "000002.png", "t": 0.066, "challengeIndex": 1, "label": "turn_left"}
  ]
}`

func TestParseValid(t *testing.T) {
	m, err := Parse(strings.NewReader(validManifest))
	if err != nil {
		t.Fatalf("Parse: %v", err)
	}
	if len(m.Frames) != 3 || m.Camera.Width != 640 || m.Camera.Card != "vivid" {
		t.Fatalf("unexpected manifest %+v", m)
	}
	if m.Frames[0].ChallengeIndex != nil {
		t.Errorf("frame 0 challengeIndex = %v, want nil", *m.Frames[0].ChallengeIndex)
	}
	if ci := m.Frames[2].ChallengeIndex; ci == nil || *ci != 1 || m.Frames[2].Label != "turn_left" {
		t.Errorf("frame 2 = %+v", m.Frames[2])
	}
}

func TestParseMalformed(t *testing.T) {
	frame := func(s string) string {
		return `{"format":"kycterm-recording","version":1,"camera":{},"frames":[` + s + `]}`
	}
	tests := []struct {
		name, in, want string
	}{
		{"empty", ``, "not valid JSON"},
		{"not json", `hello`, "not valid JSON"},
		{"array", `[]`, "not valid JSON"},
		{"truncated", validManifest[:40], "not valid JSON"},
		{"trailing", validManifest + `{}`, "trailing data"},
		{"wrong format", `{"format":"other","version":1,"frames":[{"file":"a.jpg","t":0}]}`, "format is"},
		{"version 0", `{"format":"kycterm-recording","version":0,"frames":[{"file":"a.jpg","t":0}]}`, "not a valid version"},
		{"future version", `{"format":"kycterm-recording","version":2,"frames":[{"file":"a.jpg","t":0}]}`, "newer than this program"},
		{"no frames", frame(``), "no frames"},
		{"null frames", `{"format":"kycterm-recording","version":1,"frames":null}`, "no frames"},
		{"empty file", frame(`{"file":"","t":0}`), "empty file name"},
		{"dir traversal", frame(`{"file":"../x.jpg","t":0}`), "not a plain file name"},
		{"subdir", frame(`{"file":"a/x.jpg","t":0}`), "not a plain file name"},
		{"backslash", frame(`{"file":"a\\x.jpg","t":0}`), "not a plain file name"},
		{"absolute", frame(`{"file":"/etc/x.jpg","t":0}`), "not a plain file name"},
		{"hidden", frame(`{"file":".x.jpg","t":0}`), "hidden"},
		{"not image", frame(`{"file":"x.gif","t":0}`), "not .jpg"},
		{"manifest as frame", frame(`{"file":"manifest.json","t":0}`), "is the manifest"},
		{"control char", frame(`{"file":"a\u0007.jpg","t":0}`), "non-printable"},
		{"duplicate", frame(`{"file":"a.jpg","t":0},{"file":"a.jpg","t":1}`), "already used"},
		{"negative t", frame(`{"file":"a.jpg","t":-1}`), "out of range"},
		{"huge t", frame(`{"file":"a.jpg","t":1e300}`), "out of range"},
		{"backwards t", frame(`{"file":"a.jpg","t":2},{"file":"b.jpg","t":1}`), "backwards"},
		{"t string", frame(`{"file":"a.jpg","t":"0"}`), "not valid JSON"},
		{"negative challenge", frame(`{"file":"a.jpg","t":0,"challengeIndex":-1}`), "challengeIndex"},
		{"long label", frame(`{"file":"a.jpg","t":0,"label":"` + strings.Repeat("x", 65) + `"}`), "label longer"},
		{"label control", frame(`{"file":"a.jpg","t":0,"label":"a\nb"}`), "non-printable"},
		{"bad camera size", `{"format":"kycterm-recording","version":1,"camera":{"width":-1},"frames":[{"file":"a.jpg","t":0}]}`, "camera size"},
		{"bad fps", `{"format":"kycterm-recording","version":1,"camera":{"fps":-3},"frames":[{"file":"a.jpg","t":0}]}`, "fps"},
		{"too big", `{"format":"kycterm-recording","version":1,"x":"` + strings.Repeat("a", MaxManifestBytes) + `"}`, "larger than"},
	}
	for _, tc := range tests {
		t.Run(tc.name, func(t *testing.T) {
			_, err := Parse(strings.NewReader(tc.in))
			if err == nil {
				t.Fatal("Parse accepted a bad manifest")
			}
			if !errors.Is(err, ErrBadManifest) {
				t.Errorf("error %v does not wrap ErrBadManifest", err)
			}
			if !strings.Contains(err.Error(), tc.want) {
				t.Errorf("error %q does not mention %q", err, tc.want)
			}
		})
	}
}

func FuzzParse(f *testing.F) {
	f.Add([]byte(validManifest))
	f.Add([]byte(`{"format":"kycterm-recording","version":1,"frames":[{"file":"a.jpg","t":0}]}`))
	f.Add([]byte(`{"frames":[{"file":"../a.jpg","t":-0}]}`))
	f.Fuzz(func(t *testing.T, data []byte) {
		m, err := Parse(strings.NewReader(string(data)))
		if err != nil {
			if !errors.Is(err, ErrBadManifest) {
				t.Fatalf("error %v does not wrap ErrBadManifest", err)
			}
			return
		}
		// Whatever parses must be safe to open as files of a folder.
		for _, fr := range m.Frames {
			if strings.ContainsAny(fr.File, "/\\") || strings.HasPrefix(fr.File, ".") {
				t.Fatalf("unsafe file name %q accepted", fr.File)
			}
			if fr.T < 0 {
				t.Fatalf("negative time accepted")
			}
		}
	})
}

func testImage(w, h int, shade uint8) image.Image {
	img := image.NewRGBA(image.Rect(0, 0, w, h))
	for y := 0; y < h; y++ {
		for x := 0; x < w; x++ {
			img.Set(x, y, color.RGBA{uint8(x * 255 / w), uint8(y * 255 / h), shade, 255})
		}
	}
	return img
}

func TestWriterRoundTrip(t *testing.T) {
	dir := filepath.Join(t.TempDir(), "rec")
	w, err := Create(dir, Camera{Device: "/dev/video9", Format: "MJPG", Width: 32, Height: 24})
	if err != nil {
		t.Fatalf("Create: %v", err)
	}
	infos := []FrameInfo{
		{T: 0, ChallengeIndex: -1},
		{T: 40 * time.Millisecond, ChallengeIndex: 0, Label: "blink"},
		{T: 80 * time.Millisecond, ChallengeIndex: 1, Label: "smile"},
	}
	for i, info := range infos {
		if err := w.AddImage(testImage(32, 24, uint8(i*80)), info); err != nil {
			t.Fatalf("AddImage %d: %v", i, err)
		}
	}
	if err := w.AddImage(testImage(32, 24, 0), FrameInfo{T: 10 * time.Millisecond, ChallengeIndex: -1}); err == nil {
		t.Error("AddImage accepted a time going backwards")
	}
	if err := w.AddJPEG([]byte("not a jpeg"), FrameInfo{T: time.Second, ChallengeIndex: -1}); err == nil {
		t.Error("AddJPEG accepted bytes that are no JPEG")
	}
	if err := w.Close(); err != nil {
		t.Fatalf("Close: %v", err)
	}
	if err := w.AddImage(testImage(32, 24, 0), FrameInfo{T: 2 * time.Second}); !errors.Is(err, ErrClosed) {
		t.Errorf("AddImage after Close: %v, want ErrClosed", err)
	}

	st, err := os.Stat(dir)
	if err != nil {
		t.Fatal(err)
	}
	if st.Mode().Perm() != 0o700 {
		t.Errorf("folder mode %v, want 0700", st.Mode().Perm())
	}
	entries, err := os.ReadDir(dir)
	if err != nil {
		t.Fatal(err)
	}
	if len(entries) != 4 {
		t.Errorf("%d files, want 3 frames and the manifest", len(entries))
	}
	for _, e := range entries {
		fi, err := e.Info()
		if err != nil {
			t.Fatal(err)
		}
		if fi.Mode().Perm() != 0o600 {
			t.Errorf("%s mode %v, want 0600", e.Name(), fi.Mode().Perm())
		}
	}
	mf, err := os.Open(filepath.Join(dir, ManifestFile))
	if err != nil {
		t.Fatal(err)
	}
	defer mf.Close()
	m, err := Parse(mf)
	if err != nil {
		t.Fatalf("Parse written manifest: %v", err)
	}
	if len(m.Frames) != 3 || m.Camera.Device != "/dev/video9" {
		t.Fatalf("manifest %+v", m)
	}
	if m.Frames[0].ChallengeIndex != nil || *m.Frames[1].ChallengeIndex != 0 || m.Frames[2].Label != "smile" {
		t.Errorf("frames %+v", m.Frames)
	}
	if m.Frames[1].T != 0.04 {
		t.Errorf("frame 1 t = %v, want 0.04", m.Frames[1].T)
	}
}

func TestCreateRefuses(t *testing.T) {
	base := t.TempDir()
	nonEmpty := filepath.Join(base, "full")
	if err := os.Mkdir(nonEmpty, 0o755); err != nil {
		t.Fatal(err)
	}
	if err := os.WriteFile(filepath.Join(nonEmpty, "x"), nil, 0o600); err != nil {
		t.Fatal(err)
	}
	empty := filepath.Join(base, "empty")
	if err := os.Mkdir(empty, 0o755); err != nil {
		t.Fatal(err)
	}
	tests := []struct {
		name    string
		dir     string
		wantErr error
	}{
		{"non-empty folder", nonEmpty, ErrNotEmpty},
		{"missing parent", filepath.Join(base, "no", "such"), os.ErrNotExist},
		{"empty folder is fine", empty, nil},
	}
	for _, tc := range tests {
		t.Run(tc.name, func(t *testing.T) {
			_, err := Create(tc.dir, Camera{})
			if tc.wantErr == nil {
				if err != nil {
					t.Fatalf("Create: %v", err)
				}
				st, _ := os.Stat(tc.dir)
				if st.Mode().Perm() != 0o700 {
					t.Errorf("mode %v, want 0700", st.Mode().Perm())
				}
				return
			}
			if !errors.Is(err, tc.wantErr) {
				t.Fatalf("Create(%s) = %v, want %v", tc.dir, err, tc.wantErr)
			}
		})
	}
}

func TestCloseEmpty(t *testing.T) {
	w, err := Create(filepath.Join(t.TempDir(), "r"), Camera{})
	if err != nil {
		t.Fatal(err)
	}
	if err := w.Close(); !errors.Is(err, ErrBadManifest) {
		t.Fatalf("Close of an empty recording = %v, want ErrBadManifest", err)
	}
}
