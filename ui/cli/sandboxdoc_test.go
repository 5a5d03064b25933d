package cli

import (
	"context"
	"io"
	"testing"

	"github.com/kycterm/kycterm/api"
	"github.com/kycterm/kycterm/api/sandbox"
	"github.com/kycterm/kycterm/assets"
)

// TestSandboxDocumentService runs the demo's sandbox with the local MRZ
// reader: recognize-document on the demo passport answers with the ICAO
// specimen's fields (check's match and mismatch are tested with the reader,
// in api/sandbox/mrzreader).
func TestSandboxDocumentService(t *testing.T) {
	ctx, cancel := context.WithCancel(context.Background())
	defer cancel()
	app := &App{Env: func(k string) string {
		if k == faceMatcherEnv {
			return "histogram"
		}
		return ""
	}}
	env, err := startDemo(ctx, app, sandbox.Options{})
	if err != nil {
		t.Fatal(err)
	}
	f, err := assets.Demo().Open("passport.jpg")
	if err != nil {
		t.Fatal(err)
	}
	raw, err := io.ReadAll(f)
	f.Close()
	if err != nil {
		t.Fatal(err)
	}
	passport := api.DataURL("image/jpeg", raw)
	rec, err := env.client.RecognizeDocument(ctx, env.uuid, api.RecognizeRequest{Image: passport, DocumentType: "passport", Country: "ru"})
	if err != nil {
		t.Fatal(err)
	}
	if !rec.Success || rec.Confidence != 1 {
		t.Errorf("success %v confidence %v, want true 1", rec.Success, rec.Confidence)
	}
	for k, want := range map[string]string{
		"lastName": "ERIKSSON", "firstName": "ANNA MARIA", "dob": "1974-08-12", "document_number": "L898902C3",
	} {
		if got, _ := rec.Data[k].(string); got != want {
			t.Errorf("recognized %s = %q, want %q", k, got, want)
		}
	}
}
