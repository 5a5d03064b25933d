package flow

import (
	"encoding/json"
	"errors"
	"fmt"
	"slices"
	"strings"
	"time"
	"unicode"
	"unicode/utf8"

	"github.com/kycterm/kycterm/api"
	"github.com/kycterm/kycterm/capture/document/mrz"
)

// Reasons a field of the document check is refused before it is sent;
// FieldError wraps one of them.
var (
	// ErrFieldRequired: firstName, lastName and dob must be filled in.
	ErrFieldRequired = errors.New("required")
	// ErrFieldDate: not a calendar date in the form YYYY-MM-DD or
	// DD.MM.YYYY (or before 1900).
	ErrFieldDate = errors.New("not a date")
	// ErrFieldFuture: a date after today.
	ErrFieldFuture = errors.New("date in the future")
	// ErrFieldCode: a country or citizenship code of the wrong shape.
	ErrFieldCode = errors.New("not a country code")
	// ErrFieldControl: control or format characters (tabs, escapes, new
	// lines, bidi overrides, zero-width spaces) or line and paragraph
	// separators.
	ErrFieldControl = errors.New("control characters")
	// ErrFieldTooLong: longer than the field's limit.
	ErrFieldTooLong = errors.New("too long")
)

// FieldKind is how a check field's value is validated and normalized.
type FieldKind int

// The kinds of check fields.
const (
	// KindText is free text: trimmed, no control characters.
	KindText FieldKind = iota
	// KindDate is a past date, sent as YYYY-MM-DD.
	KindDate
	// KindCitizenship is a 2–3 letter code, sent in lower case; an ISO
	// 3166-1 alpha-3 code is sent as its alpha-2 (RUS as ru), ICAO's
	// codes without one (UTO, XXA) and unknown ones as typed.
	KindCitizenship
	// KindCountry is a 2-letter ISO 3166 code, sent in lower case.
	KindCountry
)

// CheckField describes one field of the document check request.
type CheckField struct {
	// Name is the field's JSON name in api.CheckRequest.
	Name string
	// Kind says how the value is validated.
	Kind FieldKind
	// Required fields must not be empty.
	Required bool
	// MaxLen is the most characters the value may have.
	MaxLen int
	// field is the request's string for the field.
	field func(*api.CheckRequest) *string
}

// CheckFields returns the fields of the document check the operator
// confirms, in display order: lastName, firstName, patronymic, dob,
// document_number, citizenship, then the optional ones (document_type is
// the session's).
func CheckFields() []CheckField {
	type r = api.CheckRequest
	return []CheckField{
		{Name: "lastName", Required: true, MaxLen: 100, field: func(r *r) *string { return &r.LastName }},
		{Name: "firstName", Required: true, MaxLen: 100, field: func(r *r) *string { return &r.FirstName }},
		{Name: "patronymic", MaxLen: 100, field: func(r *r) *string { return &r.Patronymic }},
		{Name: "dob", Kind: KindDate, Required: true, MaxLen: 10, field: func(r *r) *string { return &r.DOB }},
		{Name: "document_number", MaxLen: 32, field: func(r *r) *string { return &r.DocumentNumber }},
		{Name: "citizenship", Kind: KindCitizenship, MaxLen: 3, field: func(r *r) *string { return &r.Citizenship }},
		{Name: "seria", MaxLen: 32, field: func(r *r) *string { return &r.Seria }},
		{Name: "number", MaxLen: 32, field: func(r *r) *string { return &r.Number }},
		{Name: "passport_date", Kind: KindDate, MaxLen: 10, field: func(r *r) *string { return &r.PassportDate }},
		{Name: "residence", MaxLen: 100, field: func(r *r) *string { return &r.Residence }},
		{Name: "country", Kind: KindCountry, MaxLen: 2, field: func(r *r) *string { return &r.Country }},
		{Name: "city", MaxLen: 100, field: func(r *r) *string { return &r.City }},
		{Name: "zipCode", MaxLen: 16, field: func(r *r) *string { return &r.ZipCode }},
		{Name: "fullAddress", MaxLen: 255, field: func(r *r) *string { return &r.FullAddress }},
	}
}

// Value returns the field's value in r.
func (f CheckField) Value(r api.CheckRequest) string { return *f.field(&r) }

// LookupCheckField returns the description of the field called name.
func LookupCheckField(name string) (CheckField, bool) {
	for _, f := range CheckFields() {
		if f.Name == name {
			return f, true
		}
	}
	return CheckField{}, false
}

// FieldError is a check field refused before sending. Its text names the
// field and the reason, never the value (customer data).
type FieldError struct {
	// Field is the field's JSON name.
	Field string
	// Err is one of the ErrField… reasons.
	Err error
}

// Error names the field and the reason.
func (e *FieldError) Error() string { return e.Field + ": " + e.Err.Error() }

// Unwrap returns the reason.
func (e *FieldError) Unwrap() error { return e.Err }

// BuildCheckRequest validates the operator's fields (keyed by JSON name;
// unknown keys are ignored) and returns the request to send, normalized:
// values trimmed, dates as YYYY-MM-DD, codes in lower case (a citizenship's
// alpha-3 as alpha-2, see KindCitizenship). now is today
// for the dates. Every refused field is listed, in display order; the
// request is only meaningful when there are none.
func BuildCheckRequest(fields map[string]string, now time.Time) (api.CheckRequest, []*FieldError) {
	var req api.CheckRequest
	var errs []*FieldError
	for _, f := range CheckFields() {
		v, err := normalizeField(f, fields[f.Name], now)
		if err != nil {
			errs = append(errs, &FieldError{Field: f.Name, Err: err})
			continue
		}
		*f.field(&req) = v
	}
	return req, errs
}

// normalizeField validates one value.
func normalizeField(f CheckField, v string, now time.Time) (string, error) {
	v = strings.TrimSpace(v)
	if strings.IndexFunc(v, notShown) >= 0 || !utf8.ValidString(v) {
		return "", ErrFieldControl
	}
	if v == "" {
		if f.Required {
			return "", ErrFieldRequired
		}
		return "", nil
	}
	if f.Kind == KindText && utf8.RuneCountInString(v) > f.MaxLen {
		return "", ErrFieldTooLong
	}
	switch f.Kind {
	case KindDate:
		t, ok := parseFormDate(v)
		if !ok {
			return "", ErrFieldDate
		}
		y, m, d := now.Date()
		if t.After(time.Date(y, m, d, 0, 0, 0, 0, time.UTC)) {
			return "", ErrFieldFuture
		}
		return t.Format(time.DateOnly), nil
	case KindCitizenship, KindCountry:
		lo := 2
		if f.Kind == KindCountry {
			lo = f.MaxLen
		}
		if n := len(v); n < lo || n > f.MaxLen || strings.IndexFunc(v, notASCIILetter) >= 0 {
			return "", ErrFieldCode
		}
		if len(v) == 3 {
			// the MRZ gives alpha-2 and the service compares strings
			return mrz.CountryAlpha2(strings.ToUpper(v)), nil
		}
		return strings.ToLower(v), nil
	}
	return v, nil
}

// notShown tells whether r is a character that is not plain text: a
// control or format character (bidi overrides, zero-width spaces) or a
// line or paragraph separator.
func notShown(r rune) bool {
	return unicode.IsControl(r) || unicode.In(r, unicode.Cf, unicode.Zl, unicode.Zp)
}

func notASCIILetter(r rune) bool { return !('a' <= r && r <= 'z' || 'A' <= r && r <= 'Z') }

// parseFormDate reads a date the operator typed: YYYY-MM-DD or
// DD.MM.YYYY, from 1900 on.
func parseFormDate(v string) (time.Time, bool) {
	for _, l := range [...]string{time.DateOnly, "02.01.2006"} {
		if t, err := time.Parse(l, v); err == nil && t.Year() >= 1900 {
			return t, true
		}
	}
	return time.Time{}, false
}

// CheckStatus is the outcome of the document check as the service
// reports it.
type CheckStatus int

// The outcomes of the document check.
const (
	// CheckNoOutcome: the answer says nothing about the comparison.
	CheckNoOutcome CheckStatus = iota
	// CheckMatch: the fields agree with the document.
	CheckMatch
	// CheckMismatch: some fields differ from the document.
	CheckMismatch
	// CheckRecorded: the fields were recorded without a comparison.
	CheckRecorded
)

// String names the status.
func (s CheckStatus) String() string {
	switch s {
	case CheckNoOutcome:
		return "no outcome"
	case CheckMatch:
		return "match"
	case CheckMismatch:
		return "mismatch"
	case CheckRecorded:
		return "recorded"
	}
	return fmt.Sprintf("CheckStatus(%d)", int(s))
}

// CheckOutcome is what the check answer's steps say about the check.
type CheckOutcome struct {
	// Status is the outcome.
	Status CheckStatus
	// Mismatch names the fields that differ (JSON names), sorted.
	Mismatch []string
}

// Limits on what ParseCheckOutcome keeps of outside input.
const (
	maxMismatchNames = 20
	maxFieldName     = 40
)

// ParseCheckOutcome reads the check's outcome from the steps of the
// Params the check answered with. The sandbox sends steps.check =
// {"status": "match"|"mismatch"|"recorded", "mismatch": [field names]};
// the service's shape is not documented, so this reads defensively: the
// status may also be the status_check_user number (0 recorded, 1 match,
// 2 mismatch), the entry may be the bare status string or wrap its fields
// in "data", and the names may be a list, one string or an object's keys.
// A list of names without a status means a mismatch. Names that are not
// plain field names (letters, digits, _ . -, at most 40) are dropped, and
// at most 20 are kept. Anything else, malformed or absent, is
// CheckNoOutcome.
func ParseCheckOutcome(steps json.RawMessage) CheckOutcome {
	var all map[string]json.RawMessage
	if json.Unmarshal(steps, &all) != nil {
		return CheckOutcome{}
	}
	raw, ok := all["check"]
	if !ok {
		return CheckOutcome{}
	}
	if st, ok := parseCheckStatus(raw); ok {
		return CheckOutcome{Status: st}
	}
	var entry map[string]json.RawMessage
	if json.Unmarshal(raw, &entry) != nil {
		return CheckOutcome{}
	}
	if _, has := entry["status"]; !has {
		var data map[string]json.RawMessage
		if json.Unmarshal(entry["data"], &data) == nil && data != nil {
			entry = data
		}
	}
	out := CheckOutcome{Mismatch: parseFieldNames(entry["mismatch"])}
	st, ok := parseCheckStatus(entry["status"])
	switch {
	case ok:
		out.Status = st
	case len(out.Mismatch) > 0:
		out.Status = CheckMismatch
	}
	if out.Status != CheckMismatch {
		out.Mismatch = nil
	}
	return out
}

// parseCheckStatus reads a status word or number.
func parseCheckStatus(raw json.RawMessage) (CheckStatus, bool) {
	var s string
	if json.Unmarshal(raw, &s) == nil {
		switch strings.ToLower(strings.TrimSpace(s)) {
		case "match", "matched":
			return CheckMatch, true
		case "mismatch", "mismatched":
			return CheckMismatch, true
		case "recorded":
			return CheckRecorded, true
		}
		return CheckNoOutcome, false
	}
	var n float64
	if json.Unmarshal(raw, &n) == nil {
		switch n {
		case 0:
			return CheckRecorded, true
		case 1:
			return CheckMatch, true
		case 2:
			return CheckMismatch, true
		}
	}
	return CheckNoOutcome, false
}

// parseFieldNames reads field names from a list, one string or an
// object's keys (whose values are true or anything but false).
func parseFieldNames(raw json.RawMessage) []string {
	var names []string
	var list []json.RawMessage
	var one string
	var obj map[string]json.RawMessage
	switch {
	case json.Unmarshal(raw, &list) == nil:
		for _, r := range list {
			var s string
			if json.Unmarshal(r, &s) == nil {
				names = append(names, s)
			}
		}
	case json.Unmarshal(raw, &one) == nil:
		names = strings.Split(one, ",")
	case json.Unmarshal(raw, &obj) == nil:
		for k, v := range obj {
			if string(v) != "false" {
				names = append(names, k)
			}
		}
	}
	out := make([]string, 0, len(names))
	for _, n := range names {
		n = strings.TrimSpace(n)
		if plainFieldName(n) && !slices.Contains(out, n) {
			out = append(out, n)
		}
	}
	slices.Sort(out)
	if len(out) > maxMismatchNames {
		out = out[:maxMismatchNames]
	}
	if len(out) == 0 {
		return nil
	}
	return out
}

// plainFieldName tells whether n looks like a field name.
func plainFieldName(n string) bool {
	if n == "" || len(n) > maxFieldName {
		return false
	}
	for _, r := range n {
		if !('a' <= r && r <= 'z' || 'A' <= r && r <= 'Z' || '0' <= r && r <= '9' || r == '_' || r == '.' || r == '-') {
			return false
		}
	}
	return true
}
