// Package yuv turns the raw pixel formats V4L2 cameras deliver into Go
// images without going through RGB.
//
// The planar formats (I420, grey) are wrapped without copying: the image
// aliases the caller's buffer. The packed and semi-planar formats (YUYV,
// NV12) need their chroma de-interleaved, which is done in one pass into a
// single allocation. YUYVGray is the fast path for analysis that needs only
// luma.
package yuv

import (
	"errors"
	"fmt"
	"image"
)

// ErrShortBuffer reports a buffer too small for the frame size it claims.
var ErrShortBuffer = errors.New("frame buffer too short")

// ErrBadSize reports a frame size that is not positive or not even where
// the format needs it.
var ErrBadSize = errors.New("bad frame size")

func check(w, h, stride, minStride, need, have int, evenW, evenH bool) error {
	if w <= 0 || h <= 0 || w > 1<<15 || h > 1<<15 || (evenW && w%2 != 0) || (evenH && h%2 != 0) {
		return fmt.Errorf("%w: %dx%d", ErrBadSize, w, h)
	}
	if stride < minStride {
		return fmt.Errorf("%w: stride %d below %d", ErrBadSize, stride, minStride)
	}
	if have < need {
		return fmt.Errorf("%w: %d bytes for %dx%d, need %d", ErrShortBuffer, have, w, h, need)
	}
	return nil
}

// YUYVToYCbCr converts packed 4:2:2 YUYV (Y0 U Y1 V) with the given bytes
// per line (stride, at least 2*w) into a 4:2:2 image.YCbCr. The result does
// not alias buf.
func YUYVToYCbCr(buf []byte, w, h, stride int) (*image.YCbCr, error) {
	if err := check(w, h, stride, 2*w, stride*(h-1)+2*w, len(buf), true, false); err != nil {
		return nil, fmt.Errorf("yuyv: %w", err)
	}
	cw := w / 2
	// One allocation for the three planes.
	pix := make([]byte, w*h+2*cw*h)
	img := &image.YCbCr{
		Y:              pix[: w*h : w*h],
		Cb:             pix[w*h : w*h+cw*h : w*h+cw*h],
		Cr:             pix[w*h+cw*h:],
		YStride:        w,
		CStride:        cw,
		SubsampleRatio: image.YCbCrSubsampleRatio422,
		Rect:           image.Rect(0, 0, w, h),
	}
	for y := 0; y < h; y++ {
		src := buf[y*stride : y*stride+2*w]
		yr := img.Y[y*w : y*w+w]
		cb := img.Cb[y*cw : y*cw+cw]
		cr := img.Cr[y*cw : y*cw+cw]
		for x := 0; x < cw; x++ {
			s := src[4*x : 4*x+4 : 4*x+4]
			yr[2*x] = s[0]
			cb[x] = s[1]
			yr[2*x+1] = s[2]
			cr[x] = s[3]
		}
	}
	return img, nil
}

// YUYVGray extracts the luma of a YUYV frame into an image.Gray, the fast
// path for analysis that does not need colour. The result does not alias buf.
func YUYVGray(buf []byte, w, h, stride int) (*image.Gray, error) {
	if err := check(w, h, stride, 2*w, stride*(h-1)+2*w, len(buf), true, false); err != nil {
		return nil, fmt.Errorf("yuyv: %w", err)
	}
	img := image.NewGray(image.Rect(0, 0, w, h))
	for y := 0; y < h; y++ {
		src := buf[y*stride : y*stride+2*w]
		dst := img.Pix[y*w : y*w+w]
		for x := range dst {
			dst[x] = src[2*x]
		}
	}
	return img, nil
}

// I420ToYCbCr wraps planar 4:2:0 (Y plane, then U, then V; the V4L2 format
// YU12) as an image.YCbCr without copying: the image aliases buf. stride is
// the luma bytes per line (at least w); chroma lines are stride/2.
func I420ToYCbCr(buf []byte, w, h, stride int) (*image.YCbCr, error) {
	cs := (stride + 1) / 2
	ch := (h + 1) / 2
	ysize := stride * h
	need := ysize + 2*cs*ch
	if err := check(w, h, stride, w, need, len(buf), false, false); err != nil {
		return nil, fmt.Errorf("yuv420: %w", err)
	}
	return &image.YCbCr{
		Y:              buf[:ysize:ysize],
		Cb:             buf[ysize : ysize+cs*ch : ysize+cs*ch],
		Cr:             buf[ysize+cs*ch : need : need],
		YStride:        stride,
		CStride:        cs,
		SubsampleRatio: image.YCbCrSubsampleRatio420,
		Rect:           image.Rect(0, 0, w, h),
	}, nil
}

// NV12ToYCbCr converts semi-planar 4:2:0 (Y plane, then interleaved U V)
// into an image.YCbCr. The luma plane aliases buf; the chroma is
// de-interleaved into a new allocation.
func NV12ToYCbCr(buf []byte, w, h, stride int) (*image.YCbCr, error) {
	ch := (h + 1) / 2
	cw := (w + 1) / 2
	ysize := stride * h
	need := ysize + stride*(ch-1) + 2*cw
	if err := check(w, h, stride, w+w%2, need, len(buf), false, false); err != nil {
		return nil, fmt.Errorf("nv12: %w", err)
	}
	chroma := make([]byte, 2*cw*ch)
	img := &image.YCbCr{
		Y:              buf[:ysize:ysize],
		Cb:             chroma[: cw*ch : cw*ch],
		Cr:             chroma[cw*ch:],
		YStride:        stride,
		CStride:        cw,
		SubsampleRatio: image.YCbCrSubsampleRatio420,
		Rect:           image.Rect(0, 0, w, h),
	}
	for y := 0; y < ch; y++ {
		src := buf[ysize+y*stride : ysize+y*stride+2*cw]
		cb := img.Cb[y*cw : y*cw+cw]
		cr := img.Cr[y*cw : y*cw+cw]
		for x := range cb {
			cb[x] = src[2*x]
			cr[x] = src[2*x+1]
		}
	}
	return img, nil
}

// GreyToGray wraps 8-bit grey (V4L2 GREY) as an image.Gray without copying:
// the image aliases buf.
func GreyToGray(buf []byte, w, h, stride int) (*image.Gray, error) {
	if err := check(w, h, stride, w, stride*(h-1)+w, len(buf), false, false); err != nil {
		return nil, fmt.Errorf("grey: %w", err)
	}
	return &image.Gray{Pix: buf[: stride*(h-1)+w : stride*(h-1)+w], Stride: stride, Rect: image.Rect(0, 0, w, h)}, nil
}

// Luma returns the luma of img as an image.Gray: without copying for
// *image.YCbCr (its Y plane) and *image.Gray, by conversion otherwise.
func Luma(img image.Image) *image.Gray {
	switch m := img.(type) {
	case *image.Gray:
		return m
	case *image.YCbCr:
		return &image.Gray{Pix: m.Y, Stride: m.YStride, Rect: m.Rect}
	}
	b := img.Bounds()
	g := image.NewGray(b)
	for y := b.Min.Y; y < b.Max.Y; y++ {
		for x := b.Min.X; x < b.Max.X; x++ {
			g.Set(x, y, img.At(x, y))
		}
	}
	return g
}
