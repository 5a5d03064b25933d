package api

import (
	"context"
	"crypto/tls"
	"crypto/x509"
	"encoding/json"
	"fmt"
	"log/slog"
	"net"
	"net/http"
	"net/url"
	"os"
	"strings"
	"time"

	"github.com/go-resty/resty/v2"
)

// Defaults applied by New to zero Config fields.
const (
	DefaultBaseURL        = "https://amlkyc.tech"
	DefaultAuthHeader     = "Authorization"
	DefaultAuthScheme     = "Bearer"
	DefaultTimeout        = 15 * time.Second
	DefaultUploadTimeout  = 120 * time.Second
	DefaultMaxBodyBytes   = 10 << 20
	DefaultMaxAttempts    = 4
	DefaultRetryBaseDelay = 500 * time.Millisecond
	DefaultRetryMaxDelay  = 8 * time.Second
	DefaultMaxRetryAfter  = 30 * time.Second
	maxAttemptsLimit      = 10
)

// Config configures a Client. Zero fields take the defaults above.
type Config struct {
	// BaseURL is the service root, default "https://amlkyc.tech". A path
	// prefix is kept ("https://proxy.example/amlkyc").
	BaseURL string
	// APIKey is the merchant key; secret: never logged or put in error text.
	// When empty no auth header is sent (the /user/{uuid} family needs none).
	APIKey string
	// AuthHeader names the header carrying the key, default "Authorization".
	AuthHeader string
	// AuthScheme prefixes the key, default "Bearer". It may be empty only
	// when AuthHeader is set explicitly (the X-API-Key style).
	AuthScheme string
	// UserAgent is sent on every request, e.g. "kycterm/1.2.3".
	UserAgent string
	// Timeout bounds each attempt of a JSON call (default 15s).
	Timeout time.Duration
	// UploadTimeout bounds each attempt of the calls that move images:
	// Upload, VerifyLiveness, RecognizeDocument and Details (default 120s).
	UploadTimeout time.Duration
	// MaxBodyBytes caps a response body (default 10 MiB).
	MaxBodyBytes int64
	// MaxAttempts bounds the tries of one call, the first included
	// (default 4, at most 10; 1 disables retries).
	MaxAttempts int
	// CAFile is an extra PEM bundle added to the system roots, for
	// branch-office TLS proxies.
	CAFile string
	// InsecureHTTP allows plain http:// to non-loopback hosts.
	InsecureHTTP bool
	// Logger receives one debug line per attempt (method, path template,
	// status, duration, attempt); nil discards.
	Logger *slog.Logger

	// RetryBaseDelay and RetryMaxDelay shape the exponential backoff with
	// full jitter: the wait before try n+1 is uniform in
	// [0, min(RetryMaxDelay, RetryBaseDelay·2^(n-1))). Defaults 500ms, 8s.
	RetryBaseDelay time.Duration
	RetryMaxDelay  time.Duration
	// MaxRetryAfter is the longest Retry-After the client waits out before
	// retrying; a longer one ends the call with the 429/503 error, whose
	// RetryAfter says how long the server asked for (default 30s).
	MaxRetryAfter time.Duration
	// Sleep waits d or until ctx ends (returning ctx's error); nil uses a
	// timer. Tests inject it to observe and skip backoff waits.
	Sleep func(ctx context.Context, d time.Duration) error
	// Now is the clock used for Retry-After dates; nil uses time.Now.
	Now func() time.Time
	// Jitter returns a uniform duration in [0, max); nil uses math/rand/v2.
	Jitter func(max time.Duration) time.Duration
}

// ProgressFunc receives the bytes of a request body sent so far and its
// total, as they leave. It is called from the HTTP transport's goroutine,
// must return quickly, and starts again from zero if the call is retried.
type ProgressFunc func(sent, total int64)

// Client talks to the AMLKYC KYC API. It is safe for concurrent use and
// holds no state between calls besides idle connections and the last few
// challenge tokens it handled, kept only to scrub them from any later
// error text.
type Client struct {
	rc       *resty.Client
	cfg      Config // with defaults applied
	base     string // scheme://host[/prefix], no trailing slash
	authVal  string // full auth header value, or "" when no key
	log      *slog.Logger
	sleep    func(context.Context, time.Duration) error
	now      func() time.Time
	jitter   func(time.Duration) time.Duration
	redactor []string   // secrets every error and log line is scrubbed of
	tokens   *tokenRing // challenge tokens seen lately, scrubbed too
}

// New checks cfg, applies defaults and builds a Client. It fails with
// ErrConfig (or ErrInsecureURL) and never echoes the API key.
func New(cfg Config) (*Client, error) {
	if err := applyDefaults(&cfg); err != nil {
		return nil, err
	}
	base, err := checkBaseURL(cfg.BaseURL, cfg.InsecureHTTP)
	if err != nil {
		return nil, err
	}
	tr, err := newTransport(cfg.CAFile)
	if err != nil {
		return nil, err
	}
	hc := &http.Client{
		Transport: tr,
		// A JSON API has no business redirecting: following would turn a
		// POST into a GET and could carry a custom auth header to another
		// host. The 3xx comes back as an *Error instead.
		CheckRedirect: func(*http.Request, []*http.Request) error { return http.ErrUseLastResponse },
	}
	c := &Client{
		cfg:      cfg,
		base:     base,
		log:      cfg.Logger,
		sleep:    cfg.Sleep,
		now:      cfg.Now,
		jitter:   cfg.Jitter,
		redactor: append([]string{cfg.APIKey}, proxySecrets()...),
		tokens:   &tokenRing{},
	}
	if c.log == nil {
		c.log = slog.New(slog.DiscardHandler)
	}
	if c.sleep == nil {
		c.sleep = sleepCtx
	}
	if c.now == nil {
		c.now = time.Now
	}
	if c.jitter == nil {
		c.jitter = randJitter
	}
	if cfg.APIKey != "" {
		c.authVal = cfg.APIKey
		if cfg.AuthScheme != "" {
			c.authVal = cfg.AuthScheme + " " + cfg.APIKey
		}
	}
	c.rc = resty.NewWithClient(hc).
		SetLogger(discardLogger{}).
		SetDisableWarn(true).
		SetDoNotParseResponse(true).
		SetPreRequestHook(preRequest).
		SetHeader("User-Agent", cfg.UserAgent).
		SetHeader("Accept", "application/json")
	return c, nil
}

func applyDefaults(cfg *Config) error {
	if cfg.BaseURL == "" {
		cfg.BaseURL = DefaultBaseURL
	}
	headerSet := cfg.AuthHeader != ""
	if !headerSet {
		cfg.AuthHeader = DefaultAuthHeader
	}
	if !validHeaderName(cfg.AuthHeader) {
		return fmt.Errorf("%w: auth header %q is not a valid header name", ErrConfig, cfg.AuthHeader)
	}
	if cfg.AuthScheme == "" && !headerSet {
		cfg.AuthScheme = DefaultAuthScheme
	}
	if strings.ContainsAny(cfg.AuthScheme, " \t\r\n") || hasControl(cfg.AuthScheme) {
		return fmt.Errorf("%w: auth scheme must be a single word", ErrConfig)
	}
	if hasControl(cfg.APIKey) || strings.TrimSpace(cfg.APIKey) != cfg.APIKey {
		return fmt.Errorf("%w: the API key contains spaces or control characters", ErrConfig)
	}
	if cfg.UserAgent == "" {
		cfg.UserAgent = "kycterm"
	}
	if hasControl(cfg.UserAgent) {
		return fmt.Errorf("%w: user agent contains control characters", ErrConfig)
	}
	for _, d := range []struct {
		name string
		v    *time.Duration
		def  time.Duration
	}{
		{"timeout", &cfg.Timeout, DefaultTimeout},
		{"upload timeout", &cfg.UploadTimeout, DefaultUploadTimeout},
		{"retry base delay", &cfg.RetryBaseDelay, DefaultRetryBaseDelay},
		{"retry max delay", &cfg.RetryMaxDelay, DefaultRetryMaxDelay},
		{"max retry-after", &cfg.MaxRetryAfter, DefaultMaxRetryAfter},
	} {
		if *d.v < 0 {
			return fmt.Errorf("%w: %s is negative", ErrConfig, d.name)
		}
		if *d.v == 0 {
			*d.v = d.def
		}
	}
	switch {
	case cfg.MaxBodyBytes < 0:
		return fmt.Errorf("%w: max body bytes is negative", ErrConfig)
	case cfg.MaxBodyBytes == 0:
		cfg.MaxBodyBytes = DefaultMaxBodyBytes
	}
	switch {
	case cfg.MaxAttempts < 0 || cfg.MaxAttempts > maxAttemptsLimit:
		return fmt.Errorf("%w: max attempts must be between 1 and %d", ErrConfig, maxAttemptsLimit)
	case cfg.MaxAttempts == 0:
		cfg.MaxAttempts = DefaultMaxAttempts
	}
	return nil
}

// checkBaseURL enforces TLS for every host but loopback and returns the
// base without a trailing slash.
func checkBaseURL(raw string, insecure bool) (string, error) {
	u, err := url.Parse(raw)
	if err != nil {
		return "", fmt.Errorf("%w: base URL does not parse", ErrConfig)
	}
	if u.User != nil {
		return "", fmt.Errorf("%w: base URL must not carry credentials", ErrConfig)
	}
	if u.Host == "" || u.Hostname() == "" {
		return "", fmt.Errorf("%w: base URL %q has no host", ErrConfig, Redact(raw))
	}
	if u.RawQuery != "" || u.Fragment != "" {
		return "", fmt.Errorf("%w: base URL must not have a query or fragment", ErrConfig)
	}
	switch u.Scheme {
	case "https":
	case "http":
		if !insecure && !IsLoopbackHost(u.Hostname()) {
			return "", fmt.Errorf("%w: %w: %s (use https://, or set insecure_http explicitly)", ErrConfig, ErrInsecureURL, u.Host)
		}
	default:
		return "", fmt.Errorf("%w: base URL scheme must be https or http", ErrConfig)
	}
	return strings.TrimRight(u.Scheme+"://"+u.Host+u.EscapedPath(), "/"), nil
}

// IsLoopbackHost reports whether host (no port) is "localhost", in
// 127.0.0.0/8 or ::1: the only hosts plain http:// is allowed to by default.
func IsLoopbackHost(host string) bool {
	if strings.EqualFold(host, "localhost") {
		return true
	}
	ip := net.ParseIP(strings.TrimSuffix(strings.TrimPrefix(host, "["), "]"))
	return ip != nil && ip.IsLoopback()
}

// newTransport has http.DefaultTransport's settings (proxies from the
// environment, dial and TLS handshake timeouts, HTTP/2), built afresh so
// that nothing done to the default transport reaches the client, with TLS
// 1.2+ and the optional extra CA bundle on top of the system roots.
func newTransport(caFile string) (*http.Transport, error) {
	tlsCfg := &tls.Config{MinVersion: tls.VersionTLS12}
	if caFile != "" {
		pem, err := os.ReadFile(caFile)
		if err != nil {
			return nil, fmt.Errorf("%w: read CA file: %w", ErrConfig, err)
		}
		pool, err := x509.SystemCertPool()
		if err != nil || pool == nil {
			pool = x509.NewCertPool()
		}
		if !pool.AppendCertsFromPEM(pem) {
			return nil, fmt.Errorf("%w: CA file %s holds no PEM certificate", ErrConfig, caFile)
		}
		tlsCfg.RootCAs = pool
	}
	return &http.Transport{
		Proxy:                 http.ProxyFromEnvironment,
		DialContext:           (&net.Dialer{Timeout: 30 * time.Second, KeepAlive: 30 * time.Second}).DialContext,
		ForceAttemptHTTP2:     true,
		MaxIdleConns:          10,
		IdleConnTimeout:       90 * time.Second,
		TLSHandshakeTimeout:   10 * time.Second,
		ExpectContinueTimeout: time.Second,
		TLSClientConfig:       tlsCfg,
	}, nil
}

// proxySecrets returns the credentials of proxies set in the environment,
// so that no proxy error can show them.
func proxySecrets() []string {
	var out []string
	for _, name := range []string{"HTTPS_PROXY", "https_proxy", "HTTP_PROXY", "http_proxy"} {
		u, err := url.Parse(os.Getenv(name))
		if err != nil || u.User == nil {
			continue
		}
		if pw, ok := u.User.Password(); ok && pw != "" {
			out = append(out, pw, u.User.String())
		}
	}
	return out
}

func validHeaderName(s string) bool {
	if s == "" {
		return false
	}
	for i := 0; i < len(s); i++ {
		c := s[i]
		if isAlnum(c) || strings.IndexByte("!#$%&'*+-.^_`|~", c) >= 0 {
			continue
		}
		return false
	}
	return true
}

func hasControl(s string) bool {
	for _, r := range s {
		if r < 0x20 || r == 0x7f {
			return true
		}
	}
	return false
}

// BaseURL returns the service root the client talks to.
func (c *Client) BaseURL() string { return c.base }

// CloseIdleConnections closes the kept-alive connections not in use, for
// a kiosk going idle or a test tearing down; the client stays usable.
func (c *Client) CloseIdleConnections() { c.rc.GetClient().CloseIdleConnections() }

// Endpoint paths. The {uuid} placeholder is what logs and errors show.
const (
	pathKYC       = "/webapi/kyc"
	pathUser      = "/webapi/kyc/user/{uuid}"
	pathParams    = pathUser + "/params"
	pathStep      = pathUser + "/step"
	pathCheck     = pathUser + "/check"
	pathLiveStart = pathUser + "/liveness/start"
	pathLiveCheck = pathUser + "/liveness/verify"
	pathRecognize = pathUser + "/recognize-document"
)

// CreateVerification creates a verification (PUT /webapi/kyc; needs the API key).
func (c *Client) CreateVerification(ctx context.Context, req CreateVerificationRequest) (*CreateVerificationResponse, error) {
	var out CreateVerificationResponse
	if err := c.doJSON(ctx, call{method: http.MethodPut, tmpl: pathKYC}, req, &out); err != nil {
		return nil, err
	}
	return &out, nil
}

// ListVerifications lists the merchant's verifications (GET /webapi/kyc; needs the API key).
func (c *Client) ListVerifications(ctx context.Context) (*ListVerificationsResponse, error) {
	var out ListVerificationsResponse
	if err := c.doJSON(ctx, call{method: http.MethodGet, tmpl: pathKYC}, nil, &out); err != nil {
		return nil, err
	}
	return &out, nil
}

// StartSession starts the end-user session of a verification
// (POST /webapi/kyc/user/{uuid}).
func (c *Client) StartSession(ctx context.Context, uuid string) (*Params, error) {
	return c.params(ctx, call{method: http.MethodPost, tmpl: pathUser, uuid: uuid}, nil)
}

// Upload sends the face frames and the document photo
// (PUT /webapi/kyc/user/{uuid}). Images are data URLs (see DataURL).
// progress, if not nil, follows the body as it is sent. The answer's body
// is not relied on: any 2xx is success.
func (c *Client) Upload(ctx context.Context, uuid string, req UploadRequest, progress ProgressFunc) error {
	return c.doJSON(ctx, call{method: http.MethodPut, tmpl: pathUser, uuid: uuid, upload: true, progress: progress}, req, nil)
}

// Details returns the verification's details as the server sent them
// (GET /webapi/kyc/user/{uuid}); the object is free-form and may hold images.
func (c *Client) Details(ctx context.Context, uuid string) (json.RawMessage, error) {
	var out json.RawMessage
	if err := c.doJSON(ctx, call{method: http.MethodGet, tmpl: pathUser, uuid: uuid, upload: true}, nil, &out); err != nil {
		return nil, err
	}
	return out, nil
}

// Params returns the session parameters (GET /webapi/kyc/user/{uuid}/params).
func (c *Client) Params(ctx context.Context, uuid string) (*Params, error) {
	return c.params(ctx, call{method: http.MethodGet, tmpl: pathParams, uuid: uuid}, nil)
}

// UpdateStep moves the session to another step (POST /webapi/kyc/user/{uuid}/step).
func (c *Client) UpdateStep(ctx context.Context, uuid string, req StepRequest) (*Params, error) {
	return c.params(ctx, call{method: http.MethodPost, tmpl: pathStep, uuid: uuid}, req)
}

// CheckDocument submits the document holder's data (POST /webapi/kyc/user/{uuid}/check).
func (c *Client) CheckDocument(ctx context.Context, uuid string, req CheckRequest) (*Params, error) {
	return c.params(ctx, call{method: http.MethodPost, tmpl: pathCheck, uuid: uuid}, req)
}

// StartLiveness asks for liveness challenges and their signed token
// (POST /webapi/kyc/user/{uuid}/liveness/start). The token is a secret:
// bodies are never logged, and the client scrubs it from later errors.
func (c *Client) StartLiveness(ctx context.Context, uuid string) (*StartLivenessResponse, error) {
	var out StartLivenessResponse
	if err := c.doJSON(ctx, call{method: http.MethodPost, tmpl: pathLiveStart, uuid: uuid}, nil, &out); err != nil {
		return nil, err
	}
	c.tokens.add(out.ChallengeToken)
	return &out, nil
}

// VerifyLiveness sends the captured frames, anti-spoofing data and document
// photo for scoring (POST /webapi/kyc/user/{uuid}/liveness/verify). It is
// retried only when the request provably never reached the server, since
// the server counts every attempt it sees. progress, if not nil, follows
// the body as it is sent.
func (c *Client) VerifyLiveness(ctx context.Context, uuid string, req *VerifyRequest, progress ProgressFunc) (*VerifyResponse, error) {
	if req == nil {
		return nil, fmt.Errorf("POST %s: %w: nil verify request", pathLiveCheck, ErrInvalidRequest)
	}
	c.tokens.add(req.ChallengeToken)
	var out VerifyResponse
	cl := call{method: http.MethodPost, tmpl: pathLiveCheck, uuid: uuid, upload: true, progress: progress, secrets: []string{req.ChallengeToken}}
	if err := c.doJSON(ctx, cl, req, &out); err != nil {
		return nil, err
	}
	return &out, nil
}

// RecognizeDocument runs the service's OCR on a document image
// (POST /webapi/kyc/user/{uuid}/recognize-document).
func (c *Client) RecognizeDocument(ctx context.Context, uuid string, req RecognizeRequest) (*RecognizeResponse, error) {
	var out RecognizeResponse
	if err := c.doJSON(ctx, call{method: http.MethodPost, tmpl: pathRecognize, uuid: uuid, upload: true}, req, &out); err != nil {
		return nil, err
	}
	return &out, nil
}

func (c *Client) params(ctx context.Context, cl call, body any) (*Params, error) {
	var out Params
	if err := c.doJSON(ctx, cl, body, &out); err != nil {
		return nil, err
	}
	return &out, nil
}
