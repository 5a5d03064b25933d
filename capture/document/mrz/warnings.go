package mrz

import (
	"bytes"
	"time"
)

// Warning codes, as in Warning.Code.
const (
	WarnExpired             = "expired"
	WarnMinor               = "minor"
	WarnBirthInFuture       = "birth_in_future"
	WarnInvalidBirthDate    = "invalid_birth_date"
	WarnInvalidExpiryDate   = "invalid_expiry_date"
	WarnUnknownIssuingState = "unknown_issuing_state"
	WarnUnknownNationality  = "unknown_nationality"
	WarnDigitsInNames       = "digits_in_names"
	WarnNamesTruncated      = "names_truncated"
)

// Warning is a finding about a readable MRZ: an expired document, a minor,
// an unknown country code… Message is plain language for the operator and
// holds no MRZ data.
type Warning struct {
	Code    string `json:"code"`
	Message string `json:"message"`
}

// AdultAge is the age below which WarnMinor is raised.
const AdultAge = 18

func warnings(r *Result, l *layout, lines [][]byte, today time.Time) []Warning {
	var out []Warning
	add := func(code, msg string) { out = append(out, Warning{code, msg}) }
	out = append(out, dateWarnings(r.BirthDate, r.ExpiryDate, today)...)
	if !KnownCountry(r.IssuingState) {
		add(WarnUnknownIssuingState, "the issuing state code is not an ISO 3166 or ICAO code")
	}
	if !KnownCountry(r.Nationality) {
		add(WarnUnknownNationality, "the nationality code is not an ISO 3166 or ICAO code")
	}
	names, _ := l.field(FieldNames)
	nb := names.span.bytes(lines)
	if bytes.ContainsAny(nb, "0123456789") {
		add(WarnDigitsInNames, "the name field contains digits: check the names against the document")
	}
	if nb[len(nb)-1] != '<' {
		add(WarnNamesTruncated, "the name field is full: the names may be truncated")
	}
	return out
}

// dateWarnings judges the two dates against today.
func dateWarnings(birth, expiry Date, today time.Time) []Warning {
	var out []Warning
	add := func(code, msg string) { out = append(out, Warning{code, msg}) }
	switch {
	case !birth.Valid():
		add(WarnInvalidBirthDate, "the birth date is not a valid date")
	case dateAfter(birth.Year, birth.Month, birth.Day, today):
		add(WarnBirthInFuture, "the birth date is in the future")
	case ageOn(birth, today) < AdultAge:
		add(WarnMinor, "the holder is under 18")
	}
	switch {
	case !expiry.Valid():
		add(WarnInvalidExpiryDate, "the expiry date is not a valid date")
	case !dateAfter(expiry.Year, expiry.Month, expiry.Day, today) && !sameDay(expiry, today):
		add(WarnExpired, "the document has expired")
	}
	return out
}

func sameDay(d Date, t time.Time) bool {
	y, m, dd := t.Date()
	return d.Year == y && d.Month == int(m) && d.Day == dd
}
