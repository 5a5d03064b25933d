package api

import (
	"errors"
	"fmt"
	"net/http"
	"sort"
	"strings"
	"time"
	"unicode"
	"unicode/utf8"
)

// Sentinel errors callers branch on with errors.Is. An *Error matches the
// sentinels of its HTTP status; a *TransportError matches ErrTransport.
var (
	// ErrNotFound: the service answered 404 (unknown verification UUID).
	ErrNotFound = errors.New("not found")
	// ErrUnauthorized: the service answered 401 or 403 (missing or wrong API key).
	ErrUnauthorized = errors.New("unauthorized")
	// ErrValidation: the service answered 422 (a field of the request was refused).
	ErrValidation = errors.New("validation failed")
	// ErrTokenExpired: a 422 whose message, or whose errors.challengeToken
	// entry, says "expired" (case-insensitive). It also matches ErrValidation.
	ErrTokenExpired = errors.New("challenge token expired")
	// ErrTooLarge: the service answered 413 (request body too large).
	ErrTooLarge = errors.New("request too large")
	// ErrRateLimited: the service answered 429.
	ErrRateLimited = errors.New("rate limited")
	// ErrServer: the service answered with a 5xx status.
	ErrServer = errors.New("server error")
	// ErrTransport: the request failed below HTTP (DNS, connect, TLS, reset,
	// timeout); no status was received. See *TransportError.
	ErrTransport = errors.New("network error")
	// ErrBadResponse: a 2xx answer whose body is not the JSON the call
	// expects (HTML page, empty, truncated, malformed or over MaxBodyBytes).
	ErrBadResponse = errors.New("bad response from the server")
	// ErrInvalidUUID: the verification UUID is not in RFC 4122 textual form;
	// no request was sent.
	ErrInvalidUUID = errors.New("invalid verification UUID")
	// ErrInvalidRequest: the request cannot be sent as given (for example nil);
	// no request was sent.
	ErrInvalidRequest = errors.New("invalid request")
	// ErrConfig: New was given a Config it cannot work with.
	ErrConfig = errors.New("invalid api client configuration")
	// ErrInsecureURL: the base URL is plain http:// to a non-loopback host
	// and InsecureHTTP is not set. It also matches ErrConfig.
	ErrInsecureURL = errors.New("plain http:// is only allowed to loopback hosts")
)

// Limits on how much server-supplied text an error carries.
const (
	maxMessageRunes    = 300
	maxFieldNameRunes  = 64
	maxFieldMsgRunes   = 200
	maxFields          = 10
	maxMessagesInField = 3
)

// Error is a non-2xx answer of the service. Message and Fields are the
// server's own words (Laravel's {"message", "errors": {field: [msgs]}}),
// bounded in length, stripped of control characters and with the API key
// and challenge token removed.
type Error struct {
	// Status is the HTTP status code.
	Status int
	// Message is the server's "message" (or "error") text, possibly empty.
	Message string
	// Fields holds per-field validation messages, keyed by the request's
	// JSON field name ("frames", "challengeToken", "frames.0.image", …).
	Fields map[string][]string
	// Endpoint names the call as method and path template, e.g.
	// "POST /webapi/kyc/user/{uuid}/liveness/verify". The UUID itself is
	// left out: it is the end user's capability to the verification.
	Endpoint string
	// RetryAfter is the wait the server asked for in a Retry-After header
	// (429 or 503); zero when it sent none.
	RetryAfter time.Duration
}

// Error describes the failure in plain words, without secrets.
func (e *Error) Error() string {
	var b strings.Builder
	if e.Endpoint != "" {
		b.WriteString(e.Endpoint)
		b.WriteString(": ")
	}
	fmt.Fprintf(&b, "%d %s", e.Status, statusSummary(e.Status))
	if e.Message != "" {
		b.WriteString(": ")
		b.WriteString(e.Message)
	}
	if len(e.Fields) > 0 {
		keys := make([]string, 0, len(e.Fields))
		for k := range e.Fields {
			keys = append(keys, k)
		}
		sort.Strings(keys)
		b.WriteString(" (")
		for i, k := range keys {
			if i > 0 {
				b.WriteString("; ")
			}
			b.WriteString(k)
			b.WriteString(": ")
			b.WriteString(strings.Join(e.Fields[k], " "))
		}
		b.WriteString(")")
	}
	if e.RetryAfter > 0 {
		fmt.Fprintf(&b, "; retry after %s", e.RetryAfter.Round(time.Second))
	}
	return b.String()
}

// Unwrap returns the sentinels this status stands for, so that
// errors.Is(err, ErrNotFound) and the like work.
func (e *Error) Unwrap() []error {
	var out []error
	switch s := e.Status; {
	case s == http.StatusNotFound:
		out = append(out, ErrNotFound)
	case s == http.StatusUnauthorized || s == http.StatusForbidden:
		out = append(out, ErrUnauthorized)
	case s == http.StatusUnprocessableEntity:
		out = append(out, ErrValidation)
		if e.tokenExpired() {
			out = append(out, ErrTokenExpired)
		}
	case s == http.StatusRequestEntityTooLarge:
		out = append(out, ErrTooLarge)
	case s == http.StatusTooManyRequests:
		out = append(out, ErrRateLimited)
	case s >= 500 && s <= 599:
		out = append(out, ErrServer)
	}
	return out
}

// tokenExpired applies the wording agreed with the sandbox: "expired",
// case-insensitive, in the message or in errors.challengeToken.
func (e *Error) tokenExpired() bool {
	if containsFold(e.Message, "expired") {
		return true
	}
	for _, m := range e.Fields["challengeToken"] {
		if containsFold(m, "expired") {
			return true
		}
	}
	return false
}

func containsFold(s, sub string) bool {
	return strings.Contains(strings.ToLower(s), sub)
}

func statusSummary(status int) string {
	switch {
	case status == http.StatusUnauthorized:
		return "not authorized (check the API key)"
	case status == http.StatusForbidden:
		return "forbidden (check the API key)"
	case status == http.StatusNotFound:
		return "not found"
	case status == http.StatusRequestEntityTooLarge:
		return "request too large for the server"
	case status == http.StatusUnprocessableEntity:
		return "rejected by the server"
	case status == http.StatusTooManyRequests:
		return "too many requests"
	case status >= 300 && status <= 399:
		return "unexpected redirect (check the base URL)"
	case status >= 500 && status <= 599:
		return "server error"
	}
	if t := http.StatusText(status); t != "" {
		return strings.ToLower(t)
	}
	return "unexpected status"
}

// TransportError is a failure below HTTP: no status was received (DNS,
// connection refused, TLS, reset, per-attempt timeout). It matches
// ErrTransport and unwraps to the underlying network error.
type TransportError struct {
	// Endpoint names the call as method and path template.
	Endpoint string
	// Err is the underlying error (the *url.Error wrapper, which repeats the
	// full URL, is removed).
	Err error
	// NotSent is true when the request provably never reached the server:
	// no connection was ever established for it (DNS failure, connection
	// refused, proxy or TLS handshake failure).
	NotSent bool
	// Timeout is true when the attempt ran out of its per-call timeout.
	Timeout bool

	redact []string
}

// Error describes the failure without secrets.
func (e *TransportError) Error() string {
	what := "network error"
	if e.Timeout {
		what = "timed out"
	}
	msg := ""
	if e.Err != nil {
		msg = ": " + Redact(e.Err.Error(), e.redact...)
	}
	if e.Endpoint == "" {
		return what + msg
	}
	return e.Endpoint + ": " + what + msg
}

// Unwrap returns ErrTransport and the underlying error.
func (e *TransportError) Unwrap() []error { return []error{ErrTransport, e.Err} }

// cleanText makes server-supplied text safe to show: control and format
// characters (including bidi overrides) are dropped or turned into spaces,
// runs of whitespace collapse, invalid UTF-8 becomes U+FFFD, and the result
// is cut at max runes with an ellipsis.
func cleanText(s string, max int) string {
	var b strings.Builder
	n := 0
	pendingSpace := false
	for i := 0; i < len(s); {
		r, size := utf8.DecodeRuneInString(s[i:])
		i += size
		switch {
		case unicode.IsSpace(r) || unicode.IsControl(r):
			pendingSpace = b.Len() > 0
			continue
		case unicode.Is(unicode.Cf, r):
			continue
		}
		if pendingSpace {
			if n+1 >= max {
				b.WriteString("…")
				return b.String()
			}
			b.WriteByte(' ')
			pendingSpace = false
			n++
		}
		if n >= max {
			b.WriteString("…")
			return b.String()
		}
		b.WriteRune(r)
		n++
	}
	return b.String()
}

// CleanText makes text from outside (the server, a document's OCR) safe to
// show on a terminal: control and format characters (including bidi
// overrides and zero-width spaces) are dropped or turned into spaces, runs
// of whitespace collapse, invalid UTF-8 becomes U+FFFD, and the result is
// cut at max runes with an ellipsis (max len(s) never cuts).
func CleanText(s string, max int) string { return cleanText(s, max) }
