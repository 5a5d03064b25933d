package sandbox

import (
	"cmp"
	"context"
	"crypto/hmac"
	"crypto/rand"
	"crypto/sha256"
	"errors"
	"fmt"
	"io"
	"log/slog"
	"net"
	"net/http"
	"strings"
	"sync"
	"time"
)

// Defaults of the Options left zero.
const (
	DefaultTokenTTL     = 120 * time.Second
	DefaultSessionTTL   = 30 * time.Minute
	DefaultClockSkew    = 5 * time.Second
	DefaultMaxBodyBytes = 32 << 20
	DefaultMaxFrames    = 200
	DefaultMaxPixels    = 4096 * 4096
	// DefaultMaxRequestPixels bounds the pixels of all the images of one
	// request together (about 200 frames of 640×480).
	DefaultMaxRequestPixels = 64 << 20
)

// ErrOptions reports an Options value New cannot run with.
var ErrOptions = errors.New("invalid sandbox options")

// Options configure a Server. The zero value is a working sandbox with a
// generated demo key and no persistence.
type Options struct {
	// APIKey is the merchant key create/list require. Empty: one is
	// generated as "7500|" followed by 40 alphanumerics.
	APIKey string
	// AuthHeader and AuthScheme name one more way to send the key besides
	// "Authorization: Bearer" and "X-API-Key" (an empty scheme means the
	// bare key), as the vendor's SDK allows.
	AuthHeader string
	AuthScheme string
	// StatePath, when set, is the file the state is persisted to.
	StatePath string
	// Clock returns the current time; time.Now when nil.
	Clock func() time.Time
	// Rand is the source of UUIDs, keys, nonces, token secrets and
	// challenges; crypto/rand when nil.
	Rand io.Reader
	// TokenTTL is the life of a challenge token, also sent as
	// timeoutSeconds; DefaultTokenTTL when zero.
	TokenTTL time.Duration
	// SessionTTL sets session_end after a session starts.
	SessionTTL time.Duration
	// ClockSkew is the slack allowed around the token window when
	// checking frame timestamps.
	ClockSkew time.Duration
	// MaxBodyBytes bounds request bodies (413 beyond it).
	MaxBodyBytes int64
	// MaxFrames bounds the frames of one verify request.
	MaxFrames int
	// MaxPixels bounds the size of one decoded image, and
	// MaxRequestPixels that of all the images of one request: a small
	// PNG can decode to a large picture, and every frame is held at once.
	MaxPixels        int
	MaxRequestPixels int
	// ObjectChallenges makes liveness/start send challenges as objects
	// {"type": …, "instruction": …} instead of bare strings.
	ObjectChallenges bool
	// Faults are injected into the answers; none when zero.
	Faults Faults
	// FaceMatcher scores the passport against the frames;
	// HistogramMatcher when nil.
	FaceMatcher FaceMatcher
	// DocumentReader reads document images for recognize-document and
	// /check; none when nil.
	DocumentReader DocumentReader
	// Logger receives one line per request (method, route, status,
	// duration; never bodies, keys or tokens), an error line per 500 and a
	// debug line per request whose client left before its answer (status
	// 499); discarded when nil.
	Logger *slog.Logger
}

// Server is the sandbox. It implements http.Handler.
type Server struct {
	opts    Options
	key     string
	keySum  [32]byte
	secret  []byte
	log     *slog.Logger
	handler http.Handler
	faults  *faultInjector

	mu     sync.Mutex
	st     state
	mem    map[string]*volatile
	nonces map[string]time.Time
}

// New validates opts, loads the state file when one is set and returns a
// ready server.
func New(opts Options) (*Server, error) {
	if opts.Clock == nil {
		opts.Clock = time.Now
	}
	if opts.Rand == nil {
		opts.Rand = rand.Reader
	}
	opts.TokenTTL = cmp.Or(opts.TokenTTL, DefaultTokenTTL)
	opts.SessionTTL = cmp.Or(opts.SessionTTL, DefaultSessionTTL)
	opts.ClockSkew = cmp.Or(opts.ClockSkew, DefaultClockSkew)
	opts.MaxBodyBytes = cmp.Or(opts.MaxBodyBytes, DefaultMaxBodyBytes)
	opts.MaxFrames = cmp.Or(opts.MaxFrames, DefaultMaxFrames)
	opts.MaxPixels = cmp.Or(opts.MaxPixels, DefaultMaxPixels)
	opts.MaxRequestPixels = cmp.Or(opts.MaxRequestPixels, DefaultMaxRequestPixels)
	if opts.FaceMatcher == nil {
		opts.FaceMatcher = HistogramMatcher{}
	}
	if opts.TokenTTL < time.Second || opts.SessionTTL < 0 || opts.ClockSkew < 0 ||
		opts.MaxBodyBytes < 1024 || opts.MaxFrames < 1 || opts.MaxPixels < 1 || opts.MaxRequestPixels < 1 {
		return nil, fmt.Errorf("%w: ttl, skew and limits must be positive", ErrOptions)
	}
	if opts.AuthHeader != "" && !validHeaderName(opts.AuthHeader) {
		return nil, fmt.Errorf("%w: auth header %q is not a header name", ErrOptions, opts.AuthHeader)
	}
	fi, err := newFaultInjector(opts.Faults)
	if err != nil {
		return nil, err
	}
	s := &Server{
		opts:   opts,
		log:    opts.Logger,
		faults: fi,
		mem:    map[string]*volatile{},
		nonces: map[string]time.Time{},
		st:     state{Version: stateVersion, NextID: 1},
	}
	if s.log == nil {
		s.log = slog.New(slog.DiscardHandler)
	}
	s.key = opts.APIKey
	if s.key == "" {
		if s.key, err = s.randomKey(); err != nil {
			return nil, err
		}
	}
	s.keySum = sha256.Sum256([]byte(s.key))
	s.secret = make([]byte, 32)
	if _, err := io.ReadFull(opts.Rand, s.secret); err != nil {
		return nil, fmt.Errorf("sandbox: token secret: %w", err)
	}
	if opts.StatePath != "" {
		if err := s.load(); err != nil {
			return nil, err
		}
	}
	s.handler = s.logRequests(s.faults.wrap(s.routes()))
	return s, nil
}

// APIKey returns the merchant key the server accepts: the demo key when
// none was configured.
func (s *Server) APIKey() string { return s.key }

// ServeHTTP serves one request.
func (s *Server) ServeHTTP(w http.ResponseWriter, r *http.Request) {
	s.handler.ServeHTTP(w, r)
}

// Serve answers requests on ln until ctx ends, then shuts down gracefully
// (in-flight requests get up to 5 seconds). It returns nil after a clean
// shutdown.
func (s *Server) Serve(ctx context.Context, ln net.Listener) error {
	hs := &http.Server{
		Handler:           s,
		ReadHeaderTimeout: 10 * time.Second,
		BaseContext:       func(net.Listener) context.Context { return context.WithoutCancel(ctx) },
	}
	errc := make(chan error, 1)
	go func() { errc <- hs.Serve(ln) }()
	select {
	case err := <-errc:
		return fmt.Errorf("sandbox: serve: %w", err)
	case <-ctx.Done():
	}
	sctx, cancel := context.WithTimeout(context.WithoutCancel(ctx), 5*time.Second)
	defer cancel()
	if err := hs.Shutdown(sctx); err != nil {
		_ = hs.Close()
		return fmt.Errorf("sandbox: shutdown: %w", err)
	}
	if err := <-errc; err != nil && !errors.Is(err, http.ErrServerClosed) {
		return fmt.Errorf("sandbox: serve: %w", err)
	}
	return nil
}

// Start listens on addr (e.g. "127.0.0.1:0") and serves in the background
// until ctx ends. It returns the base URL to give a client.
func (s *Server) Start(ctx context.Context, addr string) (baseURL string, err error) {
	var lc net.ListenConfig
	ln, err := lc.Listen(ctx, "tcp", addr)
	if err != nil {
		return "", fmt.Errorf("sandbox: listen %s: %w", addr, err)
	}
	go func() {
		if err := s.Serve(ctx, ln); err != nil {
			s.log.Error("sandbox stopped", "err", err)
		}
	}()
	return BaseURL(ln.Addr()), nil
}

// BaseURL is the http:// URL of a listener address.
func BaseURL(a net.Addr) string {
	if ta, ok := a.(*net.TCPAddr); ok && ta.IP.IsUnspecified() {
		return fmt.Sprintf("http://127.0.0.1:%d", ta.Port)
	}
	return "http://" + a.String()
}

func (s *Server) routes() http.Handler {
	mux := http.NewServeMux()
	const user = "/webapi/kyc/user/{uuid}"
	handle := func(method, path string, h http.HandlerFunc) {
		mux.HandleFunc(method+" "+path, h)
	}
	handle("PUT", "/webapi/kyc", s.requireKey(s.handleCreate))
	handle("GET", "/webapi/kyc", s.requireKey(s.handleList))
	handle("POST", user, s.handleStartSession)
	handle("PUT", user, s.handleUpload)
	handle("GET", user, s.handleDetails)
	handle("GET", user+"/params", s.handleParams)
	handle("POST", user+"/step", s.handleStep)
	handle("POST", user+"/check", s.handleCheck)
	handle("POST", user+"/liveness/start", s.handleLivenessStart)
	handle("POST", user+"/liveness/verify", s.handleVerify)
	handle("POST", user+"/recognize-document", s.handleRecognize)
	allow := map[string]string{
		"/webapi/kyc":                "GET, HEAD, PUT",
		user:                         "GET, HEAD, POST, PUT",
		user + "/params":             "GET, HEAD",
		user + "/step":               "POST",
		user + "/check":              "POST",
		user + "/liveness/start":     "POST",
		user + "/liveness/verify":    "POST",
		user + "/recognize-document": "POST",
	}
	for path, methods := range allow {
		mux.HandleFunc(path, func(w http.ResponseWriter, _ *http.Request) {
			w.Header().Set("Allow", methods)
			writeMessage(w, http.StatusMethodNotAllowed, "The method is not supported for this route. Supported methods: "+methods+".")
		})
	}
	mux.HandleFunc("/", func(w http.ResponseWriter, _ *http.Request) {
		writeMessage(w, http.StatusNotFound, "Not found.")
	})
	return mux
}

// requireKey answers 401 unless the request carries the API key.
func (s *Server) requireKey(h http.HandlerFunc) http.HandlerFunc {
	return func(w http.ResponseWriter, r *http.Request) {
		if !s.authorized(r) {
			w.Header().Set("WWW-Authenticate", `Bearer realm="amlkyc-sandbox"`)
			writeMessage(w, http.StatusUnauthorized, "Unauthenticated.")
			return
		}
		h(w, r)
	}
}

func (s *Server) authorized(r *http.Request) bool {
	ok := false
	check := func(v string) {
		sum := sha256.Sum256([]byte(v))
		if hmac.Equal(sum[:], s.keySum[:]) {
			ok = true
		}
	}
	if v, found := cutScheme(r.Header.Get("Authorization"), "Bearer"); found {
		check(v)
	}
	if v := r.Header.Get("X-API-Key"); v != "" {
		check(v)
	}
	if s.opts.AuthHeader != "" {
		if v, found := cutScheme(r.Header.Get(s.opts.AuthHeader), s.opts.AuthScheme); found {
			check(v)
		}
	}
	return ok
}

// cutScheme strips "scheme " (case-insensitive) from a header value; an
// empty scheme takes the value whole.
func cutScheme(v, scheme string) (string, bool) {
	v = strings.TrimSpace(v)
	if v == "" {
		return "", false
	}
	if scheme == "" {
		return v, true
	}
	if len(v) <= len(scheme) || !strings.EqualFold(v[:len(scheme)], scheme) || v[len(scheme)] != ' ' {
		return "", false
	}
	return strings.TrimSpace(v[len(scheme)+1:]), true
}

func validHeaderName(name string) bool {
	for _, c := range name {
		if !(c == '-' || c >= '0' && c <= '9' || c >= 'a' && c <= 'z' || c >= 'A' && c <= 'Z') {
			return false
		}
	}
	return name != ""
}

// statusWriter records the status a handler answered with, for the log.
type statusWriter struct {
	http.ResponseWriter
	status int
}

func (w *statusWriter) WriteHeader(code int) {
	if w.status == 0 {
		w.status = code
	}
	w.ResponseWriter.WriteHeader(code)
}

func (w *statusWriter) Write(b []byte) (int, error) {
	if w.status == 0 {
		w.status = http.StatusOK
	}
	return w.ResponseWriter.Write(b)
}

// Unwrap lets http.ResponseController reach Flush and Hijack.
func (w *statusWriter) Unwrap() http.ResponseWriter { return w.ResponseWriter }

// logRequests logs the route pattern, never the concrete path: the UUID in
// it is the end user's capability.
func (s *Server) logRequests(next http.Handler) http.Handler {
	return http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		start := s.opts.Clock()
		sw := &statusWriter{ResponseWriter: w}
		next.ServeHTTP(sw, r)
		s.log.LogAttrs(r.Context(), slog.LevelInfo, "request",
			slog.String("method", r.Method),
			slog.String("route", r.Pattern),
			slog.Int("status", sw.status),
			slog.Duration("duration", s.opts.Clock().Sub(start)),
		)
	})
}
