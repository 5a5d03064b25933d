package mrz

import (
	"fmt"
	"slices"
	"strings"

	"github.com/kycterm/kycterm/api"
)

// Document types as the service's document_type field takes them.
const (
	DocTypePassport = "passport"
	DocTypeIDCard   = "id_card"
	DocTypeVisa     = "visa"
)

// DocumentType maps an ICAO document code to the service's document type:
// P… passport, I/A/C… identity card, V… visa, "" otherwise.
func DocumentType(code string) string {
	if code == "" {
		return ""
	}
	switch code[0] {
	case 'P':
		return DocTypePassport
	case 'I', 'A', 'C':
		return DocTypeIDCard
	case 'V':
		return DocTypeVisa
	}
	return ""
}

// CheckRequest maps the MRZ onto the document-check request, for the
// operator to confirm or edit before it is sent: names, birth date as
// YYYY-MM-DD, document number and type, citizenship (nationality) and
// country (issuing state) as lower-case ISO alpha-2 codes where one
// exists. A Russian internal passport (code PN) carries the patronymic
// after the first given name; it is split into Patronymic.
func (r *Result) CheckRequest() api.CheckRequest {
	first, patronymic := r.SecondaryIdentifier, ""
	if r.DocumentCode == "PN" && r.IssuingState == "RUS" {
		if f, p, ok := strings.Cut(first, " "); ok {
			first, patronymic = f, p
		}
	}
	return api.CheckRequest{
		FirstName:      first,
		LastName:       r.PrimaryIdentifier,
		Patronymic:     patronymic,
		DOB:            r.BirthDate.String(),
		DocumentType:   DocumentType(r.DocumentCode),
		DocumentNumber: r.DocumentNumber,
		Citizenship:    CountryAlpha2(r.Nationality),
		Country:        CountryAlpha2(r.IssuingState),
	}
}

// Fields returns the non-empty fields of CheckRequest keyed by their JSON
// names (firstName, lastName, dob, document_number, citizenship, …): the
// keys the service's recognize-document answer uses, so a local reading
// can be shown and compared next to the service's.
func (r *Result) Fields() map[string]string {
	req := r.CheckRequest()
	out := map[string]string{}
	for k, v := range map[string]string{
		"firstName": req.FirstName, "lastName": req.LastName, "patronymic": req.Patronymic,
		"dob": req.DOB, "document_type": req.DocumentType, "document_number": req.DocumentNumber,
		"citizenship": req.Citizenship, "country": req.Country,
	} {
		if v != "" {
			out[k] = v
		}
	}
	return out
}

// RepairedFields lists, once each and in the order of Repairs, the fields
// in which Parse changed a character, with spaces for underscores ("birth
// date"): what the operator should compare with the document.
func (r *Result) RepairedFields() []string {
	var out []string
	for _, rp := range r.Repairs {
		f := strings.ReplaceAll(rp.Field, "_", " ")
		if !slices.Contains(out, f) {
			out = append(out, f)
		}
	}
	return out
}

// Problems lists, in plain words for the operator, every failed check
// digit and every warning. The messages hold no MRZ data.
func (r *Result) Problems() []string {
	var out []string
	for _, c := range r.Checks {
		if !c.OK {
			out = append(out, fmt.Sprintf("the check digit of the %s does not match (line %d, column %d)",
				strings.ReplaceAll(c.Field, "_", " "), c.Line, c.Col))
		}
	}
	for _, w := range r.Warnings {
		out = append(out, w.Message)
	}
	return out
}
