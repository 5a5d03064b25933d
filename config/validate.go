package config

import (
	"fmt"
	"net"
	"net/url"
	"strings"
	"time"
)

// Validate checks every setting and returns all problems at once, each
// naming its key and where the value came from.
func (c Config) Validate() error {
	var errs []error
	bad := func(key, format string, args ...any) {
		errs = append(errs, &Error{Pos: c.Origin(key), Key: key, Msg: fmt.Sprintf(format, args...), Err: ErrInvalid})
	}
	if msg := c.checkBaseURL(); msg != "" {
		bad("base_url", "%s", msg)
	}
	if strings.ContainsFunc(c.APIKey, isSpaceOrControl) {
		bad("api_key", "holds spaces or control characters (a stray newline?)")
	}
	if !isToken(c.AuthHeader) {
		bad("auth_header", "%q is not an HTTP header name", c.AuthHeader)
	}
	if c.AuthScheme != "" && !isToken(c.AuthScheme) {
		bad("auth_scheme", "%q is not an auth scheme (a single word such as Bearer, or empty)", c.AuthScheme)
	}
	if c.MaxResponseBytes < 1<<10 || c.MaxResponseBytes > 1<<30 {
		bad("max_response_bytes", "%d is outside 1024 … 1073741824", c.MaxResponseBytes)
	}
	if c.MaxAttempts < 1 || c.MaxAttempts > 10 {
		bad("max_attempts", "%d is outside 1 … 10", c.MaxAttempts)
	}
	for key, d := range map[string]Duration{"timeouts.request": c.Timeouts.Request, "timeouts.upload": c.Timeouts.Upload} {
		if d.Std() < 100*time.Millisecond || d.Std() > time.Hour {
			bad(key, "%s is outside 100ms … 1h", d)
		}
	}
	if c.Camera.Width < 16 || c.Camera.Width > 8192 {
		bad("camera.width", "%d is outside 16 … 8192", c.Camera.Width)
	}
	if c.Camera.Height < 16 || c.Camera.Height > 8192 {
		bad("camera.height", "%d is outside 16 … 8192", c.Camera.Height)
	}
	switch c.Camera.Format {
	case "auto", "mjpeg", "yuyv":
	default:
		bad("camera.format", "%q is not one of auto, mjpeg, yuyv", c.Camera.Format)
	}
	if c.Liveness.FramesPerChallenge < 1 || c.Liveness.FramesPerChallenge > 30 {
		bad("liveness.frames_per_challenge", "%d is outside 1 … 30", c.Liveness.FramesPerChallenge)
	}
	if c.Liveness.JPEGQuality < 1 || c.Liveness.JPEGQuality > 100 {
		bad("liveness.jpeg_quality", "%d is outside 1 … 100", c.Liveness.JPEGQuality)
	}
	if c.Liveness.MaxFrameWidth < 64 || c.Liveness.MaxFrameWidth > 4096 {
		bad("liveness.max_frame_width", "%d is outside 64 … 4096", c.Liveness.MaxFrameWidth)
	}
	if c.Liveness.MaxFrameHeight < 64 || c.Liveness.MaxFrameHeight > 4096 {
		bad("liveness.max_frame_height", "%d is outside 64 … 4096", c.Liveness.MaxFrameHeight)
	}
	if !isDocType(c.Document.Type) {
		bad("document.type", "%q is not a document type such as passport or id_card", c.Document.Type)
	}
	if c.Document.Country != "" && !isCountry(c.Document.Country) {
		bad("document.country", "%q is not a two-letter lower-case ISO 3166 code such as ru", c.Document.Country)
	}
	if q := c.Document.Quality; q.MinSharpness < 0 || q.MinSharpness > 100000 {
		bad("document.quality.min_sharpness", "%d is outside 0 … 100000", q.MinSharpness)
	}
	if q := c.Document.Quality; q.MaxGlarePermille < 0 || q.MaxGlarePermille > 1000 {
		bad("document.quality.max_glare_permille", "%d is outside 0 … 1000", q.MaxGlarePermille)
	}
	if q := c.Document.Quality; q.MinLuma < 0 || q.MinLuma > 255 {
		bad("document.quality.min_luma", "%d is outside 0 … 255", q.MinLuma)
	}
	if q := c.Document.Quality; q.MaxLuma <= q.MinLuma || q.MaxLuma > 255 {
		bad("document.quality.max_luma", "%d is not above min_luma (%d) and at most 255", q.MaxLuma, q.MinLuma)
	}
	if q := c.Document.Quality; q.MinWidthPercent < 0 || q.MinWidthPercent > 100 {
		bad("document.quality.min_width_percent", "%d is outside 0 … 100", q.MinWidthPercent)
	}
	switch c.UI.Lang {
	case "en", "ru":
	default:
		bad("ui.lang", "%q is not a supported language (use en or ru)", c.UI.Lang)
	}
	if c.Kiosk.IdleResetSeconds < 0 || c.Kiosk.IdleResetSeconds > 86400 {
		bad("kiosk.idle_reset_seconds", "%d is outside 0 … 86400 (0 turns the reset off)", c.Kiosk.IdleResetSeconds)
	}
	if c.Kiosk.OperatorPINHash != "" {
		if _, err := parsePINHash(c.Kiosk.OperatorPINHash); err != nil {
			bad("kiosk.operator_pin_hash", "not a PIN hash made by `kycterm config hash-pin` (%v)", err)
		}
	} else if c.Kiosk.Enabled {
		bad("kiosk.operator_pin_hash", "kiosk.enabled needs an operator PIN; make its hash with `kycterm config hash-pin`")
	}
	switch c.Log.Format {
	case "json", "text":
	default:
		bad("log.format", "%q is not json or text", c.Log.Format)
	}
	switch c.Log.Level {
	case "debug", "info", "warn", "error":
	default:
		bad("log.level", "%q is not one of debug, info, warn, error", c.Log.Level)
	}
	if c.Log.MaxSizeMB < 1 || c.Log.MaxSizeMB > 1024 {
		bad("log.max_size_mb", "%d is outside 1 … 1024", c.Log.MaxSizeMB)
	}
	if c.Log.MaxBackups < 0 || c.Log.MaxBackups > 100 {
		bad("log.max_backups", "%d is outside 0 … 100", c.Log.MaxBackups)
	}
	sortByKey(errs)
	return joinErrors(errs)
}

// sortByKey orders problems as the keys appear in the file (the map of
// timeouts above has no order of its own).
func sortByKey(errs []error) {
	order := make(map[string]int)
	for i, k := range Keys() {
		order[k] = i
	}
	for i := 1; i < len(errs); i++ {
		for j := i; j > 0 && order[errs[j].(*Error).Key] < order[errs[j-1].(*Error).Key]; j-- {
			errs[j], errs[j-1] = errs[j-1], errs[j]
		}
	}
}

// checkBaseURL returns what is wrong with the base URL, or "".
func (c Config) checkBaseURL() string {
	if c.BaseURL == "" {
		return "empty; set the AMLKYC service URL, e.g. " + DefaultBaseURL
	}
	u, err := url.Parse(c.BaseURL)
	if err != nil {
		return fmt.Sprintf("%q is not a URL", c.BaseURL)
	}
	if u.Scheme != "https" && u.Scheme != "http" {
		return fmt.Sprintf("%q: want an https:// URL", c.BaseURL)
	}
	if u.Host == "" || u.Hostname() == "" {
		return fmt.Sprintf("%q has no host", c.BaseURL)
	}
	if u.User != nil {
		return "must not hold a user name or password; put the key in api_key"
	}
	if u.RawQuery != "" || u.Fragment != "" {
		return fmt.Sprintf("%q: must not hold a query or fragment", c.BaseURL)
	}
	if u.Scheme == "http" && !IsLoopback(u.Hostname()) && !c.InsecureHTTP {
		return fmt.Sprintf("%q: plain http is allowed only to a loopback address; use https (or set insecure_http: true)", c.BaseURL)
	}
	return ""
}

// IsLoopback reports whether host is localhost, in 127.0.0.0/8 or ::1.
func IsLoopback(host string) bool {
	if strings.EqualFold(host, "localhost") {
		return true
	}
	ip := net.ParseIP(host)
	return ip != nil && ip.IsLoopback()
}

func isSpaceOrControl(r rune) bool { return r <= ' ' || r == 0x7f }

// isToken reports whether s is an RFC 9110 token.
func isToken(s string) bool {
	if s == "" {
		return false
	}
	for _, r := range s {
		if r > 0x7e || r <= ' ' || strings.ContainsRune(`"(),/:;<=>?@[\]{}`, r) {
			return false
		}
	}
	return true
}

func isDocType(s string) bool {
	if s == "" || len(s) > 40 {
		return false
	}
	for _, r := range s {
		if !(r >= 'a' && r <= 'z' || r == '_' || r == '-' || r >= '0' && r <= '9') {
			return false
		}
	}
	return true
}

func isCountry(s string) bool {
	return len(s) == 2 && s[0] >= 'a' && s[0] <= 'z' && s[1] >= 'a' && s[1] <= 'z'
}
