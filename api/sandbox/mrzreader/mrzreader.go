// Package mrzreader is the sandbox's DocumentReader backed by the local
// MRZ image reader (capture/document/mrz/ocr): with it, the sandbox's
// recognize-document answers with what the machine-readable zone of the
// posted image holds, and its check compares the posted fields with the
// MRZ of the uploaded passport. `kycterm sandbox` and the demo plug it in.
// The answer (fields, confidence, warnings) is documented with package
// sandbox, under "Document OCR and check"; none of the warnings quotes
// MRZ data.
package mrzreader

import (
	"context"
	"fmt"
	"image"

	"github.com/kycterm/kycterm/api/sandbox"
	"github.com/kycterm/kycterm/capture/document/mrz"
	"github.com/kycterm/kycterm/capture/document/mrz/ocr"
)

// NoMRZ is the warning of an image in which no MRZ was found.
const NoMRZ = "no machine-readable zone found"

// Reader is a sandbox.DocumentReader that reads the MRZ of the image. It
// is safe for concurrent use.
type Reader struct {
	r *ocr.Reader
}

var _ sandbox.DocumentReader = (*Reader)(nil)

// New draws the reader's OCR-B templates (a few milliseconds; make one
// and keep it).
func New() (*Reader, error) {
	r, err := ocr.NewReader()
	if err != nil {
		return nil, fmt.Errorf("sandbox document reader: %w", err)
	}
	return &Reader{r: r}, nil
}

// ReadDocument reads the MRZ of img in any orientation; the document type
// and country are not needed, the MRZ names its own.
func (r *Reader) ReadDocument(ctx context.Context, img image.Image, _, _ string) (sandbox.DocumentResult, error) {
	if err := ctx.Err(); err != nil {
		return sandbox.DocumentResult{}, fmt.Errorf("sandbox document reader: %w", err)
	}
	rd, err := r.r.Read(img, ocr.Options{AnyOrientation: true})
	if err != nil {
		return sandbox.DocumentResult{Data: map[string]any{}, Warnings: []string{NoMRZ}}, nil
	}
	return Result(rd.Result), nil
}

// Result maps a parsed MRZ onto the sandbox's answer: the data are
// mrz.Result.Fields plus sex and expiry_date; the confidence is the share
// of the layout's check digits that hold (TD3: 5 of 5 → 1, 4 of 5 → 0.8);
// the warnings are mrz.Result.Problems plus one per repaired field.
func Result(r *mrz.Result) sandbox.DocumentResult {
	data := map[string]any{}
	for k, v := range r.Fields() {
		data[k] = v
	}
	if r.Sex != "" {
		data["sex"] = r.Sex
	}
	if r.ExpiryDate.Valid() {
		data["expiry_date"] = r.ExpiryDate.String()
	}
	ok := 0
	for _, c := range r.Checks {
		if c.OK {
			ok++
		}
	}
	conf := 0.0
	if len(r.Checks) > 0 {
		conf = float64(ok) / float64(len(r.Checks))
	}
	warnings := r.Problems()
	for _, f := range r.RepairedFields() {
		warnings = append(warnings, fmt.Sprintf("the %s was corrected so that its check digit holds", f))
	}
	return sandbox.DocumentResult{Confidence: conf, Data: data, Warnings: warnings}
}
