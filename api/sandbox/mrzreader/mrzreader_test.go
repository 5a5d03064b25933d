package mrzreader

import (
	"context"
	"errors"
	"image"
	"image/jpeg"
	"slices"
	"testing"
	"time"

	"github.com/kycterm/kycterm/assets"
	"github.com/kycterm/kycterm/capture/document/mrz"
	"github.com/kycterm/kycterm/capture/document/mrz/synth"
)

// alter returns the specimen with the character at line, col (0-based)
// replaced by c.
func alter(line, col int, c byte) []string {
	out := slices.Clone(synth.SpecimenTD3())
	b := []byte(out[line])
	b[col] = c
	out[line] = string(b)
	return out
}

// TestResult checks the confidence formula and the warnings on the
// specimen, on copies with one check digit altered and on one whose birth
// date carries a letter the parser repairs.
func TestResult(t *testing.T) {
	today := time.Date(2010, 1, 1, 0, 0, 0, 0, time.UTC) // before the specimen expires
	const (
		docDigit   = "the check digit of the document number does not match (line 2, column 10)"
		birthDigit = "the check digit of the birth date does not match (line 2, column 20)"
		composite  = "the check digit of the composite does not match (line 2, column 44)"
	)
	for _, tc := range []struct {
		name     string
		lines    []string
		conf     float64
		warnings []string
	}{
		{"specimen", synth.SpecimenTD3(), 1, nil},
		{"document number digit", alter(1, 9, '7'), 0.6, []string{docDigit, composite}},
		{"birth date digit", alter(1, 19, '3'), 0.6, []string{birthDigit, composite}},
		{"composite digit", alter(1, 43, '1'), 0.8, []string{composite}},
		{"birth date repaired", alter(1, 16, 'B'), 1, []string{"the birth date was corrected so that its check digit holds"}},
	} {
		t.Run(tc.name, func(t *testing.T) {
			r, err := mrz.Parse(tc.lines, mrz.Options{Today: today})
			if err != nil {
				t.Fatal(err)
			}
			res := Result(r)
			if res.Confidence != tc.conf {
				t.Errorf("confidence %v, want %v", res.Confidence, tc.conf)
			}
			if !slices.Equal(res.Warnings, tc.warnings) {
				t.Errorf("warnings %q, want %q", res.Warnings, tc.warnings)
			}
			for k, want := range map[string]string{"lastName": "ERIKSSON", "firstName": "ANNA MARIA",
				"dob": "1974-08-12", "sex": "F", "expiry_date": "2012-04-15"} {
				if res.Data[k] != want {
					t.Errorf("%s = %v, want %q", k, res.Data[k], want)
				}
			}
		})
	}
}

// TestReadDocumentWithoutMRZ checks that an image without an MRZ is an
// answer without data, not an error, and that a cancelled request is.
func TestReadDocumentWithoutMRZ(t *testing.T) {
	r, err := New()
	if err != nil {
		t.Fatal(err)
	}
	blank := image.NewGray(image.Rect(0, 0, 320, 240))
	res, err := r.ReadDocument(context.Background(), blank, "passport", "ru")
	if err != nil {
		t.Fatal(err)
	}
	if len(res.Data) != 0 || !slices.Equal(res.Warnings, []string{NoMRZ}) || res.Confidence != 0 {
		t.Errorf("blank image read as %+v", res)
	}
	ctx, cancel := context.WithCancel(context.Background())
	cancel()
	_, err = r.ReadDocument(ctx, blank, "passport", "ru")
	if !errors.Is(err, context.Canceled) || err == context.Canceled {
		t.Errorf("cancelled: %v, want context.Canceled wrapped with context", err)
	}
}

// BenchmarkReadDocument reads the demo passport photo, as the sandbox does
// for recognize-document and for each check after an upload.
func BenchmarkReadDocument(b *testing.B) {
	r, err := New()
	if err != nil {
		b.Fatal(err)
	}
	f, err := assets.Demo().Open("passport.jpg")
	if err != nil {
		b.Fatal(err)
	}
	img, err := jpeg.Decode(f)
	f.Close()
	if err != nil {
		b.Fatal(err)
	}
	for b.Loop() {
		if _, err := r.ReadDocument(context.Background(), img, "passport", "ru"); err != nil {
			b.Fatal(err)
		}
	}
}
