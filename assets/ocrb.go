package assets

import (
	"embed"
	"io/fs"
)

// ocrbFiles are the OCR-B glyph outlines of the MRZ character set, made by
// capture/document/mrz/ocrb/gen/gen_outlines.py from Debian's fonts-ocr-b,
// with the font's copyright file.
//
//go:embed ocrb/ocrb-mrz.json ocrb/COPYRIGHT
var ocrbFiles embed.FS

// OCRB returns the OCR-B files: "ocrb-mrz.json" (outlines of 0-9 A-Z < in
// font units) and "COPYRIGHT" (the font is public domain).
func OCRB() fs.FS {
	sub, err := fs.Sub(ocrbFiles, "ocrb")
	if err != nil {
		// fs.Sub fails only on an invalid path, and "ocrb" is a constant.
		panic(err)
	}
	return sub
}
