package api

import (
	"bytes"
	"context"
	"crypto/tls"
	"crypto/x509"
	"encoding/json"
	"errors"
	"fmt"
	"io"
	"log/slog"
	"math/rand/v2"
	"net/http"
	"net/http/httptrace"
	"net/url"
	"strings"
	"sync"
	"sync/atomic"
	"time"

	"github.com/go-resty/resty/v2"
)

// call describes one API call.
type call struct {
	method   string
	tmpl     string // path template with {uuid}
	uuid     string // fills {uuid}; checked with ValidUUID
	upload   bool   // uses UploadTimeout
	progress ProgressFunc
	secrets  []string // per-call secrets (the challenge token)
}

func (cl call) endpoint() string { return cl.method + " " + cl.tmpl }

// idempotent reports whether the call may be retried after the server may
// have seen it: GET, and PUT, which the contract makes idempotent.
func (cl call) idempotent() bool {
	return cl.method == http.MethodGet || cl.method == http.MethodPut
}

// doJSON encodes body (nil for none), runs the call with retries and
// decodes a 2xx answer into out (nil ignores it).
func (c *Client) doJSON(ctx context.Context, cl call, body any, out any) error {
	secrets := append(append(c.tokens.list(), c.redactor...), cl.secrets...)
	if strings.Contains(cl.tmpl, "{uuid}") && !ValidUUID(cl.uuid) {
		return fmt.Errorf("%s: %w", cl.endpoint(), ErrInvalidUUID)
	}
	var payload []byte
	if body != nil {
		var err error
		if payload, err = encodeBody(body); err != nil {
			return fmt.Errorf("%s: %w: encode: %s", cl.endpoint(), ErrInvalidRequest, Redact(err.Error(), secrets...))
		}
	}
	a, err := c.do(ctx, cl, payload, secrets)
	if err != nil {
		return err
	}
	return decodeResponse(cl.endpoint(), a, out, c.now(), secrets)
}

// encodeBody marshals a request body. HTML escaping is off: data URLs and
// tokens are sent byte for byte.
func encodeBody(v any) ([]byte, error) {
	var buf bytes.Buffer
	if r, ok := v.(*VerifyRequest); ok {
		buf.Grow(verifyRequestSizeHint(r))
	}
	enc := json.NewEncoder(&buf)
	enc.SetEscapeHTML(false)
	if err := enc.Encode(v); err != nil {
		return nil, err
	}
	b := buf.Bytes()
	return b[:len(b)-1], nil // Encode appends a newline
}

// verifyRequestSizeHint estimates the encoded size so the buffer grows once.
func verifyRequestSizeHint(r *VerifyRequest) int {
	n := 512 + len(r.Passport) + len(r.ChallengeToken)
	for i := range r.Frames {
		n += len(r.Frames[i].Image) + 256 + 40*len(r.Frames[i].Blendshapes)
		if r.Frames[i].Landmarks != nil {
			n += 96 * len(r.Frames[i].Landmarks.Points)
		}
	}
	return n
}

// do runs the attempts of one call and returns the first answer that is
// final: a success, an error status that is not retried, or the last one.
func (c *Client) do(ctx context.Context, cl call, payload []byte, secrets []string) (answer, error) {
	path := strings.Replace(cl.tmpl, "{uuid}", cl.uuid, 1)
	timeout := c.cfg.Timeout
	if cl.upload {
		timeout = c.cfg.UploadTimeout
	}
	for attempt := 1; ; attempt++ {
		a, notSent, err := c.attempt(ctx, cl, path, payload, timeout, attempt, secrets)
		if err == nil && !retryStatus(a.status) {
			return a, nil
		}
		if ctxErr := ctx.Err(); ctxErr != nil {
			return answer{}, fmt.Errorf("%s: %w", cl.endpoint(), ctxErr)
		}
		if attempt >= c.cfg.MaxAttempts {
			return a, err
		}
		wait, retry := c.retryPlan(cl, a, notSent, err, attempt)
		if !retry || !fitsDeadline(ctx, time.Now(), wait) {
			return a, err
		}
		c.log.LogAttrs(ctx, slog.LevelInfo, "api retry",
			slog.String("method", cl.method), slog.String("path", cl.tmpl),
			slog.Int("attempt", attempt), slog.Int("status", a.status),
			slog.Duration("wait", wait))
		if err := c.sleep(ctx, wait); err != nil {
			return answer{}, fmt.Errorf("%s: %w", cl.endpoint(), err)
		}
	}
}

// retryStatus reports the statuses worth another try of an idempotent call.
func retryStatus(status int) bool {
	switch status {
	case http.StatusTooManyRequests, http.StatusBadGateway, http.StatusServiceUnavailable, http.StatusGatewayTimeout:
		return true
	}
	return false
}

// retryPlan decides whether a failed attempt is tried again and after how
// long. Non-idempotent calls (every POST, verify included) are retried
// only when the request never left: no connection was ever made for it.
func (c *Client) retryPlan(cl call, a answer, notSent bool, err error, attempt int) (time.Duration, bool) {
	if err != nil {
		if !isRetryableTransport(err) {
			return 0, false
		}
		if !cl.idempotent() && !notSent {
			return 0, false
		}
		return c.backoff(attempt), true
	}
	if !cl.idempotent() {
		return 0, false
	}
	if ra := parseRetryAfter(a.header.Get("Retry-After"), c.now()); ra > 0 {
		if ra > c.cfg.MaxRetryAfter {
			return 0, false
		}
		return ra, true
	}
	return c.backoff(attempt), true
}

// backoff is exponential backoff with full jitter.
func (c *Client) backoff(attempt int) time.Duration {
	ceil := c.cfg.RetryBaseDelay
	for i := 1; i < attempt && ceil < c.cfg.RetryMaxDelay; i++ {
		ceil *= 2
	}
	ceil = min(ceil, c.cfg.RetryMaxDelay)
	return c.jitter(ceil)
}

// fitsDeadline is false when waiting d would outlast ctx's deadline: the
// last answer is then more useful than a deadline error.
func fitsDeadline(ctx context.Context, now time.Time, d time.Duration) bool {
	dl, ok := ctx.Deadline()
	return !ok || now.Add(d).Before(dl)
}

// isRetryableTransport is false for failures a retry cannot fix: a
// certificate the client does not trust, or TLS spoken to a non-TLS port.
func isRetryableTransport(err error) bool {
	var te *TransportError
	if errors.As(err, &te) {
		err = te.Err
	}
	var (
		certErr     *tls.CertificateVerificationError
		unknownAuth x509.UnknownAuthorityError
		hostErr     x509.HostnameError
		invalid     x509.CertificateInvalidError
		recordErr   tls.RecordHeaderError
	)
	switch {
	case errors.As(err, &certErr), errors.As(err, &unknownAuth), errors.As(err, &hostErr),
		errors.As(err, &invalid), errors.As(err, &recordErr):
		return false
	}
	return true
}

// sendKey carries a call's body and progress callback to preRequest.
type sendKey struct{}

type sendInfo struct {
	body     []byte
	progress ProgressFunc
	sent     atomic.Int64
}

// preRequest runs on the final *http.Request: it makes the body a counting
// reader with a known length, so progress is reported as bytes leave and
// the transport can rewind it if it must resend on a fresh connection.
func preRequest(_ *resty.Client, req *http.Request) error {
	info, _ := req.Context().Value(sendKey{}).(*sendInfo)
	if info == nil || info.body == nil {
		return nil
	}
	req.ContentLength = int64(len(info.body))
	req.Body = newProgressBody(info)
	req.GetBody = func() (io.ReadCloser, error) { return newProgressBody(info), nil }
	return nil
}

// progressBody reads info.body and reports each read to info.progress.
type progressBody struct {
	r    *bytes.Reader
	info *sendInfo
	sent int64
}

func newProgressBody(info *sendInfo) *progressBody {
	info.sent.Store(0)
	if info.progress != nil {
		info.progress(0, int64(len(info.body)))
	}
	return &progressBody{r: bytes.NewReader(info.body), info: info}
}

func (p *progressBody) Read(b []byte) (int, error) {
	n, err := p.r.Read(b)
	if n > 0 {
		p.sent += int64(n)
		p.info.sent.Store(p.sent)
		if p.info.progress != nil {
			p.info.progress(p.sent, int64(len(p.info.body)))
		}
	}
	return n, err
}

func (p *progressBody) Close() error { return nil }

// attempt makes one try. notSent is true when no connection was ever
// obtained for the request, so the server cannot have seen it.
func (c *Client) attempt(ctx context.Context, cl call, path string, payload []byte, timeout time.Duration, attempt int, secrets []string) (a answer, notSent bool, err error) {
	actx, cancel := context.WithTimeout(ctx, timeout)
	defer cancel()
	var gotConn atomic.Bool
	actx = httptrace.WithClientTrace(actx, &httptrace.ClientTrace{
		GotConn: func(httptrace.GotConnInfo) { gotConn.Store(true) },
	})
	info := &sendInfo{body: payload, progress: cl.progress}
	actx = context.WithValue(actx, sendKey{}, info)

	req := c.rc.R().SetContext(actx)
	if c.authVal != "" {
		req.SetHeader(c.cfg.AuthHeader, c.authVal)
	}
	if payload != nil {
		req.SetHeader("Content-Type", "application/json")
		// A *bytes.Reader lets net/http set GetBody itself, so resty does
		// not buffer a copy; preRequest swaps in the counting body.
		req.SetBody(bytes.NewReader(payload))
	}
	start := time.Now()
	resp, err := req.Execute(cl.method, c.base+path)
	if err == nil && (resp == nil || resp.RawResponse == nil) {
		err = errors.New("no response")
	}
	if err == nil {
		a, err = c.readAnswer(resp.RawResponse)
	}
	attrs := []slog.Attr{
		slog.String("method", cl.method), slog.String("path", cl.tmpl),
		slog.Int("attempt", attempt), slog.Duration("duration", time.Since(start)),
		slog.Int64("sent", info.sent.Load()), slog.Int("received", len(a.body)),
	}
	if err == nil {
		c.log.LogAttrs(ctx, slog.LevelDebug, "api call", append(attrs, slog.Int("status", a.status))...)
		return a, false, nil
	}
	te := &TransportError{
		Endpoint: cl.endpoint(),
		Err:      unwrapURLError(err),
		NotSent:  !gotConn.Load(),
		Timeout:  errors.Is(err, context.DeadlineExceeded) && ctx.Err() == nil,
		redact:   secrets,
	}
	c.log.LogAttrs(ctx, slog.LevelDebug, "api call", append(attrs, slog.String("error", te.Error()))...)
	return answer{}, te.NotSent, te
}

// readAnswer reads the body up to MaxBodyBytes and closes it.
func (c *Client) readAnswer(resp *http.Response) (answer, error) {
	defer resp.Body.Close()
	a := answer{status: resp.StatusCode, header: resp.Header}
	body, err := io.ReadAll(io.LimitReader(resp.Body, c.cfg.MaxBodyBytes+1))
	if err != nil {
		return answer{}, fmt.Errorf("read response body: %w", err)
	}
	if int64(len(body)) > c.cfg.MaxBodyBytes {
		a.tooLarge = true
		body = body[:c.cfg.MaxBodyBytes]
	}
	a.body = body
	return a, nil
}

// unwrapURLError drops net/http's *url.Error, whose text repeats the full
// URL (with the verification UUID), keeping the cause.
func unwrapURLError(err error) error {
	var ue *url.Error
	if errors.As(err, &ue) {
		return ue.Err
	}
	return err
}

// sleepCtx waits d or until ctx ends.
func sleepCtx(ctx context.Context, d time.Duration) error {
	if d <= 0 {
		return ctx.Err()
	}
	t := time.NewTimer(d)
	defer t.Stop()
	select {
	case <-ctx.Done():
		return ctx.Err()
	case <-t.C:
		return nil
	}
}

// randJitter is uniform in [0, max).
func randJitter(max time.Duration) time.Duration {
	if max <= 0 {
		return 0
	}
	return rand.N(max)
}

// discardLogger silences resty's own logger; the client logs through slog.
type discardLogger struct{}

func (discardLogger) Errorf(string, ...any) {}
func (discardLogger) Warnf(string, ...any)  {}
func (discardLogger) Debugf(string, ...any) {}

// tokenRing remembers the last few challenge tokens a client handled.
type tokenRing struct {
	mu   sync.Mutex
	toks [8]string
	next int
}

// add remembers tok. Tokens under 8 bytes are not real signed tokens, and
// scrubbing them would mangle unrelated text.
func (r *tokenRing) add(tok string) {
	if len(tok) < 8 {
		return
	}
	r.mu.Lock()
	defer r.mu.Unlock()
	for _, t := range r.toks {
		if t == tok {
			return
		}
	}
	r.toks[r.next] = tok
	r.next = (r.next + 1) % len(r.toks)
}

func (r *tokenRing) list() []string {
	r.mu.Lock()
	defer r.mu.Unlock()
	out := make([]string, 0, len(r.toks))
	for _, t := range r.toks {
		if t != "" {
			out = append(out, t)
		}
	}
	return out
}
