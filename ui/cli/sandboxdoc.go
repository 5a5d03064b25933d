package cli

import (
	"context"
	"fmt"
	"image"

	"github.com/kycterm/kycterm/api/sandbox"
	"github.com/kycterm/kycterm/capture/document/mrz"
	"github.com/kycterm/kycterm/capture/document/mrz/ocr"
)

// sandboxDocumentReader is the local MRZ reader as the sandbox's
// DocumentReader: recognize-document answers with the fields the MRZ
// holds, keyed as the service's OCR keys them (mrz.Result.Fields), and
// check compares the posted fields with them.
type sandboxDocumentReader struct {
	r *ocr.Reader
}

// newSandboxDocumentReader draws the reader's OCR-B templates.
func newSandboxDocumentReader() (*sandboxDocumentReader, error) {
	r, err := ocr.NewReader()
	if err != nil {
		return nil, fmt.Errorf("sandbox document reader: %w", err)
	}
	return &sandboxDocumentReader{r: r}, nil
}

// ReadDocument reads the MRZ of img. The confidence is the share of the
// layout's check digits that hold (TD3: 5 of 5 → 1, 4 of 5 → 0.8), so a
// document the OCR read but whose digits do not add up scores low. The
// warnings are mrz.Result.Problems (each failed check digit, expired,
// under 18, …) plus one per repaired field; none holds MRZ data. An
// image without a readable MRZ is not an error: the answer has no data.
func (s *sandboxDocumentReader) ReadDocument(ctx context.Context, img image.Image, _, _ string) (sandbox.DocumentResult, error) {
	if err := ctx.Err(); err != nil {
		return sandbox.DocumentResult{}, err
	}
	rd, err := s.r.Read(img, ocr.Options{AnyOrientation: true})
	if err != nil {
		return sandbox.DocumentResult{Data: map[string]any{}, Warnings: []string{"no machine-readable zone found"}}, nil
	}
	return documentResult(rd.Result), nil
}

// documentResult maps a parsed MRZ onto the sandbox's answer.
func documentResult(r *mrz.Result) sandbox.DocumentResult {
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
	seen := map[string]bool{}
	for _, rp := range r.Repairs {
		if !seen[rp.Field] {
			seen[rp.Field] = true
			warnings = append(warnings, fmt.Sprintf("the %s was corrected so that its check digit holds", rp.Field))
		}
	}
	return sandbox.DocumentResult{Confidence: conf, Data: data, Warnings: warnings}
}

// withSandboxDocumentReader installs the local MRZ reader as so's
// DocumentReader unless one is set.
func withSandboxDocumentReader(so *sandbox.Options) error {
	if so.DocumentReader != nil {
		return nil
	}
	dr, err := newSandboxDocumentReader()
	if err != nil {
		return err
	}
	so.DocumentReader = dr
	return nil
}
