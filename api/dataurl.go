package api

import (
	"encoding/base64"
	"errors"
	"fmt"
	"strings"
)

// ErrDataURL reports a string that is not a base64 data URL.
var ErrDataURL = errors.New("not a base64 data URL")

// DataURL encodes data as "data:<mime>;base64,<data>", the form the service
// takes images in.
func DataURL(mime string, data []byte) string {
	var b strings.Builder
	b.Grow(len("data:;base64,") + len(mime) + base64.StdEncoding.EncodedLen(len(data)))
	b.WriteString("data:")
	b.WriteString(mime)
	b.WriteString(";base64,")
	b.WriteString(base64.StdEncoding.EncodeToString(data))
	return b.String()
}

// ParseDataURL splits a base64 data URL into its media type and bytes.
func ParseDataURL(s string) (mime string, data []byte, err error) {
	rest, ok := strings.CutPrefix(s, "data:")
	if !ok {
		return "", nil, fmt.Errorf("%w: missing \"data:\" prefix", ErrDataURL)
	}
	meta, payload, ok := strings.Cut(rest, ",")
	if !ok {
		return "", nil, fmt.Errorf("%w: missing comma", ErrDataURL)
	}
	mime, ok = strings.CutSuffix(meta, ";base64")
	if !ok {
		return "", nil, fmt.Errorf("%w: not base64-encoded", ErrDataURL)
	}
	if mime == "" || strings.ContainsAny(mime, " ,") {
		return "", nil, fmt.Errorf("%w: bad media type %q", ErrDataURL, mime)
	}
	data, err = base64.StdEncoding.DecodeString(payload)
	if err != nil {
		return "", nil, fmt.Errorf("%w: %v", ErrDataURL, err)
	}
	return mime, data, nil
}
