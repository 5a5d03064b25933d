package cli

import (
	"context"
	"fmt"
	"image"
	"strings"

	"github.com/kycterm/kycterm/capture/document/mrz/ocr"
	"github.com/kycterm/kycterm/ui"
)

// mrzDocumentReader is the local MRZ reader as the TUI's document reader:
// the fields the check needs come from the machine-readable zone, with
// its check digits, warnings and uncertain characters, and the zone's
// outline, which tells the photo check how large the document is.
type mrzDocumentReader struct {
	r *ocr.Reader
}

// newMRZDocumentReader draws the reader's OCR-B templates.
func newMRZDocumentReader() (*mrzDocumentReader, error) {
	r, err := ocr.NewReader()
	if err != nil {
		return nil, err
	}
	return &mrzDocumentReader{r: r}, nil
}

// ReadDocument reads the MRZ of the document photo.
func (m *mrzDocumentReader) ReadDocument(ctx context.Context, img image.Image) (ui.LocalDocument, error) {
	if err := ctx.Err(); err != nil {
		return ui.LocalDocument{}, err
	}
	rd, err := m.r.Read(img, ocr.Options{AnyOrientation: true})
	if err != nil {
		return ui.LocalDocument{}, fmt.Errorf("read the MRZ: %w", err)
	}
	fields := rd.Result.Fields()
	// the session screen chose the document type
	delete(fields, "document_type")
	quad := rd.Quad
	out := ui.LocalDocument{Confidence: rd.Confidence, Fields: fields, MRZ: &quad}
	if !rd.Result.Valid {
		out.Warnings = append(out.Warnings, "MRZ check digits do not hold: compare the fields with the document")
	}
	if fields := rd.Result.RepairedFields(); len(fields) > 0 {
		// Characters changed so that the check digits hold: a misread, or
		// a document whose MRZ does not add up; the operator compares.
		out.Warnings = append(out.Warnings, fmt.Sprintf("MRZ corrected: check digits failed; compare %s with the document", strings.Join(fields, ", ")))
	}
	for _, w := range rd.Result.Warnings {
		out.Warnings = append(out.Warnings, w.Message)
	}
	if n := len(rd.Uncertain); n > 0 {
		out.Warnings = append(out.Warnings, fmt.Sprintf("%d uncertain characters: compare the names with the document", n))
	}
	return out, nil
}
