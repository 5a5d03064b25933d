package cli

import (
	"context"
	"encoding/json"
	"image"
	"image/jpeg"
	"io"
	"strings"
	"testing"

	"github.com/kycterm/kycterm/api"
	"github.com/kycterm/kycterm/api/sandbox"
	"github.com/kycterm/kycterm/assets"
	"github.com/kycterm/kycterm/capture/document/mrz"
)

// specimenTD3 is the ICAO 9303 specimen passport's MRZ.
var specimenTD3 = []string{
	"P<UTOERIKSSON<<ANNA<MARIA<<<<<<<<<<<<<<<<<<<",
	"L898902C36UTO7408122F1204159ZE184226B<<<<<10",
}

// TestSandboxDocumentService runs the demo's sandbox with the local MRZ
// reader: recognize-document on the demo passport answers with the ICAO
// specimen's fields, and check matches them or flags a wrong lastName.
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
	if err := env.client.Upload(ctx, env.uuid, api.UploadRequest{
		Cadrs: []string{passport}, Passport: passport, DocumentType: "passport", Country: "ru",
	}, nil); err != nil {
		t.Fatal(err)
	}
	for _, tc := range []struct {
		name     string
		lastName string
		want     string
	}{
		{"matching fields", "Eriksson", "match "},
		{"wrong lastName", "ERIKSEN", "mismatch lastName"},
	} {
		t.Run(tc.name, func(t *testing.T) {
			p, err := env.client.CheckDocument(ctx, env.uuid, api.CheckRequest{
				FirstName: "ANNA MARIA", LastName: tc.lastName, DOB: "1974-08-12", DocumentNumber: "L898902C3",
			})
			if err != nil {
				t.Fatal(err)
			}
			var steps struct {
				Check struct {
					Status   string   `json:"status"`
					Mismatch []string `json:"mismatch"`
				} `json:"check"`
			}
			if err := json.Unmarshal(p.Steps, &steps); err != nil {
				t.Fatal(err)
			}
			if got := steps.Check.Status + " " + strings.Join(steps.Check.Mismatch, ","); got != tc.want {
				t.Errorf("check %q, want %q", got, tc.want)
			}
		})
	}
}

// TestDocumentResult checks the confidence formula and the warnings on
// the specimen and on copies with one check digit altered.
func TestDocumentResult(t *testing.T) {
	alter := func(line, col int, c byte) []string {
		out := append([]string{}, specimenTD3...)
		b := []byte(out[line])
		b[col] = c
		out[line] = string(b)
		return out
	}
	for _, tc := range []struct {
		name     string
		lines    []string
		conf     float64
		warnings []string
	}{
		{"specimen", specimenTD3, 1, nil},
		{"document number digit", alter(1, 9, '7'), 0.6, []string{"check digit of the document number"}},
		{"birth date digit", alter(1, 19, '3'), 0.6, []string{"check digit of the birth date"}},
	} {
		t.Run(tc.name, func(t *testing.T) {
			r, err := mrz.Parse(tc.lines, mrz.Options{})
			if err != nil {
				t.Fatal(err)
			}
			res := documentResult(r)
			if res.Confidence != tc.conf {
				t.Errorf("confidence %v, want %v", res.Confidence, tc.conf)
			}
			all := strings.Join(res.Warnings, "\n")
			for _, w := range tc.warnings {
				if !strings.Contains(all, w) {
					t.Errorf("warnings %q lack %q", res.Warnings, w)
				}
			}
			if res.Data["lastName"] != "ERIKSSON" {
				t.Errorf("lastName %v", res.Data["lastName"])
			}
		})
	}
}

// TestSandboxDocumentReaderNoMRZ checks that an image without an MRZ is
// an answer without data, not an error.
func TestSandboxDocumentReaderNoMRZ(t *testing.T) {
	r, err := newSandboxDocumentReader()
	if err != nil {
		t.Fatal(err)
	}
	res, err := r.ReadDocument(context.Background(), image.NewGray(image.Rect(0, 0, 320, 240)), "passport", "ru")
	if err != nil {
		t.Fatal(err)
	}
	if len(res.Data) != 0 || len(res.Warnings) == 0 {
		t.Errorf("blank image read as %+v", res)
	}
}

func BenchmarkSandboxReadDocument(b *testing.B) {
	r, err := newSandboxDocumentReader()
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
