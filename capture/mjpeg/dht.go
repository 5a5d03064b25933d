// Package mjpeg decodes the Motion-JPEG frames that USB cameras deliver.
//
// Many cameras omit the Huffman tables (the DHT segment) from every frame
// and rely on the decoder knowing the standard tables of ITU T.81 Annex K.3,
// as Motion-JPEG in AVI specifies. Go's image/jpeg rejects such frames, so
// InsertDHT adds the standard tables before the first scan when a frame has
// none of its own. Frames that carry tables are left alone.
package mjpeg

import (
	"bytes"
	"errors"
	"fmt"
	"image"
	"image/jpeg"
)

// Errors from the marker walk. Both mean the frame is unusable.
var (
	// ErrNotJPEG reports data that does not start with a JPEG SOI marker
	// or whose marker structure is broken.
	ErrNotJPEG = errors.New("not a JPEG frame")
	// ErrTruncated reports a frame that ends before its first scan.
	ErrTruncated = errors.New("truncated JPEG frame")
)

// JPEG markers used by the walk (ITU T.81 Table B.1).
const (
	markerSOI = 0xD8
	markerEOI = 0xD9
	markerSOS = 0xDA
	markerDHT = 0xC4
	markerTEM = 0x01
	markerRST = 0xD0 // RST0…RST7 are 0xD0…0xD7
)

// Standard Huffman tables, ITU T.81 Annex K.3 (Tables K.3–K.6): for each,
// the number of codes of each length 1…16 and the symbol values in order.
var (
	dcLumBits = [16]byte{0, 1, 5, 1, 1, 1, 1, 1, 1, 0, 0, 0, 0, 0, 0, 0}
	dcChrBits = [16]byte{0, 3, 1, 1, 1, 1, 1, 1, 1, 1, 1, 0, 0, 0, 0, 0}
	dcVals    = [12]byte{0, 1, 2, 3, 4, 5, 6, 7, 8, 9, 10, 11}
	acLumBits = [16]byte{0, 2, 1, 3, 3, 2, 4, 3, 5, 5, 4, 4, 0, 0, 1, 0x7d}
	acLumVals = [162]byte{
		0x01, 0x02, 0x03, 0x00, 0x04, 0x11, 0x05, 0x12, 0x21, 0x31, 0x41, 0x06, 0x13, 0x51, 0x61, 0x07,
		0x22, 0x71, 0x14, 0x32, 0x81, 0x91, 0xa1, 0x08, 0x23, 0x42, 0xb1, 0xc1, 0x15, 0x52, 0xd1, 0xf0,
		0x24, 0x33, 0x62, 0x72, 0x82, 0x09, 0x0a, 0x16, 0x17, 0x18, 0x19, 0x1a, 0x25, 0x26, 0x27, 0x28,
		0x29, 0x2a, 0x34, 0x35, 0x36, 0x37, 0x38, 0x39, 0x3a, 0x43, 0x44, 0x45, 0x46, 0x47, 0x48, 0x49,
		0x4a, 0x53, 0x54, 0x55, 0x56, 0x57, 0x58, 0x59, 0x5a, 0x63, 0x64, 0x65, 0x66, 0x67, 0x68, 0x69,
		0x6a, 0x73, 0x74, 0x75, 0x76, 0x77, 0x78, 0x79, 0x7a, 0x83, 0x84, 0x85, 0x86, 0x87, 0x88, 0x89,
		0x8a, 0x92, 0x93, 0x94, 0x95, 0x96, 0x97, 0x98, 0x99, 0x9a, 0xa2, 0xa3, 0xa4, 0xa5, 0xa6, 0xa7,
		0xa8, 0xa9, 0xaa, 0xb2, 0xb3, 0xb4, 0xb5, 0xb6, 0xb7, 0xb8, 0xb9, 0xba, 0xc2, 0xc3, 0xc4, 0xc5,
		0xc6, 0xc7, 0xc8, 0xc9, 0xca, 0xd2, 0xd3, 0xd4, 0xd5, 0xd6, 0xd7, 0xd8, 0xd9, 0xda, 0xe1, 0xe2,
		0xe3, 0xe4, 0xe5, 0xe6, 0xe7, 0xe8, 0xe9, 0xea, 0xf1, 0xf2, 0xf3, 0xf4, 0xf5, 0xf6, 0xf7, 0xf8,
		0xf9, 0xfa,
	}
	acChrBits = [16]byte{0, 2, 1, 2, 4, 4, 3, 4, 7, 5, 4, 4, 0, 1, 2, 0x77}
	acChrVals = [162]byte{
		0x00, 0x01, 0x02, 0x03, 0x11, 0x04, 0x05, 0x21, 0x31, 0x06, 0x12, 0x41, 0x51, 0x07, 0x61, 0x71,
		0x13, 0x22, 0x32, 0x81, 0x08, 0x14, 0x42, 0x91, 0xa1, 0xb1, 0xc1, 0x09, 0x23, 0x33, 0x52, 0xf0,
		0x15, 0x62, 0x72, 0xd1, 0x0a, 0x16, 0x24, 0x34, 0xe1, 0x25, 0xf1, 0x17, 0x18, 0x19, 0x1a, 0x26,
		0x27, 0x28, 0x29, 0x2a, 0x35, 0x36, 0x37, 0x38, 0x39, 0x3a, 0x43, 0x44, 0x45, 0x46, 0x47, 0x48,
		0x49, 0x4a, 0x53, 0x54, 0x55, 0x56, 0x57, 0x58, 0x59, 0x5a, 0x63, 0x64, 0x65, 0x66, 0x67, 0x68,
		0x69, 0x6a, 0x73, 0x74, 0x75, 0x76, 0x77, 0x78, 0x79, 0x7a, 0x82, 0x83, 0x84, 0x85, 0x86, 0x87,
		0x88, 0x89, 0x8a, 0x92, 0x93, 0x94, 0x95, 0x96, 0x97, 0x98, 0x99, 0x9a, 0xa2, 0xa3, 0xa4, 0xa5,
		0xa6, 0xa7, 0xa8, 0xa9, 0xaa, 0xb2, 0xb3, 0xb4, 0xb5, 0xb6, 0xb7, 0xb8, 0xb9, 0xba, 0xc2, 0xc3,
		0xc4, 0xc5, 0xc6, 0xc7, 0xc8, 0xc9, 0xca, 0xd2, 0xd3, 0xd4, 0xd5, 0xd6, 0xd7, 0xd8, 0xd9, 0xda,
		0xe2, 0xe3, 0xe4, 0xe5, 0xe6, 0xe7, 0xe8, 0xe9, 0xea, 0xf2, 0xf3, 0xf4, 0xf5, 0xf6, 0xf7, 0xf8,
		0xf9, 0xfa,
	}
)

// dhtSegmentLen is the size of the standard DHT segment including its marker.
const dhtSegmentLen = 2 + 2 + 4*(1+16) + 2*12 + 2*162

// AppendStandardDHT appends one DHT segment (marker included) holding the
// four standard tables: luminance DC (class 0, id 0), luminance AC (1, 0),
// chrominance DC (0, 1) and chrominance AC (1, 1).
func AppendStandardDHT(dst []byte) []byte {
	dst = append(dst, 0xFF, markerDHT, byte((dhtSegmentLen-2)>>8), byte((dhtSegmentLen-2)&0xFF))
	table := func(classID byte, bits []byte, vals []byte) {
		dst = append(dst, classID)
		dst = append(dst, bits...)
		dst = append(dst, vals...)
	}
	table(0x00, dcLumBits[:], dcVals[:])
	table(0x10, acLumBits[:], acLumVals[:])
	table(0x01, dcChrBits[:], dcVals[:])
	table(0x11, acChrBits[:], acChrVals[:])
	return dst
}

// scan walks the markers of a JPEG frame up to its first scan and returns
// the offset of the SOS marker and whether a DHT segment came before it.
func scan(data []byte) (sos int, hasDHT bool, err error) {
	if len(data) < 2 || data[0] != 0xFF || data[1] != markerSOI {
		return 0, false, fmt.Errorf("%w: no SOI marker", ErrNotJPEG)
	}
	i := 2
	for {
		if i >= len(data) {
			return 0, false, fmt.Errorf("%w: no scan (SOS) before the end", ErrTruncated)
		}
		if data[i] != 0xFF {
			return 0, false, fmt.Errorf("%w: byte 0x%02x at offset %d where a marker belongs", ErrNotJPEG, data[i], i)
		}
		start := i
		for i < len(data) && data[i] == 0xFF { // fill bytes
			i++
		}
		if i >= len(data) {
			return 0, false, fmt.Errorf("%w: no scan (SOS) before the end", ErrTruncated)
		}
		m := data[i]
		i++
		switch {
		case m == 0x00:
			return 0, false, fmt.Errorf("%w: stuffed byte at offset %d outside a scan", ErrNotJPEG, start)
		case m == markerSOS:
			return start, hasDHT, nil
		case m == markerEOI:
			return 0, false, fmt.Errorf("%w: end of image before any scan", ErrTruncated)
		case m == markerSOI:
			return 0, false, fmt.Errorf("%w: second SOI marker at offset %d", ErrNotJPEG, start)
		case m == markerTEM || (m >= markerRST && m <= markerRST+7):
			continue // stand-alone markers without a length
		}
		if m == markerDHT {
			hasDHT = true
		}
		if i+2 > len(data) {
			return 0, false, fmt.Errorf("%w: segment 0x%02x at offset %d has no length", ErrTruncated, m, start)
		}
		n := int(data[i])<<8 | int(data[i+1])
		if n < 2 {
			return 0, false, fmt.Errorf("%w: segment 0x%02x at offset %d has length %d", ErrNotJPEG, m, start, n)
		}
		i += n
		if i > len(data) {
			return 0, false, fmt.Errorf("%w: segment 0x%02x at offset %d runs past the end", ErrTruncated, m, start)
		}
	}
}

// HasDHT reports whether the frame defines Huffman tables before its first
// scan.
func HasDHT(data []byte) (bool, error) {
	_, has, err := scan(data)
	return has, err
}

// InsertDHT returns the frame with the standard Huffman tables inserted just
// before its first scan, appended to dst[:0] (pass nil to allocate), and
// whether it inserted them. A frame that has its own tables is copied as it
// is. data is never modified.
func InsertDHT(dst, data []byte) (out []byte, inserted bool, err error) {
	sos, has, err := scan(data)
	if err != nil {
		return dst[:0], false, err
	}
	if has {
		return append(dst[:0], data...), false, nil
	}
	if cap(dst) < len(data)+dhtSegmentLen {
		dst = make([]byte, 0, len(data)+dhtSegmentLen)
	}
	out = append(dst[:0], data[:sos]...)
	out = AppendStandardDHT(out)
	out = append(out, data[sos:]...)
	return out, true, nil
}

// Decoder decodes MJPEG frames, inserting the standard Huffman tables where
// a frame lacks them. It reuses one buffer between frames, so a Decoder is
// not safe for concurrent use; the zero value is ready to use.
type Decoder struct {
	buf []byte
	rd  bytes.Reader
}

// Decode decodes one frame. Errors wrap ErrNotJPEG or ErrTruncated for a
// broken marker structure, or carry image/jpeg's error for bad entropy data.
func (d *Decoder) Decode(data []byte) (image.Image, error) {
	sos, has, err := scan(data)
	if err != nil {
		return nil, err
	}
	src := data
	if !has {
		if cap(d.buf) < len(data)+dhtSegmentLen {
			d.buf = make([]byte, 0, len(data)+dhtSegmentLen+len(data)/4)
		}
		d.buf = append(d.buf[:0], data[:sos]...)
		d.buf = AppendStandardDHT(d.buf)
		d.buf = append(d.buf, data[sos:]...)
		src = d.buf
	}
	d.rd.Reset(src)
	img, err := jpeg.Decode(&d.rd)
	d.rd.Reset(nil)
	if err != nil {
		return nil, fmt.Errorf("decode jpeg: %w", err)
	}
	return img, nil
}

// Decode decodes one frame with a fresh Decoder.
func Decode(data []byte) (image.Image, error) {
	var d Decoder
	return d.Decode(data)
}

// StripDHT returns a copy of a JPEG frame without its DHT segments before the
// first scan, the way many cameras send frames. It exists for tests and for
// the VM feeder; decoders never need it.
func StripDHT(data []byte) ([]byte, error) {
	if _, _, err := scan(data); err != nil {
		return nil, err
	}
	out := make([]byte, 0, len(data))
	out = append(out, data[:2]...)
	i := 2
	for {
		start := i
		for data[i] == 0xFF {
			i++
		}
		m := data[i]
		i++
		if m == markerSOS {
			return append(out, data[start:]...), nil
		}
		if m == markerTEM || (m >= markerRST && m <= markerRST+7) {
			out = append(out, data[start:i]...)
			continue
		}
		n := int(data[i])<<8 | int(data[i+1])
		i += n
		if m != markerDHT {
			out = append(out, data[start:i]...)
		}
	}
}
