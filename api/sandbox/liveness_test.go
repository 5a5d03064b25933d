package sandbox

import (
	"encoding/base64"
	"encoding/json"
	"net/http"
	"slices"
	"strings"
	"testing"
	"time"

	"github.com/kycterm/kycterm/api"
)

func TestLivenessStart(t *testing.T) {
	ts := newTestServer(t, Options{})
	v := ts.create(api.CreateVerificationRequest{Email: "a@example.com"})
	seen := map[string]bool{}
	for i := 0; i < 20; i++ {
		st := ts.startLiveness(v.UUID)
		if !st.Success || st.TimeoutSeconds != 120 || len(st.Challenges) != 3 {
			t.Fatalf("start %+v", st)
		}
		names := map[string]bool{}
		for _, c := range st.Challenges {
			if !slices.Contains(ChallengeTypes(), c.Type) || names[c.Type] {
				t.Fatalf("challenges %v", st.Challenges)
			}
			names[c.Type] = true
			seen[c.Type] = true
		}
		p, sig, ok := strings.Cut(st.ChallengeToken, ".")
		if !ok {
			t.Fatalf("token %q has no dot", st.ChallengeToken)
		}
		payload, err := base64.RawURLEncoding.DecodeString(p)
		if err != nil || len(sig) != 43 {
			t.Fatalf("token parts: %v, sig %d chars", err, len(sig))
		}
		var c claims
		if err := json.Unmarshal(payload, &c); err != nil || c.UUID != v.UUID || c.Nonce == "" ||
			c.ExpiresAt-c.IssuedAt != 120_000 {
			t.Fatalf("payload %s: %v", payload, err)
		}
	}
	if len(seen) != 5 {
		t.Errorf("20 draws used only %v", seen)
	}

	obj := newTestServer(t, Options{ObjectChallenges: true, TokenTTL: time.Minute})
	w := obj.create(api.CreateVerificationRequest{Email: "a@example.com"})
	rec := obj.do("POST", "/webapi/kyc/user/"+w.UUID+"/liveness/start", nil)
	var raw struct {
		Challenges     []map[string]string `json:"challenges"`
		TimeoutSeconds int                 `json:"timeoutSeconds"`
	}
	decodeInto(t, rec, &raw)
	if raw.TimeoutSeconds != 60 || len(raw.Challenges) != 3 || raw.Challenges[0]["type"] == "" || raw.Challenges[0]["instruction"] == "" {
		t.Fatalf("object challenges: %s", rec.Body)
	}
}

// tamper flips one character of the token's payload or signature.
func tamper(tok string, inSig bool) string {
	b := []byte(tok)
	i := 2
	if inSig {
		i = len(b) - 3
	}
	if b[i] == 'A' {
		b[i] = 'B'
	} else {
		b[i] = 'A'
	}
	return string(b)
}

func TestVerifyTokenErrors(t *testing.T) {
	ts := newTestServer(t, Options{})
	v := ts.create(api.CreateVerificationRequest{Email: "a@example.com"})
	other := ts.create(api.CreateVerificationRequest{Email: "b@example.com"})
	path := "/webapi/kyc/user/" + v.UUID + "/liveness/verify"
	verify := func(req api.VerifyRequest) (int, string, map[string][]string) {
		rec := ts.do("POST", path, req)
		if rec.Code != http.StatusOK && rec.Code != http.StatusUnprocessableEntity {
			t.Fatalf("status %d %s", rec.Code, rec.Body)
		}
		if rec.Code == 200 {
			return 200, "", nil
		}
		msg, errs := errorsOf(t, rec)
		return rec.Code, msg, errs
	}

	t.Run("tampered payload", func(t *testing.T) {
		req := ts.verifyRequest(ts.startLiveness(v.UUID), verifyCase{perChallenge: 1})
		req.ChallengeToken = tamper(req.ChallengeToken, false)
		_, msg, errs := verify(req)
		if msg != "The challenge token is invalid." || errs["challengeToken"][0] != msg {
			t.Fatalf("%q %v", msg, errs)
		}
	})
	t.Run("tampered signature", func(t *testing.T) {
		req := ts.verifyRequest(ts.startLiveness(v.UUID), verifyCase{perChallenge: 1})
		req.ChallengeToken = tamper(req.ChallengeToken, true)
		if _, msg, _ := verify(req); msg != "The challenge token is invalid." {
			t.Fatalf("%q", msg)
		}
	})
	t.Run("garbage", func(t *testing.T) {
		for _, tok := range []string{"x", "a.b.c", ".", "e30.", "e30.AAAA"} {
			req := ts.verifyRequest(ts.startLiveness(v.UUID), verifyCase{perChallenge: 1})
			req.ChallengeToken = tok
			if _, msg, _ := verify(req); msg != "The challenge token is invalid." {
				t.Fatalf("%q: %q", tok, msg)
			}
		}
	})
	t.Run("other uuid", func(t *testing.T) {
		req := ts.verifyRequest(ts.startLiveness(other.UUID), verifyCase{perChallenge: 1})
		if _, msg, _ := verify(req); msg != "The challenge token was issued for another verification." {
			t.Fatalf("%q", msg)
		}
	})
	t.Run("expired", func(t *testing.T) {
		req := ts.verifyRequest(ts.startLiveness(v.UUID), verifyCase{perChallenge: 1})
		ts.clock.Advance(121 * time.Second)
		_, msg, errs := verify(req)
		if msg != "The challenge token has expired." || errs["challengeToken"][0] != msg {
			t.Fatalf("%q", msg)
		}
	})
	t.Run("reused", func(t *testing.T) {
		req := ts.verifyRequest(ts.startLiveness(v.UUID), verifyCase{perChallenge: 1})
		if code, msg, _ := verify(req); code != 200 {
			t.Fatalf("first use: %q", msg)
		}
		if _, msg, _ := verify(req); msg != "The challenge token has already been used." {
			t.Fatalf("%q", msg)
		}
	})
	t.Run("token from another server", func(t *testing.T) {
		ts2 := newTestServer(t, Options{Rand: newSeededReader(9)})
		w := ts2.create(api.CreateVerificationRequest{Email: "a@example.com"})
		req := ts.verifyRequest(ts2.startLiveness(w.UUID), verifyCase{perChallenge: 1})
		if _, msg, _ := verify(req); msg != "The challenge token is invalid." {
			t.Fatalf("%q", msg)
		}
	})
}

func TestVerifyValidation(t *testing.T) {
	ts := newTestServer(t, Options{})
	v := ts.create(api.CreateVerificationRequest{Email: "a@example.com", AllowedDocumentTypes: []string{"passport"},
		CountryRestrictionMode: "whitelist", AllowedCountries: []string{"ru"}})
	path := "/webapi/kyc/user/" + v.UUID + "/liveness/verify"
	st := ts.startLiveness(v.UUID)
	good := ts.verifyRequest(st, verifyCase{perChallenge: 1})
	goodJSON, _ := json.Marshal(good)
	var base map[string]json.RawMessage
	if err := json.Unmarshal(goodJSON, &base); err != nil {
		t.Fatal(err)
	}
	frame := func(edit func(m map[string]any)) json.RawMessage {
		m := map[string]any{"challengeIndex": 0, "image": good.Frames[0].Image, "timestamp": good.Frames[0].Timestamp}
		edit(m)
		b, _ := json.Marshal([]any{m})
		return b
	}
	tests := []struct {
		name  string
		key   string
		value json.RawMessage // nil deletes the key
		field string
		msg   string
	}{
		{"token missing", "challengeToken", nil, "challengeToken", "The challengeToken field is required."},
		{"token number", "challengeToken", json.RawMessage(`12`), "challengeToken", "The challengeToken field must be a string."},
		{"frames missing", "frames", nil, "frames", "The frames field is required."},
		{"frames empty", "frames", json.RawMessage(`[]`), "frames", "The frames field is required."},
		{"frames object", "frames", json.RawMessage(`{}`), "frames", "The frames field must be an array."},
		{"frame not object", "frames", json.RawMessage(`[1]`), "frames.0", "The frames.0 field must be an object."},
		{"index missing", "frames", frame(func(m map[string]any) { delete(m, "challengeIndex") }), "frames.0.challengeIndex", "The frames.0.challengeIndex field is required."},
		{"index string", "frames", frame(func(m map[string]any) { m["challengeIndex"] = "0" }), "frames.0.challengeIndex", "The frames.0.challengeIndex field must be an integer."},
		{"index negative", "frames", frame(func(m map[string]any) { m["challengeIndex"] = -1 }), "frames.0.challengeIndex", "The frames.0.challengeIndex field must be at least 0."},
		{"index out of range", "frames", frame(func(m map[string]any) { m["challengeIndex"] = 3 }), "frames.0.challengeIndex", "The frames.0.challengeIndex field must be less than 3."},
		{"image missing", "frames", frame(func(m map[string]any) { delete(m, "image") }), "frames.0.image", "The frames.0.image field is required."},
		{"image bad base64", "frames", frame(func(m map[string]any) { m["image"] = "data:image/jpeg;base64,!!" }), "frames.0.image", "The frames.0.image field must be a base64 data URL."},
		{"image not decodable", "frames", frame(func(m map[string]any) { m["image"] = "data:image/png;base64,iVBORw0KGgo=" }), "frames.0.image", "The frames.0.image field must be an image."},
		{"timestamp missing", "frames", frame(func(m map[string]any) { delete(m, "timestamp") }), "frames.0.timestamp", "The frames.0.timestamp field is required."},
		{"timestamp string", "frames", frame(func(m map[string]any) { m["timestamp"] = "1701424800.123" }), "frames.0.timestamp", "The frames.0.timestamp field must be a number."},
		{"timestamp bool", "frames", frame(func(m map[string]any) { m["timestamp"] = true }), "frames.0.timestamp", "The frames.0.timestamp field must be a number."},
		{"head pose not object", "frames", frame(func(m map[string]any) { m["headPose"] = 3 }), "frames.0.headPose", "The frames.0.headPose field must be an object."},
		{"yaw not number", "frames", frame(func(m map[string]any) { m["headPose"] = map[string]any{"yaw": "left"} }), "frames.0.headPose.yaw", "The frames.0.headPose.yaw field must be a number."},
		{"blendshape not number", "frames", frame(func(m map[string]any) { m["blendshapes"] = map[string]any{"jawOpen": "wide"} }), "frames.0.blendshapes.jawOpen", "The frames.0.blendshapes.jawOpen field must be a number."},
		{"landmarks string", "frames", frame(func(m map[string]any) { m["landmarks"] = "x" }), "frames.0.landmarks", "The frames.0.landmarks field must be an object."},
		{"anti-spoofing missing", "antiSpoofing", nil, "antiSpoofing", "The antiSpoofing field is required."},
		{"anti-spoofing number", "antiSpoofing", json.RawMessage(`0.9`), "antiSpoofing", "The antiSpoofing field must be an object."},
		{"anti-spoofing score string", "antiSpoofing", json.RawMessage(`{"score":"high"}`), "antiSpoofing.score", "The antiSpoofing.score field must be a number."},
		{"passport missing", "passport", nil, "passport", "The passport field is required."},
		{"passport not data url", "passport", json.RawMessage(`"/9j/4AAQ"`), "passport", "The passport field must be a base64 data URL."},
		{"document type missing", "documentType", nil, "documentType", "The documentType field is required."},
		{"document type not allowed", "documentType", json.RawMessage(`"id_card"`), "documentType", "The selected documentType is not allowed for this verification."},
		{"country missing", "country", nil, "country", "The country field is required."},
		{"country not iso", "country", json.RawMessage(`"russia"`), "country", "The selected country is invalid."},
		{"country not allowed", "country", json.RawMessage(`"kz"`), "country", "The selected country is not allowed for this verification."},
	}
	for _, tc := range tests {
		t.Run(tc.name, func(t *testing.T) {
			body := map[string]json.RawMessage{}
			for k, v := range base {
				body[k] = v
			}
			if tc.value == nil {
				delete(body, tc.key)
			} else {
				body[tc.key] = tc.value
			}
			rec := ts.do("POST", path, body)
			wantFieldError(t, rec, tc.field, tc.msg)
		})
	}
	// None of these consumed the token: the good request still scores.
	if rec := ts.do("POST", path, good); rec.Code != 200 {
		t.Fatalf("good request after failures: %d %s", rec.Code, rec.Body)
	}
}

func TestVerifyScoringAndRecord(t *testing.T) {
	passportImg := portrait(160, 200, 0, 99)
	tests := []struct {
		name       string
		vc         verifyCase
		wantPassed bool
		check      func(t *testing.T, d map[string]any)
	}{
		{"genuine with evidence", verifyCase{perChallenge: 3, measure: true, done: true, anti: f64(0.98)}, true,
			func(t *testing.T, d map[string]any) {
				if d["challengesPassed"] != 3.0 || d["livenessScore"] != 1.0 {
					t.Errorf("details %v", d)
				}
			}},
		{"no measurements", verifyCase{perChallenge: 3, anti: f64(0.98)}, false,
			func(t *testing.T, d map[string]any) {
				if d["livenessScore"] != 0.5 || d["challengesPassed"] != 0.0 {
					t.Errorf("details %v", d)
				}
			}},
		{"challenges not done", verifyCase{perChallenge: 3, measure: true, anti: f64(0.98)}, false,
			func(t *testing.T, d map[string]any) {
				if d["livenessScore"] != 0.0 {
					t.Errorf("details %v", d)
				}
			}},
		{"anti-spoofing unknown", verifyCase{perChallenge: 3, measure: true, done: true}, false,
			func(t *testing.T, d map[string]any) {
				if d["antiSpoofingScore"] != UnknownAntiSpoofing || d["antiSpoofingMeasured"] != false {
					t.Errorf("details %v", d)
				}
			}},
		{"anti-spoofing clamped", verifyCase{perChallenge: 3, measure: true, done: true, anti: f64(7)}, true,
			func(t *testing.T, d map[string]any) {
				if d["antiSpoofingScore"] != 1.0 {
					t.Errorf("details %v", d)
				}
			}},
		{"still photo replayed", verifyCase{perChallenge: 3, measure: true, done: true, still: true, anti: f64(0.98)}, false,
			func(t *testing.T, d map[string]any) {
				if d["stillFrameShare"] != 1.0 || d["antiSpoofingScore"].(float64) > 0.3 {
					t.Errorf("details %v", d)
				}
			}},
		{"one frame per challenge", verifyCase{perChallenge: 1, measure: true, done: true, anti: f64(0.98)}, false,
			func(t *testing.T, d map[string]any) {
				if l := d["livenessScore"].(float64); l < 0.33 || l > 0.34 {
					t.Errorf("details %v", d)
				}
			}},
	}
	for _, tc := range tests {
		t.Run(tc.name, func(t *testing.T) {
			ts := newTestServer(t, Options{})
			v := ts.create(api.CreateVerificationRequest{Email: "a@example.com"})
			if tc.vc.passport == "" {
				tc.vc.passport = jpegURL(t, passportImg)
			}
			req := ts.verifyRequest(ts.startLiveness(v.UUID), tc.vc)
			ts.clock.Advance(3 * time.Second)
			rec := ts.do("POST", "/webapi/kyc/user/"+v.UUID+"/liveness/verify", req)
			if rec.Code != 200 {
				t.Fatalf("verify %d %s", rec.Code, rec.Body)
			}
			var resp api.VerifyResponse
			decodeInto(t, rec, &resp)
			var raw struct {
				Details map[string]any `json:"details"`
			}
			decodeInto(t, rec, &raw)
			d := raw.Details
			if !resp.Success || resp.Passed != tc.wantPassed {
				t.Fatalf("passed %v, want %v: %s", resp.Passed, tc.wantPassed, rec.Body)
			}
			l, f, a := *resp.Details.LivenessScore, *resp.Details.FaceMatchScore, *resp.Details.AntiSpoofingScore
			want := round4(WeightLiveness*l + WeightFaceMatch*f + WeightAntiSpoofing*a)
			if resp.Score != want {
				t.Errorf("score %v, want weighted %v", resp.Score, want)
			}
			for _, k := range []string{"challengesPassed", "challengesTotal", "framesReceived", "faceMatcher", "perChallenge", "threshold"} {
				if _, ok := d[k]; !ok {
					t.Errorf("details lack %q", k)
				}
			}
			tc.check(t, d)

			// The record agrees with the answer.
			var list api.ListVerificationsResponse
			decodeInto(t, ts.do("GET", "/webapi/kyc", nil, "X-API-Key", testKey), &list)
			got := list.Items[0]
			wantStatus, wantLive := api.StatusFailed, api.LivenessFail
			if resp.Passed {
				wantStatus, wantLive = api.StatusSuccess, api.LivenessPass
			}
			if got.LivenessScore == nil || *got.LivenessScore != resp.Score || got.LivenessStatus != wantLive ||
				got.Status != wantStatus || got.LivenessAttempts != 1 {
				t.Errorf("record %+v disagrees with %+v", got, resp)
			}
			if resp.Passed != (got.EndTime != nil) {
				t.Errorf("end_time %v with passed %v", got.EndTime, resp.Passed)
			}
		})
	}
}

func TestVerifyTimestamps(t *testing.T) {
	ts := newTestServer(t, Options{})
	v := ts.create(api.CreateVerificationRequest{Email: "a@example.com"})
	vc := verifyCase{perChallenge: 3, measure: true, done: true, anti: f64(0.98)}
	run := func(edit func(req *api.VerifyRequest)) map[string]any {
		req := ts.verifyRequest(ts.startLiveness(v.UUID), vc)
		edit(&req)
		ts.clock.Advance(3 * time.Second)
		rec := ts.do("POST", "/webapi/kyc/user/"+v.UUID+"/liveness/verify", req)
		var raw struct {
			Details map[string]any `json:"details"`
		}
		decodeInto(t, rec, &raw)
		return raw.Details
	}
	tests := []struct {
		name string
		edit func(req *api.VerifyRequest)
		want float64
	}{
		{"in order", func(*api.VerifyRequest) {}, 1},
		{"an hour early", func(req *api.VerifyRequest) {
			for i := range req.Frames {
				req.Frames[i].Timestamp -= 3600
			}
		}, 0},
		{"reversed", func(req *api.VerifyRequest) {
			n := len(req.Frames)
			for i := range req.Frames {
				req.Frames[i].Timestamp = float64(ts.clock.Now().Unix()) + float64(n-i)*0.1
			}
		}, round4(1.0 / 9)}, // only the very first frame counts as increasing
	}
	for _, tc := range tests {
		t.Run(tc.name, func(t *testing.T) {
			d := run(tc.edit)
			if got := d["livenessScore"].(float64); got < tc.want-0.001 || got > tc.want+0.001 {
				t.Fatalf("livenessScore %v, want about %v", d["livenessScore"], tc.want)
			}
		})
	}
}

func TestAttemptsCount(t *testing.T) {
	ts := newTestServer(t, Options{})
	v := ts.create(api.CreateVerificationRequest{Email: "a@example.com"})
	for i := 1; i <= 3; i++ {
		req := ts.verifyRequest(ts.startLiveness(v.UUID), verifyCase{perChallenge: 1})
		if rec := ts.do("POST", "/webapi/kyc/user/"+v.UUID+"/liveness/verify", req); rec.Code != 200 {
			t.Fatalf("attempt %d: %d", i, rec.Code)
		}
		var det map[string]any
		decodeInto(t, ts.do("GET", "/webapi/kyc/user/"+v.UUID, nil), &det)
		if det["liveness_attempts"] != float64(i) {
			t.Fatalf("attempts %v after %d", det["liveness_attempts"], i)
		}
	}
}
