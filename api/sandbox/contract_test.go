package sandbox

// Contract tests: the real api.Client against the sandbox over real HTTP on
// a loopback listener. Every endpoint is driven through the client; a wire
// recorder between them checks that each documented field travels under its
// exact JSON name; every error class is produced by the sandbox and
// recognised by the client.

import (
	"bytes"
	"context"
	"encoding/json"
	"errors"
	"net/http"
	"net/http/httptest"
	"slices"
	"strings"
	"sync"
	"testing"
	"time"

	"github.com/kycterm/kycterm/api"
)

// exchange is one request and answer as they crossed the wire.
type exchange struct {
	method, pattern string
	status          int
	header          http.Header
	req, resp       []byte
}

// wire records every exchange between client and sandbox.
type wire struct {
	next http.Handler
	mu   sync.Mutex
	log  []exchange
}

func (wr *wire) ServeHTTP(w http.ResponseWriter, r *http.Request) {
	body, _ := readAllLimited(r)
	r.Body = nopCloser{bytes.NewReader(body)}
	rec := &bufferWriter{header: w.Header()}
	wr.next.ServeHTTP(rec, r)
	if rec.status == 0 {
		rec.status = 200
	}
	w.WriteHeader(rec.status)
	_, _ = w.Write(rec.body.Bytes())
	wr.mu.Lock()
	wr.log = append(wr.log, exchange{method: r.Method, pattern: r.Pattern, status: rec.status,
		header: r.Header.Clone(), req: body, resp: bytes.Clone(rec.body.Bytes())})
	wr.mu.Unlock()
}

type nopCloser struct{ *bytes.Reader }

func (nopCloser) Close() error { return nil }

func readAllLimited(r *http.Request) ([]byte, error) {
	var b bytes.Buffer
	_, err := b.ReadFrom(http.MaxBytesReader(nil, r.Body, 64<<20))
	return b.Bytes(), err
}

// last returns the last exchange whose route is pattern.
func (wr *wire) last(t *testing.T, pattern string) exchange {
	t.Helper()
	wr.mu.Lock()
	defer wr.mu.Unlock()
	for i := len(wr.log) - 1; i >= 0; i-- {
		if wr.log[i].pattern == pattern {
			return wr.log[i]
		}
	}
	t.Fatalf("no exchange on %s", pattern)
	return exchange{}
}

// keysOf lists the top-level keys of a JSON object.
func keysOf(t *testing.T, b []byte) []string {
	t.Helper()
	var m map[string]json.RawMessage
	if err := json.Unmarshal(b, &m); err != nil {
		t.Fatalf("not a JSON object: %q", b)
	}
	var out []string
	for k := range m {
		out = append(out, k)
	}
	slices.Sort(out)
	return out
}

func hasKeys(t *testing.T, what string, b []byte, want ...string) {
	t.Helper()
	got := keysOf(t, b)
	for _, k := range want {
		if !slices.Contains(got, k) {
			t.Errorf("%s: key %q missing on the wire (has %v)", what, k, got)
		}
	}
}

type contract struct {
	srv    *Server
	clock  *fakeClock
	wire   *wire
	url    string
	client *api.Client
}

func noSleep(context.Context, time.Duration) error { return nil }

func newContract(t *testing.T, opts Options) *contract {
	t.Helper()
	ts := newTestServer(t, opts)
	wr := &wire{next: ts.srv}
	var h http.Handler = wr
	if opts.Faults.enabled() {
		// Faults act on the real connection: nothing may buffer between.
		h = ts.srv
	}
	hs := httptest.NewServer(h)
	t.Cleanup(hs.Close)
	c := &contract{srv: ts.srv, clock: ts.clock, wire: wr, url: hs.URL}
	c.client = c.newClient(t, api.Config{APIKey: ts.srv.APIKey()})
	return c
}

func (c *contract) newClient(t *testing.T, cfg api.Config) *api.Client {
	t.Helper()
	cfg.BaseURL = c.url
	cfg.UserAgent = "kycterm/contract-test"
	cfg.Sleep = noSleep
	cl, err := api.New(cfg)
	if err != nil {
		t.Fatalf("api.New: %v", err)
	}
	return cl
}

const user = "/webapi/kyc/user/{uuid}"

func TestContractRoundTrip(t *testing.T) {
	ctx := context.Background()
	c := newContract(t, Options{})
	cl := c.client

	// PUT /webapi/kyc
	created, err := cl.CreateVerification(ctx, api.CreateVerificationRequest{
		Email: "a@example.com", CountryRestrictionMode: "whitelist",
		AllowedCountries: []string{"ru", "kz"}, AllowedDocumentTypes: []string{"passport", "id_card"},
	})
	if err != nil {
		t.Fatalf("create: %v", err)
	}
	it := created.Item
	if !created.Success || it.Email != "a@example.com" || it.CountryRestrictionMode != "whitelist" ||
		!slices.Equal(it.AllowedCountries, []string{"ru", "kz"}) ||
		!slices.Equal(it.AllowedDocumentTypes, []string{"passport", "id_card"}) || it.ID == 0 ||
		it.UserID != 7500 || it.CreatedAt == "" || it.UpdatedAt == "" || !api.ValidUUID(it.UUID) {
		t.Fatalf("created %+v", created)
	}
	ex := c.wire.last(t, "PUT /webapi/kyc")
	hasKeys(t, "create request", ex.req, "email", "country_restriction_mode", "allowed_countries", "allowed_document_types")
	hasKeys(t, "create answer", ex.resp, "success", "item")
	if got := ex.header.Get("Authorization"); got != "Bearer "+c.srv.APIKey() {
		t.Errorf("auth header %q", got)
	}
	if ua := ex.header.Get("User-Agent"); ua != "kycterm/contract-test" {
		t.Errorf("user agent %q", ua)
	}
	uuid := it.UUID

	// GET /webapi/kyc
	list, err := cl.ListVerifications(ctx)
	if err != nil || len(list.Items) != 1 || list.Items[0].UUID != uuid {
		t.Fatalf("list %+v %v", list, err)
	}
	ex = c.wire.last(t, "GET /webapi/kyc")
	hasKeys(t, "list answer", ex.resp, "items")
	var items struct {
		Items []json.RawMessage `json:"items"`
	}
	_ = json.Unmarshal(ex.resp, &items)
	hasKeys(t, "Verification", items.Items[0], "id", "uuid", "user_id", "email", "status", "step", "start_time",
		"end_time", "doc_type", "doc_info", "steps_info", "compare_photo", "status_check_user", "status_check_photo",
		"country_restriction_mode", "allowed_countries", "allowed_document_types", "liveness_score",
		"liveness_status", "liveness_attempts", "created_at", "updated_at")

	// POST /webapi/kyc/user/{uuid}
	p, err := cl.StartSession(ctx, uuid)
	if err != nil || !p.Success || p.UUID != uuid || p.Status != api.StatusInProcess || p.StartTime == nil ||
		p.SessionEnd == nil || p.Restrictions.CountryMode != "whitelist" ||
		!slices.Equal(p.Restrictions.AllowedCountries, []string{"ru", "kz"}) ||
		!slices.Equal(p.Restrictions.AllowedDocumentTypes, []string{"passport", "id_card"}) {
		t.Fatalf("start session %+v %v", p, err)
	}
	ex = c.wire.last(t, "POST "+user)
	hasKeys(t, "Params", ex.resp, "success", "uuid", "start_time", "status", "step", "session_end", "steps", "restrictions")
	var pr struct {
		Restrictions json.RawMessage `json:"restrictions"`
	}
	_ = json.Unmarshal(ex.resp, &pr)
	hasKeys(t, "restrictions", pr.Restrictions, "countryMode", "allowedCountries", "allowedDocumentTypes")

	// GET .../params
	p2, err := cl.Params(ctx, uuid)
	if err != nil || *p2.StartTime != *p.StartTime || p2.Status != p.Status {
		t.Fatalf("params %+v %v", p2, err)
	}

	// POST .../step
	p3, err := cl.UpdateStep(ctx, uuid, api.StepRequest{Step: 2, Data: map[string]any{"screen": "document"}})
	if err != nil || p3.Step != 2 || !strings.Contains(string(p3.Steps), `"screen":"document"`) {
		t.Fatalf("step %+v %v", p3, err)
	}
	hasKeys(t, "step request", c.wire.last(t, "POST "+user+"/step").req, "step", "data")

	// PUT .../user/{uuid} with progress
	face := jpegURL(t, portrait(160, 120, 0, 1))
	passport := jpegURL(t, portrait(160, 200, 0, 99))
	var sent, total int64
	var mu sync.Mutex
	err = cl.Upload(ctx, uuid, api.UploadRequest{Cadrs: []string{face, face}, Passport: passport,
		DocumentType: "passport", Country: "ru"}, func(s, tot int64) {
		mu.Lock()
		sent, total = s, tot
		mu.Unlock()
	})
	if err != nil {
		t.Fatalf("upload: %v", err)
	}
	if mu.Lock(); total == 0 || sent != total {
		t.Errorf("upload progress %d/%d", sent, total)
	}
	mu.Unlock()
	hasKeys(t, "upload request", c.wire.last(t, "PUT "+user).req, "cadrs", "passport", "document_type", "country")

	// GET .../user/{uuid}
	det, err := cl.Details(ctx, uuid)
	if err != nil {
		t.Fatalf("details: %v", err)
	}
	var d struct {
		Images struct {
			Passport string   `json:"passport"`
			Cadrs    []string `json:"cadrs"`
		} `json:"images"`
	}
	if err := json.Unmarshal(det, &d); err != nil || d.Images.Passport != passport || len(d.Images.Cadrs) != 2 || d.Images.Cadrs[0] != face {
		t.Fatalf("details do not echo the upload: %v", err)
	}

	// POST .../check
	p4, err := cl.CheckDocument(ctx, uuid, api.CheckRequest{FirstName: "Ivan", LastName: "Petrov", DOB: "1990-01-02",
		DocumentType: "passport", Patronymic: "I", PassportDate: "2015-05-05", Seria: "45 01", Number: "123456",
		DocumentNumber: "4501123456", Residence: "Moscow", Citizenship: "RUS", FullAddress: "Tverskaya 1",
		ZipCode: "101000", City: "Moscow", Country: "ru"})
	if err != nil || !p4.Success {
		t.Fatalf("check %+v %v", p4, err)
	}
	hasKeys(t, "check request", c.wire.last(t, "POST "+user+"/check").req, "firstName", "lastName", "dob",
		"document_type", "patronymic", "passport_date", "seria", "number", "document_number", "residence",
		"citizenship", "fullAddress", "zipCode", "city", "country")

	// POST .../recognize-document
	ocr, err := cl.RecognizeDocument(ctx, uuid, api.RecognizeRequest{Image: passport, DocumentType: "passport", Country: "ru"})
	if err != nil || ocr.Success || !slices.Equal(ocr.Warnings, []string{"no local document reader"}) {
		t.Fatalf("recognize %+v %v", ocr, err)
	}
	ex = c.wire.last(t, "POST "+user+"/recognize-document")
	hasKeys(t, "recognize request", ex.req, "image", "document_type", "country")
	hasKeys(t, "recognize answer", ex.resp, "success", "confidence", "data", "warnings")

	// POST .../liveness/start
	st, err := cl.StartLiveness(ctx, uuid)
	if err != nil || !st.Success || len(st.Challenges) != 3 || st.TimeoutSeconds != 120 || st.ChallengeToken == "" {
		t.Fatalf("liveness start %+v %v", st, err)
	}
	hasKeys(t, "liveness start answer", c.wire.last(t, "POST "+user+"/liveness/start").resp,
		"success", "challengeToken", "challenges", "timeoutSeconds")

	// POST .../liveness/verify
	ts := &testServer{t: t, srv: c.srv, clock: c.clock}
	req := ts.verifyRequest(*st, verifyCase{perChallenge: 3, measure: true, done: true, anti: f64(0.97), passport: passport})
	req.Frames[0].Landmarks = &api.Landmarks{Points: []api.Landmark{{X: 0.5, Y: 0.5, Z: 0}}}
	c.clock.Advance(3 * time.Second)
	res, err := cl.VerifyLiveness(ctx, uuid, &req, nil)
	if err != nil {
		t.Fatalf("verify: %v", err)
	}
	if !res.Success || !res.Passed || res.Score < PassThreshold || res.Details.LivenessScore == nil ||
		res.Details.FaceMatchScore == nil || res.Details.AntiSpoofingScore == nil {
		t.Fatalf("verify %+v", res)
	}
	if _, ok := res.Details.All["challengesPassed"]; !ok {
		t.Errorf("extra details keys dropped: %v", res.Details.All)
	}
	names := map[string]bool{}
	for _, s := range res.Details.Scores() {
		names[s.Name] = true
	}
	if !names["challengesPassed"] || !names["stillFrameShare"] {
		t.Errorf("Scores() lacks the sandbox's extra numbers: %v", names)
	}
	ex = c.wire.last(t, "POST "+user+"/liveness/verify")
	hasKeys(t, "verify request", ex.req, "challengeToken", "frames", "antiSpoofing", "passport", "documentType", "country")
	var vr struct {
		Frames       []json.RawMessage `json:"frames"`
		AntiSpoofing json.RawMessage   `json:"antiSpoofing"`
	}
	_ = json.Unmarshal(ex.req, &vr)
	hasKeys(t, "frame", vr.Frames[0], "challengeIndex", "image", "timestamp", "landmarks")
	hasKeys(t, "antiSpoofing", vr.AntiSpoofing, "score")
	hasKeys(t, "verify answer", ex.resp, "success", "score", "passed", "details")
	var va struct {
		Details json.RawMessage `json:"details"`
	}
	_ = json.Unmarshal(ex.resp, &va)
	hasKeys(t, "details", va.Details, "livenessScore", "faceMatchScore", "antiSpoofingScore")

	// The record agrees with the answer.
	list, err = cl.ListVerifications(ctx)
	if err != nil {
		t.Fatal(err)
	}
	v := list.Items[0]
	if v.LivenessScore == nil || *v.LivenessScore != res.Score || v.LivenessStatus != api.LivenessPass ||
		v.Status != api.StatusSuccess || v.LivenessAttempts != 1 || v.EndTime == nil || v.DocType == nil {
		t.Fatalf("record %+v after %+v", v, res)
	}
}

func TestContractObjectChallengesAndHeaderAuth(t *testing.T) {
	ctx := context.Background()
	c := newContract(t, Options{ObjectChallenges: true})
	cl := c.newClient(t, api.Config{APIKey: c.srv.APIKey(), AuthHeader: "X-API-Key"})
	created, err := cl.CreateVerification(ctx, api.CreateVerificationRequest{Email: "a@example.com"})
	if err != nil {
		t.Fatalf("create with X-API-Key: %v", err)
	}
	if got := c.wire.last(t, "PUT /webapi/kyc").header.Get("X-API-Key"); got != c.srv.APIKey() {
		t.Errorf("X-API-Key header %q", got)
	}
	st, err := cl.StartLiveness(ctx, created.Item.UUID)
	if err != nil {
		t.Fatal(err)
	}
	for _, ch := range st.Challenges {
		if !slices.Contains(ChallengeTypes(), ch.Type) || len(ch.Extra["instruction"]) == 0 {
			t.Fatalf("object challenge %+v", ch)
		}
	}
	// The object shape survives a client round trip.
	b, _ := json.Marshal(st.Challenges[0])
	hasKeys(t, "re-encoded challenge", b, "type", "instruction")
}

func TestContractErrors(t *testing.T) {
	ctx := context.Background()
	c := newContract(t, Options{MaxBodyBytes: 256 << 10})
	created, err := c.client.CreateVerification(ctx, api.CreateVerificationRequest{Email: "a@example.com",
		AllowedDocumentTypes: []string{"passport"}})
	if err != nil {
		t.Fatal(err)
	}
	uuid := created.Item.UUID
	other, err := c.client.CreateVerification(ctx, api.CreateVerificationRequest{Email: "b@example.com"})
	if err != nil {
		t.Fatal(err)
	}
	unknown := "00000000-0000-4000-8000-000000000000"
	ts := &testServer{t: t, srv: c.srv, clock: c.clock}
	small := jpegURL(t, portrait(64, 48, 0, 1))
	verifyReq := func(u string) *api.VerifyRequest {
		st, err := c.client.StartLiveness(ctx, u)
		if err != nil {
			t.Fatal(err)
		}
		r := ts.verifyRequest(*st, verifyCase{perChallenge: 1, passport: small, frameURLs: []string{small}})
		return &r
	}
	noKey := c.newClient(t, api.Config{})
	badKey := c.newClient(t, api.Config{APIKey: "7500|wrongwrongwrongwrongwrongwrongwrongwrong"})

	tests := []struct {
		name     string
		call     func() error
		sentinel error
		status   int
		field    string // a field the 422 must name
		contains string // in the message or the field's messages
	}{
		{"401 without key", func() error { _, err := noKey.ListVerifications(ctx); return err }, api.ErrUnauthorized, 401, "", "Unauthenticated."},
		{"401 wrong key", func() error {
			_, err := badKey.CreateVerification(ctx, api.CreateVerificationRequest{Email: "a@example.com"})
			return err
		}, api.ErrUnauthorized, 401, "", "Unauthenticated."},
		{"404 start session", func() error { _, err := c.client.StartSession(ctx, unknown); return err }, api.ErrNotFound, 404, "", "not found"},
		{"404 upload", func() error {
			return c.client.Upload(ctx, unknown, api.UploadRequest{Cadrs: []string{small}, Passport: small, DocumentType: "passport", Country: "ru"}, nil)
		}, api.ErrNotFound, 404, "", ""},
		{"404 details", func() error { _, err := c.client.Details(ctx, unknown); return err }, api.ErrNotFound, 404, "", ""},
		{"404 params", func() error { _, err := c.client.Params(ctx, unknown); return err }, api.ErrNotFound, 404, "", ""},
		{"404 step", func() error { _, err := c.client.UpdateStep(ctx, unknown, api.StepRequest{Step: 1}); return err }, api.ErrNotFound, 404, "", ""},
		{"404 check", func() error {
			_, err := c.client.CheckDocument(ctx, unknown, api.CheckRequest{FirstName: "I", LastName: "P", DOB: "1990-01-01"})
			return err
		}, api.ErrNotFound, 404, "", ""},
		{"404 liveness start", func() error { _, err := c.client.StartLiveness(ctx, unknown); return err }, api.ErrNotFound, 404, "", ""},
		{"404 verify", func() error { _, err := c.client.VerifyLiveness(ctx, unknown, verifyReq(uuid), nil); return err }, api.ErrNotFound, 404, "", ""},
		{"404 recognize", func() error {
			_, err := c.client.RecognizeDocument(ctx, unknown, api.RecognizeRequest{Image: small, DocumentType: "passport", Country: "ru"})
			return err
		}, api.ErrNotFound, 404, "", ""},
		{"422 create email", func() error {
			_, err := c.client.CreateVerification(ctx, api.CreateVerificationRequest{Email: "nope"})
			return err
		}, api.ErrValidation, 422, "email", "valid email"},
		{"422 upload fields", func() error { return c.client.Upload(ctx, uuid, api.UploadRequest{}, nil) }, api.ErrValidation, 422, "cadrs", "required"},
		{"422 upload document type", func() error {
			return c.client.Upload(ctx, uuid, api.UploadRequest{Cadrs: []string{small}, Passport: small, DocumentType: "visa", Country: "ru"}, nil)
		}, api.ErrValidation, 422, "document_type", "not allowed"},
		{"422 upload country", func() error {
			return c.client.Upload(ctx, uuid, api.UploadRequest{Cadrs: []string{small}, Passport: small, DocumentType: "passport", Country: "xx"}, nil)
		}, api.ErrValidation, 422, "country", "invalid"},
		{"422 upload image", func() error {
			return c.client.Upload(ctx, uuid, api.UploadRequest{Cadrs: []string{"data:image/jpeg;base64,aGVsbG8="}, Passport: small, DocumentType: "passport", Country: "ru"}, nil)
		}, api.ErrValidation, 422, "cadrs.0", "must be an image"},
		{"422 step", func() error { _, err := c.client.UpdateStep(ctx, uuid, api.StepRequest{Step: -1}); return err }, api.ErrValidation, 422, "step", "between"},
		{"422 check", func() error {
			_, err := c.client.CheckDocument(ctx, uuid, api.CheckRequest{FirstName: "I"})
			return err
		}, api.ErrValidation, 422, "lastName", "required"},
		{"422 check dob", func() error {
			_, err := c.client.CheckDocument(ctx, uuid, api.CheckRequest{FirstName: "I", LastName: "P", DOB: "soon"})
			return err
		}, api.ErrValidation, 422, "dob", "valid date"},
		{"422 recognize", func() error { _, err := c.client.RecognizeDocument(ctx, uuid, api.RecognizeRequest{}); return err }, api.ErrValidation, 422, "image", "required"},
		{"422 verify frames", func() error {
			r := verifyReq(uuid)
			r.Frames = nil
			_, err := c.client.VerifyLiveness(ctx, uuid, r, nil)
			return err
		}, api.ErrValidation, 422, "frames", "required"},
		{"422 verify challenge index", func() error {
			r := verifyReq(uuid)
			r.Frames[0].ChallengeIndex = 5
			_, err := c.client.VerifyLiveness(ctx, uuid, r, nil)
			return err
		}, api.ErrValidation, 422, "frames.0.challengeIndex", "less than 3"},
		{"422 verify document type", func() error {
			r := verifyReq(uuid)
			r.DocumentType = "id_card"
			_, err := c.client.VerifyLiveness(ctx, uuid, r, nil)
			return err
		}, api.ErrValidation, 422, "documentType", "not allowed"},
		{"422 token tampered", func() error {
			r := verifyReq(uuid)
			r.ChallengeToken = tamper(r.ChallengeToken, false)
			_, err := c.client.VerifyLiveness(ctx, uuid, r, nil)
			return err
		}, api.ErrValidation, 422, "challengeToken", "invalid"},
		{"422 token of another uuid", func() error {
			_, err := c.client.VerifyLiveness(ctx, uuid, verifyReq(other.Item.UUID), nil)
			return err
		}, api.ErrValidation, 422, "challengeToken", "another verification"},
		{"422 token reused", func() error {
			r := verifyReq(uuid)
			if _, err := c.client.VerifyLiveness(ctx, uuid, r, nil); err != nil {
				return err
			}
			_, err := c.client.VerifyLiveness(ctx, uuid, r, nil)
			return err
		}, api.ErrValidation, 422, "challengeToken", "already been used"},
		{"422 token expired", func() error {
			r := verifyReq(uuid)
			c.clock.Advance(2 * time.Minute)
			_, err := c.client.VerifyLiveness(ctx, uuid, r, nil)
			return err
		}, api.ErrTokenExpired, 422, "challengeToken", "expired"},
		{"413 body too large", func() error {
			big := jpegURL(t, landscape(1200, 900))
			return c.client.Upload(ctx, uuid, api.UploadRequest{Cadrs: []string{big, big, big}, Passport: big, DocumentType: "passport", Country: "ru"}, nil)
		}, api.ErrTooLarge, 413, "", "too large"},
	}
	for _, tc := range tests {
		t.Run(tc.name, func(t *testing.T) {
			err := tc.call()
			if !errors.Is(err, tc.sentinel) {
				t.Fatalf("err %v, want %v", err, tc.sentinel)
			}
			var ae *api.Error
			if !errors.As(err, &ae) || ae.Status != tc.status {
				t.Fatalf("err %#v, want *api.Error %d", err, tc.status)
			}
			if tc.sentinel != api.ErrTokenExpired && errors.Is(err, api.ErrTokenExpired) {
				t.Errorf("%v taken for an expired token", err)
			}
			text := ae.Message
			if tc.field != "" {
				msgs, ok := ae.Fields[tc.field]
				if !ok {
					t.Fatalf("no errors[%s] in %v", tc.field, ae.Fields)
				}
				text += " " + strings.Join(msgs, " ")
			}
			if !strings.Contains(text, tc.contains) {
				t.Errorf("%q does not say %q", text, tc.contains)
			}
		})
	}
}

func TestContractTokenNeverInErrors(t *testing.T) {
	ctx := context.Background()
	c := newContract(t, Options{})
	created, err := c.client.CreateVerification(ctx, api.CreateVerificationRequest{Email: "a@example.com"})
	if err != nil {
		t.Fatal(err)
	}
	st, err := c.client.StartLiveness(ctx, created.Item.UUID)
	if err != nil {
		t.Fatal(err)
	}
	ts := &testServer{t: t, srv: c.srv, clock: c.clock}
	small := jpegURL(t, portrait(64, 48, 0, 1))
	r := ts.verifyRequest(*st, verifyCase{perChallenge: 1, passport: small, frameURLs: []string{small}})
	c.clock.Advance(time.Hour)
	_, err = c.client.VerifyLiveness(ctx, created.Item.UUID, &r, nil)
	if !errors.Is(err, api.ErrTokenExpired) || strings.Contains(err.Error(), st.ChallengeToken) ||
		strings.Contains(err.Error(), c.srv.APIKey()) {
		t.Fatalf("err %v", err)
	}
}

func TestContractFaults(t *testing.T) {
	ctx := context.Background()
	tests := []struct {
		name     string
		faults   Faults
		call     func(c *contract, uuid string) error
		sentinel error // nil: the call must succeed
		injected int
	}{
		{"GET retried after two 503", Faults{FailRate: 1, Statuses: []int{503}, Methods: []string{"GET"}, Limit: 2},
			func(c *contract, _ string) error { _, err := c.client.ListVerifications(ctx); return err }, nil, 2},
		{"GET retried after 502", Faults{FailRate: 1, Statuses: []int{502}, Methods: []string{"GET"}, Limit: 1},
			func(c *contract, uuid string) error { _, err := c.client.Params(ctx, uuid); return err }, nil, 1},
		{"GET gives up after max attempts", Faults{FailRate: 1, Statuses: []int{503}, Methods: []string{"GET"}},
			func(c *contract, _ string) error { _, err := c.client.ListVerifications(ctx); return err }, api.ErrServer, 4},
		{"500 is not retried", Faults{FailRate: 1, Statuses: []int{500}, Methods: []string{"GET"}, Limit: 1},
			func(c *contract, _ string) error { _, err := c.client.ListVerifications(ctx); return err }, api.ErrServer, 1},
		{"verify POST is not retried on 503", Faults{FailRate: 1, Statuses: []int{503}, Methods: []string{"POST"}, Limit: 1},
			func(c *contract, uuid string) error { _, err := c.client.StartSession(ctx, uuid); return err }, api.ErrServer, 1},
		{"GET retried after a reset", Faults{ResetRate: 1, Methods: []string{"GET"}, Limit: 1},
			func(c *contract, _ string) error { _, err := c.client.ListVerifications(ctx); return err }, nil, 1},
		{"POST reset is a transport error", Faults{ResetRate: 1, Methods: []string{"POST"}, Limit: 1},
			func(c *contract, uuid string) error { _, err := c.client.StartSession(ctx, uuid); return err }, api.ErrTransport, 1},
		{"malformed JSON", Faults{MalformedRate: 1, Methods: []string{"GET"}, Limit: 1},
			func(c *contract, uuid string) error { _, err := c.client.Params(ctx, uuid); return err }, api.ErrBadResponse, 1},
		{"slow body", Faults{SlowRate: 1, SlowChunk: 16, SlowInterval: time.Millisecond, Methods: []string{"GET"}},
			func(c *contract, uuid string) error { _, err := c.client.Params(ctx, uuid); return err }, nil, 1},
		{"latency", Faults{Latency: 20 * time.Millisecond, Methods: []string{"GET"}},
			func(c *contract, uuid string) error { _, err := c.client.Params(ctx, uuid); return err }, nil, 0},
	}
	for _, tc := range tests {
		t.Run(tc.name, func(t *testing.T) {
			c := newContract(t, Options{Faults: tc.faults})
			created, err := c.client.CreateVerification(ctx, api.CreateVerificationRequest{Email: "a@example.com"})
			if err != nil && !slices.Contains(tc.faults.Methods, "PUT") {
				t.Fatalf("create: %v", err)
			}
			err = tc.call(c, created.Item.UUID)
			if tc.sentinel == nil && err != nil || tc.sentinel != nil && !errors.Is(err, tc.sentinel) {
				t.Fatalf("err %v, want %v", err, tc.sentinel)
			}
			if got := c.srv.Injected(); got != tc.injected {
				t.Errorf("injected %d, want %d", got, tc.injected)
			}
		})
	}
}

func TestContractCancel(t *testing.T) {
	c := newContract(t, Options{Faults: Faults{Latency: 10 * time.Second, Methods: []string{"GET"}}})
	ctx, cancel := context.WithCancel(context.Background())
	done := make(chan error, 1)
	go func() { _, err := c.client.ListVerifications(ctx); done <- err }()
	cancel()
	if err := <-done; !errors.Is(err, context.Canceled) {
		t.Fatalf("err %v, want context.Canceled", err)
	}
}
