package config

import (
	"testing"
	"time"

	"github.com/kycterm/kycterm/api"
)

func TestAPIConfig(t *testing.T) {
	c := Default()
	c.BaseURL, c.APIKey, c.AuthHeader, c.AuthScheme = "http://127.0.0.1:8080", "7500|k", "X-API-Key", ""
	c.Timeouts.Request, c.Timeouts.Upload = Duration(3*time.Second), Duration(time.Minute)
	c.MaxResponseBytes, c.MaxAttempts = 4096, 2
	a := c.APIConfig("1.2.3", nil)
	want := api.Config{
		BaseURL: "http://127.0.0.1:8080", APIKey: "7500|k", AuthHeader: "X-API-Key", AuthScheme: "",
		UserAgent: "kycterm/1.2.3", Timeout: 3 * time.Second, UploadTimeout: time.Minute,
		MaxBodyBytes: 4096, MaxAttempts: 2,
	}
	if a.BaseURL != want.BaseURL || a.APIKey != want.APIKey || a.AuthHeader != want.AuthHeader ||
		a.AuthScheme != want.AuthScheme || a.UserAgent != want.UserAgent || a.Timeout != want.Timeout ||
		a.UploadTimeout != want.UploadTimeout || a.MaxBodyBytes != want.MaxBodyBytes || a.MaxAttempts != want.MaxAttempts {
		t.Errorf("APIConfig = %+v", a)
	}
	// Every valid configuration makes a client the api package accepts.
	for _, cfg := range []Config{Default(), c} {
		if _, err := api.New(cfg.APIConfig("dev", nil)); err != nil {
			t.Errorf("api.New rejected a valid config: %v", err)
		}
	}
}
