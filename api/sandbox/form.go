package sandbox

import (
	"bytes"
	"encoding/json"
	"errors"
	"fmt"
	"image"
	_ "image/jpeg" // the service takes JPEG images
	_ "image/png"  // and PNG images
	"io"
	"math"
	"net/http"
	"net/mail"
	"strconv"
	"strings"
	"unicode/utf8"

	"github.com/kycterm/kycterm/api"
)

// writeJSON answers status with v as JSON.
func writeJSON(w http.ResponseWriter, status int, v any) {
	b, err := json.Marshal(v)
	if err != nil {
		status = http.StatusInternalServerError
		b = []byte(`{"success":false,"message":"Server Error"}`)
	}
	w.Header().Set("Content-Type", "application/json")
	w.Header().Set("Content-Length", strconv.Itoa(len(b)))
	w.WriteHeader(status)
	_, _ = w.Write(b)
}

// writeMessage answers an error status with {success: false, message}.
func writeMessage(w http.ResponseWriter, status int, msg string) {
	writeJSON(w, status, map[string]any{"success": false, "message": msg})
}

// fieldErrors collects Laravel-style validation errors in the order found.
type fieldErrors struct {
	order []string
	msgs  map[string][]string
}

func (fe *fieldErrors) add(field, msg string) {
	if fe.msgs == nil {
		fe.msgs = map[string][]string{}
	}
	if _, ok := fe.msgs[field]; !ok {
		fe.order = append(fe.order, field)
	}
	fe.msgs[field] = append(fe.msgs[field], msg)
}

func (fe *fieldErrors) has(field string) bool { _, ok := fe.msgs[field]; return ok }

func (fe *fieldErrors) empty() bool { return len(fe.order) == 0 }

// message is Laravel's summary: the first error, and how many more.
func (fe *fieldErrors) message() string {
	n := 0
	for _, m := range fe.msgs {
		n += len(m)
	}
	first := fe.msgs[fe.order[0]][0]
	switch n {
	case 1:
		return first
	case 2:
		return first + " (and 1 more error)"
	default:
		return fmt.Sprintf("%s (and %d more errors)", first, n-1)
	}
}

// rejected answers 422 with the errors f collected, if any, and reports
// whether it did.
func (f form) rejected(w http.ResponseWriter) bool {
	if f.fe.empty() {
		return false
	}
	writeValidation(w, f.fe)
	return true
}

// writeValidation answers 422 {message, errors: {field: [msgs]}}.
func writeValidation(w http.ResponseWriter, fe *fieldErrors) {
	writeJSON(w, http.StatusUnprocessableEntity, map[string]any{
		"message": fe.message(),
		"errors":  fe.msgs,
	})
}

// readObject reads the body as one JSON object, answering 413 or 400 and
// returning false when it cannot. An empty body is an empty object, so
// that every required field is reported, as Laravel does.
func (s *Server) readObject(w http.ResponseWriter, r *http.Request) (map[string]json.RawMessage, bool) {
	body, err := io.ReadAll(http.MaxBytesReader(w, r.Body, s.opts.MaxBodyBytes))
	if err != nil {
		var tooLarge *http.MaxBytesError
		if errors.As(err, &tooLarge) {
			writeMessage(w, http.StatusRequestEntityTooLarge,
				fmt.Sprintf("The request body is too large (limit %d bytes).", s.opts.MaxBodyBytes))
			return nil, false
		}
		writeMessage(w, http.StatusBadRequest, "The request body could not be read.")
		return nil, false
	}
	m, err := decodeObject(body)
	switch {
	case errors.Is(err, errNotObject):
		writeMessage(w, http.StatusBadRequest, "The request body must be a JSON object.")
		return nil, false
	case err != nil:
		writeMessage(w, http.StatusBadRequest, "The request body is not valid JSON.")
		return nil, false
	}
	return m, true
}

var (
	errNotJSON   = errors.New("request body is not valid JSON")
	errNotObject = errors.New("request body is not a JSON object")
)

// decodeObject parses a request body into its top-level keys.
func decodeObject(body []byte) (map[string]json.RawMessage, error) {
	body = bytes.TrimSpace(body)
	if len(body) == 0 {
		return map[string]json.RawMessage{}, nil
	}
	if !json.Valid(body) {
		return nil, errNotJSON
	}
	if body[0] != '{' {
		return nil, errNotObject
	}
	var m map[string]json.RawMessage
	if err := json.Unmarshal(body, &m); err != nil {
		return nil, errNotJSON
	}
	return m, nil
}

// form reads typed fields out of a JSON object, recording Laravel's
// messages for the missing and the mistyped.
type form struct {
	m      map[string]json.RawMessage
	prefix string
	fe     *fieldErrors
}

func (f form) name(key string) string { return f.prefix + key }

// attr is the field as Laravel names it in messages.
func attr(field string) string { return strings.ReplaceAll(field, "_", " ") }

func (f form) fail(key, format string) {
	name := f.name(key)
	f.fe.add(name, fmt.Sprintf(format, attr(name)))
}

func (f form) required(key string) { f.fail(key, "The %s field is required.") }

// get returns the raw value of key unless it is absent or null.
func (f form) get(key string) (json.RawMessage, bool) {
	raw, ok := f.m[key]
	if !ok {
		return nil, false
	}
	raw = bytes.TrimSpace(raw)
	if len(raw) == 0 || string(raw) == "null" {
		return nil, false
	}
	return raw, true
}

// value is get that, when required, reports the field missing.
func (f form) value(key string, required bool) (json.RawMessage, bool) {
	raw, ok := f.get(key)
	if !ok && required {
		f.required(key)
	}
	return raw, ok
}

// str reads a string; "" with ok false when absent, empty or mistyped.
func (f form) str(key string, required bool) (string, bool) {
	raw, ok := f.value(key, required)
	if !ok {
		return "", false
	}
	var v string
	if raw[0] != '"' || json.Unmarshal(raw, &v) != nil {
		f.fail(key, "The %s field must be a string.")
		return "", false
	}
	if strings.TrimSpace(v) == "" {
		if required {
			f.required(key)
		}
		return "", false
	}
	// Laravel's max:255 counts characters (mb_strlen), not bytes; a string
	// of at most 255 bytes has at most 255 characters.
	if len(v) > 255 && !strings.HasPrefix(v, "data:") && key != "challengeToken" && utf8.RuneCountInString(v) > 255 {
		f.fail(key, "The %s field must not be greater than 255 characters.")
		return "", false
	}
	return v, true
}

// number reads a finite JSON number.
func (f form) number(key string, required bool) (float64, bool) {
	raw, ok := f.value(key, required)
	if !ok {
		return 0, false
	}
	v, err := strconv.ParseFloat(string(raw), 64)
	if !isJSONNumber(raw) || err != nil || math.IsInf(v, 0) || math.IsNaN(v) {
		f.fail(key, "The %s field must be a number.")
		return 0, false
	}
	return v, true
}

// integer reads an integral JSON number.
func (f form) integer(key string, required bool) (int64, bool) {
	raw, ok := f.value(key, required)
	if !ok {
		return 0, false
	}
	if isJSONNumber(raw) {
		if v, err := strconv.ParseInt(string(raw), 10, 64); err == nil {
			return v, true
		}
		if v, err := strconv.ParseFloat(string(raw), 64); err == nil && v == math.Trunc(v) && math.Abs(v) < 1<<53 {
			return int64(v), true
		}
	}
	f.fail(key, "The %s field must be an integer.")
	return 0, false
}

// object reads a JSON object.
func (f form) object(key string, required bool) (map[string]json.RawMessage, bool) {
	raw, ok := f.value(key, required)
	if !ok {
		return nil, false
	}
	var m map[string]json.RawMessage
	if raw[0] != '{' || json.Unmarshal(raw, &m) != nil {
		f.fail(key, "The %s field must be an object.")
		return nil, false
	}
	return m, true
}

// array reads a JSON array; an empty one counts as missing when required.
func (f form) array(key string, required bool) ([]json.RawMessage, bool) {
	raw, ok := f.value(key, required)
	if !ok {
		return nil, false
	}
	var a []json.RawMessage
	if raw[0] != '[' || json.Unmarshal(raw, &a) != nil {
		f.fail(key, "The %s field must be an array.")
		return nil, false
	}
	if len(a) == 0 && required {
		f.required(key)
		return nil, false
	}
	return a, true
}

// strings reads an optional array of non-empty strings; a bad item is
// reported and kept as "" so that indexes stay aligned.
func (f form) strings(key string) ([]string, bool) {
	a, ok := f.array(key, false)
	if !ok {
		return nil, !f.fe.has(f.name(key))
	}
	out := make([]string, 0, len(a))
	good := true
	for i, raw := range a {
		sub := form{m: map[string]json.RawMessage{strconv.Itoa(i): raw}, prefix: f.name(key) + ".", fe: f.fe}
		v, ok := sub.str(strconv.Itoa(i), true)
		good = good && ok
		out = append(out, v)
	}
	return out, good
}

func isJSONNumber(raw json.RawMessage) bool {
	return len(raw) > 0 && (raw[0] == '-' || raw[0] >= '0' && raw[0] <= '9')
}

// email validates an address the way Laravel's "email" rule roughly does.
func (f form) email(key string) (string, bool) {
	v, ok := f.str(key, true)
	if !ok {
		return "", false
	}
	a, err := mail.ParseAddress(v)
	if err != nil || a.Address != v || a.Name != "" || !strings.Contains(v[strings.LastIndexByte(v, '@'):], ".") {
		f.fail(key, "The %s field must be a valid email address.")
		return "", false
	}
	return v, true
}

// country reads a required ISO 3166-1 alpha-2 code, returned lower case.
func (f form) country(key string, required bool) (string, bool) {
	v, ok := f.str(key, required)
	if !ok {
		return "", false
	}
	if !isCountry(v) {
		f.fail(key, "The selected %s is invalid.")
		return "", false
	}
	return strings.ToLower(v), true
}

// document reads the document type (under typeKey) and the country,
// required or not, and checks each against v's restrictions; "" for
// either when it is absent or malformed.
func (f form) document(typeKey string, required bool, v *api.Verification) (docType, country string) {
	if dt, ok := f.str(typeKey, required); ok {
		f.allowedDocType(typeKey, dt, v)
		docType = dt
	}
	if c, ok := f.country("country", required); ok {
		f.allowedCountry("country", c, v)
		country = c
	}
	return docType, country
}

// allowedCountry checks a country against a verification's restriction.
func (f form) allowedCountry(key, country string, v *api.Verification) {
	if v.CountryRestrictionMode != "whitelist" {
		return
	}
	for _, c := range v.AllowedCountries {
		if strings.EqualFold(c, country) {
			return
		}
	}
	f.fail(key, "The selected %s is not allowed for this verification.")
}

// allowedDocType checks a document type against a verification's list.
func (f form) allowedDocType(key, docType string, v *api.Verification) {
	if len(v.AllowedDocumentTypes) == 0 {
		return
	}
	for _, d := range v.AllowedDocumentTypes {
		if strings.EqualFold(d, docType) {
			return
		}
	}
	f.fail(key, "The selected %s is not allowed for this verification.")
}

// decoded is an image of a request: its bytes as sent and its pixels.
type decoded struct {
	blob
	img image.Image
}

// pixelBudget bounds the pixels one request makes the server decode: each
// image, and all of them together.
type pixelBudget struct{ perImage, left int }

func (s *Server) budget() *pixelBudget {
	return &pixelBudget{perImage: s.opts.MaxPixels, left: s.opts.MaxRequestPixels}
}

// image reads a required data-URL image (JPEG or PNG) that must decode
// within the budget.
func (f form) image(key string, b *pixelBudget) (decoded, bool) {
	v, ok := f.str(key, true)
	if !ok {
		return decoded{}, false
	}
	d, msg := decodeImage(v, b)
	if msg != "" {
		f.fail(key, msg)
		return decoded{}, false
	}
	return d, true
}

// decodeImage decodes a data URL; on failure it returns a message format
// with one %s for the field.
func decodeImage(v string, b *pixelBudget) (decoded, string) {
	mime, data, err := api.ParseDataURL(v)
	if err != nil {
		return decoded{}, "The %s field must be a base64 data URL."
	}
	var want string
	switch strings.ToLower(mime) {
	case "image/jpeg", "image/jpg":
		want = "jpeg"
	case "image/png":
		want = "png"
	default:
		return decoded{}, "The %s field must be a file of type: jpeg, png."
	}
	cfg, format, err := image.DecodeConfig(bytes.NewReader(data))
	if err != nil || format != want {
		return decoded{}, "The %s field must be an image."
	}
	if cfg.Width < 1 || cfg.Height < 1 || cfg.Width > b.perImage/cfg.Height {
		return decoded{}, "The %s field has invalid image dimensions."
	}
	px := cfg.Width * cfg.Height
	if px > b.left {
		return decoded{}, "The %s field exceeds the total image size allowed in one request."
	}
	b.left -= px
	img, _, err := image.Decode(bytes.NewReader(data))
	if err != nil {
		return decoded{}, "The %s field must be an image."
	}
	return decoded{blob: blob{mime: mime, data: data}, img: img}, ""
}
