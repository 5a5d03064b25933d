package api

import (
	"context"
	"errors"
	"net/http"
	"net/url"
	"strings"
	"testing"
)

func TestRedact(t *testing.T) {
	tests := []struct {
		name    string
		in      string
		secrets []string
		want    string
	}{
		{"plain", "key=" + testKey + " end", []string{testKey}, "key=[REDACTED] end"},
		{"twice", "a secret, a secret", []string{"secret"}, "a [REDACTED], a [REDACTED]"},
		{"query escaped", "k=" + url.QueryEscape(testKey), []string{testKey}, "k=[REDACTED]"},
		{"path escaped", "/x/" + url.PathEscape("a b/c"), []string{"a b/c"}, "/x/[REDACTED]"},
		{"empty secret ignored", "nothing here", []string{""}, "nothing here"},
		{"unknown sanctum-shaped key", "Bearer 12|" + strings.Repeat("a", 40) + ".", nil, "Bearer [REDACTED]."},
		{"short pipe run kept", "a|b 1|abc x|" + strings.Repeat("z", 50), nil, "a|b 1|abc x|" + strings.Repeat("z", 50)},
		{"several secrets", testKey + " " + testToken, []string{testKey, testToken}, "[REDACTED] [REDACTED]"},
		{"no secrets", "hello", nil, "hello"},
	}
	for _, tc := range tests {
		t.Run(tc.name, func(t *testing.T) {
			if got := Redact(tc.in, tc.secrets...); got != tc.want {
				t.Errorf("Redact = %q, want %q", got, tc.want)
			}
		})
	}
}

// leaks reports which secret, in any form, text holds.
func leaks(text string) string {
	for _, s := range []string{testKey, testToken, url.QueryEscape(testKey), strings.SplitN(testKey, "|", 2)[1]} {
		if strings.Contains(text, s) {
			return s
		}
	}
	return ""
}

func TestSecretsNeverLeak(t *testing.T) {
	echo := "key " + testKey + " token " + testToken + " escaped " + url.QueryEscape(testKey)
	jsonEcho := strings.ReplaceAll(echo, `"`, `\"`)
	tests := []struct {
		name   string
		script []http.HandlerFunc
	}{
		{"422 echoing everything", []http.HandlerFunc{reply(422, `{"message":"`+jsonEcho+` expired","errors":{"challengeToken":["`+jsonEcho+`"],"`+testToken+`":["`+testKey+`"]}}`)}},
		{"401 echoing the key", []http.HandlerFunc{reply(401, `{"message":"bad key `+testKey+`"}`)}},
		{"500 html page", []http.HandlerFunc{reply(500, `<html>`+echo+`</html>`)}},
		{"429 then 503 with retries", []http.HandlerFunc{withHeader(reply(429, `{"message":"`+jsonEcho+`"}`), "Retry-After", "1"), reply(503, `{"error":"`+jsonEcho+`"}`)}},
		{"redirect to a URL with the token", []http.HandlerFunc{withHeader(reply(302, ``), "Location", "https://evil.example/?t="+testToken)}},
		{"200 not json", []http.HandlerFunc{reply(200, echo)}},
		{"200 wrong types", []http.HandlerFunc{reply(200, `{"score":"`+jsonEcho+`","details":"`+jsonEcho+`"}`)}},
		{"dropped connection", []http.HandlerFunc{hangUp}},
		{"success", []http.HandlerFunc{reply(200, `{"success":true,"score":1,"passed":true,"details":{"note":"`+jsonEcho+`"}}`)}},
	}
	for _, tc := range tests {
		t.Run(tc.name, func(t *testing.T) {
			c, _, _, logs := newTestClient(t, func(cfg *Config) { cfg.MaxAttempts = 3 }, tc.script...)
			_, verr := c.VerifyLiveness(context.Background(), testUUID, &VerifyRequest{ChallengeToken: testToken, Frames: []LivenessFrame{}}, nil)
			_, perr := c.Params(context.Background(), testUUID)
			_, lerr := c.StartLiveness(context.Background(), testUUID)
			for _, err := range []error{verr, perr, lerr} {
				if err == nil {
					continue
				}
				if s := leaks(err.Error()); s != "" {
					t.Errorf("error text leaks %q: %s", s, err)
				}
				if ae, ok := err.(interface{ Unwrap() []error }); ok {
					for _, inner := range ae.Unwrap() {
						if inner != nil && leaks(inner.Error()) != "" {
							t.Errorf("wrapped error leaks: %s", inner)
						}
					}
				}
			}
			if s := leaks(logs.String()); s != "" {
				t.Errorf("logs leak %q:\n%s", s, logs)
			}
			if !strings.Contains(logs.String(), `"msg":"api call"`) {
				t.Errorf("nothing was logged; the check above proves nothing")
			}
		})
	}
}

func TestProxyCredentialsRedacted(t *testing.T) {
	t.Setenv("HTTPS_PROXY", "http://branch:s3cr3t-pw@proxy.branch.example:3128")
	t.Setenv("HTTP_PROXY", "")
	c, err := New(Config{})
	if err != nil {
		t.Fatal(err)
	}
	te := &TransportError{Endpoint: "GET /x", Err: errors.New("proxyconnect tcp: http://branch:s3cr3t-pw@proxy: refused"), redact: c.redactor}
	if strings.Contains(te.Error(), "s3cr3t-pw") {
		t.Errorf("proxy password shown: %s", te)
	}
}

func TestHiddenSecretInServerText(t *testing.T) {
	// A zero-width space inside an echoed key must not survive cleaning as
	// the key itself.
	hidden := testKey[:10] + "\u200b" + testKey[10:]
	c, _, _, _ := newTestClient(t, func(cfg *Config) { cfg.MaxAttempts = 1 }, reply(422, `{"message":"bad `+hidden+`"}`))
	_, err := c.Params(context.Background(), testUUID)
	if err == nil || leaks(err.Error()) != "" {
		t.Fatalf("error %v", err)
	}
	if !strings.Contains(err.Error(), "bad [REDACTED]") {
		t.Errorf("error %q", err)
	}
}
