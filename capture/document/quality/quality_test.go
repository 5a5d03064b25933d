package quality

import (
	"errors"
	"image"
	"image/color"
	"math"
	"slices"
	"strings"
	"testing"
	"time"
)

func TestAssessMalformed(t *testing.T) {
	one := image.NewGray(image.Rect(0, 0, 1, 1))
	tests := []struct {
		name string
		img  image.Image
		quad *[4]image.Point
		err  error
	}{
		{name: "nil", img: nil, err: ErrEmptyImage},
		{name: "empty", img: image.NewGray(image.Rect(5, 5, 5, 9)), err: ErrEmptyImage},
		{name: "one pixel", img: one},
		{name: "quad outside", img: image.NewGray(image.Rect(0, 0, 50, 40)), quad: &[4]image.Point{{-900, -900}, {-800, -900}, {-800, -850}, {-900, -850}}},
		{name: "degenerate quad", img: image.NewGray(image.Rect(0, 0, 50, 40)), quad: &[4]image.Point{}},
		{name: "offset bounds", img: image.NewRGBA(image.Rect(100, 100, 1400, 900))},
	}
	for _, tc := range tests {
		t.Run(tc.name, func(t *testing.T) {
			r, err := Assess(tc.img, tc.quad, DefaultThresholds())
			if !errors.Is(err, tc.err) {
				t.Fatalf("Assess error %v, want %v", err, tc.err)
			}
			if err == nil && (math.IsNaN(r.Sharpness) || math.IsNaN(r.Glare) || math.IsNaN(r.Luma)) {
				t.Fatalf("NaN in %+v", r)
			}
		})
	}
}

func TestThresholdsValidate(t *testing.T) {
	d := DefaultThresholds()
	mod := func(f func(*Thresholds)) Thresholds { c := d; f(&c); return c }
	tests := []struct {
		name string
		t    Thresholds
		ok   bool
	}{
		{"defaults", d, true},
		{"negative sharpness", mod(func(t *Thresholds) { t.MinSharpness = -1 }), false},
		{"glare over 1", mod(func(t *Thresholds) { t.MaxGlare = 1.5 }), false},
		{"glare NaN", mod(func(t *Thresholds) { t.MaxGlare = math.NaN() }), false},
		{"luma inverted", mod(func(t *Thresholds) { t.MinLuma, t.MaxLuma = 200, 100 }), false},
		{"luma over 255", mod(func(t *Thresholds) { t.MaxLuma = 300 }), false},
		{"doc width over 1", mod(func(t *Thresholds) { t.MinDocWidth = 2 }), false},
	}
	for _, tc := range tests {
		t.Run(tc.name, func(t *testing.T) {
			err := tc.t.Validate()
			if (err == nil) != tc.ok || (err != nil && !errors.Is(err, ErrBadThresholds)) {
				t.Fatalf("Validate() = %v, want ok %v", err, tc.ok)
			}
		})
	}
}

// TestAdvice requires every check's advice to be an action for the
// operator: it starts with a verb in the imperative, not with a finding
// ("Too dark") or a wish ("More light, please").
func TestAdvice(t *testing.T) {
	actions := []string{"Hold", "Tilt", "Turn", "Move", "Bring"}
	for _, c := range []Check{CheckBlur, CheckGlare, CheckDark, CheckBright, CheckSmall} {
		t.Run(string(c), func(t *testing.T) {
			a := c.Advice()
			verb, _, _ := strings.Cut(a, " ")
			if !slices.Contains(actions, verb) || strings.Contains(a, "please") {
				t.Fatalf("advice %q for %s is not an action", a, c)
			}
		})
	}
	if a := Check("other").Advice(); a != "other" {
		t.Errorf("advice for an unknown check = %q", a)
	}
}

// shifted draws a checkerboard moved right by dx pixels.
func shifted(dx int) *image.Gray {
	img := image.NewGray(image.Rect(0, 0, 320, 240))
	for y := 0; y < 240; y++ {
		for x := 0; x < 320; x++ {
			if ((x+dx)/40+y/40)%2 == 0 {
				img.SetGray(x, y, color.Gray{Y: 230})
			}
		}
	}
	return img
}

func TestSteady(t *testing.T) {
	t0 := time.Unix(1000, 0)
	ms := func(n int) time.Time { return t0.Add(time.Duration(n) * time.Millisecond) }
	tests := []struct {
		name   string
		frames []*image.Gray
		times  []time.Time
		want   []bool
	}{
		{name: "still", frames: []*image.Gray{shifted(0), shifted(0), shifted(0), shifted(0)},
			times: []time.Time{ms(0), ms(200), ms(400), ms(600)}, want: []bool{false, false, false, true}},
		{name: "moving", frames: []*image.Gray{shifted(0), shifted(20), shifted(40), shifted(60)},
			times: []time.Time{ms(0), ms(200), ms(400), ms(600)}, want: []bool{false, false, false, false}},
		{name: "moved then still", frames: []*image.Gray{shifted(0), shifted(20), shifted(20), shifted(20), shifted(20)},
			times: []time.Time{ms(0), ms(200), ms(400), ms(600), ms(800)}, want: []bool{false, false, false, false, true}},
		{name: "size change starts over", frames: []*image.Gray{shifted(0), shifted(0), image.NewGray(image.Rect(0, 0, 10, 10)), image.NewGray(image.Rect(0, 0, 10, 10))},
			times: []time.Time{ms(0), ms(600), ms(700), ms(900)}, want: []bool{false, true, false, false}},
	}
	for _, tc := range tests {
		t.Run(tc.name, func(t *testing.T) {
			s := NewSteady()
			for i, f := range tc.frames {
				if got := s.Add(f, tc.times[i]); got != tc.want[i] {
					t.Fatalf("frame %d: steady %v, want %v", i, got, tc.want[i])
				}
			}
		})
	}
}

func BenchmarkSteadyAdd(b *testing.B) {
	s := NewSteady()
	img := image.NewYCbCr(image.Rect(0, 0, 1280, 720), image.YCbCrSubsampleRatio420)
	t := time.Unix(0, 0)
	for b.Loop() {
		t = t.Add(33 * time.Millisecond)
		s.Add(img, t)
	}
}
