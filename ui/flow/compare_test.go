package flow

import (
	"fmt"
	"testing"
)

func TestCompareDocument(t *testing.T) {
	local := map[string]string{"lastName": "ERIKSSON", "firstName": "ANNA MARIA", "dob": "1974-08-12",
		"document_number": "L898902C3", "country": "ut"}
	tests := []struct {
		name    string
		local   map[string]string
		service map[string]any
		want    string
	}{
		{"same, other notation", local,
			map[string]any{"lastName": "Eriksson", "firstName": "anna  maria", "dob": "12.08.1974", "document_number": "L898902C3", "country": "UT"},
			"lastName agree, firstName agree, dob agree, document_number agree, country agree"},
		{"wrong lastName and number", local,
			map[string]any{"lastName": "ERIKSEN", "firstName": "ANNA MARIA", "dob": "1974-08-12", "document_number": "L898902C8", "country": "ut"},
			"lastName disagree, firstName agree, dob agree, document_number disagree, country agree"},
		{"date differs", map[string]string{"dob": "1974-08-12"}, map[string]any{"dob": "1974-08-21"}, "dob disagree"},
		{"missing on either side", map[string]string{"lastName": "ERIKSSON", "patronymic": " "},
			map[string]any{"firstName": "ANNA", "sex": "F", "zz": 3, "empty": "", "null": nil},
			"lastName local only, firstName service only, sex service only, zz service only"},
		{"filler as space", map[string]string{"firstName": "ANNA<MARIA"}, map[string]any{"firstName": "Anna Maria"}, "firstName agree"},
		{"nothing", nil, nil, ""},
	}
	for _, tc := range tests {
		t.Run(tc.name, func(t *testing.T) {
			got := ""
			for i, c := range CompareDocument(tc.local, tc.service) {
				if i > 0 {
					got += ", "
				}
				got += fmt.Sprintf("%s %s", c.Field, c.Agreement)
			}
			if got != tc.want {
				t.Errorf("got %q, want %q", got, tc.want)
			}
		})
	}
}

func BenchmarkCompareDocument(b *testing.B) {
	local := map[string]string{"lastName": "ERIKSSON", "firstName": "ANNA MARIA", "dob": "1974-08-12", "document_number": "L898902C3"}
	svc := map[string]any{"lastName": "Eriksson", "firstName": "Anna Maria", "dob": "12.08.1974", "document_number": "L898902C3"}
	for b.Loop() {
		CompareDocument(local, svc)
	}
}

// TestCompareDocumentCleansService: the service's OCR values are shown,
// so control and format characters are dropped before comparing.
func TestCompareDocumentCleansService(t *testing.T) {
	got := CompareDocument(map[string]string{"lastName": "ERIKSSON"}, map[string]any{
		"lastName": "ERIK\u202eSS\u200bON", "city": "\x1b[31mMoscow\u2028", "zz": "\u200b\u202e",
	})
	want := []FieldComparison{
		{Field: "lastName", Local: "ERIKSSON", Service: "ERIKSSON", Agreement: Agree},
		{Field: "city", Service: "[31mMoscow", Agreement: ServiceOnly},
	}
	if fmt.Sprint(got) != fmt.Sprint(want) {
		t.Errorf("got %+v, want %+v", got, want)
	}
}
