package ui

import (
	"strings"
	"testing"

	"github.com/kycterm/kycterm/api"
	"github.com/kycterm/kycterm/ui/i18n"
)

// TestLocalFieldLines checks that the document screen flags the fields
// where the local MRZ and the service's OCR disagree.
func TestLocalFieldLines(t *testing.T) {
	local := &LocalDocument{Confidence: 1, Fields: map[string]string{
		"lastName": "ERIKSSON", "firstName": "ANNA MARIA", "dob": "1974-08-12"}}
	tests := []struct {
		name    string
		ocr     *api.RecognizeResponse
		want    []string
		notWant []string
	}{
		{"no service reading", nil, []string{"  lastName", "ERIKSSON"}, []string{"≠", "agrees", "differ"}},
		{"agree", &api.RecognizeResponse{Data: map[string]any{"lastName": "Eriksson", "firstName": "Anna Maria", "dob": "12.08.1974"}},
			[]string{"= lastName", "= dob", "agrees with the MRZ"}, []string{"≠"}},
		{"wrong lastName", &api.RecognizeResponse{Data: map[string]any{"lastName": "ERIKSEN", "firstName": "ANNA MARIA"}},
			[]string{"≠ lastName", "service: ERIKSEN", "= firstName", "  dob", "1 fields differ"}, []string{"agrees"}},
	}
	tr, err := i18n.New("en")
	if err != nil {
		t.Fatal(err)
	}
	for _, tc := range tests {
		t.Run(tc.name, func(t *testing.T) {
			c := &common{width: 80, height: 24, styles: DefaultStyles(), tr: tr}
			m := documentModel{c: c, local: local, ocr: tc.ocr}
			got := m.localFieldLines(20, 80)
			for _, w := range tc.want {
				if !strings.Contains(got, w) {
					t.Errorf("lines lack %q:\n%s", w, got)
				}
			}
			for _, w := range tc.notWant {
				if strings.Contains(got, w) {
					t.Errorf("lines hold %q:\n%s", w, got)
				}
			}
		})
	}
}

func TestFitLines(t *testing.T) {
	tr, err := i18n.New("en")
	if err != nil {
		t.Fatal(err)
	}
	c := &common{styles: DefaultStyles(), tr: tr}
	lines := []string{"a", "b", "c", "d", "e"}
	if got := fitLines(c, lines, 5); strings.Count(got, "\n") != 5 || strings.Contains(got, "more") {
		t.Errorf("all lines fit, got:\n%s", got)
	}
	got := fitLines(c, lines, 3)
	if strings.Count(got, "\n") != 3 || !strings.Contains(got, "3 more fields") || strings.Contains(got, "c\n") {
		t.Errorf("want a, b and a count of 3 more, got:\n%s", got)
	}
}
