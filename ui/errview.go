package ui

import (
	"context"
	"errors"
	"fmt"
	"io/fs"
	"slices"
	"strings"

	"github.com/kycterm/kycterm/api"
	"github.com/kycterm/kycterm/capture"
	"github.com/kycterm/kycterm/ui/flow"
)

// failure is an error a screen shows, with what Enter does about it.
type failure struct {
	err error
	// retryable is false when Enter cannot help (the operator must go
	// back or restart).
	retryable bool
	// action, when set, is what Enter does instead of retrying.
	action string
}

// explain turns err into a plain-language reason and what to do next. The
// technical text of err is shown too, after the advice, one line, never a
// stack trace.
func explain(c *common, err error) (reason, next string) {
	var apiErr *api.Error
	switch {
	case errors.Is(err, api.ErrInvalidUUID):
		return c.t("err.uuid"), c.t("next.uuid")
	case errors.Is(err, api.ErrTokenExpired), errors.Is(err, flow.ErrExpired):
		return c.t("err.expired"), c.t("next.expired")
	case errors.Is(err, api.ErrNotFound):
		return c.t("err.notfound"), c.t("next.notfound")
	case errors.Is(err, api.ErrUnauthorized):
		return c.t("err.unauthorized"), c.t("next.unauthorized")
	case errors.Is(err, api.ErrValidation):
		return c.t("err.validation"), c.t("next.validation")
	case errors.Is(err, api.ErrRateLimited):
		return c.t("err.ratelimited"), c.t("next.retry")
	case errors.Is(err, api.ErrTooLarge):
		return c.t("err.toolarge"), c.t("next.toolarge")
	case errors.Is(err, api.ErrServer), errors.Is(err, api.ErrBadResponse):
		return c.t("err.server"), c.t("next.retry")
	case errors.Is(err, api.ErrTransport):
		return c.t("err.network"), c.t("next.network")
	case errors.Is(err, context.Canceled):
		return c.t("err.canceled"), c.t("next.retry")
	case errors.Is(err, context.DeadlineExceeded):
		return c.t("err.timeout"), c.t("next.network")
	case errors.Is(err, flow.ErrNotAllowed):
		return c.t("err.notallowed"), c.t("next.notallowed")
	case errors.Is(err, flow.ErrNoDocument):
		return c.t("err.nodocument"), c.t("next.back")
	case errors.Is(err, flow.ErrIncomplete):
		return c.t("err.incomplete"), c.t("next.back")
	case errors.Is(err, ErrNoCamera), errors.Is(err, capture.ErrNoDevice):
		return c.t("err.nocamera"), c.t("next.nocamera")
	case errors.Is(err, capture.ErrDeviceBusy):
		return c.t("err.camerabusy"), c.t("next.camerabusy")
	case errors.Is(err, capture.ErrPermission):
		return c.t("err.camerapermission"), c.t("next.camerapermission")
	case errors.Is(err, ErrNoFrame), errors.Is(err, capture.ErrStopped), errors.Is(err, capture.ErrDisconnected):
		return c.t("err.noframe"), c.t("next.noframe")
	case errors.Is(err, capture.ErrBadFrameName), errors.Is(err, capture.ErrNoFrames):
		return c.t("err.recording"), c.t("next.recording")
	case errors.Is(err, capture.ErrUnsupportedImage), errors.Is(err, capture.ErrCorruptFrame),
		errors.Is(err, capture.ErrImageTooLarge), errors.Is(err, fs.ErrNotExist):
		return c.t("err.image"), c.t("next.image")
	case errors.As(err, &apiErr):
		return c.t("err.api", apiErr.Status), c.t("next.retry")
	}
	return c.t("err.generic"), c.t("next.generic")
}

// fieldErrors lists a 422's per-field messages, sorted by field.
func fieldErrors(err error) []string {
	var apiErr *api.Error
	if !errors.As(err, &apiErr) || len(apiErr.Fields) == 0 {
		return nil
	}
	keys := make([]string, 0, len(apiErr.Fields))
	for k := range apiErr.Fields {
		keys = append(keys, k)
	}
	slices.Sort(keys)
	out := make([]string, 0, len(keys))
	for _, k := range keys {
		out = append(out, fmt.Sprintf("%s: %s", k, strings.Join(apiErr.Fields[k], " ")))
	}
	return out
}

// errorView draws a failure: the reason, per-field messages, what to do,
// the detail and the keys that act on it.
func errorView(c *common, f *failure, width int) string {
	reason, next := explain(c, f.err)
	s := c.styles
	var b strings.Builder
	b.WriteString(s.Error.Render("✗ " + reason))
	b.WriteString("\n")
	for _, fe := range fieldErrors(f.err) {
		b.WriteString("  • " + truncate(fe, width-8) + "\n")
	}
	b.WriteString(next + "\n")
	b.WriteString(s.Muted.Render(truncate(c.t("err.detail", oneLine(f.err.Error())), width-6)))
	b.WriteString("\n\n")
	switch {
	case f.action != "":
		b.WriteString(c.t("err.keys.action", f.action))
	case f.retryable:
		b.WriteString(c.t("err.keys.retry"))
	default:
		b.WriteString(c.t("err.keys.noretry"))
	}
	return s.ErrorBox.Width(min(width, 100)).Render(b.String())
}

// oneLine keeps the first line of s.
func oneLine(s string) string {
	if i := strings.IndexAny(s, "\r\n"); i >= 0 {
		return s[:i]
	}
	return s
}

// truncate shortens s to n runes with an ellipsis.
func truncate(s string, n int) string {
	if n <= 1 {
		return ""
	}
	r := []rune(s)
	if len(r) <= n {
		return s
	}
	return string(r[:n-1]) + "…"
}
