package cli

import (
	"context"
	"image"
	"image/jpeg"
	"testing"

	"github.com/kycterm/kycterm/assets"
)

func TestMRZDocumentReader(t *testing.T) {
	r, err := newMRZDocumentReader()
	if err != nil {
		t.Fatal(err)
	}
	f, err := assets.Demo().Open("passport.jpg")
	if err != nil {
		t.Fatal(err)
	}
	defer f.Close()
	img, err := jpeg.Decode(f)
	if err != nil {
		t.Fatal(err)
	}
	doc, err := r.ReadDocument(context.Background(), img)
	if err != nil {
		t.Fatal(err)
	}
	for _, k := range []string{"firstName", "lastName", "dob"} {
		if doc.Fields[k] == "" {
			t.Errorf("%s not read: %v", k, doc.Fields)
		}
	}
	if doc.Confidence <= 0 || doc.Confidence > 1 {
		t.Errorf("confidence %v", doc.Confidence)
	}
	if _, err := r.ReadDocument(context.Background(), image.NewGray(image.Rect(0, 0, 640, 480))); err == nil {
		t.Error("a blank picture read as a document")
	}
	ctx, cancel := context.WithCancel(context.Background())
	cancel()
	if _, err := r.ReadDocument(ctx, img); err == nil {
		t.Error("a cancelled read ran")
	}
}
