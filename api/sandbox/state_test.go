package sandbox

import (
	"bytes"
	"encoding/base64"
	"errors"
	"os"
	"path/filepath"
	"testing"
	"time"

	"github.com/kycterm/kycterm/api"
)

func TestStatePersistence(t *testing.T) {
	path := filepath.Join(t.TempDir(), "state.json")
	ts := newTestServer(t, Options{StatePath: path})
	v := ts.create(api.CreateVerificationRequest{Email: "a@example.com", AllowedDocumentTypes: []string{"passport"}})
	base := "/webapi/kyc/user/" + v.UUID
	ts.do("POST", base, nil)
	img := portrait(64, 64, 0, 3)
	passport := jpegURL(t, img)
	if rec := ts.do("PUT", base, api.UploadRequest{Cadrs: []string{passport}, Passport: passport,
		DocumentType: "passport", Country: "ru"}); rec.Code != 200 {
		t.Fatalf("upload %d", rec.Code)
	}
	ts.do("POST", base+"/check", api.CheckRequest{FirstName: "Ivan", LastName: "Petrov", DOB: "1990-01-02"})
	ts.do("POST", base+"/step", api.StepRequest{Step: 2, Data: map[string]any{"secret": "kept-in-memory"}})
	st := ts.startLiveness(v.UUID)
	req := ts.verifyRequest(st, verifyCase{perChallenge: 1, passport: passport})
	if rec := ts.do("POST", base+"/liveness/verify", req); rec.Code != 200 {
		t.Fatalf("verify %d", rec.Code)
	}

	fi, err := os.Stat(path)
	if err != nil {
		t.Fatal(err)
	}
	if fi.Mode().Perm() != 0o600 {
		t.Errorf("state mode %v", fi.Mode().Perm())
	}
	raw, err := os.ReadFile(path)
	if err != nil {
		t.Fatal(err)
	}
	_, jpegBytes, _ := api.ParseDataURL(passport)
	for _, secret := range [][]byte{[]byte("data:image"), []byte(base64.StdEncoding.EncodeToString(jpegBytes[:30])),
		[]byte("Petrov"), []byte("kept-in-memory"), []byte(st.ChallengeToken[:20])} {
		if bytes.Contains(raw, secret) {
			t.Errorf("state file holds %q", secret)
		}
	}
	if left, _ := filepath.Glob(filepath.Join(filepath.Dir(path), ".sandbox-state-*")); len(left) > 0 {
		t.Errorf("temporary files left: %v", left)
	}

	// A restarted server has the records, not the customer data nor the
	// old tokens.
	ts2 := newTestServer(t, Options{StatePath: path, Rand: newSeededReader(2)})
	var list api.ListVerificationsResponse
	decodeInto(t, ts2.do("GET", "/webapi/kyc", nil, "X-API-Key", testKey), &list)
	if len(list.Items) != 1 {
		t.Fatalf("items %d", len(list.Items))
	}
	got := list.Items[0]
	if got.UUID != v.UUID || got.Status != api.StatusFailed || got.LivenessAttempts != 1 || got.Step != 2 ||
		got.DocType == nil || *got.DocType != "passport" || got.LivenessScore == nil {
		t.Fatalf("restored %+v", got)
	}
	var det map[string]any
	decodeInto(t, ts2.do("GET", base, nil), &det)
	if det["images"].(map[string]any)["passport"] != nil {
		t.Error("images survived a restart")
	}
	req2 := ts.verifyRequest(ts.startLiveness(v.UUID), verifyCase{perChallenge: 1, passport: passport})
	rec := ts2.do("POST", base+"/liveness/verify", req2)
	if msg, _ := errorsOf(t, rec); msg != "The challenge token is invalid." {
		t.Errorf("old server's token on the new one: %q", msg)
	}
	w := ts2.create(api.CreateVerificationRequest{Email: "b@example.com"})
	if w.ID != 2 {
		t.Errorf("next id %d", w.ID)
	}
}

func TestStateFileErrors(t *testing.T) {
	dir := t.TempDir()
	tests := []struct {
		name    string
		content string
	}{
		{"not json", "{"},
		{"wrong version", `{"version":99,"next_id":1,"records":[]}`},
		{"empty record", `{"version":1,"next_id":1,"records":[null]}`},
		{"repeated uuid", `{"version":1,"next_id":1,"records":[{"verification":{"uuid":"a"}},{"verification":{"uuid":"a"}}]}`},
	}
	for _, tc := range tests {
		t.Run(tc.name, func(t *testing.T) {
			path := filepath.Join(dir, tc.name+".json")
			if err := os.WriteFile(path, []byte(tc.content), 0o600); err != nil {
				t.Fatal(err)
			}
			_, err := New(Options{StatePath: path, Rand: newSeededReader(1)})
			if !errors.Is(err, ErrState) {
				t.Fatalf("err %v, want ErrState", err)
			}
		})
	}
}

func TestOptionsValidation(t *testing.T) {
	tests := []struct {
		name string
		opts Options
	}{
		{"negative ttl", Options{TokenTTL: -time.Second}},
		{"tiny body", Options{MaxBodyBytes: 10}},
		{"bad header", Options{AuthHeader: "X Bad"}},
		{"rate above one", Options{Faults: Faults{FailRate: 1.5}}},
		{"negative rate", Options{Faults: Faults{ResetRate: -0.1}}},
		{"rates sum above one", Options{Faults: Faults{FailRate: 0.6, SlowRate: 0.6}}},
		{"status not 5xx", Options{Faults: Faults{FailRate: 0.1, Statuses: []int{404}}}},
		{"latency too long", Options{Faults: Faults{Latency: time.Hour}}},
		{"slow interval too long", Options{Faults: Faults{SlowRate: 0.1, SlowInterval: time.Minute}}},
	}
	for _, tc := range tests {
		t.Run(tc.name, func(t *testing.T) {
			tc.opts.Rand = newSeededReader(1)
			if _, err := New(tc.opts); !errors.Is(err, ErrOptions) {
				t.Fatalf("err %v, want ErrOptions", err)
			}
		})
	}
}
