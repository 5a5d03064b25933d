package api

import (
	"context"
	"errors"
	"net/http"
	"strings"
	"testing"
	"time"
	"unicode"
)

var allSentinels = []error{ErrNotFound, ErrUnauthorized, ErrValidation, ErrTokenExpired, ErrTooLarge, ErrRateLimited, ErrServer, ErrTransport, ErrBadResponse}

func TestErrorClasses(t *testing.T) {
	tests := []struct {
		name        string
		status      int
		body        string
		want        []error // sentinels the error must match; every other one must not match
		wantMessage string
		wantFields  map[string]string // field → first message
	}{
		{"not found", 404, `{"success":false,"message":"Verification not found"}`, []error{ErrNotFound}, "Verification not found", nil},
		{"unauthorized", 401, `{"message":"Unauthenticated."}`, []error{ErrUnauthorized}, "Unauthenticated.", nil},
		{"forbidden", 403, `{"message":"Forbidden"}`, []error{ErrUnauthorized}, "Forbidden", nil},
		{"validation", 422, `{"message":"The frames field is required. (and 1 more error)","errors":{"frames":["The frames field is required."],"country":["The country must be 2 characters."]}}`,
			[]error{ErrValidation}, "The frames field is required. (and 1 more error)",
			map[string]string{"frames": "The frames field is required.", "country": "The country must be 2 characters."}},
		{"token expired in message", 422, `{"message":"The challenge token has EXPIRED."}`, []error{ErrValidation, ErrTokenExpired}, "The challenge token has EXPIRED.", nil},
		{"token expired in field", 422, `{"message":"The given data was invalid.","errors":{"challengeToken":["The challenge token expired."]}}`,
			[]error{ErrValidation, ErrTokenExpired}, "The given data was invalid.", map[string]string{"challengeToken": "The challenge token expired."}},
		{"token tampered is not expired", 422, `{"message":"Invalid challenge token.","errors":{"challengeToken":["The challenge token signature is invalid."]}}`,
			[]error{ErrValidation}, "Invalid challenge token.", map[string]string{"challengeToken": "The challenge token signature is invalid."}},
		{"field errors as a bare string", 422, `{"message":"bad","errors":{"step":"The step must be an integer.","junk":42}}`,
			[]error{ErrValidation}, "bad", map[string]string{"step": "The step must be an integer."}},
		{"too large", 413, `<html><body>413 Request Entity Too Large</body></html>`, []error{ErrTooLarge}, "", nil},
		{"rate limited", 429, `{"message":"Too Many Attempts."}`, []error{ErrRateLimited}, "Too Many Attempts.", nil},
		{"server error", 500, `{"message":"Server Error"}`, []error{ErrServer}, "Server Error", nil},
		{"bad gateway html", 502, "<html>\n<head><title>502 Bad Gateway</title></head></html>", []error{ErrServer}, "", nil},
		{"service unavailable empty", 503, ``, []error{ErrServer}, "", nil},
		{"truncated error json", 500, `{"message":"Serv`, []error{ErrServer}, "", nil},
		{"error key fallback", 400, `{"error":"bad request"}`, nil, "bad request", nil},
		{"message not a string", 400, `{"message":{"a":1}}`, nil, "", nil},
		{"redirect", 302, ``, nil, "", nil},
	}
	for _, tc := range tests {
		t.Run(tc.name, func(t *testing.T) {
			c, rec, _, _ := newTestClient(t, func(cfg *Config) { cfg.MaxAttempts = 1 }, func(w http.ResponseWriter, r *http.Request) {
				if tc.status == 302 {
					w.Header().Set("Location", "https://elsewhere.example/")
				}
				reply(tc.status, tc.body)(w, r)
			})
			_, err := c.Params(context.Background(), testUUID)
			var ae *Error
			if !errors.As(err, &ae) {
				t.Fatalf("error %v (%T), want *Error", err, err)
			}
			if rec.count() != 1 {
				t.Errorf("server saw %d requests", rec.count())
			}
			if ae.Status != tc.status || ae.Endpoint != "GET /webapi/kyc/user/{uuid}/params" {
				t.Errorf("status %d endpoint %q", ae.Status, ae.Endpoint)
			}
			if ae.Message != tc.wantMessage {
				t.Errorf("message %q, want %q", ae.Message, tc.wantMessage)
			}
			if len(ae.Fields) != len(tc.wantFields) {
				t.Errorf("fields %v, want %v", ae.Fields, tc.wantFields)
			}
			for f, m := range tc.wantFields {
				if got := ae.Fields[f]; len(got) == 0 || got[0] != m {
					t.Errorf("field %s = %v, want %q", f, got, m)
				}
			}
			for _, s := range allSentinels {
				want := false
				for _, w := range tc.want {
					want = want || w == s
				}
				if errors.Is(err, s) != want {
					t.Errorf("errors.Is(err, %v) = %v, want %v", s, !want, want)
				}
			}
			if strings.Contains(err.Error(), testUUID) {
				t.Errorf("error text carries the UUID: %s", err)
			}
			if !strings.Contains(err.Error(), ae.Message) {
				t.Errorf("error text %q lacks the server's message", err)
			}
		})
	}
}

func TestBadResponses(t *testing.T) {
	tests := []struct {
		name     string
		body     string
		maxBytes int64
		wantText string
	}{
		{"html page", "<!DOCTYPE html><html><body>Welcome to nginx</body></html>", 0, "HTML"},
		{"empty", "", 0, "empty body"},
		{"whitespace", " \n\t", 0, "empty body"},
		{"truncated", `{"success":true,"uuid":"` + testUUID + `","restrictions":{"countryMode":"al`, 0, "truncated JSON"},
		{"malformed", `{"success":true,,}`, 0, "malformed JSON"},
		{"wrong type", `{"step":"two"}`, 0, `field "step"`},
		{"scalar", `"ok"`, 0, "not a JSON object"},
		{"over the cap", `{"success":true,"steps":{"pad":"` + strings.Repeat("x", 2048) + `"}}`, 1024, "larger than the configured limit"},
	}
	for _, tc := range tests {
		t.Run(tc.name, func(t *testing.T) {
			c, _, fs, _ := newTestClient(t, func(cfg *Config) { cfg.MaxBodyBytes = tc.maxBytes }, reply(200, tc.body))
			p, err := c.Params(context.Background(), testUUID)
			if p != nil || !errors.Is(err, ErrBadResponse) {
				t.Fatalf("got %v, %v; want ErrBadResponse", p, err)
			}
			if !strings.Contains(err.Error(), tc.wantText) {
				t.Errorf("error %q lacks %q", err, tc.wantText)
			}
			if len(fs.got()) != 0 {
				t.Errorf("a bad 200 body was retried")
			}
		})
	}
}

func TestDetailsBadBodies(t *testing.T) {
	for _, body := range []string{"", "<html>", `{"a":`, `{"a":1}}`} {
		t.Run(body, func(t *testing.T) {
			c, _, _, _ := newTestClient(t, nil, reply(200, body))
			if _, err := c.Details(context.Background(), testUUID); !errors.Is(err, ErrBadResponse) {
				t.Errorf("Details(%q): %v, want ErrBadResponse", body, err)
			}
		})
	}
}

func TestUploadIgnoresSuccessBody(t *testing.T) {
	for _, body := range []string{"", "<html>ok</html>", `{"success":true}`} {
		t.Run(body, func(t *testing.T) {
			c, _, _, _ := newTestClient(t, nil, reply(200, body))
			if err := c.Upload(context.Background(), testUUID, UploadRequest{}, nil); err != nil {
				t.Errorf("Upload with 200 %q: %v", body, err)
			}
		})
	}
}

func TestServerTextIsCleaned(t *testing.T) {
	long := strings.Repeat("word ", 500)
	body := `{"message":"line one\n\u001b[31mred\u001b[0m\u202eevil\u0007 ` + long + `","errors":{` +
		`"f\u001b[2J":["` + long + `"],` +
		strings.Repeat(`"x`, 1) + `0":["a"],"x1":["a"],"x2":["a"],"x3":["a"],"x4":["a"],"x5":["a"],"x6":["a"],"x7":["a"],"x8":["a"],"x9":["a"],"y":["a","b","c","d","e"]}}`
	c, _, _, _ := newTestClient(t, func(cfg *Config) { cfg.MaxAttempts = 1 }, reply(422, body))
	_, err := c.Params(context.Background(), testUUID)
	var ae *Error
	if !errors.As(err, &ae) {
		t.Fatalf("want *Error, got %v", err)
	}
	text := err.Error()
	for _, r := range text {
		if unicode.IsControl(r) || unicode.Is(unicode.Cf, r) {
			t.Fatalf("error text holds control or format rune %U: %q", r, text)
		}
	}
	if !strings.HasPrefix(ae.Message, "line one [31mred [0mevil ") {
		t.Errorf("message %q", ae.Message[:40])
	}
	if n := len([]rune(ae.Message)); n > maxMessageRunes+1 {
		t.Errorf("message has %d runes, cap %d", n, maxMessageRunes)
	}
	if len(ae.Fields) > maxFields {
		t.Errorf("%d fields kept, cap %d", len(ae.Fields), maxFields)
	}
	for f, msgs := range ae.Fields {
		if len(msgs) > maxMessagesInField {
			t.Errorf("field %s keeps %d messages", f, len(msgs))
		}
		for _, m := range msgs {
			if len([]rune(m)) > maxFieldMsgRunes+1 {
				t.Errorf("field %s message of %d runes", f, len([]rune(m)))
			}
		}
	}
	if len(text) > 8192 {
		t.Errorf("error text is %d bytes long", len(text))
	}
}

func TestParseRetryAfter(t *testing.T) {
	now := time.Date(2026, 11, 25, 12, 0, 0, 0, time.UTC)
	tests := []struct {
		in   string
		want time.Duration
	}{
		{"", 0},
		{"3", 3 * time.Second},
		{" 120 ", 2 * time.Minute},
		{"0", 0},
		{"-5", 0},
		{"1.5", 0},
		{"soon", 0},
		{"99999999999999999999", 0},
		{"999999999", 24 * time.Hour},
		{now.Add(90 * time.Second).Format(http.TimeFormat), 90 * time.Second},
		{now.Add(-time.Minute).Format(http.TimeFormat), 0},
		{now.Add(72 * time.Hour).Format(http.TimeFormat), 24 * time.Hour},
	}
	for _, tc := range tests {
		t.Run(tc.in, func(t *testing.T) {
			if got := parseRetryAfter(tc.in, now); got != tc.want {
				t.Errorf("parseRetryAfter(%q) = %v, want %v", tc.in, got, tc.want)
			}
		})
	}
}

func TestCleanText(t *testing.T) {
	tests := []struct {
		in   string
		max  int
		want string
	}{
		{"plain", 10, "plain"},
		{"  spaced \t\n out  ", 20, "spaced out"},
		{"a\x00b\x1bc", 10, "a b c"},
		{"bidi\u202eoverride\u200b", 20, "bidioverride"},
		{"abcdef", 3, "abc…"},
		{"bad\xffutf8", 20, "bad\uFFFDutf8"},
		{"", 5, ""},
	}
	for _, tc := range tests {
		t.Run(tc.in, func(t *testing.T) {
			if got := cleanText(tc.in, tc.max); got != tc.want {
				t.Errorf("cleanText(%q, %d) = %q, want %q", tc.in, tc.max, got, tc.want)
			}
		})
	}
}
