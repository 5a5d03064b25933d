package api

import (
	"context"
	"errors"
	"io"
	"net"
	"net/http"
	"strings"
	"testing"
	"time"
)

// hangUp reads the request (so the server has seen it) and drops the
// connection without an answer.
func hangUp(w http.ResponseWriter, _ *http.Request) {
	conn, _, err := w.(http.Hijacker).Hijack()
	if err == nil {
		_ = conn.Close()
	}
}

// cutBody promises 100 bytes of body, sends 10 and drops the connection.
func cutBody(w http.ResponseWriter, _ *http.Request) {
	w.Header().Set("Content-Length", "100")
	w.WriteHeader(200)
	_, _ = io.WriteString(w, `{"success"`)
	conn, _, err := w.(http.Hijacker).Hijack()
	if err == nil {
		_ = conn.Close()
	}
}

func withHeader(h http.HandlerFunc, key, value string) http.HandlerFunc {
	return func(w http.ResponseWriter, r *http.Request) {
		w.Header().Set(key, value)
		h(w, r)
	}
}

// callKinds covers one call of each retry class.
var callKinds = map[string]func(c *Client) error{
	"GET params": func(c *Client) error { _, err := c.Params(context.Background(), testUUID); return err },
	"PUT upload": func(c *Client) error {
		return c.Upload(context.Background(), testUUID, UploadRequest{Cadrs: []string{"data:image/jpeg;base64,AQ=="}}, nil)
	},
	"POST start liveness": func(c *Client) error { _, err := c.StartLiveness(context.Background(), testUUID); return err },
	"POST verify": func(c *Client) error {
		_, err := c.VerifyLiveness(context.Background(), testUUID, &VerifyRequest{ChallengeToken: testToken}, nil)
		return err
	},
}

func TestRetryPolicy(t *testing.T) {
	ok := reply(200, `{"success":true,"uuid":"`+testUUID+`","challengeToken":"t","challenges":[],"details":{}}`)
	tests := []struct {
		name         string
		call         string
		script       []http.HandlerFunc
		wantRequests int
		wantErr      error // nil = success
	}{
		{"GET retries 503 then succeeds", "GET params", []http.HandlerFunc{reply(503, ``), reply(503, ``), ok}, 3, nil},
		{"GET gives up after MaxAttempts", "GET params", []http.HandlerFunc{reply(502, ``), reply(504, ``), reply(429, ``), reply(503, ``), ok}, 4, ErrServer},
		{"GET does not retry 500", "GET params", []http.HandlerFunc{reply(500, ``), ok}, 1, ErrServer},
		{"GET does not retry 404", "GET params", []http.HandlerFunc{reply(404, ``), ok}, 1, ErrNotFound},
		{"GET does not retry 422", "GET params", []http.HandlerFunc{reply(422, ``), ok}, 1, ErrValidation},
		{"GET retries a dropped connection", "GET params", []http.HandlerFunc{hangUp, ok}, 2, nil},
		{"GET retries a cut body", "GET params", []http.HandlerFunc{cutBody, ok}, 2, nil},
		{"PUT retries 429", "PUT upload", []http.HandlerFunc{reply(429, ``), ok}, 2, nil},
		{"PUT retries a dropped connection", "PUT upload", []http.HandlerFunc{hangUp, hangUp, ok}, 3, nil},
		{"POST does not retry 503", "POST start liveness", []http.HandlerFunc{reply(503, ``), ok}, 1, ErrServer},
		{"POST does not retry a dropped connection", "POST start liveness", []http.HandlerFunc{hangUp, ok}, 1, ErrTransport},
		{"verify does not retry 429", "POST verify", []http.HandlerFunc{reply(429, ``), ok}, 1, ErrRateLimited},
		{"verify does not retry 502", "POST verify", []http.HandlerFunc{reply(502, ``), ok}, 1, ErrServer},
		{"verify not retried after the server saw it", "POST verify", []http.HandlerFunc{hangUp, ok}, 1, ErrTransport},
		{"verify not retried after a cut answer", "POST verify", []http.HandlerFunc{cutBody, ok}, 1, ErrTransport},
	}
	for _, tc := range tests {
		t.Run(tc.name, func(t *testing.T) {
			c, rec, fs, _ := newTestClient(t, nil, tc.script...)
			err := callKinds[tc.call](c)
			if tc.wantErr == nil && err != nil {
				t.Fatalf("call failed: %v", err)
			}
			if tc.wantErr != nil && !errors.Is(err, tc.wantErr) {
				t.Fatalf("error %v, want %v", err, tc.wantErr)
			}
			if rec.count() != tc.wantRequests {
				t.Errorf("server saw %d requests, want %d", rec.count(), tc.wantRequests)
			}
			if got := len(fs.got()); got != tc.wantRequests-1 {
				t.Errorf("%d backoff waits, want %d", got, tc.wantRequests-1)
			}
			var te *TransportError
			if errors.As(err, &te) && te.NotSent {
				t.Errorf("a request the server received is marked NotSent")
			}
		})
	}
}

// refusedURL returns a loopback URL nothing listens on.
func refusedURL(t *testing.T) string {
	t.Helper()
	l, err := net.Listen("tcp", "127.0.0.1:0")
	if err != nil {
		t.Fatal(err)
	}
	addr := l.Addr().String()
	_ = l.Close()
	return "http://" + addr
}

func TestRetryWhenNotSent(t *testing.T) {
	for name, call := range callKinds {
		t.Run(name, func(t *testing.T) {
			url := refusedURL(t)
			c, _, fs, logs := newTestClient(t, func(cfg *Config) { cfg.BaseURL = url; cfg.MaxAttempts = 3 }, reply(200, `{}`))
			err := call(c)
			var te *TransportError
			if !errors.As(err, &te) || !errors.Is(err, ErrTransport) {
				t.Fatalf("error %v (%T), want *TransportError", err, err)
			}
			if !te.NotSent {
				t.Errorf("connection refused not marked NotSent")
			}
			if len(fs.got()) != 2 {
				t.Errorf("%d backoff waits, want 2 (3 attempts)", len(fs.got()))
			}
			if n := strings.Count(logs.String(), `"msg":"api call"`); n != 3 {
				t.Errorf("%d attempts logged, want 3", n)
			}
			if strings.Contains(err.Error(), "http://") || strings.Contains(err.Error(), testUUID) {
				t.Errorf("transport error repeats the URL: %v", err)
			}
			for _, s := range []error{ErrServer, ErrNotFound, ErrBadResponse} {
				if errors.Is(err, s) {
					t.Errorf("transport error matches %v", s)
				}
			}
		})
	}
}

func TestRetryAfter(t *testing.T) {
	now := time.Date(2026, 11, 25, 12, 0, 0, 0, time.UTC)
	ok := reply(200, `{"success":true}`)
	tests := []struct {
		name         string
		first        http.HandlerFunc
		wantWaits    []time.Duration
		wantRequests int
		wantAfter    time.Duration // RetryAfter of the final error; 0 = success expected
	}{
		{"seconds", withHeader(reply(429, ``), "Retry-After", "2"), []time.Duration{2 * time.Second}, 2, 0},
		{"http date", withHeader(reply(429, ``), "Retry-After", now.Add(7*time.Second).Format(http.TimeFormat)), []time.Duration{7 * time.Second}, 2, 0},
		{"503 with seconds", withHeader(reply(503, ``), "Retry-After", "1"), []time.Duration{time.Second}, 2, 0},
		{"longer than the cap ends the call", withHeader(reply(429, ``), "Retry-After", "3600"), nil, 1, time.Hour},
		{"garbage falls back to backoff", withHeader(reply(429, ``), "Retry-After", "later"), []time.Duration{DefaultRetryBaseDelay}, 2, 0},
	}
	for _, tc := range tests {
		t.Run(tc.name, func(t *testing.T) {
			c, rec, fs, _ := newTestClient(t, func(cfg *Config) {
				cfg.Now = func() time.Time { return now }
				cfg.Jitter = func(max time.Duration) time.Duration { return max }
			}, tc.first, ok)
			_, err := c.Params(context.Background(), testUUID)
			if tc.wantAfter == 0 && err != nil {
				t.Fatalf("call failed: %v", err)
			}
			if tc.wantAfter != 0 {
				var ae *Error
				if !errors.As(err, &ae) || ae.RetryAfter != tc.wantAfter || !errors.Is(err, ErrRateLimited) {
					t.Fatalf("error %v, want a 429 *Error with RetryAfter %v", err, tc.wantAfter)
				}
				if !strings.Contains(err.Error(), "retry after 1h0m0s") {
					t.Errorf("error text %q does not say when to retry", err)
				}
			}
			if got := fs.got(); !equalDurations(got, tc.wantWaits) {
				t.Errorf("waits %v, want %v", got, tc.wantWaits)
			}
			if rec.count() != tc.wantRequests {
				t.Errorf("server saw %d requests, want %d", rec.count(), tc.wantRequests)
			}
		})
	}
}

func equalDurations(a, b []time.Duration) bool {
	if len(a) != len(b) {
		return false
	}
	for i := range a {
		if a[i] != b[i] {
			return false
		}
	}
	return true
}

func TestBackoffGrowsAndCaps(t *testing.T) {
	tests := []struct {
		name     string
		base     time.Duration
		max      time.Duration
		attempts int
		want     []time.Duration
	}{
		{"defaults", 0, 0, 4, []time.Duration{500 * time.Millisecond, time.Second, 2 * time.Second}},
		{"capped", time.Second, 3 * time.Second, 6, []time.Duration{time.Second, 2 * time.Second, 3 * time.Second, 3 * time.Second, 3 * time.Second}},
	}
	for _, tc := range tests {
		t.Run(tc.name, func(t *testing.T) {
			var ceilings []time.Duration
			c, _, fs, _ := newTestClient(t, func(cfg *Config) {
				cfg.RetryBaseDelay, cfg.RetryMaxDelay, cfg.MaxAttempts = tc.base, tc.max, tc.attempts
				cfg.Jitter = func(max time.Duration) time.Duration { ceilings = append(ceilings, max); return max / 2 }
			}, reply(503, ``))
			if _, err := c.Params(context.Background(), testUUID); !errors.Is(err, ErrServer) {
				t.Fatalf("error %v", err)
			}
			if !equalDurations(ceilings, tc.want) {
				t.Errorf("jitter ceilings %v, want %v", ceilings, tc.want)
			}
			for i, w := range fs.got() {
				if w != tc.want[i]/2 {
					t.Errorf("wait %d = %v, want the jittered %v", i, w, tc.want[i]/2)
				}
			}
		})
	}
	c, err := New(Config{})
	if err != nil {
		t.Fatal(err)
	}
	for i := 0; i < 100; i++ {
		if d := c.backoff(3); d < 0 || d >= 2*time.Second {
			t.Fatalf("full jitter %v outside [0, 2s)", d)
		}
	}
}

func TestCancellation(t *testing.T) {
	t.Run("during the request", func(t *testing.T) {
		seen := make(chan struct{})
		c, _, _, _ := newTestClient(t, nil, func(w http.ResponseWriter, r *http.Request) {
			close(seen)
			<-r.Context().Done()
		})
		ctx, cancel := context.WithCancel(context.Background())
		go func() { <-seen; cancel() }()
		_, err := c.VerifyLiveness(ctx, testUUID, &VerifyRequest{ChallengeToken: testToken}, nil)
		if !errors.Is(err, context.Canceled) || errors.Is(err, ErrTransport) {
			t.Fatalf("error %v, want context.Canceled and no transport error", err)
		}
	})
	t.Run("during backoff", func(t *testing.T) {
		ctx, cancel := context.WithCancel(context.Background())
		defer cancel()
		var slept bool
		c, rec, _, _ := newTestClient(t, func(cfg *Config) {
			cfg.RetryBaseDelay, cfg.RetryMaxDelay = time.Hour, time.Hour
			cfg.Jitter = func(max time.Duration) time.Duration { return max }
			cfg.Sleep = func(ctx context.Context, d time.Duration) error {
				slept = true
				cancel()
				return sleepCtx(ctx, d) // must return at once, not after an hour
			}
		}, reply(503, ``))
		_, err := c.Params(ctx, testUUID)
		if !slept || !errors.Is(err, context.Canceled) {
			t.Fatalf("error %v (slept %v), want context.Canceled", err, slept)
		}
		if rec.count() != 1 {
			t.Errorf("server saw %d requests after cancel", rec.count())
		}
	})
	t.Run("already cancelled", func(t *testing.T) {
		c, rec, _, _ := newTestClient(t, nil, reply(200, `{}`))
		ctx, cancel := context.WithCancel(context.Background())
		cancel()
		if _, err := c.Params(ctx, testUUID); !errors.Is(err, context.Canceled) {
			t.Fatalf("error %v", err)
		}
		if rec.count() != 0 {
			t.Errorf("server saw %d requests", rec.count())
		}
	})
	t.Run("wait would outlast the deadline", func(t *testing.T) {
		c, rec, fs, _ := newTestClient(t, nil, withHeader(reply(429, ``), "Retry-After", "20"), reply(200, `{}`))
		ctx, cancel := context.WithTimeout(context.Background(), 10*time.Second)
		defer cancel()
		_, err := c.Params(ctx, testUUID)
		if !errors.Is(err, ErrRateLimited) {
			t.Fatalf("error %v, want the 429 itself", err)
		}
		if rec.count() != 1 || len(fs.got()) != 0 {
			t.Errorf("%d requests, %d waits", rec.count(), len(fs.got()))
		}
	})
}

func TestAttemptTimeout(t *testing.T) {
	block := func(w http.ResponseWriter, r *http.Request) {
		select {
		case <-r.Context().Done():
		case <-time.After(10 * time.Second):
		}
	}
	slowBody := func(w http.ResponseWriter, r *http.Request) {
		w.Header().Set("Content-Length", "100")
		w.WriteHeader(200)
		_, _ = io.WriteString(w, `{"success":`)
		w.(http.Flusher).Flush()
		block(w, r)
	}
	tests := []struct {
		name         string
		call         string
		handler      http.HandlerFunc
		wantRequests int
	}{
		{"GET is retried after a timeout", "GET params", block, 2},
		{"GET is retried after a stalled body", "GET params", slowBody, 2},
		{"verify is not retried after a timeout", "POST verify", block, 1},
		{"verify is not retried after a stalled body", "POST verify", slowBody, 1},
	}
	for _, tc := range tests {
		t.Run(tc.name, func(t *testing.T) {
			c, rec, _, _ := newTestClient(t, func(cfg *Config) {
				cfg.Timeout, cfg.UploadTimeout, cfg.MaxAttempts = 50*time.Millisecond, 50*time.Millisecond, 2
			}, tc.handler)
			err := callKinds[tc.call](c)
			var te *TransportError
			if !errors.As(err, &te) || !te.Timeout || te.NotSent {
				t.Fatalf("error %v, want a timed-out TransportError", err)
			}
			if !strings.Contains(err.Error(), "timed out") {
				t.Errorf("error text %q", err)
			}
			if rec.count() != tc.wantRequests {
				t.Errorf("server saw %d requests, want %d", rec.count(), tc.wantRequests)
			}
		})
	}
}
