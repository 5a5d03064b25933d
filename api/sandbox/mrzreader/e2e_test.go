package mrzreader

import (
	"bytes"
	"context"
	"encoding/json"
	"image"
	"image/jpeg"
	"math/rand/v2"
	"net/http/httptest"
	"slices"
	"strings"
	"testing"

	"github.com/kycterm/kycterm/api"
	"github.com/kycterm/kycterm/api/sandbox"
	"github.com/kycterm/kycterm/capture/document/mrz"
	"github.com/kycterm/kycterm/capture/document/mrz/synth"
)

// page renders a data page carrying lines as its MRZ, as a camera-free
// scan at 120 dpi, and returns it as a JPEG data URL; crop, when not
// zero, keeps only that share of the image's height from the top.
func page(t *testing.T, rr *synth.Renderer, lines []string, crop float64) string {
	t.Helper()
	g, err := rr.Render(lines, synth.Options{DPI: 120}, rand.New(rand.NewPCG(7, 9)))
	if err != nil {
		t.Fatal(err)
	}
	var img image.Image = g
	if crop > 0 {
		b := g.Bounds()
		img = g.SubImage(image.Rect(b.Min.X, b.Min.Y, b.Max.X, b.Min.Y+int(float64(b.Dy())*crop)))
	}
	var buf bytes.Buffer
	if err := jpeg.Encode(&buf, img, &jpeg.Options{Quality: 90}); err != nil {
		t.Fatal(err)
	}
	return api.DataURL("image/jpeg", buf.Bytes())
}

// TestRecognizeAndCheckRenderedPages drives a real sandbox with the MRZ
// reader, through the real client, with rendered data pages: the ICAO
// specimen, the specimen with its birth date's check digit altered, and
// the top of a page without its MRZ; then checks fields against the
// uploaded specimen.
func TestRecognizeAndCheckRenderedPages(t *testing.T) {
	ctx := context.Background()
	reader, err := New()
	if err != nil {
		t.Fatal(err)
	}
	srv, err := sandbox.New(sandbox.Options{DocumentReader: reader})
	if err != nil {
		t.Fatal(err)
	}
	hs := httptest.NewServer(srv)
	defer hs.Close()
	client, err := api.New(api.Config{BaseURL: hs.URL, APIKey: srv.APIKey()})
	if err != nil {
		t.Fatal(err)
	}
	created, err := client.CreateVerification(ctx, api.CreateVerificationRequest{Email: "a@example.com"})
	if err != nil {
		t.Fatal(err)
	}
	uuid := created.Item.UUID
	rr, err := synth.NewRenderer()
	if err != nil {
		t.Fatal(err)
	}

	// What the specimen's text parses to is what reading its image must give.
	parsed, err := mrz.Parse(synth.SpecimenTD3(), mrz.Options{})
	if err != nil {
		t.Fatal(err)
	}
	want := Result(parsed)
	for k, v := range map[string]string{"lastName": "ERIKSSON", "firstName": "ANNA MARIA", "dob": "1974-08-12",
		"document_number": "L898902C3", "sex": "F", "expiry_date": "2012-04-15"} {
		if want.Data[k] != v {
			t.Fatalf("the specimen's text parses to %s = %v, want %q", k, want.Data[k], v)
		}
	}
	// The specimen expired in 2012: that is its one warning.
	var expired []string
	for _, w := range parsed.Warnings {
		expired = append(expired, w.Message)
	}
	if len(expired) != 1 || !strings.Contains(expired[0], "expired") {
		t.Fatalf("the specimen's warnings are %q, want the expiry alone", expired)
	}

	specimen := page(t, rr, synth.SpecimenTD3(), 0)
	badBirth := alter(1, 19, '3') // the birth date's check digit: 2 → 3
	tests := []struct {
		name     string
		image    string
		success  bool
		conf     float64
		data     map[string]any
		warnings []string
	}{
		{"ICAO specimen", specimen, true, 1, want.Data, expired},
		{"birth date check digit altered", page(t, rr, badBirth, 0), true, 0.6, want.Data, append([]string{
			"the check digit of the birth date does not match (line 2, column 20)",
			"the check digit of the composite does not match (line 2, column 44)",
		}, expired...)},
		{"page without MRZ", page(t, rr, synth.SpecimenTD3(), 0.6), false, 0, map[string]any{}, []string{NoMRZ}},
	}
	for _, tc := range tests {
		t.Run(tc.name, func(t *testing.T) {
			got, err := client.RecognizeDocument(ctx, uuid, api.RecognizeRequest{Image: tc.image, DocumentType: "passport", Country: "ru"})
			if err != nil {
				t.Fatal(err)
			}
			if got.Success != tc.success || got.Confidence != tc.conf {
				t.Errorf("success %v confidence %v, want %v %v", got.Success, got.Confidence, tc.success, tc.conf)
			}
			if !mapsEqual(got.Data, tc.data) {
				t.Errorf("data %v\nwant %v", got.Data, tc.data)
			}
			wantWarnings := slices.Sorted(slices.Values(tc.warnings))
			if !slices.Equal(got.Warnings, wantWarnings) {
				t.Errorf("warnings %q\nwant %q", got.Warnings, wantWarnings)
			}
		})
	}

	if err := client.Upload(ctx, uuid, api.UploadRequest{
		Cadrs: []string{specimen}, Passport: specimen, DocumentType: "passport", Country: "ru",
	}, nil); err != nil {
		t.Fatal(err)
	}
	checks := []struct {
		name     string
		lastName string
		status   string
		mismatch []string
	}{
		{"matching fields", "Eriksson", "match", nil},
		{"wrong lastName", "ERIKSEN", "mismatch", []string{"lastName"}},
	}
	for i, tc := range checks {
		t.Run("check "+tc.name, func(t *testing.T) {
			p, err := client.CheckDocument(ctx, uuid, api.CheckRequest{
				FirstName: "Anna  Maria", LastName: tc.lastName, DOB: "12.08.1974",
				DocumentNumber: "L898902C3", Citizenship: "UTO",
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
			if steps.Check.Status != tc.status || !slices.Equal(steps.Check.Mismatch, tc.mismatch) {
				t.Errorf("steps.check %+v, want %s %q", steps.Check, tc.status, tc.mismatch)
			}
			for _, value := range []string{"ERIKS", "Eriks", "ANNA", "Anna", "1974", "L898902C3", "UTO"} {
				if strings.Contains(string(p.Steps), value) {
					t.Errorf("steps quote %q: %s", value, p.Steps)
				}
			}
			list, err := client.ListVerifications(ctx)
			if err != nil {
				t.Fatal(err)
			}
			if got := string(list.Items[0].StatusCheckUser); got != []string{"1", "2"}[i] {
				t.Errorf("status_check_user %s, want %s", got, []string{"1", "2"}[i])
			}
		})
	}
}

// mapsEqual compares two decoded JSON objects of strings.
func mapsEqual(a, b map[string]any) bool {
	if len(a) != len(b) {
		return false
	}
	for k, v := range a {
		if b[k] != v {
			return false
		}
	}
	return true
}
