package yuv

import (
	"errors"
	"image"
	"testing"
)

// yuyvFrame builds a w×h YUYV frame with the given stride whose luma is
// (x+y)&255, Cb is x/2 and Cr is y; padding bytes are 0xEE.
func yuyvFrame(w, h, stride int) []byte {
	buf := make([]byte, stride*h)
	for i := range buf {
		buf[i] = 0xEE
	}
	for y := 0; y < h; y++ {
		for x := 0; x < w; x += 2 {
			o := y*stride + 2*x
			buf[o] = byte(x + y)
			buf[o+1] = byte(x / 2)
			buf[o+2] = byte(x + 1 + y)
			buf[o+3] = byte(y)
		}
	}
	return buf
}

func TestYUYV(t *testing.T) {
	for _, tc := range []struct {
		name         string
		w, h, stride int
	}{{"tight", 8, 4, 16}, {"padded", 6, 3, 16}, {"640x480", 640, 480, 1280}} {
		t.Run(tc.name, func(t *testing.T) {
			buf := yuyvFrame(tc.w, tc.h, tc.stride)
			img, err := YUYVToYCbCr(buf, tc.w, tc.h, tc.stride)
			if err != nil {
				t.Fatal(err)
			}
			gray, err := YUYVGray(buf, tc.w, tc.h, tc.stride)
			if err != nil {
				t.Fatal(err)
			}
			if img.Bounds() != image.Rect(0, 0, tc.w, tc.h) || img.SubsampleRatio != image.YCbCrSubsampleRatio422 {
				t.Fatalf("bounds %v ratio %v", img.Bounds(), img.SubsampleRatio)
			}
			for y := 0; y < tc.h; y++ {
				for x := 0; x < tc.w; x++ {
					c := img.YCbCrAt(x, y)
					if c.Y != byte(x+y) || c.Cb != byte(x/2) || c.Cr != byte(y) {
						t.Fatalf("pixel (%d,%d) = %v", x, y, c)
					}
					if g := gray.GrayAt(x, y).Y; g != byte(x+y) {
						t.Fatalf("grey (%d,%d) = %d", x, y, g)
					}
				}
			}
			// The result must not alias the caller's buffer.
			buf[0] ^= 0xFF
			if img.Y[0] != 0 || gray.Pix[0] != 0 {
				t.Error("result aliases the input buffer")
			}
		})
	}
}

func TestPlanar(t *testing.T) {
	const w, h = 6, 4
	// I420: Y (w*h), U (w/2*h/2), V.
	i420 := make([]byte, w*h+2*(w/2)*(h/2))
	for i := range i420 {
		i420[i] = byte(i)
	}
	img, err := I420ToYCbCr(i420, w, h, w)
	if err != nil {
		t.Fatal(err)
	}
	if c := img.YCbCrAt(5, 3); c.Y != 23 || c.Cb != byte(w*h+1*3+2) || c.Cr != byte(w*h+6+1*3+2) {
		t.Errorf("I420 pixel (5,3) = %v", c)
	}
	i420[0] = 200
	if img.Y[0] != 200 {
		t.Error("I420 result should alias the buffer (zero copy)")
	}

	nv12 := make([]byte, w*h+w*(h/2))
	for i := range nv12 {
		nv12[i] = byte(i)
	}
	img, err = NV12ToYCbCr(nv12, w, h, w)
	if err != nil {
		t.Fatal(err)
	}
	// Chroma row 1, column 2: interleaved at w*h + 1*w + 2*2.
	if c := img.YCbCrAt(5, 3); c.Y != 23 || c.Cb != byte(w*h+w+4) || c.Cr != byte(w*h+w+5) {
		t.Errorf("NV12 pixel (5,3) = %v", c)
	}

	grey := make([]byte, 8*3)
	grey[8*2+5] = 77
	g, err := GreyToGray(grey, 6, 3, 8)
	if err != nil {
		t.Fatal(err)
	}
	if g.GrayAt(5, 2).Y != 77 {
		t.Errorf("grey pixel = %d", g.GrayAt(5, 2).Y)
	}
}

func TestMalformed(t *testing.T) {
	tests := []struct {
		name string
		conv func() error
		want error
	}{
		{"yuyv short", func() error { _, err := YUYVToYCbCr(make([]byte, 10), 4, 2, 8); return err }, ErrShortBuffer},
		{"yuyv odd width", func() error { _, err := YUYVToYCbCr(make([]byte, 100), 3, 2, 6); return err }, ErrBadSize},
		{"yuyv small stride", func() error { _, err := YUYVGray(make([]byte, 100), 4, 2, 4); return err }, ErrBadSize},
		{"yuyv zero size", func() error { _, err := YUYVGray(nil, 0, 0, 0); return err }, ErrBadSize},
		{"yuyv negative", func() error { _, err := YUYVGray(nil, -2, 2, 4); return err }, ErrBadSize},
		{"yuyv huge", func() error { _, err := YUYVGray(nil, 1<<16, 2, 1<<17); return err }, ErrBadSize},
		{"i420 short", func() error { _, err := I420ToYCbCr(make([]byte, 35), 6, 4, 6); return err }, ErrShortBuffer},
		{"nv12 short", func() error { _, err := NV12ToYCbCr(make([]byte, 30), 6, 4, 6); return err }, ErrShortBuffer},
		{"grey short", func() error { _, err := GreyToGray(make([]byte, 5), 3, 2, 3); return err }, ErrShortBuffer},
	}
	for _, tc := range tests {
		t.Run(tc.name, func(t *testing.T) {
			if err := tc.conv(); !errors.Is(err, tc.want) {
				t.Errorf("got %v, want %v", err, tc.want)
			}
		})
	}
}

func FuzzYUYV(f *testing.F) {
	f.Add([]byte{1, 2, 3, 4}, 2, 1, 4)
	f.Fuzz(func(t *testing.T, buf []byte, w, h, stride int) {
		if w > 4096 || h > 4096 || stride > 1<<14 {
			return
		}
		img, err := YUYVToYCbCr(buf, w, h, stride)
		if err == nil && (img.Bounds().Dx() != w || img.Bounds().Dy() != h) {
			t.Fatal("wrong bounds")
		}
		_, _ = YUYVGray(buf, w, h, stride)
		_, _ = NV12ToYCbCr(buf, w, h, stride)
		_, _ = I420ToYCbCr(buf, w, h, stride)
		_, _ = GreyToGray(buf, w, h, stride)
	})
}

func BenchmarkYUYV(b *testing.B) {
	for _, sz := range []struct {
		name string
		w, h int
	}{{"640x480", 640, 480}, {"1280x720", 1280, 720}} {
		buf := yuyvFrame(sz.w, sz.h, 2*sz.w)
		b.Run(sz.name+"/YCbCr", func(b *testing.B) {
			b.SetBytes(int64(len(buf)))
			for b.Loop() {
				if _, err := YUYVToYCbCr(buf, sz.w, sz.h, 2*sz.w); err != nil {
					b.Fatal(err)
				}
			}
		})
		b.Run(sz.name+"/Gray", func(b *testing.B) {
			b.SetBytes(int64(len(buf)))
			for b.Loop() {
				if _, err := YUYVGray(buf, sz.w, sz.h, 2*sz.w); err != nil {
					b.Fatal(err)
				}
			}
		})
	}
}
