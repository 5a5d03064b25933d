package qr

import (
	"bytes"
	"errors"
	"image"
	"image/color"
	"image/jpeg"
	"math"
	"math/rand/v2"
	"strings"
	"testing"

	"github.com/makiuchi-d/gozxing"
	"github.com/makiuchi-d/gozxing/qrcode"

	"github.com/kycterm/kycterm/api"
)

const testUUID = "0b6f7c1e-3a52-4d7e-9c1a-2f4e5d6c7b8a"

// encode draws content as a QR code of size×size pixels (quiet zone
// included) on a white canvas of canvas×canvas pixels, centred.
func encode(t testing.TB, content string, size, canvas int) *image.Gray {
	t.Helper()
	m, err := qrcode.NewQRCodeWriter().Encode(content, gozxing.BarcodeFormat_QR_CODE, size, size, nil)
	if err != nil {
		t.Fatalf("encode: %v", err)
	}
	img := image.NewGray(image.Rect(0, 0, canvas, canvas))
	for i := range img.Pix {
		img.Pix[i] = 255
	}
	off := (canvas - m.GetWidth()) / 2
	for y := 0; y < m.GetHeight(); y++ {
		for x := 0; x < m.GetWidth(); x++ {
			if m.Get(x, y) {
				img.SetGray(off+x, off+y, color.Gray{})
			}
		}
	}
	return img
}

// rotate turns img by deg degrees about its centre (nearest neighbour,
// white outside).
func rotate(img *image.Gray, deg float64) *image.Gray {
	b := img.Bounds()
	out := image.NewGray(b)
	s, c := math.Sincos(deg * math.Pi / 180)
	cx, cy := float64(b.Dx())/2, float64(b.Dy())/2
	for y := 0; y < b.Dy(); y++ {
		for x := 0; x < b.Dx(); x++ {
			dx, dy := float64(x)-cx, float64(y)-cy
			sx, sy := int(math.Round(c*dx+s*dy+cx)), int(math.Round(-s*dx+c*dy+cy))
			v := uint8(255)
			if image.Pt(sx, sy).In(b) {
				v = img.GrayAt(sx, sy).Y
			}
			out.SetGray(x, y, color.Gray{Y: v})
		}
	}
	return out
}

func TestRead(t *testing.T) {
	tests := []struct {
		name string
		img  image.Image
		want string
		err  error
	}{
		{name: "link", img: encode(t, "https://amlkyc.tech/kyc/"+testUUID+"?lang=en", 300, 400), want: testUUID},
		{name: "bare uuid", img: encode(t, testUUID, 200, 320), want: testUUID},
		{name: "upper-case uuid", img: encode(t, strings.ToUpper(testUUID), 200, 320), want: strings.ToUpper(testUUID)},
		{name: "small in a large frame", img: encode(t, "https://amlkyc.tech/kyc/"+testUUID, 160, 640), want: testUUID},
		{name: "large", img: encode(t, testUUID, 900, 960), want: testUUID},
		{name: "rotated 90", img: rotate(encode(t, testUUID, 240, 320), 90), want: testUUID},
		{name: "rotated 15", img: rotate(encode(t, "https://amlkyc.tech/kyc/"+testUUID, 260, 400), 15), want: testUUID},
		{name: "not a uuid", img: encode(t, "https://example.com/hello", 200, 300), err: ErrNoUUID},
		{name: "uuid in longer hex", img: encode(t, "a"+testUUID, 200, 300), err: ErrNoUUID},
		{name: "no qr", img: image.NewGray(image.Rect(0, 0, 200, 200)), err: ErrNoQR},
		{name: "empty", img: image.NewGray(image.Rect(0, 0, 0, 0)), err: ErrEmptyImage},
		{name: "nil", img: nil, err: ErrEmptyImage},
	}
	for _, tc := range tests {
		t.Run(tc.name, func(t *testing.T) {
			got, err := Read(tc.img)
			if tc.err != nil {
				if !errors.Is(err, tc.err) {
					t.Fatalf("Read = %q, %v; want error %v", got, err, tc.err)
				}
				return
			}
			if err != nil || got != tc.want {
				t.Fatalf("Read = %q, %v; want %q", got, err, tc.want)
			}
		})
	}
}

func TestReadErrorHidesPayload(t *testing.T) {
	_, err := Read(encode(t, "https://example.com/secret-token-123", 200, 300))
	if err == nil || strings.Contains(err.Error(), "secret") {
		t.Fatalf("Read error = %v; want ErrNoUUID without the payload", err)
	}
}

func TestExtractUUID(t *testing.T) {
	tests := []struct {
		name, in, want string
		ok             bool
	}{
		{name: "bare", in: testUUID, want: testUUID, ok: true},
		{name: "spaces", in: "  " + testUUID + "\n", want: testUUID, ok: true},
		{name: "link", in: "https://amlkyc.tech/kyc/" + testUUID, want: testUUID, ok: true},
		{name: "link with query", in: "https://x.test/v?id=" + testUUID + "&l=ru", want: testUUID, ok: true},
		{name: "hex before", in: "a" + testUUID},
		{name: "hex after", in: testUUID + "0"},
		{name: "truncated", in: testUUID[:35]},
		{name: "empty"},
		{name: "huge", in: strings.Repeat("a", 10000)},
		{name: "dashes", in: strings.Repeat("-", 40)},
		{name: "upper case", in: strings.ToUpper(testUUID), want: strings.ToUpper(testUUID), ok: true},
		{name: "link with fragment", in: "https://x.example/v#" + testUUID, want: testUUID, ok: true},
		{name: "short", in: testUUID[:35]},
		{name: "wrong dashes", in: strings.ReplaceAll(testUUID, "-", "_")},
		{name: "non hex", in: "0b6f7c1e-3a52-4d7e-9c1a-2f4e5d6c7b8z"},
		{name: "inside longer hex", in: "a" + testUUID + "b"},
		{name: "path traversal", in: "../../" + testUUID[:30]},
	}
	for _, tc := range tests {
		t.Run(tc.name, func(t *testing.T) {
			got, ok := ExtractUUID(tc.in)
			if got != tc.want || ok != tc.ok {
				t.Fatalf("ExtractUUID(%q) = %q, %v; want %q, %v", tc.in, got, ok, tc.want, tc.ok)
			}
		})
	}
}

func FuzzExtractUUID(f *testing.F) {
	for _, s := range []string{testUUID, "https://amlkyc.tech/kyc/" + testUUID, "", "-----", "a" + testUUID} {
		f.Add(s)
	}
	f.Fuzz(func(t *testing.T, s string) {
		got, ok := ExtractUUID(s)
		if ok != api.ValidUUID(got) {
			t.Fatalf("ExtractUUID(%q) = %q, %v: not a valid UUID", s, got, ok)
		}
		if ok && !strings.Contains(s, got) {
			t.Fatalf("ExtractUUID(%q) = %q, not in the input", s, got)
		}
	})
}

func BenchmarkRead(b *testing.B) {
	img := encode(b, "https://amlkyc.tech/kyc/"+testUUID, 240, 640)
	for b.Loop() {
		if _, err := Read(img); err != nil {
			b.Fatal(err)
		}
	}
}

func BenchmarkReadNoQR(b *testing.B) {
	img := image.NewGray(image.Rect(0, 0, 640, 480))
	for b.Loop() {
		_, _ = Read(img)
	}
}

// cameraFrame puts img, scaled by k and contrast-reduced as a phone
// screen shows it, on a grey 640×480 frame with 3×3 blur and noise, then
// round-trips it through JPEG as a webcam's MJPEG does (YCbCr result).
func cameraFrame(t testing.TB, img *image.Gray, k int, seed uint64) image.Image {
	t.Helper()
	frame := image.NewGray(image.Rect(0, 0, 640, 480))
	rng := rand.New(rand.NewPCG(seed, 3))
	b := img.Bounds()
	ox, oy := (640-b.Dx()*k)/2+37, (480-b.Dy()*k)/2-21
	for y := range 480 {
		for x := range 640 {
			v := 90 + x/16 // uneven background
			sx, sy := (x-ox)/k, (y-oy)/k
			if x >= ox && y >= oy && image.Pt(sx, sy).In(b) {
				v = 45 + int(img.GrayAt(sx, sy).Y)*150/255 // screen: dark 45, light 195
			}
			frame.Pix[y*640+x] = uint8(v)
		}
	}
	blurred := image.NewGray(frame.Rect)
	for y := range 480 {
		for x := range 640 {
			sum, n := 0, 0
			for dy := -1; dy <= 1; dy++ {
				for dx := -1; dx <= 1; dx++ {
					if p := image.Pt(x+dx, y+dy); p.In(frame.Rect) {
						sum += int(frame.GrayAt(p.X, p.Y).Y)
						n++
					}
				}
			}
			noisy := sum/n + int(rng.NormFloat64()*6)
			blurred.Pix[y*640+x] = uint8(min(max(noisy, 0), 255))
		}
	}
	var buf bytes.Buffer
	if err := jpeg.Encode(&buf, blurred, &jpeg.Options{Quality: 75}); err != nil {
		t.Fatal(err)
	}
	// encode as colour so the decoder hands back YCbCr like a camera's MJPEG
	rgb := image.NewRGBA(blurred.Rect)
	dec, err := jpeg.Decode(&buf)
	if err != nil {
		t.Fatal(err)
	}
	for y := range 480 {
		for x := range 640 {
			rgb.Set(x, y, dec.At(x, y))
		}
	}
	buf.Reset()
	if err := jpeg.Encode(&buf, rgb, &jpeg.Options{Quality: 75}); err != nil {
		t.Fatal(err)
	}
	out, err := jpeg.Decode(&buf)
	if err != nil {
		t.Fatal(err)
	}
	if _, ok := out.(*image.YCbCr); !ok {
		t.Fatalf("camera frame is %T, want *image.YCbCr", out)
	}
	return out
}

// TestReadCameraFrame reads invitations held up to a webcam: a phone
// screen's QR code, small or large, slightly turned, in a blurred, noisy,
// JPEG-compressed YCbCr frame, as the kiosk's camera path hands them over.
func TestReadCameraFrame(t *testing.T) {
	link := "https://amlkyc.tech/kyc/" + testUUID
	tests := []struct {
		name string
		img  image.Image
	}{
		{"link, small", cameraFrame(t, encode(t, link, 150, 170), 1, 1)},
		{"link, large", cameraFrame(t, encode(t, link, 150, 170), 2, 2)},
		{"link, turned 10°", cameraFrame(t, rotate(encode(t, link, 200, 260), 10), 1, 3)},
		{"bare uuid", cameraFrame(t, encode(t, testUUID, 130, 150), 2, 4)},
	}
	for _, tc := range tests {
		t.Run(tc.name, func(t *testing.T) {
			got, err := Read(tc.img)
			if err != nil || got != testUUID {
				t.Fatalf("Read = %q, %v; want %q", got, err, testUUID)
			}
		})
	}
}

// maxFuzzPixels bounds FuzzRead's pictures to camera-thumbnail sizes, so
// the fuzzer spends its time on pixel patterns rather than on size.
const maxFuzzPixels = 256 * 256

// FuzzRead feeds arbitrary gray pixels to the QR reader, as a camera may:
// it must return a UUID or one of its errors, never panic.
func FuzzRead(f *testing.F) {
	qr := encode(f, "https://amlkyc.tech/kyc/"+testUUID, 60, 64)
	f.Add(uint8(64), qr.Pix)
	f.Add(uint8(8), make([]byte, 64))
	f.Add(uint8(0), []byte{1})
	f.Fuzz(func(t *testing.T, w uint8, pix []byte) {
		if w == 0 || int(w) > len(pix) || len(pix) > maxFuzzPixels {
			return
		}
		h := len(pix) / int(w)
		img := &image.Gray{Pix: pix[:int(w)*h], Stride: int(w), Rect: image.Rect(0, 0, int(w), h)}
		got, err := Read(img)
		switch {
		case err == nil && !api.ValidUUID(got):
			t.Fatalf("Read = %q: not a UUID", got)
		case err != nil && !errors.Is(err, ErrNoQR) && !errors.Is(err, ErrNoUUID) && !errors.Is(err, ErrEmptyImage):
			t.Fatalf("Read error %v is none of the package's", err)
		}
	})
}
