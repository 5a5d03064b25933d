package api

import (
	"bytes"
	"context"
	"encoding/json"
	"encoding/pem"
	"errors"
	"io"
	"log"
	"log/slog"
	"math"
	"net"
	"net/http"
	"net/http/httptest"
	"os"
	"path/filepath"
	"strings"
	"sync"
	"testing"
	"time"
)

const (
	testUUID  = "0f8fad5b-d9cb-469f-a165-70867728950e"
	testKey   = "7500|AbCdEfGhIjKlMnOpQrStUvWxYz0123456789abcd"
	testToken = "tok.eyJ1dWlkIjoiMGY4ZiJ9.c2lnbmF0dXJlLXNlY3JldA"
)

// recorded is one request as the test server saw it.
type recorded struct {
	Method string
	Path   string
	Header http.Header
	Body   []byte
}

// recorder is an httptest handler that records requests and answers from a
// script of handlers, the last one repeating.
type recorder struct {
	mu       sync.Mutex
	requests []recorded
	script   []http.HandlerFunc
}

func (r *recorder) ServeHTTP(w http.ResponseWriter, req *http.Request) {
	body, _ := io.ReadAll(req.Body)
	r.mu.Lock()
	n := len(r.requests)
	r.requests = append(r.requests, recorded{req.Method, req.URL.Path, req.Header.Clone(), body})
	h := r.script[min(n, len(r.script)-1)]
	r.mu.Unlock()
	req.Body = io.NopCloser(bytes.NewReader(body))
	h(w, req)
}

func (r *recorder) count() int {
	r.mu.Lock()
	defer r.mu.Unlock()
	return len(r.requests)
}

func (r *recorder) last() recorded {
	r.mu.Lock()
	defer r.mu.Unlock()
	return r.requests[len(r.requests)-1]
}

// reply answers with status and a raw body.
func reply(status int, body string) http.HandlerFunc {
	return func(w http.ResponseWriter, _ *http.Request) {
		w.Header().Set("Content-Type", "application/json")
		w.WriteHeader(status)
		_, _ = io.WriteString(w, body)
	}
}

// fakeSleep records backoff waits without waiting.
type fakeSleep struct {
	mu    sync.Mutex
	waits []time.Duration
}

func (f *fakeSleep) sleep(ctx context.Context, d time.Duration) error {
	f.mu.Lock()
	f.waits = append(f.waits, d)
	f.mu.Unlock()
	return ctx.Err()
}

func (f *fakeSleep) got() []time.Duration {
	f.mu.Lock()
	defer f.mu.Unlock()
	return append([]time.Duration(nil), f.waits...)
}

// newTestClient starts a server running script and a client for it with
// fake sleeps and a debug log captured in logBuf.
func newTestClient(t *testing.T, mod func(*Config), script ...http.HandlerFunc) (*Client, *recorder, *fakeSleep, *bytes.Buffer) {
	t.Helper()
	rec := &recorder{script: script}
	srv := httptest.NewServer(rec)
	t.Cleanup(srv.Close)
	fs := &fakeSleep{}
	logBuf := &bytes.Buffer{}
	cfg := Config{
		BaseURL:   srv.URL,
		APIKey:    testKey,
		UserAgent: "kycterm/test",
		Sleep:     fs.sleep,
		Logger:    slog.New(slog.NewJSONHandler(&syncWriter{w: logBuf}, &slog.HandlerOptions{Level: slog.LevelDebug})),
	}
	if mod != nil {
		mod(&cfg)
	}
	c, err := New(cfg)
	if err != nil {
		t.Fatalf("New: %v", err)
	}
	return c, rec, fs, logBuf
}

type syncWriter struct {
	mu sync.Mutex
	w  io.Writer
}

func (s *syncWriter) Write(p []byte) (int, error) {
	s.mu.Lock()
	defer s.mu.Unlock()
	return s.w.Write(p)
}

func TestEndpoints(t *testing.T) {
	paramsBody := `{"success":true,"uuid":"` + testUUID + `","start_time":"2026-11-25 10:00:00","status":1,"step":2,"session_end":null,"steps":{"1":"done"},"restrictions":{"countryMode":"whitelist","allowedCountries":["ru","kz"],"allowedDocumentTypes":["passport"]}}`
	checkParams := func(t *testing.T, got any) {
		p := got.(*Params)
		if p.UUID != testUUID || p.Step != 2 || p.Restrictions.CountryMode != "whitelist" ||
			len(p.Restrictions.AllowedCountries) != 2 || string(p.Steps) != `{"1":"done"}` {
			t.Errorf("params decoded wrong: %+v", p)
		}
	}
	ctx := context.Background()
	user := "/webapi/kyc/user/" + testUUID
	tests := []struct {
		name     string
		method   string
		path     string
		answer   string
		run      func(c *Client) (any, error)
		wantKeys []string // exact JSON keys of the request body; nil = no body
		check    func(t *testing.T, got any)
	}{
		{
			name: "create verification", method: "PUT", path: "/webapi/kyc",
			answer: `{"success":true,"item":{"id":7,"uuid":"` + testUUID + `","email":"a@b.c","status":0,"allowed_countries":["ru"],"liveness_score":null,"liveness_status":0}}`,
			run: func(c *Client) (any, error) {
				return c.CreateVerification(ctx, CreateVerificationRequest{Email: "a@b.c", CountryRestrictionMode: "whitelist", AllowedCountries: []string{"ru"}, AllowedDocumentTypes: []string{"passport"}})
			},
			wantKeys: []string{"allowed_countries", "allowed_document_types", "country_restriction_mode", "email"},
			check: func(t *testing.T, got any) {
				r := got.(*CreateVerificationResponse)
				if !r.Success || r.Item.ID != 7 || r.Item.UUID != testUUID || r.Item.LivenessScore != nil {
					t.Errorf("decoded %+v", r)
				}
			},
		},
		{
			name: "list verifications", method: "GET", path: "/webapi/kyc",
			answer: `{"items":[{"id":1,"uuid":"` + testUUID + `","liveness_score":0.91,"liveness_status":1,"liveness_attempts":2}]}`,
			run:    func(c *Client) (any, error) { return c.ListVerifications(ctx) },
			check: func(t *testing.T, got any) {
				r := got.(*ListVerificationsResponse)
				if len(r.Items) != 1 || *r.Items[0].LivenessScore != 0.91 || r.Items[0].LivenessAttempts != 2 {
					t.Errorf("decoded %+v", r)
				}
			},
		},
		{
			name: "start session", method: "POST", path: user, answer: paramsBody,
			run:   func(c *Client) (any, error) { return c.StartSession(ctx, testUUID) },
			check: checkParams,
		},
		{
			name: "upload", method: "PUT", path: user, answer: ``,
			run: func(c *Client) (any, error) {
				return nil, c.Upload(ctx, testUUID, UploadRequest{Cadrs: []string{DataURL("image/jpeg", []byte{1})}, Passport: DataURL("image/jpeg", []byte{2}), DocumentType: "passport", Country: "ru"}, nil)
			},
			wantKeys: []string{"cadrs", "country", "document_type", "passport"},
		},
		{
			name: "details keeps the object whole", method: "GET", path: user,
			answer: ` {"uuid":"x","images":{"face":"data:image/jpeg;base64,AQ=="},"custom":[1,2]} `,
			run:    func(c *Client) (any, error) { return c.Details(ctx, testUUID) },
			check: func(t *testing.T, got any) {
				want := `{"uuid":"x","images":{"face":"data:image/jpeg;base64,AQ=="},"custom":[1,2]}`
				if string(got.(json.RawMessage)) != want {
					t.Errorf("details = %s, want %s", got, want)
				}
			},
		},
		{
			name: "params", method: "GET", path: user + "/params", answer: paramsBody,
			run:   func(c *Client) (any, error) { return c.Params(ctx, testUUID) },
			check: checkParams,
		},
		{
			name: "update step", method: "POST", path: user + "/step", answer: paramsBody,
			run: func(c *Client) (any, error) {
				return c.UpdateStep(ctx, testUUID, StepRequest{Step: 3, Data: map[string]any{"k": "v"}})
			},
			wantKeys: []string{"data", "step"},
			check:    checkParams,
		},
		{
			name: "check document", method: "POST", path: user + "/check", answer: paramsBody,
			run: func(c *Client) (any, error) {
				return c.CheckDocument(ctx, testUUID, CheckRequest{FirstName: "Ivan", LastName: "Petrov", DOB: "1990-01-02", DocumentType: "passport", FullAddress: "x", ZipCode: "1"})
			},
			wantKeys: []string{"dob", "document_type", "firstName", "fullAddress", "lastName", "zipCode"},
			check:    checkParams,
		},
		{
			name: "start liveness, mixed challenge forms", method: "POST", path: user + "/liveness/start",
			answer: `{"success":true,"challengeToken":"` + testToken + `","challenges":["turn_left",{"action":"blink","hint":"twice"},{"name":"smile"},"juggle"],"timeoutSeconds":120}`,
			run:    func(c *Client) (any, error) { return c.StartLiveness(ctx, testUUID) },
			check: func(t *testing.T, got any) {
				r := got.(*StartLivenessResponse)
				var names []string
				for _, ch := range r.Challenges {
					names = append(names, ch.Type)
				}
				if strings.Join(names, ",") != "turn_left,blink,smile,juggle" || r.TimeoutSeconds != 120 || r.ChallengeToken != testToken {
					t.Errorf("decoded %+v", r)
				}
				again, err := json.Marshal(r.Challenges)
				if err != nil || string(again) != `["turn_left",{"action":"blink","hint":"twice"},{"name":"smile"},"juggle"]` {
					t.Errorf("challenges re-encode as %s (%v)", again, err)
				}
			},
		},
		{
			name: "verify liveness, details with unknown keys", method: "POST", path: user + "/liveness/verify",
			answer: `{"success":true,"score":0.97,"passed":true,"details":{"livenessScore":0.97,"faceMatchScore":0.94,"antiSpoofingScore":0.99,"depthScore":0.5,"note":"ok"}}`,
			run: func(c *Client) (any, error) {
				s := 0.99
				return c.VerifyLiveness(ctx, testUUID, &VerifyRequest{
					ChallengeToken: testToken,
					Frames:         []LivenessFrame{{ChallengeIndex: 0, Image: DataURL("image/jpeg", []byte{1}), Timestamp: 1701424800.123, HeadPose: &HeadPose{Yaw: 20}}},
					AntiSpoofing:   AntiSpoofing{Score: &s}, Passport: DataURL("image/jpeg", []byte{2}), DocumentType: "passport", Country: "ru",
				}, nil)
			},
			wantKeys: []string{"antiSpoofing", "challengeToken", "country", "documentType", "frames", "passport"},
			check: func(t *testing.T, got any) {
				r := got.(*VerifyResponse)
				if !r.Passed || r.Score != 0.97 || *r.Details.FaceMatchScore != 0.94 {
					t.Errorf("decoded %+v", r)
				}
				again, err := json.Marshal(r.Details)
				if err != nil || string(again) != `{"antiSpoofingScore":0.99,"depthScore":0.5,"faceMatchScore":0.94,"livenessScore":0.97,"note":"ok"}` {
					t.Errorf("details re-encode as %s (%v)", again, err)
				}
			},
		},
		{
			name: "recognize document", method: "POST", path: user + "/recognize-document",
			answer: `{"success":true,"confidence":0.8,"data":{"lastName":"PETROV"},"warnings":["glare"]}`,
			run: func(c *Client) (any, error) {
				return c.RecognizeDocument(ctx, testUUID, RecognizeRequest{Image: DataURL("image/png", []byte{3}), DocumentType: "passport", Country: "ru"})
			},
			wantKeys: []string{"country", "document_type", "image"},
			check: func(t *testing.T, got any) {
				r := got.(*RecognizeResponse)
				if r.Confidence != 0.8 || r.Data["lastName"] != "PETROV" || r.Warnings[0] != "glare" {
					t.Errorf("decoded %+v", r)
				}
			},
		},
	}
	for _, tc := range tests {
		t.Run(tc.name, func(t *testing.T) {
			c, rec, _, _ := newTestClient(t, nil, reply(200, tc.answer))
			got, err := tc.run(c)
			if err != nil {
				t.Fatalf("call: %v", err)
			}
			if rec.count() != 1 {
				t.Fatalf("server saw %d requests, want 1", rec.count())
			}
			r := rec.last()
			if r.Method != tc.method || r.Path != tc.path {
				t.Errorf("request %s %s, want %s %s", r.Method, r.Path, tc.method, tc.path)
			}
			if r.Header.Get("User-Agent") != "kycterm/test" || r.Header.Get("Accept") != "application/json" {
				t.Errorf("headers: UA %q Accept %q", r.Header.Get("User-Agent"), r.Header.Get("Accept"))
			}
			if r.Header.Get("Authorization") != "Bearer "+testKey {
				t.Errorf("Authorization header not sent as Bearer")
			}
			if tc.wantKeys == nil {
				if len(r.Body) != 0 {
					t.Errorf("unexpected body %q", r.Body)
				}
			} else {
				if r.Header.Get("Content-Type") != "application/json" {
					t.Errorf("Content-Type %q", r.Header.Get("Content-Type"))
				}
				var m map[string]json.RawMessage
				if err := json.Unmarshal(r.Body, &m); err != nil {
					t.Fatalf("body is not a JSON object: %v", err)
				}
				if keys := strings.Join(sortedKeys(m), ","); keys != strings.Join(tc.wantKeys, ",") {
					t.Errorf("body keys %s, want %s", keys, strings.Join(tc.wantKeys, ","))
				}
			}
			if tc.check != nil {
				tc.check(t, got)
			}
		})
	}
}

func TestVerifyFrameFieldNames(t *testing.T) {
	c, rec, _, _ := newTestClient(t, nil, reply(200, `{"success":true,"score":0.1,"passed":false,"details":{}}`))
	req := &VerifyRequest{
		ChallengeToken: testToken,
		Frames: []LivenessFrame{
			{ChallengeIndex: 1, Image: "data:image/jpeg;base64,AQ==", Timestamp: 1701424800.123,
				Landmarks: &Landmarks{Points: []Landmark{{X: 0.5, Y: 0.5, Z: 0}}}, Blendshapes: map[string]float64{"eyeBlinkLeft": 0.9},
				HeadPose: &HeadPose{Yaw: 1, Pitch: 2, Roll: 3}},
			{ChallengeIndex: 2, Image: "data:image/jpeg;base64,Ag==", Timestamp: 1701424801.5},
		},
		Passport: "data:image/jpeg;base64,Aw==", DocumentType: "passport", Country: "ru",
	}
	if _, err := c.VerifyLiveness(context.Background(), testUUID, req, nil); err != nil {
		t.Fatal(err)
	}
	var body struct {
		AntiSpoofing map[string]any               `json:"antiSpoofing"`
		Frames       []map[string]json.RawMessage `json:"frames"`
	}
	if err := json.Unmarshal(rec.last().Body, &body); err != nil {
		t.Fatal(err)
	}
	if len(body.AntiSpoofing) != 0 {
		t.Errorf("unmeasured anti-spoofing sent as %v, want {}", body.AntiSpoofing)
	}
	if got := strings.Join(sortedKeys(body.Frames[0]), ","); got != "blendshapes,challengeIndex,headPose,image,landmarks,timestamp" {
		t.Errorf("frame 0 keys %s", got)
	}
	if got := strings.Join(sortedKeys(body.Frames[1]), ","); got != "challengeIndex,image,timestamp" {
		t.Errorf("frame 1 keys %s (unmeasured fields must be omitted)", got)
	}
	if string(body.Frames[0]["timestamp"]) != "1701424800.123" {
		t.Errorf("timestamp sent as %s", body.Frames[0]["timestamp"])
	}
}

func TestAuthHeader(t *testing.T) {
	tests := []struct {
		name       string
		key        string
		header     string
		scheme     string
		wantHeader string
		wantValue  string
	}{
		{"default bearer", testKey, "", "", "Authorization", "Bearer " + testKey},
		{"x-api-key without scheme", testKey, "X-API-Key", "", "X-API-Key", testKey},
		{"custom header and scheme", testKey, "X-Auth", "Token", "X-Auth", "Token " + testKey},
		{"no key sends nothing", "", "", "", "Authorization", ""},
	}
	for _, tc := range tests {
		t.Run(tc.name, func(t *testing.T) {
			c, rec, _, _ := newTestClient(t, func(cfg *Config) {
				cfg.APIKey, cfg.AuthHeader, cfg.AuthScheme = tc.key, tc.header, tc.scheme
			}, reply(200, `{"items":[]}`))
			if _, err := c.ListVerifications(context.Background()); err != nil {
				t.Fatal(err)
			}
			h := rec.last().Header
			if got := h.Get(tc.wantHeader); got != tc.wantValue {
				t.Errorf("%s = %q, want %q", tc.wantHeader, got, tc.wantValue)
			}
			if tc.key == "" && (h.Get("Authorization") != "" || h.Get("X-API-Key") != "") {
				t.Errorf("auth header sent without a key")
			}
		})
	}
}

func TestNewConfig(t *testing.T) {
	dir := t.TempDir()
	noPEM := filepath.Join(dir, "empty.pem")
	if err := os.WriteFile(noPEM, []byte("not a certificate"), 0o600); err != nil {
		t.Fatal(err)
	}
	tlsSrv := httptest.NewTLSServer(http.NotFoundHandler())
	defer tlsSrv.Close()
	goodPEM := writeCertPEM(t, tlsSrv)
	tests := []struct {
		name    string
		cfg     Config
		wantErr error
	}{
		{"defaults", Config{}, nil},
		{"https remote", Config{BaseURL: "https://kyc.example.com/prefix/"}, nil},
		{"http remote refused", Config{BaseURL: "http://kyc.example.com"}, ErrInsecureURL},
		{"http private address refused", Config{BaseURL: "http://192.168.1.10:8080"}, ErrInsecureURL},
		{"http remote allowed explicitly", Config{BaseURL: "http://kyc.example.com", InsecureHTTP: true}, nil},
		{"http 127.0.0.1", Config{BaseURL: "http://127.0.0.1:8080"}, nil},
		{"http 127.3.4.5", Config{BaseURL: "http://127.3.4.5"}, nil},
		{"http ::1", Config{BaseURL: "http://[::1]:8080"}, nil},
		{"http localhost", Config{BaseURL: "http://LOCALHOST:1"}, nil},
		{"http localhost lookalike refused", Config{BaseURL: "http://localhost.evil.com"}, ErrInsecureURL},
		{"ftp scheme", Config{BaseURL: "ftp://kyc.example.com"}, ErrConfig},
		{"no host", Config{BaseURL: "https://"}, ErrConfig},
		{"credentials in url", Config{BaseURL: "https://u:p@kyc.example.com"}, ErrConfig},
		{"query in url", Config{BaseURL: "https://kyc.example.com/?a=1"}, ErrConfig},
		{"negative timeout", Config{Timeout: -time.Second}, ErrConfig},
		{"negative body cap", Config{MaxBodyBytes: -1}, ErrConfig},
		{"too many attempts", Config{MaxAttempts: 11}, ErrConfig},
		{"bad header name", Config{AuthHeader: "X Auth"}, ErrConfig},
		{"scheme with space", Config{AuthScheme: "Bear er"}, ErrConfig},
		{"key with newline", Config{APIKey: "abc\r\nX-Evil: 1"}, ErrConfig},
		{"missing CA file", Config{CAFile: filepath.Join(dir, "nope.pem")}, ErrConfig},
		{"CA file without PEM", Config{CAFile: noPEM}, ErrConfig},
		{"CA file", Config{CAFile: goodPEM}, nil},
	}
	for _, tc := range tests {
		t.Run(tc.name, func(t *testing.T) {
			c, err := New(tc.cfg)
			if tc.wantErr == nil {
				if err != nil {
					t.Fatalf("New: %v", err)
				}
				if strings.HasSuffix(c.BaseURL(), "/") {
					t.Errorf("base URL %q keeps a trailing slash", c.BaseURL())
				}
				return
			}
			if !errors.Is(err, tc.wantErr) {
				t.Fatalf("New error %v, want %v", err, tc.wantErr)
			}
			if !errors.Is(err, ErrConfig) {
				t.Errorf("error %v does not match ErrConfig", err)
			}
			if strings.Contains(err.Error(), "X-Evil") || strings.Contains(err.Error(), "u:p") {
				t.Errorf("error echoes a secret: %v", err)
			}
		})
	}
}

func TestDefaultsApplied(t *testing.T) {
	c, err := New(Config{})
	if err != nil {
		t.Fatal(err)
	}
	got := c.cfg
	if got.BaseURL != DefaultBaseURL || got.AuthHeader != "Authorization" || got.AuthScheme != "Bearer" ||
		got.Timeout != 15*time.Second || got.UploadTimeout != 120*time.Second ||
		got.MaxBodyBytes != 10<<20 || got.MaxAttempts != 4 {
		t.Errorf("defaults: %+v", got)
	}
	c, err = New(Config{AuthHeader: "X-API-Key"})
	if err != nil {
		t.Fatal(err)
	}
	if c.cfg.AuthScheme != "" {
		t.Errorf("explicit header with empty scheme got scheme %q", c.cfg.AuthScheme)
	}
}

func TestValidUUID(t *testing.T) {
	tests := []struct {
		in   string
		want bool
	}{
		{testUUID, true},
		{strings.ToUpper(testUUID), true},
		{"00000000-0000-0000-0000-000000000000", true},
		{"", false},
		{"0f8fad5bd9cb469fa16570867728950e", false},
		{"0f8fad5b-d9cb-469f-a165-70867728950", false},
		{"0f8fad5b-d9cb-469f-a165-70867728950e0", false},
		{"0f8fad5b_d9cb-469f-a165-70867728950e", false},
		{"0f8fad5b-d9cb-469f-a165-70867728950g", false},
		{"../../../webapi/kyc?x=1&y=2&zzzzzzzz", false},
		{"0f8fad5b-d9cb-469f-a165-70867728950/", false},
		{"{0f8fad5b-d9cb-469f-a165-70867728950e}", false},
	}
	for _, tc := range tests {
		t.Run(tc.in, func(t *testing.T) {
			if got := ValidUUID(tc.in); got != tc.want {
				t.Errorf("ValidUUID(%q) = %v", tc.in, got)
			}
		})
	}
}

func TestInvalidUUIDSendsNothing(t *testing.T) {
	c, rec, _, _ := newTestClient(t, nil, reply(200, `{}`))
	ctx := context.Background()
	bad := "../kyc"
	calls := map[string]func() error{
		"start session": func() error { _, err := c.StartSession(ctx, bad); return err },
		"upload":        func() error { return c.Upload(ctx, bad, UploadRequest{}, nil) },
		"details":       func() error { _, err := c.Details(ctx, bad); return err },
		"params":        func() error { _, err := c.Params(ctx, bad); return err },
		"step":          func() error { _, err := c.UpdateStep(ctx, bad, StepRequest{}); return err },
		"check":         func() error { _, err := c.CheckDocument(ctx, bad, CheckRequest{}); return err },
		"liveness":      func() error { _, err := c.StartLiveness(ctx, bad); return err },
		"verify":        func() error { _, err := c.VerifyLiveness(ctx, bad, &VerifyRequest{}, nil); return err },
		"recognize":     func() error { _, err := c.RecognizeDocument(ctx, bad, RecognizeRequest{}); return err },
	}
	for name, call := range calls {
		t.Run(name, func(t *testing.T) {
			if err := call(); !errors.Is(err, ErrInvalidUUID) {
				t.Errorf("error %v, want ErrInvalidUUID", err)
			}
		})
	}
	if _, err := c.VerifyLiveness(ctx, testUUID, nil, nil); !errors.Is(err, ErrInvalidRequest) {
		t.Errorf("nil verify request: %v", err)
	}
	if rec.count() != 0 {
		t.Errorf("server saw %d requests", rec.count())
	}
}

// writeCertPEM stores the test server's certificate as a PEM bundle.
func writeCertPEM(t *testing.T, srv *httptest.Server) string {
	t.Helper()
	path := filepath.Join(t.TempDir(), "ca.pem")
	block := pem.EncodeToMemory(&pem.Block{Type: "CERTIFICATE", Bytes: srv.Certificate().Raw})
	if err := os.WriteFile(path, block, 0o600); err != nil {
		t.Fatal(err)
	}
	return path
}

func TestTLSWithCAFile(t *testing.T) {
	rec := &recorder{script: []http.HandlerFunc{reply(200, `{"items":[]}`)}}
	srv := httptest.NewUnstartedServer(rec)
	srv.Config.ErrorLog = log.New(io.Discard, "", 0) // the refused handshake is expected
	srv.StartTLS()
	defer srv.Close()
	ca := writeCertPEM(t, srv)

	c, err := New(Config{BaseURL: srv.URL, CAFile: ca})
	if err != nil {
		t.Fatal(err)
	}
	if _, err := c.ListVerifications(context.Background()); err != nil {
		t.Fatalf("with the CA file: %v", err)
	}

	fs := &fakeSleep{}
	c, err = New(Config{BaseURL: srv.URL, Sleep: fs.sleep})
	if err != nil {
		t.Fatal(err)
	}
	_, err = c.ListVerifications(context.Background())
	var te *TransportError
	if !errors.As(err, &te) || !errors.Is(err, ErrTransport) {
		t.Fatalf("untrusted certificate: %v, want a TransportError", err)
	}
	if !te.NotSent {
		t.Errorf("a failed TLS handshake is not marked NotSent")
	}
	if len(fs.got()) != 0 {
		t.Errorf("an untrusted certificate was retried %d times", len(fs.got()))
	}
	if rec.count() != 1 {
		t.Errorf("server handled %d requests, want 1", rec.count())
	}
}

func TestCloseIdleConnections(t *testing.T) {
	closed := make(chan struct{}, 1)
	srv := httptest.NewUnstartedServer(reply(200, `{"items":[]}`))
	srv.Config.ConnState = func(_ net.Conn, s http.ConnState) {
		if s == http.StateClosed {
			select {
			case closed <- struct{}{}:
			default:
			}
		}
	}
	srv.Start()
	defer srv.Close()
	c, err := New(Config{BaseURL: srv.URL})
	if err != nil {
		t.Fatal(err)
	}
	if _, err := c.ListVerifications(context.Background()); err != nil {
		t.Fatal(err)
	}
	c.CloseIdleConnections()
	select {
	case <-closed:
	case <-time.After(10 * time.Second): // a guard against hanging, not a timing assert
		t.Fatal("the idle connection was not closed")
	}
	if _, err := c.ListVerifications(context.Background()); err != nil {
		t.Fatalf("client unusable after CloseIdleConnections: %v", err)
	}
}

func TestUnencodableRequest(t *testing.T) {
	c, rec, _, _ := newTestClient(t, nil, reply(200, `{}`))
	req := &VerifyRequest{ChallengeToken: testToken, Frames: []LivenessFrame{{HeadPose: &HeadPose{Yaw: math.NaN()}}}}
	_, err := c.VerifyLiveness(context.Background(), testUUID, req, nil)
	if !errors.Is(err, ErrInvalidRequest) || rec.count() != 0 {
		t.Fatalf("error %v after %d requests, want ErrInvalidRequest and none sent", err, rec.count())
	}
	if leaks(err.Error()) != "" {
		t.Errorf("error leaks a secret: %v", err)
	}
}
