package flow

import (
	"cmp"
	"fmt"
	"slices"
	"strings"
	"time"

	"github.com/kycterm/kycterm/api"
)

// Agreement is how one document field read locally (the MRZ) compares
// with the service's OCR of the same image.
type Agreement int

// The outcomes of comparing one field.
const (
	// Agree: both read the field and the values are the same once case,
	// spacing and date notation are set aside.
	Agree Agreement = iota
	// Disagree: both read the field and the values differ.
	Disagree
	// LocalOnly: only the local MRZ reader has the field.
	LocalOnly
	// ServiceOnly: only the service's OCR has the field.
	ServiceOnly
)

// String names the outcome.
func (a Agreement) String() string {
	switch a {
	case Agree:
		return "agree"
	case Disagree:
		return "disagree"
	case LocalOnly:
		return "local only"
	case ServiceOnly:
		return "service only"
	}
	return fmt.Sprintf("Agreement(%d)", int(a))
}

// FieldComparison is one field of CompareDocument's answer.
type FieldComparison struct {
	// Field is the key both readers use (firstName, dob, …).
	Field string
	// Local and Service are the values as read ("" when missing), the
	// service's cleaned for display (api.CleanText: no control or format
	// characters, whitespace collapsed).
	Local, Service string
	// Agreement is the outcome.
	Agreement Agreement
}

// documentFieldOrder is the display order of the known fields; others
// follow in name order.
func documentFieldOrder(k string) int {
	for i, f := range [...]string{"lastName", "firstName", "patronymic", "dob",
		"document_number", "document_type", "citizenship", "country", "sex", "expiry_date"} {
		if f == k {
			return i
		}
	}
	return 1 << 10
}

// CompareDocument compares the local MRZ fields (mrz.Result.Fields) with
// the data of the service's recognize-document answer, field by field,
// over the union of their non-empty keys, known fields first (lastName,
// firstName, patronymic, dob, document_number, …) then by name. Names
// and codes compare case-insensitively with runs of space collapsed (and
// the MRZ filler '<' taken as a space); dates compare by value in the
// forms YYYY-MM-DD, DD.MM.YYYY and RFC 3339. Non-string service values
// are compared as fmt.Sprint prints them. The service's values are
// cleaned for display first (api.CleanText), so a value of only control
// or format characters counts as missing.
func CompareDocument(local map[string]string, service map[string]any) []FieldComparison {
	keys := map[string]bool{}
	svc := map[string]string{}
	for k, v := range service {
		if v == nil {
			continue
		}
		s, ok := v.(string)
		if !ok {
			s = fmt.Sprint(v)
		}
		if s = strings.TrimSpace(api.CleanText(s, len(s))); s != "" {
			svc[k], keys[k] = s, true
		}
	}
	loc := map[string]string{}
	for k, v := range local {
		if v = strings.TrimSpace(v); v != "" {
			loc[k], keys[k] = v, true
		}
	}
	out := make([]FieldComparison, 0, len(keys))
	for k := range keys {
		c := FieldComparison{Field: k, Local: loc[k], Service: svc[k]}
		switch {
		case c.Local == "":
			c.Agreement = ServiceOnly
		case c.Service == "":
			c.Agreement = LocalOnly
		case SameDocumentValue(c.Local, c.Service):
			c.Agreement = Agree
		default:
			c.Agreement = Disagree
		}
		out = append(out, c)
	}
	slices.SortFunc(out, func(a, b FieldComparison) int {
		return cmp.Or(cmp.Compare(documentFieldOrder(a.Field), documentFieldOrder(b.Field)), strings.Compare(a.Field, b.Field))
	})
	return out
}

// SameDocumentValue tells whether two readings of one document field are
// the same value: names and codes case-insensitively with runs of space
// collapsed (the MRZ filler '<' taken as a space), dates by value in the
// forms YYYY-MM-DD, DD.MM.YYYY and RFC 3339.
func SameDocumentValue(a, b string) bool {
	if ta, ok := parseDocumentDate(a); ok {
		if tb, ok := parseDocumentDate(b); ok {
			return ta.Equal(tb)
		}
	}
	norm := func(v string) string {
		return strings.Join(strings.Fields(strings.ToUpper(strings.ReplaceAll(v, "<", " "))), " ")
	}
	return norm(a) == norm(b)
}

// parseDocumentDate reads the date forms the service uses.
func parseDocumentDate(v string) (time.Time, bool) {
	for _, l := range [...]string{"2006-01-02", "02.01.2006", time.RFC3339} {
		if t, err := time.Parse(l, v); err == nil {
			return t, true
		}
	}
	return time.Time{}, false
}
