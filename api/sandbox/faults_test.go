package sandbox

import (
	"context"
	"encoding/json"
	"io"
	"net/http"
	"net/http/httptest"
	"testing"
	"time"

	"github.com/kycterm/kycterm/api"
)

func get(t *testing.T, url string) (int, []byte, error) {
	t.Helper()
	req, err := http.NewRequestWithContext(context.Background(), "GET", url, nil)
	if err != nil {
		t.Fatal(err)
	}
	req.Header.Set("X-API-Key", testKey)
	resp, err := http.DefaultClient.Do(req)
	if err != nil {
		return 0, nil, err
	}
	defer resp.Body.Close()
	b, err := io.ReadAll(resp.Body)
	return resp.StatusCode, b, err
}

func TestFaults(t *testing.T) {
	tests := []struct {
		name  string
		f     Faults
		check func(t *testing.T, status int, body []byte, err error)
	}{
		{"fail", Faults{FailRate: 1}, func(t *testing.T, status int, body []byte, err error) {
			if err != nil || (status != 500 && status != 502 && status != 503) || !json.Valid(body) {
				t.Fatalf("%d %s %v", status, body, err)
			}
		}},
		{"malformed", Faults{MalformedRate: 1}, func(t *testing.T, status int, body []byte, err error) {
			if err != nil || status != 200 || json.Valid(body) || len(body) == 0 {
				t.Fatalf("%d %q %v", status, body, err)
			}
		}},
		{"reset", Faults{ResetRate: 1}, func(t *testing.T, status int, body []byte, err error) {
			if err == nil {
				t.Fatalf("no error reading a reset body: %d %q", status, body)
			}
		}},
		{"slow", Faults{SlowRate: 1, SlowChunk: 8, SlowInterval: time.Millisecond}, func(t *testing.T, status int, body []byte, err error) {
			var out api.ListVerificationsResponse
			if err != nil || status != 200 || json.Unmarshal(body, &out) != nil || len(out.Items) != 1 {
				t.Fatalf("%d %q %v", status, body, err)
			}
		}},
		{"latency", Faults{Latency: 5 * time.Millisecond, LatencyJitter: time.Millisecond}, func(t *testing.T, status int, _ []byte, err error) {
			if err != nil || status != 200 {
				t.Fatalf("%d %v", status, err)
			}
		}},
	}
	for _, tc := range tests {
		t.Run(tc.name, func(t *testing.T) {
			ts := newTestServer(t, Options{})
			ts.create(api.CreateVerificationRequest{Email: "a@example.com"})
			tc.f.Methods = []string{"get"}
			srv, err := New(Options{APIKey: testKey, Rand: newSeededReader(1), Faults: tc.f})
			if err != nil {
				t.Fatal(err)
			}
			// Share the records: the faulty server gets the same state.
			srv.st = ts.srv.st
			hs := httptest.NewServer(srv)
			defer hs.Close()
			status, body, err := get(t, hs.URL+"/webapi/kyc")
			tc.check(t, status, body, err)
		})
	}
}

func TestFaultLimitAndSeed(t *testing.T) {
	srv, err := New(Options{APIKey: testKey, Rand: newSeededReader(1), Faults: Faults{FailRate: 1, Limit: 2}})
	if err != nil {
		t.Fatal(err)
	}
	hs := httptest.NewServer(srv)
	defer hs.Close()
	var got []int
	for i := 0; i < 4; i++ {
		status, _, err := get(t, hs.URL+"/webapi/kyc")
		if err != nil {
			t.Fatal(err)
		}
		got = append(got, status)
	}
	if got[0] < 500 || got[1] < 500 || got[2] != 200 || got[3] != 200 || srv.Injected() != 2 {
		t.Fatalf("statuses %v, injected %d", got, srv.Injected())
	}

	// The same seed fails the same requests the same way.
	seq := func(seed uint64) []int {
		fi, err := newFaultInjector(Faults{Seed: seed, FailRate: 0.3, MalformedRate: 0.3})
		if err != nil {
			t.Fatal(err)
		}
		var out []int
		for i := 0; i < 40; i++ {
			_, kind, status := fi.draw("GET")
			out = append(out, int(kind)*1000+status*int(min(kind, 1)))
		}
		return out
	}
	a, b, c := seq(7), seq(7), seq(8)
	same, differs := true, false
	kinds := map[int]bool{}
	for i := range a {
		same = same && a[i] == b[i]
		differs = differs || a[i] != c[i]
		kinds[a[i]/1000] = true
	}
	if !same || !differs || len(kinds) != 3 {
		t.Fatalf("seeded draws: same %v differs %v kinds %v", same, differs, kinds)
	}
}
