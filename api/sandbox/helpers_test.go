package sandbox

import (
	"bytes"
	"context"
	"encoding/json"
	"image"
	"image/color"
	"image/jpeg"
	"image/png"
	"io"
	"math"
	"math/rand/v2"
	"net/http"
	"net/http/httptest"
	"strings"
	"sync"
	"testing"
	"time"

	"github.com/kycterm/kycterm/api"
)

// testKey is the API key of the test servers.
const testKey = "7500|abcdefghijABCDEFGHIJ0123456789abcdefghij"

// fakeClock is a settable clock.
type fakeClock struct {
	mu sync.Mutex
	t  time.Time
}

func newFakeClock() *fakeClock {
	return &fakeClock{t: time.Date(2026, 11, 25, 12, 0, 0, 0, time.UTC)}
}

func (c *fakeClock) Now() time.Time {
	c.mu.Lock()
	defer c.mu.Unlock()
	return c.t
}

func (c *fakeClock) Advance(d time.Duration) {
	c.mu.Lock()
	defer c.mu.Unlock()
	c.t = c.t.Add(d)
}

// seededReader is a deterministic io.Reader for Options.Rand.
type seededReader struct {
	mu  sync.Mutex
	rng *rand.ChaCha8
}

func newSeededReader(seed byte) *seededReader {
	var s [32]byte
	s[0] = seed
	return &seededReader{rng: rand.NewChaCha8(s)}
}

func (r *seededReader) Read(p []byte) (int, error) {
	r.mu.Lock()
	defer r.mu.Unlock()
	return r.rng.Read(p)
}

type testServer struct {
	t     testing.TB
	srv   *Server
	clock *fakeClock
}

func newTestServer(t testing.TB, opts Options) *testServer {
	t.Helper()
	clock := newFakeClock()
	if opts.APIKey == "" {
		opts.APIKey = testKey
	}
	if opts.Clock == nil {
		opts.Clock = clock.Now
	}
	if opts.Rand == nil {
		opts.Rand = newSeededReader(1)
	}
	srv, err := New(opts)
	if err != nil {
		t.Fatalf("New: %v", err)
	}
	return &testServer{t: t, srv: srv, clock: clock}
}

// do sends one request to the handler; body is marshalled unless it is a
// string or []byte.
func (ts *testServer) do(method, path string, body any, hdr ...string) *httptest.ResponseRecorder {
	ts.t.Helper()
	var rd io.Reader
	switch b := body.(type) {
	case nil:
	case string:
		rd = strings.NewReader(b)
	case []byte:
		rd = bytes.NewReader(b)
	default:
		raw, err := json.Marshal(b)
		if err != nil {
			ts.t.Fatalf("marshal: %v", err)
		}
		rd = bytes.NewReader(raw)
	}
	req := httptest.NewRequest(method, path, rd)
	req.Header.Set("Content-Type", "application/json")
	for i := 0; i+1 < len(hdr); i += 2 {
		req.Header.Set(hdr[i], hdr[i+1])
	}
	rec := httptest.NewRecorder()
	ts.srv.ServeHTTP(rec, req)
	return rec
}

func decodeInto(t testing.TB, rec *httptest.ResponseRecorder, v any) {
	t.Helper()
	if err := json.Unmarshal(rec.Body.Bytes(), v); err != nil {
		t.Fatalf("decode %q: %v", rec.Body.String(), err)
	}
}

// create makes a verification and returns it.
func (ts *testServer) create(req api.CreateVerificationRequest) api.Verification {
	ts.t.Helper()
	rec := ts.do("PUT", "/webapi/kyc", req, "Authorization", "Bearer "+testKey)
	if rec.Code != http.StatusOK {
		ts.t.Fatalf("create: %d %s", rec.Code, rec.Body)
	}
	var out api.CreateVerificationResponse
	decodeInto(ts.t, rec, &out)
	return out.Item
}

func (ts *testServer) startLiveness(uuid string) api.StartLivenessResponse {
	ts.t.Helper()
	rec := ts.do("POST", "/webapi/kyc/user/"+uuid+"/liveness/start", nil)
	if rec.Code != http.StatusOK {
		ts.t.Fatalf("liveness/start: %d %s", rec.Code, rec.Body)
	}
	var out api.StartLivenessResponse
	decodeInto(ts.t, rec, &out)
	return out
}

// errorsOf returns the Laravel field errors of a 422.
func errorsOf(t testing.TB, rec *httptest.ResponseRecorder) (string, map[string][]string) {
	t.Helper()
	var out struct {
		Message string              `json:"message"`
		Errors  map[string][]string `json:"errors"`
	}
	decodeInto(t, rec, &out)
	return out.Message, out.Errors
}

// wantFieldError fails t unless rec is a 422 whose first error on field
// is msg; it returns the summary message.
func wantFieldError(t testing.TB, rec *httptest.ResponseRecorder, field, msg string) string {
	t.Helper()
	if rec.Code != http.StatusUnprocessableEntity {
		t.Fatalf("status %d: %s", rec.Code, rec.Body)
	}
	summary, errs := errorsOf(t, rec)
	if got := errs[field]; len(got) == 0 || got[0] != msg {
		t.Fatalf("errors[%s] = %v, want %q (all: %v)", field, got, msg, errs)
	}
	return summary
}

// portrait draws a synthetic "face": an ellipse with eyes and a mouth on a
// gradient, shifted by dx and with seeded sensor noise. Same seed and dx
// give the same pixels.
func portrait(w, h, dx int, seed uint64) *image.RGBA {
	img := image.NewRGBA(image.Rect(0, 0, w, h))
	rng := rand.New(rand.NewPCG(seed, 7))
	cx, cy := float64(w)/2+float64(dx), float64(h)/2
	rx, ry := float64(w)*0.18, float64(h)*0.3
	for y := 0; y < h; y++ {
		for x := 0; x < w; x++ {
			c := color.RGBA{uint8(40 + 100*y/h), uint8(60 + 80*x/w), 150, 255}
			nx, ny := (float64(x)-cx)/rx, (float64(y)-cy)/ry
			if nx*nx+ny*ny < 1 {
				c = color.RGBA{220, 180, 150, 255}
				ex := math.Abs(nx) - 0.4
				ey := ny + 0.3
				if ex*ex+ey*ey < 0.02 {
					c = color.RGBA{30, 30, 40, 255}
				}
				my := ny - 0.45
				if math.Abs(nx) < 0.4 && my*my < 0.004 {
					c = color.RGBA{150, 50, 60, 255}
				}
			}
			n := int(rng.IntN(7)) - 3
			c.R, c.G, c.B = addClamp(c.R, n), addClamp(c.G, n), addClamp(c.B, n)
			img.SetRGBA(x, y, c)
		}
	}
	return img
}

func addClamp(v uint8, d int) uint8 {
	return uint8(min(255, max(0, int(v)+d)))
}

// landscape is an unrelated picture: stripes of other colours.
func landscape(w, h int) *image.RGBA {
	img := image.NewRGBA(image.Rect(0, 0, w, h))
	for y := 0; y < h; y++ {
		for x := 0; x < w; x++ {
			img.SetRGBA(x, y, color.RGBA{uint8(x * 7), 200, uint8(255 - (y/20)*30%255), 255})
		}
	}
	return img
}

func jpegURL(t testing.TB, img image.Image) string {
	t.Helper()
	var b bytes.Buffer
	if err := jpeg.Encode(&b, img, &jpeg.Options{Quality: 85}); err != nil {
		t.Fatal(err)
	}
	return api.DataURL("image/jpeg", b.Bytes())
}

func pngURL(t testing.TB, img image.Image) string {
	t.Helper()
	var b bytes.Buffer
	if err := png.Encode(&b, img); err != nil {
		t.Fatal(err)
	}
	return api.DataURL("image/png", b.Bytes())
}

// evidence returns the measurements that show challenge c done, or
// against it when done is false.
func evidence(c string, done bool) (*api.HeadPose, map[string]float64) {
	v := 0.05
	yaw := 0.0
	if done {
		v, yaw = 0.8, 25
	}
	switch c {
	case "turn_left":
		return &api.HeadPose{Yaw: yaw}, nil
	case "turn_right":
		return &api.HeadPose{Yaw: -yaw}, nil
	case "blink":
		return nil, map[string]float64{"eyeBlinkLeft": v, "eyeBlinkRight": v}
	case "smile":
		return nil, map[string]float64{"mouthSmileLeft": v, "mouthSmileRight": v}
	default:
		return nil, map[string]float64{"jawOpen": v}
	}
}

// verifyCase builds a verify request for the challenges of st.
type verifyCase struct {
	perChallenge int  // frames per challenge
	done         bool // measurements show the challenges done
	measure      bool // send measurements at all
	still        bool // every frame the same image
	anti         *float64
	passport     string
	frameURLs    []string // pre-encoded frames to cycle through (else made)
}

func (ts *testServer) verifyRequest(st api.StartLivenessResponse, vc verifyCase) api.VerifyRequest {
	ts.t.Helper()
	start := float64(ts.clock.Now().UnixMilli()) / 1e3
	req := api.VerifyRequest{
		ChallengeToken: st.ChallengeToken,
		AntiSpoofing:   api.AntiSpoofing{Score: vc.anti},
		Passport:       vc.passport,
		DocumentType:   "passport",
		Country:        "ru",
	}
	if req.Passport == "" {
		req.Passport = jpegURL(ts.t, portrait(160, 200, 0, 99))
	}
	n := 0
	for i, ch := range st.Challenges {
		for k := 0; k < vc.perChallenge; k++ {
			var url string
			switch {
			case len(vc.frameURLs) > 0:
				url = vc.frameURLs[n%len(vc.frameURLs)]
			case vc.still:
				url = jpegURL(ts.t, portrait(160, 120, 0, 5))
			default:
				url = jpegURL(ts.t, portrait(160, 120, (n%7)*4-12, uint64(n)))
			}
			fr := api.LivenessFrame{ChallengeIndex: i, Image: url, Timestamp: start + 0.2*float64(n+1)}
			if vc.measure {
				fr.HeadPose, fr.Blendshapes = evidence(ch.Type, vc.done)
			}
			req.Frames = append(req.Frames, fr)
			n++
		}
	}
	return req
}

func f64(v float64) *float64 { return &v }

// fakeReader is a DocumentReader answering fixed data.
type fakeReader struct {
	data map[string]any
	err  error
}

func (f fakeReader) ReadDocument(context.Context, image.Image, string, string) (DocumentResult, error) {
	return DocumentResult{Confidence: 0.9, Data: f.data, Warnings: []string{"synthetic"}}, f.err
}
