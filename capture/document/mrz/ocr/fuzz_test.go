package ocr

import (
	"bytes"
	"errors"
	"image/jpeg"
	"image/png"
	"testing"

	"github.com/kycterm/kycterm/capture"
	"github.com/kycterm/kycterm/capture/document/mrz"
	"github.com/kycterm/kycterm/capture/document/mrz/synth"
)

// maxFuzzPixels keeps the fuzzer on pictures it can read quickly (a
// reading takes every fallback on most mutated pictures); the decoder
// itself allows capture.MaxImagePixels.
const maxFuzzPixels = 300_000

// FuzzDecodeAndRead runs what `kycterm mrz --image` does after the file
// checks of capture.ReadImageFile, on arbitrary file bytes: decode them
// with capture.DecodeImage, then read the MRZ in any orientation.
// Every outcome must be a reading of a known format or one of the
// documented errors, never a panic.
func FuzzDecodeAndRead(f *testing.F) {
	rd, rr := newTestReader(f)
	page := render(f, rr, synth.SpecimenTD3(), "camera", 75, 3)
	var jb, pb bytes.Buffer
	if err := jpeg.Encode(&jb, page, &jpeg.Options{Quality: 80}); err != nil {
		f.Fatal(err)
	}
	if err := png.Encode(&pb, page); err != nil {
		f.Fatal(err)
	}
	f.Add(jb.Bytes())
	f.Add(pb.Bytes())
	f.Add(jb.Bytes()[:jb.Len()/2])
	f.Add([]byte("GIF89a"))
	f.Add([]byte{})
	f.Fuzz(func(t *testing.T, data []byte) {
		img, _, err := capture.DecodeImage("fuzz.jpg", data)
		if err != nil {
			if !errors.Is(err, capture.ErrUnsupportedImage) && !errors.Is(err, capture.ErrCorruptFrame) &&
				!errors.Is(err, capture.ErrImageTooLarge) {
				t.Fatalf("decode error %v wraps no capture sentinel", err)
			}
			return
		}
		if b := img.Bounds(); b.Dx()*b.Dy() > maxFuzzPixels {
			return
		}
		got, err := rd.Read(img, Options{Today: today, AnyOrientation: true})
		if err != nil {
			if !errors.Is(err, ErrNoMRZ) && !errors.Is(err, ErrImageSize) {
				t.Fatalf("read error %v", err)
			}
			return
		}
		if got.Result == nil || got.Result.Format == mrz.FormatUnknown || got.Confidence < 0 || got.Confidence > 1 {
			t.Fatalf("bad reading %+v", got)
		}
	})
}
