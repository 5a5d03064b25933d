package cli

import (
	"encoding/json"
	"fmt"
	"io"
	"math"
	"os"
	"sort"
	"strings"

	"github.com/spf13/cobra"

	"github.com/kycterm/kycterm/assets"
	"github.com/kycterm/kycterm/capture"
	"github.com/kycterm/kycterm/capture/face"
)

// newAnalyzeCmd builds `kycterm analyze`: local face analysis of still
// images, offline.
func newAnalyzeCmd(app *App) *cobra.Command {
	var o struct {
		json      bool
		landmarks bool
	}
	cmd := &cobra.Command{
		Use:   "analyze IMAGE...",
		Short: "Find faces and measure pose, blendshapes and liveness in images",
		Long: `Runs the kiosk's local face analysis on JPEG or PNG images, offline:
per image the faces found (largest first) with their box in pixels, the
face-mesh confidence, the head pose in degrees (yaw > 0: the subject turned
to their own left; pitch > 0: looking up; roll > 0: tilted
counter-clockwise as seen), blendshape scores in [0,1], the anti-spoofing
model's real-face probability, the liveness model's score, and the capture
guidance (no_face, more_than_one_face, too_far, too_close, off_centre,
too_dark, too_bright, blurry, eyes_closed).

Exit codes: 0 every image analysed (even with no face: the output says
so), 2 usage error, 4 some image unreadable (the others are still
analysed).`,
		Example:     "  kycterm analyze face.jpg\n  kycterm analyze frames/*.jpg --json",
		Args:        cobra.MinimumNArgs(1),
		Annotations: map[string]string{annSkipSetup: "true"},
		RunE: func(cmd *cobra.Command, args []string) error {
			an, err := face.NewAnalyzer(assets.Models(), face.Options{})
			if err != nil {
				return fmt.Errorf("start face analysis: %w", err)
			}
			defer an.Close()
			reports := make([]analyzeReport, 0, len(args))
			failed := 0
			for _, path := range args {
				rep := analyzeFile(an, path, o.landmarks)
				if rep.Error != "" {
					failed++
				}
				reports = append(reports, rep)
			}
			if err := printAnalysis(app.Stdout, reports, o.json); err != nil {
				return err
			}
			if failed > 0 {
				return InputError(fmt.Errorf("%d of %d images could not be read", failed, len(args)))
			}
			return nil
		},
	}
	cmd.Flags().BoolVar(&o.json, "json", false, "print JSON")
	cmd.Flags().BoolVar(&o.landmarks, "landmarks", false, "include the 468 normalised mesh points in the JSON")
	return cmd
}

// analyzeReport is the analysis of one image file, as printed.
type analyzeReport struct {
	File      string          `json:"file"`
	Error     string          `json:"error,omitempty"`
	Width     int             `json:"width,omitempty"`
	Height    int             `json:"height,omitempty"`
	FaceFound bool            `json:"faceFound"`
	Found     int             `json:"facesFound"`
	Faces     []analyzedFace  `json:"faces"`
	Guidance  []face.Guidance `json:"guidance"`
}

type analyzedFace struct {
	Box          analyzedBox        `json:"box"`
	Score        float64            `json:"score"`
	DetectScore  float64            `json:"detectorScore"`
	HeadPose     analyzedPose       `json:"headPose"`
	Blendshapes  map[string]float64 `json:"blendshapes"`
	AntiSpoofing *float64           `json:"antiSpoofing"`
	Liveness     *float64           `json:"liveness"`
	Quality      face.Quality       `json:"quality"`
	Landmarks    []analyzedPoint    `json:"landmarks,omitempty"`
}

type analyzedBox struct {
	X int `json:"x"`
	Y int `json:"y"`
	W int `json:"w"`
	H int `json:"h"`
}

type analyzedPose struct {
	Yaw   float64 `json:"yaw"`
	Pitch float64 `json:"pitch"`
	Roll  float64 `json:"roll"`
}

type analyzedPoint struct {
	X float64 `json:"x"`
	Y float64 `json:"y"`
	Z float64 `json:"z"`
}

// analyzeFile reads, decodes and analyses one image; failures to read or
// decode land in the report's Error.
func analyzeFile(an *face.Analyzer, path string, landmarks bool) analyzeReport {
	rep := analyzeReport{File: path, Faces: []analyzedFace{}, Guidance: []face.Guidance{}}
	data, err := readAnalyzeImage(path)
	if err != nil {
		rep.Error = err.Error()
		return rep
	}
	img, _, err := capture.DecodeImage(path, data)
	if err != nil {
		rep.Error = err.Error()
		return rep
	}
	// Each file is a still of its own: no tracking across files.
	an.Reset()
	res, err := an.Analyze(img)
	if err != nil {
		rep.Error = err.Error()
		return rep
	}
	rep.Width, rep.Height = res.Width, res.Height
	rep.FaceFound = len(res.Faces) > 0
	rep.Found = res.Found
	rep.Guidance = append(rep.Guidance, res.Guidance...)
	for i := range res.Faces {
		f := &res.Faces[i]
		af := analyzedFace{
			Box:         analyzedBox{X: roundPx(f.Box.X), Y: roundPx(f.Box.Y), W: roundPx(f.Box.W), H: roundPx(f.Box.H)},
			Score:       round3(f.Score),
			DetectScore: round3(f.DetectScore),
			HeadPose:    analyzedPose{Yaw: round1(f.Pose.Yaw), Pitch: round1(f.Pose.Pitch), Roll: round1(f.Pose.Roll)},
			Blendshapes: map[string]float64{},
			Quality: face.Quality{
				Size: round3(f.Quality.Size), Offset: round3(f.Quality.Offset),
				Brightness: round1(f.Quality.Brightness), Saturated: round3(f.Quality.Saturated),
				Sharpness: round1(f.Quality.Sharpness),
			},
		}
		for k, v := range f.Blendshapes {
			af.Blendshapes[k] = round3(v)
		}
		if f.HasAntiSpoof {
			v := round3(f.AntiSpoof)
			af.AntiSpoofing = &v
		}
		if f.HasLiveness {
			v := round3(f.Liveness)
			af.Liveness = &v
		}
		if landmarks {
			for _, p := range f.NormalizedLandmarks(res.Width, res.Height) {
				af.Landmarks = append(af.Landmarks, analyzedPoint{X: p.X, Y: p.Y, Z: p.Z})
			}
		}
		rep.Faces = append(rep.Faces, af)
	}
	return rep
}

// readAnalyzeImage reads an image file of at most capture.MaxImageBytes.
func readAnalyzeImage(path string) ([]byte, error) {
	st, err := os.Stat(path)
	if err != nil {
		return nil, fmt.Errorf("image: %w", err)
	}
	if !st.Mode().IsRegular() {
		return nil, fmt.Errorf("image %s: not a regular file", path)
	}
	if st.Size() > capture.MaxImageBytes {
		return nil, fmt.Errorf("image %s: %d bytes, over the %d-byte limit", path, st.Size(), capture.MaxImageBytes)
	}
	b, err := os.ReadFile(path)
	if err != nil {
		return nil, fmt.Errorf("image: %w", err)
	}
	return b, nil
}

// printAnalysis prints the reports as JSON ({"images": [...]}) or text.
func printAnalysis(w io.Writer, reps []analyzeReport, asJSON bool) error {
	if asJSON {
		enc := json.NewEncoder(w)
		enc.SetIndent("", "  ")
		if err := enc.Encode(struct {
			Images []analyzeReport `json:"images"`
		}{reps}); err != nil {
			return fmt.Errorf("print analysis: %w", err)
		}
		return nil
	}
	var b strings.Builder
	for _, r := range reps {
		if r.Error != "" {
			fmt.Fprintf(&b, "%s: unreadable: %s\n", r.File, r.Error)
			continue
		}
		switch n := len(r.Faces); n {
		case 0:
			fmt.Fprintf(&b, "%s  %d×%d  no face found\n", r.File, r.Width, r.Height)
		case 1:
			fmt.Fprintf(&b, "%s  %d×%d  1 face\n", r.File, r.Width, r.Height)
		default:
			fmt.Fprintf(&b, "%s  %d×%d  %d faces\n", r.File, r.Width, r.Height, n)
		}
		for i, f := range r.Faces {
			fmt.Fprintf(&b, "  face %d  box %d,%d %d×%d  score %.2f", i+1, f.Box.X, f.Box.Y, f.Box.W, f.Box.H, f.Score)
			if f.DetectScore > 0 {
				fmt.Fprintf(&b, " (detector %.2f)", f.DetectScore)
			}
			fmt.Fprintf(&b, "\n    head pose    yaw %+.1f°  pitch %+.1f°  roll %+.1f°\n", f.HeadPose.Yaw, f.HeadPose.Pitch, f.HeadPose.Roll)
			keys := make([]string, 0, len(f.Blendshapes))
			for k := range f.Blendshapes {
				keys = append(keys, k)
			}
			sort.Strings(keys)
			b.WriteString("    blendshapes ")
			for _, k := range keys {
				fmt.Fprintf(&b, " %s %.2f", k, f.Blendshapes[k])
			}
			b.WriteString("\n")
			fmt.Fprintf(&b, "    anti-spoofing %s  liveness %s\n", optScore(f.AntiSpoofing), optScore(f.Liveness))
		}
		if len(r.Guidance) > 0 {
			g := make([]string, len(r.Guidance))
			for i, x := range r.Guidance {
				g[i] = string(x)
			}
			fmt.Fprintf(&b, "  guidance: %s\n", strings.Join(g, ", "))
		}
	}
	if _, err := io.WriteString(w, b.String()); err != nil {
		return fmt.Errorf("print analysis: %w", err)
	}
	return nil
}

func optScore(v *float64) string {
	if v == nil {
		return "not measured"
	}
	return fmt.Sprintf("%.2f", *v)
}

func roundPx(x float64) int    { return int(math.Round(x)) }
func round1(x float64) float64 { return math.Round(x*10) / 10 }
func round3(x float64) float64 { return math.Round(x*1000) / 1000 }
