package config

import (
	"log/slog"

	"github.com/kycterm/kycterm/api"
)

// APIConfig returns the API client's settings for this configuration.
// version goes into the User-Agent; logger receives the client's debug lines.
func (c Config) APIConfig(version string, logger *slog.Logger) api.Config {
	return api.Config{
		BaseURL:       c.BaseURL,
		APIKey:        c.APIKey,
		AuthHeader:    c.AuthHeader,
		AuthScheme:    c.AuthScheme,
		UserAgent:     "kycterm/" + version,
		Timeout:       c.Timeouts.Request.Std(),
		UploadTimeout: c.Timeouts.Upload.Std(),
		MaxBodyBytes:  c.MaxResponseBytes,
		MaxAttempts:   c.MaxAttempts,
		CAFile:        c.CAFile,
		InsecureHTTP:  c.InsecureHTTP,
		Logger:        logger,
	}
}
