// Package qr reads a verification invitation's QR code from a picture (a
// camera frame or an image file) and finds the verification UUID it holds,
// either as the verification link or as the bare UUID.
package qr

import (
	"errors"
	"fmt"
	"image"
	"strings"

	"github.com/makiuchi-d/gozxing"
	"github.com/makiuchi-d/gozxing/qrcode"

	"github.com/kycterm/kycterm/api"
)

var (
	// ErrNoQR means no QR code could be read in the picture.
	ErrNoQR = errors.New("no QR code found")
	// ErrNoUUID means a QR code was read but holds no verification UUID.
	ErrNoUUID = errors.New("the QR code holds no verification UUID")
	// ErrEmptyImage means the picture has no pixels.
	ErrEmptyImage = errors.New("empty image")
)

// maxPayload bounds the text searched for a UUID; a QR code holds at most
// a few kilobytes.
const maxPayload = 4096

// Read decodes the QR code in img and returns the verification UUID it
// holds. The payload itself is never put in an error: it may be a
// customer's link.
func Read(img image.Image) (string, error) {
	text, err := Decode(img)
	if err != nil {
		return "", err
	}
	id, ok := ExtractUUID(text)
	if !ok {
		return "", ErrNoUUID
	}
	return id, nil
}

// Decode returns the text of the QR code in img, trying harder (rotations,
// finder patterns off-centre) when the quick pass finds nothing.
func Decode(img image.Image) (string, error) {
	if img == nil || img.Bounds().Empty() {
		return "", ErrEmptyImage
	}
	bmp, err := gozxing.NewBinaryBitmapFromImage(img)
	if err != nil {
		return "", fmt.Errorf("read QR code: %w: %v", ErrNoQR, err)
	}
	r := qrcode.NewQRCodeReader()
	hints := map[gozxing.DecodeHintType]any{gozxing.DecodeHintType_TRY_HARDER: true}
	res, err := r.Decode(bmp, hints)
	if err != nil {
		// the global histogram binarizer copes better with evenly lit
		// pictures where the hybrid one sees noise
		bmp2, err2 := gozxing.NewBinaryBitmap(gozxing.NewGlobalHistgramBinarizer(gozxing.NewLuminanceSourceFromImage(img)))
		if err2 != nil {
			return "", fmt.Errorf("read QR code: %w", ErrNoQR)
		}
		res, err = r.Decode(bmp2, hints)
		if err != nil {
			return "", fmt.Errorf("read QR code: %w", ErrNoQR)
		}
	}
	return res.GetText(), nil
}

// ExtractUUID finds the verification UUID in a QR payload or in what an
// operator typed or pasted: the UUID itself or a link that holds one. A
// UUID inside a longer run of hex digits is not taken.
func ExtractUUID(s string) (string, bool) {
	s = strings.TrimSpace(s)
	if api.ValidUUID(s) {
		return s, true
	}
	if len(s) > maxPayload {
		return "", false
	}
	for i := 0; i+36 <= len(s); i++ {
		if !isHexByte(s[i]) {
			continue
		}
		if cand := s[i : i+36]; api.ValidUUID(cand) {
			if (i > 0 && isHexByte(s[i-1])) || (i+36 < len(s) && isHexByte(s[i+36])) {
				continue
			}
			return cand, true
		}
	}
	return "", false
}

func isHexByte(c byte) bool {
	return (c >= '0' && c <= '9') || (c >= 'a' && c <= 'f') || (c >= 'A' && c <= 'F')
}
