package api

import (
	"encoding/json"
	"errors"
	"net/http"
	"os"
	"path/filepath"
	"strings"
	"testing"
	"time"
	"unicode"
	"unicode/utf8"
)

// decodeTargets are the shapes the client decodes answers into.
func decodeTargets() map[string]func() any {
	return map[string]func() any{
		"params":    func() any { return new(Params) },
		"verify":    func() any { return new(VerifyResponse) },
		"start":     func() any { return new(StartLivenessResponse) },
		"create":    func() any { return new(CreateVerificationResponse) },
		"list":      func() any { return new(ListVerificationsResponse) },
		"recognize": func() any { return new(RecognizeResponse) },
		"details":   func() any { return new(json.RawMessage) },
		"upload":    func() any { return nil },
	}
}

func FuzzDecodeResponse(f *testing.F) {
	files, err := filepath.Glob(filepath.Join("testdata", "responses", "*"))
	if err != nil || len(files) == 0 {
		f.Fatalf("no seed answers in testdata/responses: %v", err)
	}
	for _, name := range files {
		body, err := os.ReadFile(name)
		if err != nil {
			f.Fatal(err)
		}
		for _, status := range []int{200, 422, 502} {
			f.Add(status, "", body)
		}
	}
	f.Add(429, "3", []byte(`{"message":"Too Many Attempts."}`))
	f.Add(503, "Wed, 25 Nov 2026 12:00:30 GMT", []byte(``))
	f.Add(404, "", []byte(`{"message":"`+testKey+`"}`))
	f.Add(422, "", []byte(`{"errors":{"a":"x","b":[1,"y",null],"c":{"d":1}}}`))
	f.Add(200, "", []byte(`{"details":{"livenessScore":"high"}}`))
	f.Add(200, "", []byte(`{"challenges":[{"type":1}]}`))
	f.Add(200, "", []byte("\xef\xbb\xbf{}"))
	f.Add(-1, "", []byte(`{}`))

	now := time.Date(2026, 11, 25, 12, 0, 0, 0, time.UTC)
	targets := decodeTargets()
	f.Fuzz(func(t *testing.T, status int, retryAfter string, body []byte) {
		h := http.Header{}
		h.Set("Retry-After", retryAfter)
		for name, mk := range targets {
			err := decodeResponse("GET /x", answer{status: status, header: h, body: body}, mk(), now, []string{testKey})
			if status >= 200 && status <= 299 {
				if err != nil && !errors.Is(err, ErrBadResponse) {
					t.Fatalf("%s: 2xx error %v is not ErrBadResponse", name, err)
				}
				if name == "upload" && err != nil {
					t.Fatalf("upload: 2xx answer refused: %v", err)
				}
				continue
			}
			var ae *Error
			if !errors.As(err, &ae) || ae.Status != status {
				t.Fatalf("%s: status %d gave %v", name, status, err)
			}
			checkShown(t, ae.Error())
			if n := utf8.RuneCountInString(ae.Message); n > maxMessageRunes+1 {
				t.Fatalf("message of %d runes", n)
			}
			if len(ae.Fields) > maxFields || ae.RetryAfter < 0 || ae.RetryAfter > 24*time.Hour {
				t.Fatalf("fields %d, retry after %v", len(ae.Fields), ae.RetryAfter)
			}
		}
	})
}

// checkShown asserts error text is safe to put on a screen or in a log.
func checkShown(t *testing.T, s string) {
	t.Helper()
	if strings.Contains(s, testKey) {
		t.Fatalf("error text leaks the key: %q", s)
	}
	for _, r := range s {
		if unicode.IsControl(r) || unicode.Is(unicode.Cf, r) {
			t.Fatalf("error text holds rune %U: %q", r, s)
		}
	}
	if len(s) > 16<<10 {
		t.Fatalf("error text of %d bytes", len(s))
	}
}

func TestDecodeSamples(t *testing.T) {
	now := time.Now()
	tests := []struct {
		file   string
		status int
		into   any
		want   error
	}{
		{"verify_ok.json", 200, new(VerifyResponse), nil},
		{"liveness_start_objects.json", 200, new(StartLivenessResponse), nil},
		{"params.json", 200, new(Params), nil},
		{"verify_truncated.json", 200, new(VerifyResponse), ErrBadResponse},
		{"error_502.html", 200, new(Params), ErrBadResponse},
		{"error_502.html", 502, new(Params), ErrServer},
		{"error_422.json", 422, new(VerifyResponse), ErrTokenExpired},
	}
	for _, tc := range tests {
		t.Run(tc.file, func(t *testing.T) {
			body, err := os.ReadFile(filepath.Join("testdata", "responses", tc.file))
			if err != nil {
				t.Fatal(err)
			}
			err = decodeResponse("GET /x", answer{status: tc.status, body: body}, tc.into, now, nil)
			if tc.want == nil && err != nil || tc.want != nil && !errors.Is(err, tc.want) {
				t.Fatalf("error %v, want %v", err, tc.want)
			}
		})
	}
}
