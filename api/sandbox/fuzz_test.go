package sandbox

import (
	"bytes"
	"encoding/json"
	"net/http/httptest"
	"strings"
	"testing"
	"time"

	"github.com/kycterm/kycterm/api"
)

// fuzzServer is a sandbox with one verification and a small image.
func fuzzServer(f *testing.F) (*testServer, string, []byte) {
	ts := newTestServer(f, Options{MaxPixels: 256 * 256, MaxBodyBytes: 1 << 20})
	v := ts.create(api.CreateVerificationRequest{Email: "a@example.com"})
	st := ts.startLiveness(v.UUID)
	req := ts.verifyRequest(st, verifyCase{perChallenge: 1, measure: true, done: true, anti: f64(0.9),
		passport: jpegURL(f, portrait(32, 32, 0, 1)), frameURLs: []string{jpegURL(f, portrait(32, 24, 0, 1))}})
	good, err := json.Marshal(req)
	if err != nil {
		f.Fatal(err)
	}
	return ts, v.UUID, good
}

// FuzzDecodeVerify posts arbitrary bodies to liveness/verify: the answer
// is never a 5xx and the handler never panics.
func FuzzDecodeVerify(f *testing.F) {
	ts, uuid, good := fuzzServer(f)
	f.Add(good)
	f.Add([]byte(`{}`))
	f.Add([]byte(`{"frames":[{"challengeIndex":1e300,"timestamp":-1e309}]}`))
	f.Add([]byte(`{"frames":[{"challengeIndex":0,"image":"data:image/png;base64,iVBORw0KGgo=","headPose":{"yaw":"x"},"blendshapes":[]}]}`))
	f.Add([]byte(`{"challengeToken":"e30.e30","antiSpoofing":{"score":null},"passport":"data:,"}`))
	f.Add([]byte(`[`))
	f.Add(bytes.Replace(good, []byte(`"challengeIndex":0`), []byte(`"challengeIndex":7`), 1))
	path := "/webapi/kyc/user/" + uuid + "/liveness/verify"
	f.Fuzz(func(t *testing.T, body []byte) {
		req := httptest.NewRequest("POST", path, bytes.NewReader(body))
		rec := httptest.NewRecorder()
		ts.srv.ServeHTTP(rec, req)
		if rec.Code >= 500 || (rec.Code != 200 && rec.Code < 400) {
			t.Fatalf("status %d for %q: %s", rec.Code, body, rec.Body)
		}
		if !json.Valid(rec.Body.Bytes()) {
			t.Fatalf("answer is not JSON: %q", rec.Body)
		}
	})
}

// FuzzDecodeRequests posts arbitrary bodies to every endpoint that reads
// one: never a 5xx, always a JSON answer.
func FuzzDecodeRequests(f *testing.F) {
	ts, uuid, _ := fuzzServer(f)
	img := jpegURL(f, portrait(16, 16, 0, 1))
	f.Add(uint8(0), []byte(`{"email":"a@example.com","country_restriction_mode":"whitelist","allowed_countries":["ru"]}`))
	f.Add(uint8(1), []byte(`{"cadrs":["`+img+`"],"passport":"`+img+`","document_type":"passport","country":"ru"}`))
	f.Add(uint8(2), []byte(`{"step":2,"data":{"a":[1,{"b":null}]}}`))
	f.Add(uint8(3), []byte(`{"firstName":"I","lastName":"P","dob":"1990-01-02","passport_date":"x"}`))
	f.Add(uint8(4), []byte(`{"image":"`+img+`","document_type":"passport","country":"RU"}`))
	f.Add(uint8(1), []byte(`{"cadrs":[null,1,"data:image/jpeg;base64,"]}`))
	base := "/webapi/kyc/user/" + uuid
	routes := []struct{ method, path string }{
		{"PUT", "/webapi/kyc"}, {"PUT", base}, {"POST", base + "/step"}, {"POST", base + "/check"},
		{"POST", base + "/recognize-document"},
	}
	f.Fuzz(func(t *testing.T, which uint8, body []byte) {
		rt := routes[int(which)%len(routes)]
		req := httptest.NewRequest(rt.method, rt.path, bytes.NewReader(body))
		req.Header.Set("Authorization", "Bearer "+testKey)
		rec := httptest.NewRecorder()
		ts.srv.ServeHTTP(rec, req)
		if rec.Code >= 500 || (rec.Code != 200 && rec.Code < 400) {
			t.Fatalf("%s %s: status %d for %q: %s", rt.method, rt.path, rec.Code, body, rec.Body)
		}
		if !json.Valid(rec.Body.Bytes()) {
			t.Fatalf("answer is not JSON: %q", rec.Body)
		}
	})
}

// FuzzParseToken feeds arbitrary tokens to the verifier: only tokens the
// server signed parse.
func FuzzParseToken(f *testing.F) {
	ts := newTestServer(f, Options{})
	v := ts.create(api.CreateVerificationRequest{Email: "a@example.com"})
	good := ts.startLiveness(v.UUID).ChallengeToken
	f.Add(good)
	f.Add("")
	f.Add(".")
	f.Add(good + "x")
	f.Add(strings.Replace(good, ".", "..", 1))
	now := ts.clock.Now()
	f.Fuzz(func(t *testing.T, tok string) {
		c, err := ts.srv.parseToken(tok, v.UUID, now)
		if err == nil && tok != good {
			// A different string may decode to the same bytes only through
			// base64 padding bits; it must still carry the same claims.
			if c2, _ := ts.srv.parseToken(good, v.UUID, now); c2.Nonce != c.Nonce {
				t.Fatalf("forged token %q accepted", tok)
			}
		}
		if err != nil && tokenMessage(err) == "" {
			t.Fatal("no message")
		}
	})
}

func BenchmarkHandleVerify(b *testing.B) {
	ts := newTestServer(b, Options{TokenTTL: time.Hour})
	v := ts.create(api.CreateVerificationRequest{Email: "a@example.com"})
	// 15 frames of 640×480 JPEG: 5 per challenge.
	var urls []string
	for i := 0; i < 15; i++ {
		urls = append(urls, jpegURL(b, portrait(640, 480, (i%5)*6-12, uint64(i))))
	}
	st := ts.startLiveness(v.UUID)
	req := ts.verifyRequest(st, verifyCase{perChallenge: 5, measure: true, done: true, anti: f64(0.95),
		passport: jpegURL(b, portrait(480, 600, 0, 99)), frameURLs: urls})
	body, err := json.Marshal(req)
	if err != nil {
		b.Fatal(err)
	}
	path := "/webapi/kyc/user/" + v.UUID + "/liveness/verify"
	b.SetBytes(int64(len(body)))
	b.ResetTimer()
	for i := 0; i < b.N; i++ {
		b.StopTimer()
		tok := ts.startLiveness(v.UUID).ChallengeToken
		one := bytes.Replace(body, []byte(st.ChallengeToken), []byte(tok), 1)
		b.StartTimer()
		r := httptest.NewRequest("POST", path, bytes.NewReader(one))
		rec := httptest.NewRecorder()
		ts.srv.ServeHTTP(rec, r)
		if rec.Code != 200 {
			b.Fatalf("verify %d: %s", rec.Code, rec.Body)
		}
	}
}
