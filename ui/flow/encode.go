package flow

import (
	"bytes"
	"fmt"
	"image"
	"image/draw"
	"image/jpeg"

	xdraw "golang.org/x/image/draw"
)

// fitSize returns w×h scaled down to fit maxW×maxH, keeping the aspect ratio.
func fitSize(w, h, maxW, maxH int) (int, int) {
	if w <= maxW && h <= maxH {
		return w, h
	}
	sx := float64(maxW) / float64(w)
	sy := float64(maxH) / float64(h)
	s := min(sx, sy)
	return max(1, int(float64(w)*s+0.5)), max(1, int(float64(h)*s+0.5))
}

// encodeJPEG scales img down to fit maxW×maxH when needed and encodes it.
func encodeJPEG(img image.Image, maxW, maxH, quality int) ([]byte, error) {
	b := img.Bounds()
	w, h := fitSize(b.Dx(), b.Dy(), maxW, maxH)
	if w != b.Dx() || h != b.Dy() {
		dst := image.NewRGBA(image.Rect(0, 0, w, h))
		xdraw.ApproxBiLinear.Scale(dst, dst.Bounds(), img, b, draw.Src, nil)
		img = dst
	}
	var buf bytes.Buffer
	buf.Grow(w * h / 4)
	if err := jpeg.Encode(&buf, img, &jpeg.Options{Quality: quality}); err != nil {
		return nil, fmt.Errorf("encode JPEG: %w", err)
	}
	return buf.Bytes(), nil
}

// wipeBytes zeroes b: customer data does not linger in freed memory.
func wipeBytes(b []byte) { clear(b) }

// wipeImage zeroes the pixels of the image types the decoders and
// cameras produce.
func wipeImage(img image.Image) {
	switch m := img.(type) {
	case *image.RGBA:
		clear(m.Pix)
	case *image.NRGBA:
		clear(m.Pix)
	case *image.Gray:
		clear(m.Pix)
	case *image.YCbCr:
		clear(m.Y)
		clear(m.Cb)
		clear(m.Cr)
	}
}
