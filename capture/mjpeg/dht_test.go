package mjpeg

import (
	"bytes"
	"errors"
	"image"
	"image/color"
	"image/jpeg"
	"image/png"
	"os"
	"path/filepath"
	"testing"
)

// scene returns a w×h test picture: the shared portrait scaled to fit when
// it is available (KYCTERM_SHARED, default ../../../shared), otherwise a
// textured synthetic picture.
func scene(tb testing.TB, w, h int) image.Image {
	tb.Helper()
	shared := os.Getenv("KYCTERM_SHARED")
	if shared == "" {
		shared = filepath.Join("..", "..", "..", "shared")
	}
	dst := image.NewRGBA(image.Rect(0, 0, w, h))
	if f, err := os.Open(filepath.Join(shared, "data", "portrait-astronaut.png")); err == nil {
		defer f.Close()
		if src, err := png.Decode(f); err == nil {
			sb := src.Bounds()
			for y := 0; y < h; y++ {
				for x := 0; x < w; x++ {
					dst.Set(x, y, src.At(sb.Min.X+x*sb.Dx()/w, sb.Min.Y+y*sb.Dy()/h))
				}
			}
			return dst
		}
	}
	seed := uint32(1)
	for y := 0; y < h; y++ {
		for x := 0; x < w; x++ {
			seed = seed*1664525 + 1013904223
			n := uint8(seed >> 27)
			dst.Set(x, y, color.RGBA{uint8(x*255/w) ^ n, uint8(y*255/h) + n, uint8((x+y)*3) ^ n, 255})
		}
	}
	return dst
}

func encode(tb testing.TB, img image.Image) []byte {
	tb.Helper()
	var b bytes.Buffer
	if err := jpeg.Encode(&b, img, &jpeg.Options{Quality: 85}); err != nil {
		tb.Fatal(err)
	}
	return b.Bytes()
}

// dhtTables extracts the Huffman tables defined before the first scan,
// keyed by class<<4|id, as bits+values.
func dhtTables(t *testing.T, data []byte) map[byte][]byte {
	t.Helper()
	out := map[byte][]byte{}
	i := 2
	for i+4 <= len(data) {
		m := data[i+1]
		n := int(data[i+2])<<8 | int(data[i+3])
		if m == markerSOS {
			break
		}
		if m == markerDHT {
			seg := data[i+4 : i+2+n]
			for len(seg) > 0 {
				total := 0
				for _, c := range seg[1:17] {
					total += int(c)
				}
				out[seg[0]] = append([]byte(nil), seg[1:17+total]...)
				seg = seg[17+total:]
			}
		}
		i += 2 + n
	}
	return out
}

// TestStandardTablesMatchEncoder checks the Annex K tables against the ones
// Go's JPEG encoder writes, which are the same standard tables.
func TestStandardTablesMatchEncoder(t *testing.T) {
	want := dhtTables(t, encode(t, scene(t, 64, 48)))
	got := dhtTables(t, AppendStandardDHT([]byte{0xFF, markerSOI}))
	if len(want) != 4 || len(got) != 4 {
		t.Fatalf("tables: encoder %d, ours %d; want 4 each", len(want), len(got))
	}
	for k, w := range want {
		if !bytes.Equal(got[k], w) {
			t.Errorf("table class %d id %d differs from the encoder's", k>>4, k&15)
		}
	}
	if n := len(AppendStandardDHT(nil)); n != dhtSegmentLen {
		t.Errorf("segment length %d, want %d", n, dhtSegmentLen)
	}
}

func TestInsertDHTRoundTrip(t *testing.T) {
	orig := encode(t, scene(t, 320, 240))
	stripped, err := StripDHT(orig)
	if err != nil {
		t.Fatal(err)
	}
	if has, _ := HasDHT(stripped); has {
		t.Fatal("StripDHT left a DHT")
	}
	if _, err := jpeg.Decode(bytes.NewReader(stripped)); err == nil {
		t.Fatal("image/jpeg decoded a frame without Huffman tables; the test proves nothing")
	}
	fixed, inserted, err := InsertDHT(nil, stripped)
	if err != nil || !inserted {
		t.Fatalf("InsertDHT = %v, %v", inserted, err)
	}
	if !bytes.Equal(fixed, orig) {
		t.Error("stripped then re-inserted frame differs from the encoder's output")
	}
	again, inserted, err := InsertDHT(make([]byte, 0, 10), orig)
	if err != nil || inserted || !bytes.Equal(again, orig) {
		t.Errorf("InsertDHT on a frame with tables: inserted %v err %v equal %v", inserted, err, bytes.Equal(again, orig))
	}

	want, err := jpeg.Decode(bytes.NewReader(orig))
	if err != nil {
		t.Fatal(err)
	}
	var d Decoder
	for _, in := range [][]byte{orig, stripped} {
		got, err := d.Decode(in)
		if err != nil {
			t.Fatalf("Decode: %v", err)
		}
		a, b := got.(*image.YCbCr), want.(*image.YCbCr)
		if !bytes.Equal(a.Y, b.Y) || !bytes.Equal(a.Cb, b.Cb) || !bytes.Equal(a.Cr, b.Cr) {
			t.Error("decoded pixels differ from the original's")
		}
	}
}

func TestMalformed(t *testing.T) {
	good := encode(t, scene(t, 16, 16))
	sos := bytes.Index(good, []byte{0xFF, markerSOS})
	tests := []struct {
		name string
		in   []byte
		want error
	}{
		{"empty", nil, ErrNotJPEG},
		{"one byte", []byte{0xFF}, ErrNotJPEG},
		{"png", []byte("\x89PNG\r\n\x1a\n"), ErrNotJPEG},
		{"only SOI", []byte{0xFF, 0xD8}, ErrTruncated},
		{"fill bytes to the end", []byte{0xFF, 0xD8, 0xFF, 0xFF}, ErrTruncated},
		{"garbage after SOI", []byte{0xFF, 0xD8, 0x12, 0x34}, ErrNotJPEG},
		{"EOI before scan", []byte{0xFF, 0xD8, 0xFF, 0xD9}, ErrTruncated},
		{"second SOI", []byte{0xFF, 0xD8, 0xFF, 0xD8}, ErrNotJPEG},
		{"stuffed zero", []byte{0xFF, 0xD8, 0xFF, 0x00}, ErrNotJPEG},
		{"no length", []byte{0xFF, 0xD8, 0xFF, 0xE0, 0x00}, ErrTruncated},
		{"length below 2", []byte{0xFF, 0xD8, 0xFF, 0xE0, 0x00, 0x01}, ErrNotJPEG},
		{"segment past end", []byte{0xFF, 0xD8, 0xFF, 0xE0, 0x01, 0x00, 0x00}, ErrTruncated},
		{"cut before scan", good[:sos-3], ErrTruncated},
	}
	for _, tc := range tests {
		t.Run(tc.name, func(t *testing.T) {
			if _, _, err := InsertDHT(nil, tc.in); !errors.Is(err, tc.want) {
				t.Errorf("InsertDHT = %v, want %v", err, tc.want)
			}
			if _, err := Decode(tc.in); !errors.Is(err, tc.want) {
				t.Errorf("Decode = %v, want %v", err, tc.want)
			}
			if _, err := StripDHT(tc.in); !errors.Is(err, tc.want) {
				t.Errorf("StripDHT = %v, want %v", err, tc.want)
			}
		})
	}
	t.Run("truncated scan", func(t *testing.T) {
		stripped, _ := StripDHT(good)
		if _, err := Decode(stripped[:len(stripped)-len(stripped)/3]); err == nil {
			t.Error("Decode accepted a frame cut inside its scan")
		}
	})
}

func FuzzInsertDHT(f *testing.F) {
	var b bytes.Buffer
	_ = jpeg.Encode(&b, image.NewGray(image.Rect(0, 0, 16, 8)), nil)
	f.Add(b.Bytes())
	if s, err := StripDHT(b.Bytes()); err == nil {
		f.Add(s)
	}
	f.Add([]byte{0xFF, 0xD8, 0xFF, 0xDA, 0x00, 0x02})
	f.Fuzz(func(t *testing.T, data []byte) {
		out, inserted, err := InsertDHT(nil, data)
		if err != nil {
			if _, derr := Decode(data); derr == nil {
				t.Fatal("Decode accepted what InsertDHT rejected")
			}
			return
		}
		if has, err := HasDHT(out); err != nil || !has {
			t.Fatalf("output has no DHT (inserted %v): %v", inserted, err)
		}
		if len(out) != len(data)+map[bool]int{true: dhtSegmentLen}[inserted] {
			t.Fatalf("output length %d for input %d (inserted %v)", len(out), len(data), inserted)
		}
		again, ins2, err := InsertDHT(nil, out)
		if err != nil || ins2 || !bytes.Equal(again, out) {
			t.Fatal("InsertDHT is not idempotent")
		}
		if len(data) < 1<<16 {
			_, _ = Decode(data) // must not panic
		}
	})
}

func benchFrames(b *testing.B, w, h int) (withDHT, without []byte) {
	withDHT = encode(b, scene(b, w, h))
	without, err := StripDHT(withDHT)
	if err != nil {
		b.Fatal(err)
	}
	return withDHT, without
}

func BenchmarkDecode(b *testing.B) {
	for _, sz := range []struct {
		name string
		w, h int
	}{{"640x480", 640, 480}, {"1280x720", 1280, 720}} {
		withDHT, without := benchFrames(b, sz.w, sz.h)
		b.Run(sz.name+"/with-DHT", func(b *testing.B) {
			var d Decoder
			b.SetBytes(int64(len(withDHT)))
			for b.Loop() {
				if _, err := d.Decode(withDHT); err != nil {
					b.Fatal(err)
				}
			}
		})
		b.Run(sz.name+"/DHT-inserted", func(b *testing.B) {
			var d Decoder
			b.SetBytes(int64(len(without)))
			for b.Loop() {
				if _, err := d.Decode(without); err != nil {
					b.Fatal(err)
				}
			}
		})
		b.Run(sz.name+"/insert-only", func(b *testing.B) {
			var buf []byte
			b.SetBytes(int64(len(without)))
			for b.Loop() {
				var err error
				if buf, _, err = InsertDHT(buf, without); err != nil {
					b.Fatal(err)
				}
			}
		})
	}
}
