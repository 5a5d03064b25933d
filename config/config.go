// Package config holds kycterm's settings and where each one came from.
//
// Settings are layered: Default, then the YAML file (Load), then the
// environment (ApplyEnv), then command-line flags (Set), and finally
// Validate checks the result as a whole. Every value remembers its origin
// (a file and line, an environment variable or a flag), so an error names
// both the key and the place to fix it, e.g.
//
//	config.yaml:7: unknown key "camra"
//	$KYCTERM_UI_LANG: ui.lang: "de" is not a supported language (use en or ru)
//
// Environment variables: AMLKYC_API_KEY, AMLKYC_BASE_URL, AMLKYC_AUTH_HEADER
// and AMLKYC_AUTH_SCHEME (the names the vendor's own SDKs read) set api_key,
// base_url, auth_header and auth_scheme; every other key is KYCTERM_ followed
// by the key's path in upper case with dots as underscores, e.g.
// KYCTERM_CAMERA_DEVICE for camera.device. An empty variable counts as unset;
// AMLKYC_AUTH_SCHEME=none sends the key with no scheme.
//
// A file that holds api_key must be readable by its owner only (chmod 600):
// Load refuses it otherwise.
package config

import (
	"bytes"
	"errors"
	"fmt"
	"maps"
	"strings"
	"time"

	"go.yaml.in/yaml/v3"
)

// Errors callers branch on.
var (
	// ErrUnknownKey reports a key the configuration does not have.
	ErrUnknownKey = errors.New("unknown key")
	// ErrInvalid reports a value of the wrong type or outside its range.
	ErrInvalid = errors.New("invalid value")
	// ErrInsecureFile reports a file holding a secret that others can read.
	ErrInsecureFile = errors.New("config file readable by others")
	// ErrTooLarge reports a configuration file beyond any sensible size.
	ErrTooLarge = errors.New("config file too large")
)

// Redacted is what Redacted and logs show instead of a secret.
const Redacted = "[redacted]"

// DefaultBaseURL is the production AMLKYC service.
const DefaultBaseURL = "https://amlkyc.tech"

// Config is the whole configuration. Its zero value is not useful: start
// from Default.
type Config struct {
	// BaseURL is the AMLKYC service, https unless it is a loopback address
	// or InsecureHTTP is set.
	BaseURL string `yaml:"base_url"`
	// APIKey is the merchant's key, needed only to create and list
	// verifications.
	APIKey string `yaml:"api_key" secret:"true"`
	// AuthHeader and AuthScheme form the auth header: "<AuthHeader>:
	// <AuthScheme> <APIKey>", or just the key when AuthScheme is empty.
	AuthHeader string `yaml:"auth_header"`
	AuthScheme string `yaml:"auth_scheme"`
	// InsecureHTTP allows plain http to a non-loopback host.
	InsecureHTTP bool `yaml:"insecure_http"`
	// CAFile is an extra PEM bundle of trusted CAs (e.g. a branch proxy).
	CAFile string `yaml:"ca_file"`
	// MaxResponseBytes caps the size of a response body.
	MaxResponseBytes int64 `yaml:"max_response_bytes"`
	// MaxAttempts bounds the tries of a request that is safe to retry.
	MaxAttempts int `yaml:"max_attempts"`

	Timeouts Timeouts `yaml:"timeouts"`
	Camera   Camera   `yaml:"camera"`
	Liveness Liveness `yaml:"liveness"`
	Document Document `yaml:"document"`
	UI       UI       `yaml:"ui"`
	Kiosk    Kiosk    `yaml:"kiosk"`
	Log      Log      `yaml:"log"`

	// origins maps a key path to where its value came from. It is shared
	// between copies and replaced, never modified, on a change.
	origins map[string]string
}

// Timeouts bound API calls by class.
type Timeouts struct {
	// Request bounds a JSON call.
	Request Duration `yaml:"request"`
	// Upload bounds a call that sends images (upload, verify, OCR).
	Upload Duration `yaml:"upload"`
}

// Camera selects and configures the capture device.
type Camera struct {
	// Device is a V4L2 device path; empty picks the first camera found.
	Device string `yaml:"device"`
	// Width and Height are the capture size asked of the device.
	Width  int `yaml:"width"`
	Height int `yaml:"height"`
	// Format is the pixel format preference: auto, mjpeg or yuyv.
	Format string `yaml:"format"`
}

// Liveness shapes the frames sent for the liveness check.
type Liveness struct {
	// FramesPerChallenge is how many frames each challenge sends.
	FramesPerChallenge int `yaml:"frames_per_challenge"`
	// JPEGQuality is the quality frames are encoded at (1–100).
	JPEGQuality int `yaml:"jpeg_quality"`
	// MaxFrameWidth and MaxFrameHeight bound an uploaded frame; larger
	// frames are scaled down.
	MaxFrameWidth  int `yaml:"max_frame_width"`
	MaxFrameHeight int `yaml:"max_frame_height"`
}

// Document holds the defaults offered for the identity document.
type Document struct {
	// Type is the document type sent to the service, e.g. passport.
	Type string `yaml:"type"`
	// Country is the issuing country, ISO 3166 alpha-2 in lower case;
	// empty means the operator chooses.
	Country string `yaml:"country"`
	// Quality holds the document photo's quality thresholds.
	Quality DocumentQuality `yaml:"quality"`
}

// DocumentQuality holds the thresholds of the document photo's quality
// checks (capture/document/quality), in whole numbers.
type DocumentQuality struct {
	// MinSharpness is the least variance of the Laplacian of the photo's
	// grey downscale.
	MinSharpness int `yaml:"min_sharpness"`
	// MaxGlarePermille is the largest share of saturated pixels in the
	// document area, in thousandths.
	MaxGlarePermille int `yaml:"max_glare_permille"`
	// MinLuma and MaxLuma bound the photo's mean luma (0–255).
	MinLuma int `yaml:"min_luma"`
	MaxLuma int `yaml:"max_luma"`
	// MinWidthPercent is the least width of the MRZ as a percentage of the
	// frame's width.
	MinWidthPercent int `yaml:"min_width_percent"`
}

// UI configures the terminal interface.
type UI struct {
	// Lang is the interface language: en or ru.
	Lang string `yaml:"lang"`
}

// Kiosk configures unattended operation.
type Kiosk struct {
	// Enabled locks the operator screens behind the PIN.
	Enabled bool `yaml:"enabled"`
	// IdleResetSeconds returns to the start screen (wiping the customer's
	// data) after this long without input; 0 disables it.
	IdleResetSeconds int `yaml:"idle_reset_seconds"`
	// OperatorPINHash is the operator PIN as made by HashPIN.
	OperatorPINHash string `yaml:"operator_pin_hash" secret:"true"`
}

// Log configures the log file. Logs never go to the terminal.
type Log struct {
	// File is the log file; empty means
	// $XDG_STATE_HOME/kycterm/kycterm.log.
	File string `yaml:"file"`
	// Format is json or text.
	Format string `yaml:"format"`
	// Level is debug, info, warn or error.
	Level string `yaml:"level"`
	// MaxSizeMB rotates the file once it grows past this size.
	MaxSizeMB int `yaml:"max_size_mb"`
	// MaxBackups is how many rotated files (.1 … .N) are kept.
	MaxBackups int `yaml:"max_backups"`
}

// Default returns the built-in settings.
func Default() Config {
	return Config{
		BaseURL:          DefaultBaseURL,
		AuthHeader:       "Authorization",
		AuthScheme:       "Bearer",
		MaxResponseBytes: 10 << 20,
		MaxAttempts:      4,
		Timeouts: Timeouts{
			Request: Duration(15 * time.Second),
			Upload:  Duration(2 * time.Minute),
		},
		Camera:   Camera{Width: 640, Height: 480, Format: "auto"},
		Liveness: Liveness{FramesPerChallenge: 3, JPEGQuality: 85, MaxFrameWidth: 640, MaxFrameHeight: 480},
		Document: Document{Type: "passport", Quality: defaultDocumentQuality()},
		UI:       UI{Lang: "en"},
		Kiosk:    Kiosk{IdleResetSeconds: 120},
		Log:      Log{Format: "json", Level: "info", MaxSizeMB: 10, MaxBackups: 3},
	}
}

// defaultDocumentQuality are the thresholds capture/document/quality
// measured on the demo specimen and degraded copies of it.
func defaultDocumentQuality() DocumentQuality {
	return DocumentQuality{MinSharpness: 200, MaxGlarePermille: 20, MinLuma: 70, MaxLuma: 225, MinWidthPercent: 40}
}

// Origin says where the value of key (a dotted path such as "camera.device")
// came from: "file.yaml:7", "$AMLKYC_BASE_URL", "--base-url", or "default".
func (c Config) Origin(key string) string {
	if o, ok := c.origins[key]; ok {
		return o
	}
	return "default"
}

func (c *Config) setOrigin(key, origin string) {
	m := maps.Clone(c.origins)
	if m == nil {
		m = make(map[string]string)
	}
	m[key] = origin
	c.origins = m
}

// Redacted returns a copy fit for printing: secrets are replaced by
// Redacted when set.
func (c Config) Redacted() Config {
	if c.APIKey != "" {
		c.APIKey = Redacted
	}
	if c.Kiosk.OperatorPINHash != "" {
		c.Kiosk.OperatorPINHash = Redacted
	}
	return c
}

// YAML renders c as a YAML document, secrets redacted.
func (c Config) YAML() ([]byte, error) {
	var buf bytes.Buffer
	enc := yaml.NewEncoder(&buf)
	enc.SetIndent(2)
	if err := enc.Encode(c.Redacted()); err != nil {
		return nil, fmt.Errorf("encode config: %w", err)
	}
	if err := enc.Close(); err != nil {
		return nil, fmt.Errorf("encode config: %w", err)
	}
	return buf.Bytes(), nil
}

// Duration is a time.Duration written as "30s" or "2m" in the file.
type Duration time.Duration

// Std returns d as a time.Duration.
func (d Duration) Std() time.Duration { return time.Duration(d) }

// String formats d like time.Duration does.
func (d Duration) String() string { return time.Duration(d).String() }

// MarshalYAML writes d as a duration string.
func (d Duration) MarshalYAML() (any, error) { return d.String(), nil }

// UnmarshalYAML reads a duration string such as "15s".
func (d *Duration) UnmarshalYAML(n *yaml.Node) error {
	if n.Kind != yaml.ScalarNode || n.ShortTag() != "!!str" {
		return errors.New("want a duration such as \"30s\" or \"2m\"")
	}
	v, err := parseDuration(n.Value)
	if err != nil {
		return err
	}
	*d = v
	return nil
}

func parseDuration(s string) (Duration, error) {
	v, err := time.ParseDuration(strings.TrimSpace(s))
	if err != nil {
		return 0, fmt.Errorf("%q is not a duration such as \"30s\" or \"2m\"", s)
	}
	return Duration(v), nil
}
