package sandbox

import (
	"bytes"
	"context"
	"encoding/json"
	"errors"
	"fmt"
	"image"
	"io"
	"log/slog"
	"net/http"
	"net/http/httptest"
	"slices"
	"strings"
	"sync"
	"testing"

	"github.com/kycterm/kycterm/api"
)

func TestAuth(t *testing.T) {
	ts := newTestServer(t, Options{AuthHeader: "X-Merchant-Token", AuthScheme: "Token"})
	tests := []struct {
		name string
		hdr  []string
		want int
	}{
		{"no key", nil, 401},
		{"bearer", []string{"Authorization", "Bearer " + testKey}, 200},
		{"bearer lower-case scheme", []string{"Authorization", "bearer " + testKey}, 200},
		{"bearer wrong key", []string{"Authorization", "Bearer 7500|wrong"}, 401},
		{"bearer key prefix only", []string{"Authorization", "Bearer " + testKey[:10]}, 401},
		{"no scheme", []string{"Authorization", testKey}, 401},
		{"basic scheme", []string{"Authorization", "Basic " + testKey}, 401},
		{"x-api-key", []string{"X-API-Key", testKey}, 200},
		{"x-api-key wrong", []string{"X-API-Key", testKey + "x"}, 401},
		{"custom header", []string{"X-Merchant-Token", "Token " + testKey}, 200},
		{"custom header without scheme", []string{"X-Merchant-Token", testKey}, 401},
	}
	for _, tc := range tests {
		t.Run(tc.name, func(t *testing.T) {
			for _, method := range []string{"GET", "PUT"} {
				rec := ts.do(method, "/webapi/kyc", map[string]string{"email": "a@example.com"}, tc.hdr...)
				if rec.Code != tc.want {
					t.Fatalf("%s: status %d, want %d: %s", method, rec.Code, tc.want, rec.Body)
				}
				if tc.want == 401 {
					var body map[string]any
					decodeInto(t, rec, &body)
					if body["message"] != "Unauthenticated." {
						t.Errorf("401 body %v", body)
					}
				}
			}
		})
	}
	// The /user family needs no key.
	v := ts.create(api.CreateVerificationRequest{Email: "a@example.com"})
	if rec := ts.do("GET", "/webapi/kyc/user/"+v.UUID+"/params", nil); rec.Code != 200 {
		t.Errorf("params without key: %d", rec.Code)
	}
}

func TestGeneratedKey(t *testing.T) {
	srv, err := New(Options{Rand: newSeededReader(3)})
	if err != nil {
		t.Fatal(err)
	}
	k := srv.APIKey()
	p, rest, ok := strings.Cut(k, "|")
	if !ok || p != "7500" || len(rest) != 40 {
		t.Fatalf("key %q not shaped 7500|<40>", k)
	}
	for _, c := range rest {
		if !(c >= 'a' && c <= 'z' || c >= 'A' && c <= 'Z' || c >= '0' && c <= '9') {
			t.Fatalf("key %q has %q", k, c)
		}
	}
	srv2, err := New(Options{Rand: newSeededReader(4)})
	if err != nil {
		t.Fatal(err)
	}
	if srv2.APIKey() == k {
		t.Error("two seeds gave the same key")
	}
}

func TestCreateValidation(t *testing.T) {
	ts := newTestServer(t, Options{})
	tests := []struct {
		name  string
		body  string
		field string
		msg   string
	}{
		{"empty body", ``, "email", "The email field is required."},
		{"empty object", `{}`, "email", "The email field is required."},
		{"null email", `{"email":null}`, "email", "The email field is required."},
		{"blank email", `{"email":"  "}`, "email", "The email field is required."},
		{"number email", `{"email":5}`, "email", "The email field must be a string."},
		{"bad email", `{"email":"not-an-email"}`, "email", "The email field must be a valid email address."},
		{"named email", `{"email":"Bob <bob@example.com>"}`, "email", "The email field must be a valid email address."},
		{"bad mode", `{"email":"a@example.com","country_restriction_mode":"some"}`, "country_restriction_mode", "The selected country restriction mode is invalid."},
		{"whitelist without countries", `{"email":"a@example.com","country_restriction_mode":"whitelist"}`, "allowed_countries", "The allowed countries field is required when country restriction mode is whitelist."},
		{"countries not array", `{"email":"a@example.com","allowed_countries":"ru"}`, "allowed_countries", "The allowed countries field must be an array."},
		{"country not a code", `{"email":"a@example.com","allowed_countries":["ru","xx"]}`, "allowed_countries.1", "The selected allowed countries.1 is invalid."},
		{"country not string", `{"email":"a@example.com","allowed_countries":[1]}`, "allowed_countries.0", "The allowed countries.0 field must be a string."},
		{"doc types not strings", `{"email":"a@example.com","allowed_document_types":[true]}`, "allowed_document_types.0", "The allowed document types.0 field must be a string."},
	}
	for _, tc := range tests {
		t.Run(tc.name, func(t *testing.T) {
			rec := ts.do("PUT", "/webapi/kyc", tc.body, "Authorization", "Bearer "+testKey)
			msg := wantFieldError(t, rec, tc.field, tc.msg)
			if !strings.HasPrefix(msg, "The ") {
				t.Errorf("message %q", msg)
			}
		})
	}
}

func TestCreateAndList(t *testing.T) {
	ts := newTestServer(t, Options{})
	v := ts.create(api.CreateVerificationRequest{
		Email: "a@example.com", CountryRestrictionMode: "whitelist",
		AllowedCountries: []string{"RU", "kz"}, AllowedDocumentTypes: []string{"passport"},
	})
	if v.ID != 1 || v.UserID != 7500 || v.Status != api.StatusNew || v.Email != "a@example.com" ||
		v.CountryRestrictionMode != "whitelist" || strings.Join(v.AllowedCountries, ",") != "ru,kz" ||
		v.LivenessStatus != api.LivenessPending || v.CreatedAt == "" || len(v.UUID) != 36 {
		t.Fatalf("created %+v", v)
	}
	w := ts.create(api.CreateVerificationRequest{Email: "b@example.com"})
	if w.ID != 2 || w.UUID == v.UUID || w.CountryRestrictionMode != "all" {
		t.Fatalf("second %+v", w)
	}
	rec := ts.do("GET", "/webapi/kyc", nil, "X-API-Key", testKey)
	var list api.ListVerificationsResponse
	decodeInto(t, rec, &list)
	if len(list.Items) != 2 || list.Items[0].UUID != v.UUID || list.Items[1].UUID != w.UUID {
		t.Fatalf("list %+v", list)
	}
	// Exact JSON names on the wire.
	var raw struct {
		Items []map[string]json.RawMessage `json:"items"`
	}
	decodeInto(t, rec, &raw)
	for _, k := range []string{"id", "uuid", "user_id", "email", "status", "step", "start_time", "end_time",
		"doc_type", "country_restriction_mode", "allowed_countries", "allowed_document_types",
		"liveness_score", "liveness_status", "liveness_attempts", "created_at", "updated_at"} {
		if _, ok := raw.Items[0][k]; !ok {
			t.Errorf("list item lacks %q", k)
		}
	}
}

func TestNotFoundAndMethods(t *testing.T) {
	ts := newTestServer(t, Options{})
	const u = "/webapi/kyc/user/00000000-0000-4000-8000-000000000000"
	for _, c := range []struct{ method, path string }{
		{"POST", u}, {"PUT", u}, {"GET", u}, {"GET", u + "/params"}, {"POST", u + "/step"},
		{"POST", u + "/check"}, {"POST", u + "/liveness/start"}, {"POST", u + "/liveness/verify"},
		{"POST", u + "/recognize-document"},
	} {
		t.Run(c.method+" "+strings.TrimPrefix(c.path, u), func(t *testing.T) {
			rec := ts.do(c.method, c.path, `{}`)
			if rec.Code != http.StatusNotFound {
				t.Fatalf("status %d", rec.Code)
			}
			var body map[string]any
			decodeInto(t, rec, &body)
			if body["message"] != "Verification not found." {
				t.Errorf("body %v", body)
			}
		})
	}
	for _, c := range []struct{ method, path, allow string }{
		{"DELETE", "/webapi/kyc", "GET, HEAD, PUT"},
		{"POST", "/webapi/kyc", "GET, HEAD, PUT"},
		{"PATCH", u, "GET, HEAD, POST, PUT"},
		{"GET", u + "/liveness/verify", "POST"},
		{"PUT", u + "/params", "GET, HEAD"},
	} {
		t.Run("405 "+c.method+" "+c.path, func(t *testing.T) {
			rec := ts.do(c.method, c.path, nil)
			if rec.Code != http.StatusMethodNotAllowed || rec.Header().Get("Allow") != c.allow {
				t.Fatalf("status %d allow %q", rec.Code, rec.Header().Get("Allow"))
			}
			var body map[string]any
			decodeInto(t, rec, &body)
		})
	}
	if rec := ts.do("GET", "/nothing", nil); rec.Code != 404 {
		t.Errorf("unknown route: %d", rec.Code)
	}
}

func TestBodyErrors(t *testing.T) {
	ts := newTestServer(t, Options{MaxBodyBytes: 4096})
	v := ts.create(api.CreateVerificationRequest{Email: "a@example.com"})
	path := "/webapi/kyc/user/" + v.UUID + "/liveness/verify"
	tests := []struct {
		name string
		body string
		want int
	}{
		{"too large", `{"x":"` + strings.Repeat("a", 5000) + `"}`, http.StatusRequestEntityTooLarge},
		{"malformed", `{"frames": [`, http.StatusBadRequest},
		{"trailing garbage", `{} {}`, http.StatusBadRequest},
		{"array", `[1,2]`, http.StatusBadRequest},
		{"string", `"x"`, http.StatusBadRequest},
		{"null", `null`, http.StatusBadRequest},
		{"empty", ``, http.StatusUnprocessableEntity},
	}
	for _, tc := range tests {
		t.Run(tc.name, func(t *testing.T) {
			rec := ts.do("POST", path, tc.body)
			if rec.Code != tc.want {
				t.Fatalf("status %d, want %d: %s", rec.Code, tc.want, rec.Body)
			}
			var body map[string]any
			decodeInto(t, rec, &body)
			if m, _ := body["message"].(string); m == "" {
				t.Errorf("no message: %v", body)
			}
		})
	}
}

func TestSessionFlow(t *testing.T) {
	ts := newTestServer(t, Options{})
	v := ts.create(api.CreateVerificationRequest{Email: "a@example.com", AllowedDocumentTypes: []string{"passport"}})
	base := "/webapi/kyc/user/" + v.UUID

	var p api.Params
	decodeInto(t, ts.do("POST", base, nil), &p)
	if !p.Success || p.UUID != v.UUID || p.Status != api.StatusInProcess || p.Step != 1 ||
		p.StartTime == nil || p.SessionEnd == nil || p.Restrictions.CountryMode != "all" ||
		len(p.Restrictions.AllowedDocumentTypes) != 1 {
		t.Fatalf("start session: %+v", p)
	}

	var p2 api.Params
	decodeInto(t, ts.do("GET", base+"/params", nil), &p2)
	if p2.Status != api.StatusInProcess || *p2.StartTime != *p.StartTime {
		t.Fatalf("params %+v", p2)
	}

	rec := ts.do("POST", base+"/step", api.StepRequest{Step: 3, Data: map[string]any{"camera": "ok"}})
	var p3 api.Params
	decodeInto(t, rec, &p3)
	var steps map[string]map[string]any
	if err := json.Unmarshal(p3.Steps, &steps); err != nil || p3.Step != 3 {
		t.Fatalf("step: %v %s", err, rec.Body)
	}
	if d, _ := steps["3"]["data"].(map[string]any); d["camera"] != "ok" {
		t.Errorf("steps %v", steps)
	}

	img := portrait(64, 80, 0, 1)
	up := api.UploadRequest{Cadrs: []string{jpegURL(t, img), pngURL(t, img)}, Passport: pngURL(t, img),
		DocumentType: "passport", Country: "RU"}
	if rec := ts.do("PUT", base, up); rec.Code != 200 {
		t.Fatalf("upload %d %s", rec.Code, rec.Body)
	}
	var det map[string]any
	decodeInto(t, ts.do("GET", base, nil), &det)
	images := det["images"].(map[string]any)
	if images["passport"] != up.Passport || len(images["cadrs"].([]any)) != 2 ||
		images["cadrs"].([]any)[0] != up.Cadrs[0] || det["country"] != "ru" || det["doc_type"] != "passport" {
		t.Fatalf("details do not echo the upload: %v", det["country"])
	}

	rec = ts.do("POST", base+"/check", api.CheckRequest{FirstName: "Ivan", LastName: "Petrov", DOB: "1990-01-02"})
	var p4 api.Params
	decodeInto(t, rec, &p4)
	if !strings.Contains(string(p4.Steps), `"check":{"status":"recorded"}`) {
		t.Errorf("check steps %s", p4.Steps)
	}

	var ocr api.RecognizeResponse
	decodeInto(t, ts.do("POST", base+"/recognize-document", api.RecognizeRequest{Image: up.Passport, DocumentType: "passport", Country: "ru"}), &ocr)
	if ocr.Success || len(ocr.Warnings) != 1 || ocr.Warnings[0] != "no local document reader" || ocr.Data == nil {
		t.Errorf("recognize without reader: %+v", ocr)
	}
}

func TestUploadValidation(t *testing.T) {
	ts := newTestServer(t, Options{MaxPixels: 100 * 100, MaxRequestPixels: 2*40*40 + 10})
	v := ts.create(api.CreateVerificationRequest{Email: "a@example.com", CountryRestrictionMode: "whitelist",
		AllowedCountries: []string{"ru"}, AllowedDocumentTypes: []string{"passport"}})
	good := jpegURL(t, portrait(40, 40, 0, 1))
	big := jpegURL(t, portrait(120, 120, 0, 1))
	tests := []struct {
		name  string
		body  string
		field string
		msg   string
	}{
		{"cadrs missing", `{}`, "cadrs", "The cadrs field is required."},
		{"cadrs empty", `{"cadrs":[]}`, "cadrs", "The cadrs field is required."},
		{"cadrs string", `{"cadrs":"x"}`, "cadrs", "The cadrs field must be an array."},
		{"cadr not data url", `{"cadrs":["aGVsbG8="]}`, "cadrs.0", "The cadrs.0 field must be a base64 data URL."},
		{"cadr bad base64", `{"cadrs":["data:image/jpeg;base64,@@@"]}`, "cadrs.0", "The cadrs.0 field must be a base64 data URL."},
		{"cadr gif", `{"cadrs":["data:image/gif;base64,R0lGODlh"]}`, "cadrs.0", "The cadrs.0 field must be a file of type: jpeg, png."},
		{"cadr not an image", `{"cadrs":["data:image/jpeg;base64,aGVsbG8="]}`, "cadrs.0", "The cadrs.0 field must be an image."},
		{"cadr png labelled jpeg", `{"cadrs":["` + strings.Replace(pngURL(t, portrait(8, 8, 0, 1)), "image/png", "image/jpeg", 1) + `"]}`, "cadrs.0", "The cadrs.0 field must be an image."},
		{"cadr too big", `{"cadrs":["` + big + `"]}`, "cadrs.0", "The cadrs.0 field has invalid image dimensions."},
		{"cadrs over the request budget", `{"cadrs":["` + good + `","` + good + `","` + good + `"]}`, "cadrs.2", "The cadrs.2 field exceeds the total image size allowed in one request."},
		{"passport missing", `{"cadrs":["` + good + `"]}`, "passport", "The passport field is required."},
		{"document type missing", `{}`, "document_type", "The document type field is required."},
		{"document type not allowed", `{"document_type":"id_card"}`, "document_type", "The selected document type is not allowed for this verification."},
		{"country missing", `{}`, "country", "The country field is required."},
		{"country not iso", `{"country":"rus"}`, "country", "The selected country is invalid."},
		{"country unassigned", `{"country":"xx"}`, "country", "The selected country is invalid."},
		{"country not whitelisted", `{"country":"de"}`, "country", "The selected country is not allowed for this verification."},
		{"country number", `{"country":7}`, "country", "The country field must be a string."},
	}
	for _, tc := range tests {
		t.Run(tc.name, func(t *testing.T) {
			rec := ts.do("PUT", "/webapi/kyc/user/"+v.UUID, tc.body)
			wantFieldError(t, rec, tc.field, tc.msg)
		})
	}
}

func TestStepAndCheckValidation(t *testing.T) {
	ts := newTestServer(t, Options{})
	v := ts.create(api.CreateVerificationRequest{Email: "a@example.com"})
	base := "/webapi/kyc/user/" + v.UUID
	tests := []struct {
		name, path, body, field, msg string
	}{
		{"step missing", "/step", `{}`, "step", "The step field is required."},
		{"step string", "/step", `{"step":"2"}`, "step", "The step field must be an integer."},
		{"step fraction", "/step", `{"step":1.5}`, "step", "The step field must be an integer."},
		{"step negative", "/step", `{"step":-1}`, "step", "The step field must be between 0 and 100."},
		{"step data array", "/step", `{"step":1,"data":[1]}`, "data", "The data field must be an object."},
		{"check first name", "/check", `{"lastName":"P","dob":"1990-01-01"}`, "firstName", "The firstName field is required."},
		{"check last name", "/check", `{"firstName":"I","dob":"1990-01-01"}`, "lastName", "The lastName field is required."},
		{"check dob", "/check", `{"firstName":"I","lastName":"P"}`, "dob", "The dob field is required."},
		{"check dob not a date", "/check", `{"firstName":"I","lastName":"P","dob":"yesterday"}`, "dob", "The dob field must be a valid date."},
		{"check city type", "/check", `{"firstName":"I","lastName":"P","dob":"1990-01-01","city":1}`, "city", "The city field must be a string."},
		{"check country", "/check", `{"firstName":"I","lastName":"P","dob":"1990-01-01","country":"zz"}`, "country", "The selected country is invalid."},
		{"check country dotless i", "/check", `{"firstName":"I","lastName":"P","dob":"1990-01-01","country":"ıt"}`, "country", "The selected country is invalid."},
		{"recognize image", "/recognize-document", `{"document_type":"passport","country":"ru"}`, "image", "The image field is required."},
		{"recognize type", "/recognize-document", `{"country":"ru"}`, "document_type", "The document type field is required."},
		{"recognize country", "/recognize-document", `{"document_type":"passport"}`, "country", "The country field is required."},
	}
	for _, tc := range tests {
		t.Run(tc.name, func(t *testing.T) {
			rec := ts.do("POST", base+tc.path, tc.body)
			wantFieldError(t, rec, tc.field, tc.msg)
		})
	}
}

func TestDocumentReaderHook(t *testing.T) {
	reader := fakeReader{data: map[string]any{"firstName": "IVAN", "lastName": "PETROV", "dob": "1990-01-02"}}
	ts := newTestServer(t, Options{DocumentReader: reader})
	v := ts.create(api.CreateVerificationRequest{Email: "a@example.com"})
	base := "/webapi/kyc/user/" + v.UUID
	img := jpegURL(t, portrait(40, 40, 0, 1))
	if rec := ts.do("PUT", base, api.UploadRequest{Cadrs: []string{img}, Passport: img, DocumentType: "passport", Country: "ru"}); rec.Code != 200 {
		t.Fatalf("upload %d", rec.Code)
	}
	tests := []struct {
		name string
		req  api.CheckRequest
		want string
	}{
		{"match", api.CheckRequest{FirstName: "Ivan", LastName: "Petrov", DOB: "02.01.1990"}, "match"},
		{"mismatch", api.CheckRequest{FirstName: "Ivan", LastName: "Sidorov", DOB: "1990-01-02"}, "mismatch"},
	}
	for _, tc := range tests {
		t.Run(tc.name, func(t *testing.T) {
			var p api.Params
			decodeInto(t, ts.do("POST", base+"/check", tc.req), &p)
			if !strings.Contains(string(p.Steps), `"status":"`+tc.want+`"`) {
				t.Fatalf("steps %s", p.Steps)
			}
		})
	}
	var ocr api.RecognizeResponse
	decodeInto(t, ts.do("POST", base+"/recognize-document", api.RecognizeRequest{Image: img, DocumentType: "passport", Country: "ru"}), &ocr)
	if !ocr.Success || ocr.Confidence != 0.9 || ocr.Data["lastName"] != "PETROV" {
		t.Fatalf("recognize %+v", ocr)
	}
}

func TestLogsCarryNoSecrets(t *testing.T) {
	var buf strings.Builder
	var mu sync.Mutex
	logger := slog.New(slog.NewJSONHandler(lockedWriter{&mu, &buf}, nil))
	ts := newTestServer(t, Options{Logger: logger})
	v := ts.create(api.CreateVerificationRequest{Email: "secret.person@example.com"})
	img := jpegURL(t, portrait(32, 32, 0, 1))
	ts.do("PUT", "/webapi/kyc/user/"+v.UUID, api.UploadRequest{Cadrs: []string{img}, Passport: img, DocumentType: "passport", Country: "ru"})
	st := ts.startLiveness(v.UUID)
	req := ts.verifyRequest(st, verifyCase{perChallenge: 1, passport: img})
	ts.do("POST", "/webapi/kyc/user/"+v.UUID+"/liveness/verify", req)
	ts.do("POST", "/webapi/kyc/user/"+v.UUID+"/check", api.CheckRequest{FirstName: "Ivan", LastName: "Petrov", DOB: "1990-01-02"})
	ts.do("GET", "/webapi/kyc", nil, "Authorization", "Bearer wrong-key-attempt")

	mu.Lock()
	logs := buf.String()
	mu.Unlock()
	if !strings.Contains(logs, `"route":"POST /webapi/kyc/user/{uuid}/liveness/verify"`) ||
		!strings.Contains(logs, `"status":401`) {
		t.Fatalf("request lines missing: %s", logs)
	}
	for _, secret := range []string{v.UUID, testKey, "wrong-key-attempt", st.ChallengeToken[:16], "data:image",
		"secret.person", "Petrov", "1990-01-02"} {
		if strings.Contains(logs, secret) {
			t.Errorf("log holds %q", secret)
		}
	}
}

type lockedWriter struct {
	mu *sync.Mutex
	w  io.Writer
}

func (l lockedWriter) Write(p []byte) (int, error) {
	l.mu.Lock()
	defer l.mu.Unlock()
	return l.w.Write(p)
}

// TestCheckComparesDocument covers what /check compares with: the
// uploaded passport, else the last recognize-document reading, else
// nothing (recorded); a mismatch names the fields, never their values.
func TestCheckComparesDocument(t *testing.T) {
	reader := fakeReader{data: map[string]any{"firstName": "ANNA MARIA", "lastName": "ERIKSSON",
		"dob": "1974-08-12", "document_number": "L898902C3", "citizenship": "UTO"}}
	img := jpegURL(t, portrait(40, 40, 0, 1))
	tests := []struct {
		name      string
		upload    bool
		recognize bool
		req       api.CheckRequest
		want      string
	}{
		{"no document", false, false, api.CheckRequest{FirstName: "Anna Maria", LastName: "Eriksson", DOB: "1974-08-12"}, `{"status":"recorded"}`},
		{"recognized only, match", false, true, api.CheckRequest{FirstName: "Anna Maria", LastName: "Eriksson", DOB: "1974-08-12", DocumentNumber: "L898902C3"}, `{"status":"match"}`},
		{"recognized only, wrong lastName", false, true, api.CheckRequest{FirstName: "Anna Maria", LastName: "Eriksen", DOB: "1974-08-12"}, `{"mismatch":["lastName"],"status":"mismatch"}`},
		{"uploaded, wrong number and dob", true, false, api.CheckRequest{FirstName: "Anna Maria", LastName: "Eriksson", DOB: "1974-08-13", DocumentNumber: "L898902C4"}, `{"mismatch":["dob","document_number"],"status":"mismatch"}`},
		{"uploaded, optional fields not posted", true, false, api.CheckRequest{FirstName: "ANNA  MARIA", LastName: "eriksson", DOB: "12.08.1974"}, `{"status":"match"}`},
	}
	for _, tc := range tests {
		t.Run(tc.name, func(t *testing.T) {
			ts := newTestServer(t, Options{DocumentReader: reader})
			v := ts.create(api.CreateVerificationRequest{Email: "a@example.com"})
			base := "/webapi/kyc/user/" + v.UUID
			if tc.upload {
				if rec := ts.do("PUT", base, api.UploadRequest{Cadrs: []string{img}, Passport: img, DocumentType: "passport", Country: "ru"}); rec.Code != 200 {
					t.Fatalf("upload %d", rec.Code)
				}
			}
			if tc.recognize {
				if rec := ts.do("POST", base+"/recognize-document", api.RecognizeRequest{Image: img, DocumentType: "passport", Country: "ru"}); rec.Code != 200 {
					t.Fatalf("recognize %d", rec.Code)
				}
			}
			rec := ts.do("POST", base+"/check", tc.req)
			if rec.Code != 200 {
				t.Fatalf("check %d: %s", rec.Code, rec.Body)
			}
			var p api.Params
			decodeInto(t, rec, &p)
			var steps map[string]json.RawMessage
			if err := json.Unmarshal(p.Steps, &steps); err != nil {
				t.Fatal(err)
			}
			if got := string(steps["check"]); got != tc.want {
				t.Errorf("steps.check %s, want %s", got, tc.want)
			}
			if strings.Contains(string(p.Steps), "Eriksen") || strings.Contains(string(p.Steps), "L898902C4") {
				t.Errorf("steps echo the posted values: %s", p.Steps)
			}
		})
	}
}

// cancelReader is a DocumentReader whose reading is abandoned by the
// client: it cancels the request's context and fails as a reader does.
type cancelReader struct{ cancel context.CancelFunc }

func (c cancelReader) ReadDocument(ctx context.Context, _ image.Image, _, _ string) (DocumentResult, error) {
	c.cancel()
	return DocumentResult{}, fmt.Errorf("read: %w", ctx.Err())
}

// TestCheckReaderFailure covers a /check whose document reading fails:
// the reader's error text (which may quote the document) stays out of the
// log and the answer; a reading abandoned by the client is neither a 500
// nor an error-level line.
func TestCheckReaderFailure(t *testing.T) {
	img := jpegURL(t, portrait(40, 40, 0, 1))
	check := api.CheckRequest{FirstName: "Anna Maria", LastName: "Eriksson", DOB: "1974-08-12"}
	tests := []struct {
		name       string
		reader     func(cancel context.CancelFunc) DocumentReader
		wantStatus int
		wantLevels []string // the levels of the lines other than the request line
	}{
		{"reader error quoting the document", func(context.CancelFunc) DocumentReader {
			return fakeReader{err: errors.New(`unreadable line "P<UTOERIKSSON<<ANNA<MARIA" near L898902C3`)}
		}, http.StatusInternalServerError, []string{"ERROR"}},
		{"client gone", func(cancel context.CancelFunc) DocumentReader { return cancelReader{cancel} },
			statusClientClosed, []string{"DEBUG"}},
	}
	for _, tc := range tests {
		t.Run(tc.name, func(t *testing.T) {
			var buf strings.Builder
			var mu sync.Mutex
			logger := slog.New(slog.NewJSONHandler(lockedWriter{&mu, &buf}, &slog.HandlerOptions{Level: slog.LevelDebug}))
			ctx, cancel := context.WithCancel(context.Background())
			defer cancel()
			ts := newTestServer(t, Options{Logger: logger, DocumentReader: tc.reader(cancel)})
			v := ts.create(api.CreateVerificationRequest{Email: "a@example.com"})
			base := "/webapi/kyc/user/" + v.UUID
			if rec := ts.do("PUT", base, api.UploadRequest{Cadrs: []string{img}, Passport: img, DocumentType: "passport", Country: "ru"}); rec.Code != 200 {
				t.Fatalf("upload %d", rec.Code)
			}
			mu.Lock()
			buf.Reset()
			mu.Unlock()

			raw, err := json.Marshal(check)
			if err != nil {
				t.Fatal(err)
			}
			req := httptest.NewRequestWithContext(ctx, "POST", base+"/check", bytes.NewReader(raw))
			req.Header.Set("Content-Type", "application/json")
			rec := httptest.NewRecorder()
			ts.srv.ServeHTTP(rec, req)
			if rec.Code != tc.wantStatus {
				t.Fatalf("check %d, want %d: %s", rec.Code, tc.wantStatus, rec.Body)
			}

			mu.Lock()
			logs := buf.String()
			mu.Unlock()
			var levels []string
			for line := range strings.Lines(logs) {
				var l struct{ Level, Msg string }
				if err := json.Unmarshal([]byte(line), &l); err != nil {
					t.Fatalf("log line %q: %v", line, err)
				}
				if l.Msg != "request" {
					levels = append(levels, l.Level)
				}
			}
			if !slices.Equal(levels, tc.wantLevels) {
				t.Errorf("log levels %q, want %q: %s", levels, tc.wantLevels, logs)
			}
			for _, secret := range []string{"ERIKSSON", "L898902C3", "Eriksson", "1974-08-12", v.UUID} {
				if strings.Contains(logs, secret) || strings.Contains(rec.Body.String(), secret) {
					t.Errorf("log or answer holds %q: %s | %s", secret, logs, rec.Body)
				}
			}
		})
	}
}

// TestStringLengthCountsCharacters checks that the 255 limit of string
// fields counts characters, as Laravel's max:255 does, not UTF-8 bytes.
func TestStringLengthCountsCharacters(t *testing.T) {
	ts := newTestServer(t, Options{})
	v := ts.create(api.CreateVerificationRequest{Email: "a@example.com"})
	path := "/webapi/kyc/user/" + v.UUID + "/check"
	tests := []struct {
		name   string
		field  string
		value  string
		reject bool
	}{
		{"200 Cyrillic characters", "fullAddress", strings.Repeat("ж", 200), false},
		{"255 Cyrillic characters", "fullAddress", strings.Repeat("ж", 255), false},
		{"256 Cyrillic characters", "fullAddress", strings.Repeat("ж", 256), true},
		{"255 ASCII characters", "fullAddress", strings.Repeat("a", 255), false},
		{"256 ASCII characters", "fullAddress", strings.Repeat("a", 256), true},
		{"255 four-byte characters", "city", strings.Repeat("😀", 255), false},
		{"Cyrillic first name", "firstName", strings.Repeat("Ё", 250), false},
		{"256-character last name", "lastName", strings.Repeat("Щ", 256), true},
	}
	for _, tc := range tests {
		t.Run(tc.name, func(t *testing.T) {
			body := map[string]string{"firstName": "Иван", "lastName": "Петров", "dob": "1990-01-02"}
			body[tc.field] = tc.value
			rec := ts.do("POST", path, body)
			if tc.reject {
				wantFieldError(t, rec, tc.field, "The "+attr(tc.field)+" field must not be greater than 255 characters.")
				return
			}
			if rec.Code != http.StatusOK {
				t.Fatalf("status %d: %s", rec.Code, rec.Body)
			}
		})
	}
}
