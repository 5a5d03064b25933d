package api

import (
	"bytes"
	"encoding/json"
	"errors"
	"reflect"
	"testing"
)

func TestParseDataURL(t *testing.T) {
	tests := []struct {
		name     string
		in       string
		wantMIME string
		wantData []byte
		wantErr  bool
	}{
		{"jpeg", "data:image/jpeg;base64,/9j/", "image/jpeg", []byte{0xff, 0xd8, 0xff}, false},
		{"empty payload", "data:image/png;base64,", "image/png", []byte{}, false},
		{"with parameter", "data:image/jpeg;name=a.jpg;base64,AQ==", "image/jpeg;name=a.jpg", []byte{1}, false},
		{"no prefix", "image/jpeg;base64,AQ==", "", nil, true},
		{"no comma", "data:image/jpeg;base64", "", nil, true},
		{"not base64", "data:image/jpeg,AQ==", "", nil, true},
		{"empty mime", "data:;base64,AQ==", "", nil, true},
		{"mime with space", "data:image/ jpeg;base64,AQ==", "", nil, true},
		{"bad padding", "data:image/jpeg;base64,AQ=", "", nil, true},
		{"url-safe alphabet", "data:image/jpeg;base64,-_8=", "", nil, true},
		{"bad characters", "data:image/jpeg;base64,@@@@", "", nil, true},
		{"raw bytes", "data:image/jpeg;base64,\xff\xfe", "", nil, true},
		{"empty", "", "", nil, true},
	}
	for _, tc := range tests {
		t.Run(tc.name, func(t *testing.T) {
			mime, data, err := ParseDataURL(tc.in)
			if tc.wantErr {
				if !errors.Is(err, ErrDataURL) {
					t.Fatalf("error %v, want ErrDataURL", err)
				}
				return
			}
			if err != nil || mime != tc.wantMIME || !bytes.Equal(data, tc.wantData) {
				t.Fatalf("got %q %v %v, want %q %v", mime, data, err, tc.wantMIME, tc.wantData)
			}
		})
	}
}

func FuzzParseDataURL(f *testing.F) {
	f.Add("data:image/jpeg;base64,/9j/4AAQ")
	f.Add("data:image/png;base64,")
	f.Add("data:;base64,AQ==")
	f.Add("data:a,b;base64,AQ==")
	f.Add("data:image/jpeg;base64,AQ\n==")
	f.Fuzz(func(t *testing.T, s string) {
		mime, data, err := ParseDataURL(s)
		if err != nil {
			if !errors.Is(err, ErrDataURL) {
				t.Fatalf("error %v is not ErrDataURL", err)
			}
			return
		}
		mime2, data2, err := ParseDataURL(DataURL(mime, data))
		if err != nil || mime2 != mime || !bytes.Equal(data2, data) {
			t.Fatalf("round trip of %q: %q %v %v", s, mime2, data2, err)
		}
	})
}

func TestChallengeForms(t *testing.T) {
	tests := []struct {
		name      string
		in        string
		wantType  string
		wantExtra []string
		wantOut   string // re-encoded; "" = same as in
		wantErr   bool
	}{
		{"string", `"blink"`, "blink", nil, "", false},
		{"type object", `{"type":"smile","seconds":2}`, "smile", []string{"seconds"}, "", false},
		{"name object", `{"name":"turn_left"}`, "turn_left", nil, "", false},
		{"action object", `{"action":"nod","x":{"y":[1]}}`, "nod", []string{"x"}, "", false},
		{"type wins over name", `{"name":"a","type":"b"}`, "b", []string{"name"}, "", false},
		{"unknown name kept", `"juggle"`, "juggle", nil, "", false},
		{"null", `null`, "", nil, "", true},
		{"number", `3`, "", nil, "", true},
		{"list", `["blink"]`, "", nil, "", true},
		{"object without a type", `{"kind":"blink"}`, "", nil, "", true},
		{"type not a string", `{"type":3}`, "", nil, "", true},
		{"bad string", `"\x"`, "", nil, "", true},
	}
	for _, tc := range tests {
		t.Run(tc.name, func(t *testing.T) {
			var c Challenge
			err := json.Unmarshal([]byte(tc.in), &c)
			if tc.wantErr {
				if err == nil {
					t.Fatalf("accepted %s as %+v", tc.in, c)
				}
				return
			}
			if err != nil || c.Type != tc.wantType {
				t.Fatalf("got %+v, %v", c, err)
			}
			if got := sortedKeys(c.Extra); len(got)+len(tc.wantExtra) > 0 && !reflect.DeepEqual(got, tc.wantExtra) {
				t.Errorf("extra keys %v, want %v", got, tc.wantExtra)
			}
			out, err := json.Marshal(c)
			if err != nil {
				t.Fatal(err)
			}
			want := tc.wantOut
			if want == "" {
				want = tc.in
			}
			if !jsonEqual(t, out, []byte(want)) {
				t.Errorf("re-encoded as %s, want %s", out, want)
			}
		})
	}
	if b, _ := json.Marshal(NewChallenge("blink")); string(b) != `"blink"` {
		t.Errorf("NewChallenge encodes as %s", b)
	}
}

func jsonEqual(t *testing.T, a, b []byte) bool {
	t.Helper()
	var x, y any
	if err := json.Unmarshal(a, &x); err != nil {
		t.Fatalf("%s: %v", a, err)
	}
	if err := json.Unmarshal(b, &y); err != nil {
		t.Fatalf("%s: %v", b, err)
	}
	return reflect.DeepEqual(x, y)
}

func FuzzChallenge(f *testing.F) {
	for _, s := range []string{`"blink"`, `{"type":"smile","n":1}`, `{"name":"a","action":"b"}`, `{}`, `null`, `[1]`} {
		f.Add([]byte(s))
	}
	f.Fuzz(func(t *testing.T, b []byte) {
		var c Challenge
		if json.Unmarshal(b, &c) != nil {
			return
		}
		out, err := json.Marshal(c)
		if err != nil {
			t.Fatalf("re-encode %q: %v", b, err)
		}
		var again Challenge
		if err := json.Unmarshal(out, &again); err != nil || again.Type != c.Type || len(again.Extra) != len(c.Extra) {
			t.Fatalf("%q → %s → %+v (%v), want %+v", b, out, again, err, c)
		}
	})
}

func TestDetails(t *testing.T) {
	tests := []struct {
		name       string
		in         string
		wantScores []Score
		wantErr    bool
	}{
		{"known three", `{"livenessScore":0.9,"faceMatchScore":0.8,"antiSpoofingScore":0.7}`,
			[]Score{{"livenessScore", 0.9}, {"faceMatchScore", 0.8}, {"antiSpoofingScore", 0.7}}, false},
		{"unknown keys kept and listed", `{"zeta":0.1,"faceMatchScore":0.5,"alpha":1,"note":"x","nested":{"a":1}}`,
			[]Score{{"faceMatchScore", 0.5}, {"alpha", 1}, {"zeta", 0.1}}, false},
		{"null score", `{"livenessScore":null}`, nil, false},
		{"null unknown key", `{"depth":null,"x":2}`, []Score{{"x", 2}}, false},
		{"empty", `{}`, nil, false},
		{"known score not a number", `{"livenessScore":"high"}`, nil, true},
		{"not an object", `[1,2]`, nil, true},
	}
	for _, tc := range tests {
		t.Run(tc.name, func(t *testing.T) {
			var d Details
			err := json.Unmarshal([]byte(tc.in), &d)
			if tc.wantErr {
				if err == nil {
					t.Fatalf("accepted %s", tc.in)
				}
				return
			}
			if err != nil {
				t.Fatal(err)
			}
			if got := d.Scores(); !reflect.DeepEqual(got, tc.wantScores) {
				t.Errorf("Scores() = %v, want %v", got, tc.wantScores)
			}
			out, err := json.Marshal(d)
			if err != nil {
				t.Fatal(err)
			}
			if !jsonEqual(t, out, []byte(tc.in)) {
				t.Errorf("round trip %s → %s", tc.in, out)
			}
		})
	}
}
