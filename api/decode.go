package api

import (
	"bytes"
	"encoding/json"
	"errors"
	"fmt"
	"maps"
	"net/http"
	"slices"
	"strconv"
	"strings"
	"time"
)

// answer is one HTTP answer as read off the wire, before interpretation.
type answer struct {
	status   int
	header   http.Header
	body     []byte
	tooLarge bool // the body went past MaxBodyBytes and was cut
}

// decodeResponse interprets one answer: a 2xx body is decoded into out (nil
// out ignores the body), anything else becomes an *Error. Secrets are
// removed from every server-supplied string. It never panics on any input.
func decodeResponse(endpoint string, a answer, out any, now time.Time, secrets []string) error {
	if a.status < 200 || a.status > 299 {
		return newAPIError(endpoint, a, now, secrets)
	}
	if out == nil {
		return nil
	}
	if a.tooLarge {
		return fmt.Errorf("%s: %w: body larger than the configured limit", endpoint, ErrBadResponse)
	}
	if err := decodeJSON(a.body, out); err != nil {
		return fmt.Errorf("%s: %w: %s", endpoint, ErrBadResponse, Redact(err.Error(), secrets...))
	}
	return nil
}

// decodeJSON decodes a JSON body into out and says in plain words what is
// wrong with a body that is not JSON. A *json.RawMessage out takes any valid
// JSON value as it is; other outs need an object or a list.
func decodeJSON(body []byte, out any) error {
	trimmed := trimBody(body)
	switch {
	case len(trimmed) == 0:
		return errors.New("empty body")
	case trimmed[0] == '<':
		return errors.New("an HTML or XML page instead of JSON (is the base URL right?)")
	}
	if raw, ok := out.(*json.RawMessage); ok {
		if !json.Valid(trimmed) {
			return jsonProblem(json.Unmarshal(trimmed, new(any)))
		}
		*raw = append((*raw)[:0], trimmed...)
		return nil
	}
	if trimmed[0] != '{' && trimmed[0] != '[' {
		return errors.New("not a JSON object")
	}
	if err := json.Unmarshal(trimmed, out); err != nil {
		return jsonProblem(err)
	}
	return nil
}

// trimBody drops surrounding whitespace and a UTF-8 byte order mark, which
// PHP backends emit when a source file carries one.
func trimBody(b []byte) []byte {
	return bytes.TrimSpace(bytes.TrimPrefix(bytes.TrimSpace(b), []byte("\xef\xbb\xbf")))
}

// jsonProblem names a JSON decoding failure without quoting the body.
func jsonProblem(err error) error {
	var syn *json.SyntaxError
	var typ *json.UnmarshalTypeError
	switch {
	case err == nil:
		return errors.New("malformed JSON")
	case errors.As(err, &syn):
		if strings.Contains(syn.Error(), "unexpected end") {
			return errors.New("truncated JSON")
		}
		return fmt.Errorf("malformed JSON at byte %d", syn.Offset)
	case errors.As(err, &typ):
		return fmt.Errorf("field %q has JSON type %s, want %s", typ.Field, typ.Value, typ.Type)
	case strings.Contains(err.Error(), "unexpected end of JSON input"):
		return errors.New("truncated JSON")
	}
	return fmt.Errorf("malformed JSON: %s", cleanText(err.Error(), maxMessageRunes))
}

// errorBody is what error answers carry: Laravel's message and errors, and
// the {status, success, message} of the contract; "error" as a fallback.
type errorBody struct {
	Message json.RawMessage            `json:"message"`
	Error   json.RawMessage            `json:"error"`
	Errors  map[string]json.RawMessage `json:"errors"`
}

// newAPIError builds the *Error of a non-2xx answer, tolerating any body.
func newAPIError(endpoint string, a answer, now time.Time, secrets []string) *Error {
	e := &Error{Status: a.status, Endpoint: endpoint}
	if a.status == http.StatusTooManyRequests || a.status == http.StatusServiceUnavailable {
		e.RetryAfter = parseRetryAfter(a.header.Get("Retry-After"), now)
	}
	if a.status >= 300 && a.status <= 399 {
		return e
	}
	var eb errorBody
	trimmed := trimBody(a.body)
	if a.tooLarge || len(trimmed) == 0 || trimmed[0] != '{' || json.Unmarshal(trimmed, &eb) != nil {
		return e
	}
	msg := jsonText(eb.Message)
	if msg == "" {
		msg = jsonText(eb.Error)
	}
	e.Message = showText(msg, maxMessageRunes, secrets)
	for _, field := range sortedKeys(eb.Errors) {
		if len(e.Fields) == maxFields {
			break
		}
		msgs := jsonTexts(eb.Errors[field])
		if len(msgs) == 0 {
			continue
		}
		if len(msgs) > maxMessagesInField {
			msgs = msgs[:maxMessagesInField]
		}
		for i, m := range msgs {
			msgs[i] = showText(m, maxFieldMsgRunes, secrets)
		}
		name := showText(field, maxFieldNameRunes, secrets)
		if e.Fields == nil {
			e.Fields = map[string][]string{}
		}
		e.Fields[name] = append(e.Fields[name], msgs...)
	}
	return e
}

// showText makes server text fit to show: cleaned first (so characters
// dropped by cleaning cannot hide a secret from Redact), redacted, then
// cut (after redaction, so a cut cannot leave part of a secret behind).
func showText(s string, max int, secrets []string) string {
	return cleanText(Redact(cleanText(s, len(s)), secrets...), max)
}

// jsonText returns raw as a string if it is a JSON string, else "".
func jsonText(raw json.RawMessage) string {
	var s string
	if len(raw) == 0 || json.Unmarshal(raw, &s) != nil {
		return ""
	}
	return s
}

// jsonTexts accepts a string or a list whose string items it keeps.
func jsonTexts(raw json.RawMessage) []string {
	if s := jsonText(raw); s != "" {
		return []string{s}
	}
	var list []json.RawMessage
	if json.Unmarshal(raw, &list) != nil {
		return nil
	}
	var out []string
	for _, item := range list {
		if s := jsonText(item); s != "" {
			out = append(out, s)
		}
	}
	return out
}

func sortedKeys[V any](m map[string]V) []string {
	return slices.Sorted(maps.Keys(m))
}

// parseRetryAfter reads a Retry-After value as delta-seconds or an HTTP
// date; it returns 0 for absent, malformed or past values.
func parseRetryAfter(v string, now time.Time) time.Duration {
	v = strings.TrimSpace(v)
	if v == "" {
		return 0
	}
	if secs, err := strconv.ParseInt(v, 10, 64); err == nil {
		if secs <= 0 {
			return 0
		}
		const maxSecs = int64(24 * time.Hour / time.Second)
		if secs > maxSecs {
			secs = maxSecs
		}
		return time.Duration(secs) * time.Second
	}
	t, err := http.ParseTime(v)
	if err != nil {
		return 0
	}
	d := t.Sub(now)
	if d <= 0 {
		return 0
	}
	if d > 24*time.Hour {
		d = 24 * time.Hour
	}
	return d
}
