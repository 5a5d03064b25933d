package mrz

import (
	"errors"
	"maps"
	"slices"
	"strings"
	"testing"
	"time"
)

// today is the fixed date the tests judge documents against.
var today = time.Date(2026, 11, 25, 12, 0, 0, 0, time.UTC)

// The ICAO 9303 specimens (Part 4 for TD3, Part 6 for TD2, Part 5 for TD1,
// the last one with the long document number rule).
var (
	specimenTD3 = []string{
		"P<UTOERIKSSON<<ANNA<MARIA<<<<<<<<<<<<<<<<<<<",
		"L898902C36UTO7408122F1204159ZE184226B<<<<<10",
	}
	specimenTD2 = []string{
		"I<UTOERIKSSON<<ANNA<MARIA<<<<<<<<<<<",
		"D231458907UTO7408122F1204159<<<<<<<6",
	}
	specimenTD1 = []string{
		"I<UTOD231458907<<<<<<<<<<<<<<<",
		"7408122F1204159UTO<<<<<<<<<<<6",
		"ERIKSSON<<ANNA<MARIA<<<<<<<<<<",
	}
	specimenTD1Long = []string{
		"I<UTOD23145890<7349<<<<<<<<<<<",
		"3407127M9507122UTO<<<<<<<<<<<2",
		"STEVENSON<<PETER<JOHN<<<<<<<<<",
	}
	specimenMRVA = []string{
		"V<UTOERIKSSON<<ANNA<MARIA<<<<<<<<<<<<<<<<<<<",
		"L8988901C4XXX4009078F96121096ZE184226B<<<<<<",
	}
)

func mustParse(t *testing.T, lines []string, opt Options) *Result {
	t.Helper()
	if opt.Today.IsZero() {
		opt.Today = today
	}
	r, err := Parse(lines, opt)
	if err != nil {
		t.Fatalf("Parse: %v", err)
	}
	return r
}

func TestCheckDigit(t *testing.T) {
	tests := []struct {
		in   string
		want byte
	}{
		{"L898902C3", '6'},
		{"740812", '2'},
		{"120415", '9'},
		{"ZE184226B<<<<<", '1'},
		{"L898902C3674081221204159ZE184226B<<<<<1", '0'},
		{"", '0'},
		{"<<<<", '0'},
		{"A", '0'}, // 10*7 = 70
		{"Z", '5'}, // 35*7 = 245
		{"D23145890734", '9'},
	}
	for _, tc := range tests {
		t.Run(tc.in, func(t *testing.T) {
			got, err := CheckDigit(tc.in)
			if err != nil || got != tc.want {
				t.Errorf("CheckDigit(%q) = %q, %v; want %q", tc.in, got, err, tc.want)
			}
		})
	}
	for _, bad := range []string{"a", "12-3", "É", " "} {
		t.Run("bad "+bad, func(t *testing.T) {
			if _, err := CheckDigit(bad); !errors.Is(err, ErrCharset) {
				t.Errorf("CheckDigit(%q) error = %v, want ErrCharset", bad, err)
			}
		})
	}
}

func TestParseSpecimens(t *testing.T) {
	tests := []struct {
		name   string
		lines  []string
		format Format
		want   Result
		checks []string
	}{
		{"TD3", specimenTD3, TD3, Result{
			DocumentCode: "P", IssuingState: "UTO", PrimaryIdentifier: "ERIKSSON", SecondaryIdentifier: "ANNA MARIA",
			DocumentNumber: "L898902C3", Nationality: "UTO", Sex: "F", OptionalData: "ZE184226B",
			BirthDate: Date{"740812", 1974, 8, 12}, ExpiryDate: Date{"120415", 2012, 4, 15},
		}, []string{FieldDocumentNumber, FieldBirthDate, FieldExpiryDate, FieldOptionalData, FieldComposite}},
		{"TD2", specimenTD2, TD2, Result{
			DocumentCode: "I", IssuingState: "UTO", PrimaryIdentifier: "ERIKSSON", SecondaryIdentifier: "ANNA MARIA",
			DocumentNumber: "D23145890", Nationality: "UTO", Sex: "F",
			BirthDate: Date{"740812", 1974, 8, 12}, ExpiryDate: Date{"120415", 2012, 4, 15},
		}, []string{FieldDocumentNumber, FieldBirthDate, FieldExpiryDate, FieldComposite}},
		{"TD1", specimenTD1, TD1, Result{
			DocumentCode: "I", IssuingState: "UTO", PrimaryIdentifier: "ERIKSSON", SecondaryIdentifier: "ANNA MARIA",
			DocumentNumber: "D23145890", Nationality: "UTO", Sex: "F",
			BirthDate: Date{"740812", 1974, 8, 12}, ExpiryDate: Date{"120415", 2012, 4, 15},
		}, []string{FieldDocumentNumber, FieldBirthDate, FieldExpiryDate, FieldComposite}},
		{"TD1 long document number", specimenTD1Long, TD1, Result{
			DocumentCode: "I", IssuingState: "UTO", PrimaryIdentifier: "STEVENSON", SecondaryIdentifier: "PETER JOHN",
			DocumentNumber: "D23145890734", Nationality: "UTO", Sex: "M",
			BirthDate: Date{"340712", 1934, 7, 12}, ExpiryDate: Date{"950712", 2095, 7, 12},
		}, []string{FieldDocumentNumber, FieldBirthDate, FieldExpiryDate, FieldComposite}},
		{"MRV-A", specimenMRVA, MRVA, Result{
			DocumentCode: "V", IssuingState: "UTO", PrimaryIdentifier: "ERIKSSON", SecondaryIdentifier: "ANNA MARIA",
			DocumentNumber: "L8988901C", Nationality: "XXX", Sex: "F", OptionalData: "6ZE184226B",
			BirthDate: Date{"400907", 1940, 9, 7}, ExpiryDate: Date{"961210", 2096, 12, 10},
		}, []string{FieldDocumentNumber, FieldBirthDate, FieldExpiryDate}},
	}
	for _, tc := range tests {
		t.Run(tc.name, func(t *testing.T) {
			r := mustParse(t, tc.lines, Options{})
			if r.Format != tc.format {
				t.Errorf("Format = %v, want %v", r.Format, tc.format)
			}
			w := tc.want
			got := []string{r.DocumentCode, r.IssuingState, r.PrimaryIdentifier, r.SecondaryIdentifier,
				r.DocumentNumber, r.Nationality, r.Sex, r.OptionalData}
			want := []string{w.DocumentCode, w.IssuingState, w.PrimaryIdentifier, w.SecondaryIdentifier,
				w.DocumentNumber, w.Nationality, w.Sex, w.OptionalData}
			if !slices.Equal(got, want) {
				t.Errorf("fields = %q\nwant     %q", got, want)
			}
			if r.BirthDate != w.BirthDate || r.ExpiryDate != w.ExpiryDate {
				t.Errorf("dates = %+v %+v, want %+v %+v", r.BirthDate, r.ExpiryDate, w.BirthDate, w.ExpiryDate)
			}
			var fields []string
			for _, c := range r.Checks {
				fields = append(fields, c.Field)
				if !c.OK {
					t.Errorf("check %s failed: expected %s got %s", c.Field, c.Expected, c.Got)
				}
			}
			if !slices.Equal(fields, tc.checks) {
				t.Errorf("checks = %v, want %v", fields, tc.checks)
			}
			if !r.Valid || len(r.Repairs) != 0 {
				t.Errorf("Valid = %v, repairs = %v", r.Valid, r.Repairs)
			}
			if !slices.Equal(r.Lines, tc.lines) || !slices.Equal(r.Repaired, tc.lines) {
				t.Errorf("lines = %q repaired = %q", r.Lines, r.Repaired)
			}
		})
	}
}

// TestEachCheckDigitFailingAlone breaks one check digit at a time (and
// fixes up the composite so that it keeps holding) and expects exactly
// that check to fail, with the right expected and got digits.
func TestEachCheckDigitFailingAlone(t *testing.T) {
	for _, sp := range []struct {
		name  string
		lines []string
	}{{"TD3", specimenTD3}, {"TD2", specimenTD2}, {"TD1", specimenTD1}, {"TD1 long", specimenTD1Long}, {"MRV-A", specimenMRVA}} {
		base := mustParse(t, sp.lines, Options{})
		for i, target := range base.Checks {
			t.Run(sp.name+" "+target.Field, func(t *testing.T) {
				lines := make([][]byte, len(sp.lines))
				for k := range sp.lines {
					lines[k] = []byte(sp.lines[k])
				}
				d := &lines[target.Line-1][target.Col-1]
				orig := *d
				*d = '0' + (orig-'0'+3)%10
				bad := *d
				if target.Field != FieldComposite {
					// Keep the composite right so only the target fails.
					for _, c := range base.Checks {
						if c.Field == FieldComposite {
							var parts [][]byte
							for _, s := range c.Spans {
								parts = append(parts, s.bytes(lines))
							}
							lines[c.Line-1][c.Col-1] = checkDigitBytes(parts...)
						}
					}
				}
				var in []string
				for _, ln := range lines {
					in = append(in, string(ln))
				}
				r := mustParse(t, in, Options{NoRepair: true})
				if r.Valid {
					t.Fatal("Valid = true with a broken check digit")
				}
				for j, c := range r.Checks {
					if j == i {
						if c.OK || c.Expected != string(orig) || c.Got != string(bad) || c.Field != target.Field {
							t.Errorf("target check = %+v, want expected %c got %c", c, orig, bad)
						}
					} else if !c.OK {
						t.Errorf("check %s failed too", c.Field)
					}
				}
			})
		}
	}
}

func TestTD2LongDocumentNumber(t *testing.T) {
	number := "D23145890AB12"
	d, _ := CheckDigit(number)
	line2 := number[:9] + "<UTO7408122F1204159" + number[9:] + string(d) + "<X"
	line2 += strings.Repeat("<", 35-len(line2))
	c := checkDigitBytes([]byte(line2[0:10]), []byte(line2[13:20]), []byte(line2[21:35]))
	line2 += string(c)
	r := mustParse(t, []string{specimenTD2[0], line2}, Options{})
	if !r.Valid || r.DocumentNumber != number || r.OptionalData != "X" {
		t.Fatalf("valid %v number %q optional %q checks %+v", r.Valid, r.DocumentNumber, r.OptionalData, r.Checks)
	}
	if c := r.Checks[0]; c.Field != FieldDocumentNumber || c.Value != number || c.Line != 2 || c.Col != 33 {
		t.Errorf("document number check = %+v", c)
	}
}

func TestParseMalformed(t *testing.T) {
	tests := []struct {
		name  string
		lines []string
		want  error
	}{
		{"nil", nil, ErrEmpty},
		{"blank lines", []string{"", "  ", "\t"}, ErrEmpty},
		{"one line", specimenTD3[:1], ErrFormat},
		{"four lines", append(append([]string{}, specimenTD1...), specimenTD1[0]), ErrFormat},
		{"short line 2", []string{specimenTD3[0], specimenTD3[1][:43]}, ErrFormat},
		{"long line 1", []string{specimenTD3[0] + "<", specimenTD3[1]}, ErrFormat},
		{"three lines of 44", []string{specimenTD3[0], specimenTD3[1], specimenTD3[1]}, ErrFormat},
		{"two lines of 30", specimenTD1[:2], ErrFormat},
		{"hyphen", []string{strings.Replace(specimenTD3[0], "ANNA", "AN-A", 1), specimenTD3[1]}, ErrCharset},
		{"inner space", []string{strings.Replace(specimenTD3[0], "ANNA", "AN A", 1), specimenTD3[1]}, ErrCharset},
		{"non-ASCII", []string{strings.Replace(specimenTD3[0], "ANNA", "ANNÄ", 1), specimenTD3[1]}, ErrCharset},
		{"NUL", []string{strings.Replace(specimenTD3[0], "A", "\x00", 1), specimenTD3[1]}, ErrCharset},
	}
	for _, tc := range tests {
		t.Run(tc.name, func(t *testing.T) {
			_, err := Parse(tc.lines, Options{Today: today})
			if !errors.Is(err, tc.want) {
				t.Fatalf("error = %v, want %v", err, tc.want)
			}
			for _, ln := range tc.lines {
				if len(ln) > 4 && strings.Contains(err.Error(), ln[:5]) {
					t.Errorf("error %q leaks MRZ text", err)
				}
			}
		})
	}
}

func TestParseLenientInput(t *testing.T) {
	in := []string{"", "  " + strings.ToLower(specimenTD3[0]) + " \r", specimenTD3[1] + "\t", ""}
	r := mustParse(t, in, Options{})
	if !r.Valid || !slices.Equal(r.Lines, specimenTD3) {
		t.Errorf("lines = %q valid = %v", r.Lines, r.Valid)
	}
	for _, text := range []string{
		strings.Join(specimenTD1, "\r\n") + "\n",
		strings.Join(specimenTD1, " "),
		"\t" + strings.Join(specimenTD1, "\n\n") + "  ",
	} {
		r2, err := ParseText(text, Options{Today: today})
		if err != nil || r2.Format != TD1 || !r2.Valid {
			t.Errorf("ParseText(%q) = %v, %v", text, r2, err)
		}
	}
}

func TestRepair(t *testing.T) {
	line2 := specimenTD3[1]
	tests := []struct {
		name    string
		lines   []string
		repairs []Repair
		valid   bool
	}{
		{"letters in birth date", []string{specimenTD3[0], strings.Replace(line2, "7408122", "74O8I22", 1)},
			[]Repair{{2, 16, "O", "0", FieldBirthDate, SourceConfusion}, {2, 18, "I", "1", FieldBirthDate, SourceConfusion}}, true},
		{"letter check digit confirmed", []string{specimenTD3[0], strings.Replace(line2, "7408122", "740812Z", 1)},
			[]Repair{{2, 20, "Z", "2", FieldBirthDate, SourceConfusion}}, true},
		{"letter check digit not confirmed", []string{specimenTD3[0], strings.Replace(line2, "1204159", "120415S", 1)}, nil, false},
		{"letter in expiry not confirmed", []string{specimenTD3[0], strings.Replace(line2, "1204159", "12G4159", 1)}, nil, false},
		{"letter with no look-alike", []string{specimenTD3[0], strings.Replace(line2, "7408122", "74X8122", 1)}, nil, false},
		{"composite as letter", []string{specimenTD3[0], line2[:43] + "O"},
			[]Repair{{2, 44, "O", "0", FieldComposite, SourceConfusion}}, true},
		{"digit in issuing state", []string{strings.Replace(specimenTD3[0], "UTO", "UT0", 1), line2},
			[]Repair{{1, 5, "0", "O", FieldIssuingState, SourceConfusion}}, true},
		{"digit in nationality", []string{specimenTD3[0], strings.Replace(line2, "UTO", "UT0", 1)},
			[]Repair{{2, 13, "0", "O", FieldNationality, SourceConfusion}}, true},
		{"alnum document number is not touched", []string{specimenTD3[0], strings.Replace(line2, "L898902C3", "L8989O2C3", 1)}, nil, false},
		{"digit in names is not touched", []string{strings.Replace(specimenTD3[0], "ANNA", "ANN4", 1), line2}, nil, true},
	}
	for _, tc := range tests {
		t.Run(tc.name, func(t *testing.T) {
			r := mustParse(t, tc.lines, Options{})
			if !slices.Equal(r.Repairs, tc.repairs) && !(len(r.Repairs) == 0 && len(tc.repairs) == 0) {
				t.Errorf("repairs = %+v\nwant      %+v", r.Repairs, tc.repairs)
			}
			if r.Valid != tc.valid {
				t.Errorf("Valid = %v, want %v", r.Valid, tc.valid)
			}
			if tc.valid && len(tc.repairs) > 0 && !slices.Equal(r.Repaired, specimenTD3) {
				t.Errorf("repaired = %q", r.Repaired)
			}
			if !slices.Equal(r.Lines, upper(tc.lines)) {
				t.Errorf("Lines changed: %q", r.Lines)
			}
			noRep := mustParse(t, tc.lines, Options{NoRepair: true})
			if len(noRep.Repairs) != 0 || !slices.Equal(noRep.Repaired, noRep.Lines) {
				t.Errorf("NoRepair repaired %v", noRep.Repairs)
			}
		})
	}
}

func upper(s []string) []string {
	out := make([]string, len(s))
	for i := range s {
		out[i] = strings.ToUpper(s[i])
	}
	return out
}

func TestRepairAlternatives(t *testing.T) {
	// The OCR read 0 for C in the document number (an alnum field the
	// confusion repair leaves alone) and offers C as its fourth choice,
	// after cheaper decoys that no check digit confirms.
	lines := []string{specimenTD3[0], strings.Replace(specimenTD3[1], "C36", "036", 1)}
	alts := []Alternative{
		{Line: 1, Col: 7, Char: 'O', Cost: 0.05},
		{Line: 1, Col: 2, Char: 'B', Cost: 0.01},
		{Line: 1, Col: 15, Char: '3', Cost: 0.02},
		{Line: 9, Col: 99, Char: 'A'}, // out of range: ignored
		{Line: 1, Col: 40, Char: '<'}, // fillers never swapped
		{Line: 0, Col: 10, Char: 'X'}, // names are covered by no failing check
		{Line: 1, Col: 7, Char: 'c'},  // not an MRZ character
		{Line: 1, Col: 7, Char: 'C', Cost: 0.1},
	}
	r := mustParse(t, lines, Options{Alternatives: alts})
	want := []Repair{{2, 8, "0", "C", FieldDocumentNumber, SourceOCR}}
	if !r.Valid || !slices.Equal(r.Repairs, want) {
		t.Errorf("valid = %v repairs = %+v, want %+v", r.Valid, r.Repairs, want)
	}
	if !slices.Equal(r.Repaired, specimenTD3) {
		t.Errorf("repaired = %q", r.Repaired)
	}
	// Without the right alternative nothing unconfirmed is kept.
	r = mustParse(t, lines, Options{Alternatives: alts[:3]})
	if r.Valid || len(r.Repairs) != 0 {
		t.Errorf("valid = %v repairs = %+v, want no repair", r.Valid, r.Repairs)
	}
}

// TestRepairNoCompensation: when a check digit is wrong (misprinted, or
// misread with no runner-up), the composite that covers it fails too. A
// runner-up elsewhere in the composite's span that makes the composite
// hold again only compensates the error, confirming nothing: it must not
// be taken. Here the expiry check digit reads 4 for 9 and the optional
// data 2 offers Y for T, which moves the composite by the same 5.
func TestRepairNoCompensation(t *testing.T) {
	line1 := "I<UTOD231458907<<<<<<<<<<<<<<<"
	line2 := []byte("7408122F1204159UTOT8<<<<<<<<<0")
	line2[29] = checkDigitBytes([]byte(line1[5:30]), line2[0:7], line2[8:15], line2[18:29])
	good := []string{line1, string(line2), "ERIKSSON<<ANNA<MARIA<<<<<<<<<<"}
	if r := mustParse(t, good, Options{NoRepair: true}); !r.Valid {
		t.Fatalf("the test MRZ is not valid: %+v", r.Checks)
	}
	bad := slices.Clone(good)
	bad[1] = bad[1][:14] + "4" + bad[1][15:]
	alts := []Alternative{{Line: 1, Col: 18, Char: 'Y', Cost: 0.1}}
	r := mustParse(t, bad, Options{Alternatives: alts})
	if len(r.Repairs) != 0 || r.Valid {
		t.Errorf("valid %v, repairs %+v: want the two failing checks and no repair", r.Valid, r.Repairs)
	}
	// The right runner-up for the check digit is still taken.
	alts = append(alts, Alternative{Line: 1, Col: 14, Char: '9', Cost: 0.2})
	r = mustParse(t, bad, Options{Alternatives: alts})
	if want := []Repair{{2, 15, "4", "9", FieldExpiryDate, SourceOCR}}; !r.Valid || !slices.Equal(r.Repairs, want) {
		t.Errorf("valid %v, repairs %+v, want %+v", r.Valid, r.Repairs, want)
	}
}

// TestRepairNeedsMoreChecksThanChanges: with the expiry check digit
// misread (2 for 9), some pair of changes to the expiry date makes both
// its check digit and the composite hold — two changes "confirmed" by two
// check digits, which a search over many pairs finds by chance. Such a
// pair is offered as runner-ups and must not be taken.
func TestRepairNeedsMoreChecksThanChanges(t *testing.T) {
	bad := []string{specimenTD3[0], specimenTD3[1][:27] + "2" + specimenTD3[1][28:]}
	var decoys []Alternative
	line := []byte(bad[1])
	for i := 21; i < 27 && decoys == nil; i++ {
		for j := i + 1; j < 27 && decoys == nil; j++ {
			for a := byte('0'); a <= '9' && decoys == nil; a++ {
				for b := byte('0'); b <= '9' && decoys == nil; b++ {
					if a == bad[1][i] || b == bad[1][j] {
						continue
					}
					line[i], line[j] = a, b
					r := mustParse(t, []string{bad[0], string(line)}, Options{NoRepair: true})
					if r.Valid {
						decoys = []Alternative{{Line: 1, Col: i, Char: a, Cost: 0.05}, {Line: 1, Col: j, Char: b, Cost: 0.05}}
					}
					line[i], line[j] = bad[1][i], bad[1][j]
				}
			}
		}
	}
	if decoys == nil {
		t.Fatal("no pair of expiry digits mends both check digits")
	}
	r := mustParse(t, bad, Options{Alternatives: decoys})
	if len(r.Repairs) != 0 || r.Valid {
		t.Errorf("valid %v, repairs %+v: a pair confirmed by two check digits was taken", r.Valid, r.Repairs)
	}
}

// TestRepairOneChangeWithoutComposite: visas (MRV-A, MRV-B) have no
// composite check digit, so one misread character breaks exactly one
// check digit; one OCR alternative confirmed by that field's own check
// digit is taken there. Where a composite exists (TD3) a change must
// still mend more check digits than it changes characters, and on visas
// two changes confirmed by one check digit are still refused.
func TestRepairOneChangeWithoutComposite(t *testing.T) {
	specimenMRVB := []string{
		"V<UTOERIKSSON<<ANNA<MARIA<<<<<<<<<<<",
		"L8988901C4XXX4009078F9612109<<<<<<<<",
	}
	set := func(lines []string, line, col int, c byte) []string {
		out := slices.Clone(lines)
		b := []byte(out[line])
		b[col] = c
		out[line] = string(b)
		return out
	}
	tests := []struct {
		name   string
		good   []string
		bad    []string
		alts   []Alternative
		format Format
		want   []Repair // nil: no repair, the MRZ stays invalid
	}{
		{"MRV-A document number", specimenMRVA, set(specimenMRVA, 1, 8, '0'),
			[]Alternative{{Line: 1, Col: 8, Char: 'O', Cost: 0.05}, {Line: 1, Col: 8, Char: 'C', Cost: 0.1}},
			MRVA, []Repair{{2, 9, "0", "C", FieldDocumentNumber, SourceOCR}}},
		{"MRV-A check digit", specimenMRVA, set(specimenMRVA, 1, 9, '1'),
			[]Alternative{{Line: 1, Col: 9, Char: '4', Cost: 0.2}},
			MRVA, []Repair{{2, 10, "1", "4", FieldDocumentNumber, SourceOCR}}},
		{"MRV-B birth date", specimenMRVB, set(specimenMRVB, 1, 16, '8'),
			[]Alternative{{Line: 1, Col: 16, Char: '3', Cost: 0.05}, {Line: 1, Col: 16, Char: '9', Cost: 0.1}},
			MRVB, []Repair{{2, 17, "8", "9", FieldBirthDate, SourceOCR}}},
		{"MRV-B expiry date", specimenMRVB, set(specimenMRVB, 1, 23, '8'),
			[]Alternative{{Line: 1, Col: 23, Char: '1', Cost: 0.1}},
			MRVB, []Repair{{2, 24, "8", "1", FieldExpiryDate, SourceOCR}}},
		{"MRV-A two changes, one check digit", specimenMRVA, set(set(specimenMRVA, 1, 8, '0'), 1, 1, 'B'),
			[]Alternative{{Line: 1, Col: 8, Char: 'C', Cost: 0.1}, {Line: 1, Col: 1, Char: '8', Cost: 0.1}},
			MRVA, nil},
		{"TD3 document number", specimenTD3, set(specimenTD3, 1, 7, '0'),
			[]Alternative{{Line: 1, Col: 7, Char: 'C', Cost: 0.1}},
			TD3, []Repair{{2, 8, "0", "C", FieldDocumentNumber, SourceOCR}}},
		{"TD3 composite alone", specimenTD3, set(specimenTD3, 1, 43, '3'),
			[]Alternative{{Line: 1, Col: 43, Char: '0', Cost: 0.1}},
			TD3, nil},
	}
	for _, tc := range tests {
		t.Run(tc.name, func(t *testing.T) {
			if r := mustParse(t, tc.good, Options{NoRepair: true}); !r.Valid || r.Format != tc.format {
				t.Fatalf("the good MRZ: valid %v format %v", r.Valid, r.Format)
			}
			if r := mustParse(t, tc.bad, Options{NoRepair: true}); r.Valid {
				t.Fatal("the misread MRZ is valid")
			}
			r := mustParse(t, tc.bad, Options{Alternatives: tc.alts})
			if !slices.Equal(r.Repairs, tc.want) {
				t.Fatalf("repairs = %+v, want %+v", r.Repairs, tc.want)
			}
			if tc.want == nil {
				if r.Valid {
					t.Error("valid without a repair")
				}
				return
			}
			if !r.Valid || !slices.Equal(r.Repaired, tc.good) {
				t.Errorf("valid %v, repaired %q, want %q", r.Valid, r.Repaired, tc.good)
			}
		})
	}
}

func TestRepairCodesWithAlternatives(t *testing.T) {
	lines := []string{specimenTD3[0], strings.Replace(specimenTD3[1], "UTO", "WTQ", 1)}
	alts := []Alternative{
		{Line: 1, Col: 10, Char: 'U', Cost: 0.04},
		{Line: 1, Col: 12, Char: 'O', Cost: 0.02},
		{Line: 1, Col: 12, Char: 'A', Cost: 0.01}, // UTA is no code
		{Line: 1, Col: 11, Char: 'X', Cost: 0.3},  // XXX would need three changes
	}
	r := mustParse(t, lines, Options{Alternatives: alts})
	want := []Repair{{2, 11, "W", "U", FieldNationality, SourceOCR}, {2, 13, "Q", "O", FieldNationality, SourceOCR}}
	if !slices.Equal(r.Repairs, want) || r.Nationality != "UTO" {
		t.Errorf("repairs = %+v nationality %q", r.Repairs, r.Nationality)
	}
	for _, w := range r.Warnings {
		if w.Code == WarnUnknownNationality {
			t.Error("nationality still unknown")
		}
	}
	// Without alternatives the unknown code stays, with its warning.
	r = mustParse(t, lines, Options{})
	if len(r.Repairs) != 0 || r.Nationality != "WTQ" {
		t.Errorf("repairs = %+v nationality %q", r.Repairs, r.Nationality)
	}
}

func TestDates(t *testing.T) {
	tests := []struct {
		raw   string
		birth bool
		want  string
	}{
		{"740812", true, "1974-08-12"},
		{"261125", true, "2026-11-25"}, // today: not in the future
		{"261126", true, "1926-11-26"}, // tomorrow in 20xx → 19xx
		{"000229", true, "2000-02-29"},
		{"010229", true, ""}, // 2001 is no leap year
		{"741312", true, ""},
		{"740800", true, ""},
		{"7408<<", true, ""},
		{"740431", false, ""},
		{"991231", false, "2099-12-31"},
		{"120415", false, "2012-04-15"},
		{"", false, ""},
	}
	for _, tc := range tests {
		t.Run(tc.raw, func(t *testing.T) {
			d := parseDate([]byte(tc.raw), today, tc.birth)
			if d.String() != tc.want || d.Raw != tc.raw || d.Valid() != (tc.want != "") {
				t.Errorf("parseDate(%q) = %+v (%q), want %q", tc.raw, d, d, tc.want)
			}
			if d.Valid() != !d.Time().IsZero() {
				t.Errorf("Time() = %v for valid=%v", d.Time(), d.Valid())
			}
		})
	}
}

func TestWarnings(t *testing.T) {
	codes := func(ws []Warning) []string {
		var out []string
		for _, w := range ws {
			out = append(out, w.Code)
		}
		return out
	}
	td3 := func(line1, line2 string) []string { return []string{line1, line2} }
	// A valid passport of a minor born 2015-06-01, expiring 2030-01-01.
	minor := td3("P<UTOERIKSSON<<ANNA<MARIA<<<<<<<<<<<<<<<<<<<", fix("L898902C36UTO1506010F3001010<<<<<<<<<<<<<<00"))
	tests := []struct {
		name  string
		lines []string
		today time.Time
		want  []string
	}{
		{"specimen expired", specimenTD3, today, []string{WarnExpired}},
		{"specimen on its expiry day", specimenTD3, time.Date(2012, 4, 15, 23, 0, 0, 0, time.UTC), nil},
		{"specimen the day after", specimenTD3, time.Date(2012, 4, 16, 0, 0, 0, 0, time.UTC), []string{WarnExpired}},
		{"minor", minor, today, []string{WarnMinor}},
		{"minor turns 18", minor, time.Date(2033, 6, 1, 0, 0, 0, 0, time.UTC), []string{WarnExpired}},
		{"day before 18", minor, time.Date(2029, 5, 31, 0, 0, 0, 0, time.UTC), []string{WarnMinor}},
		{"unknown codes", td3(strings.Replace(specimenTD3[0], "UTO", "QQQ", 1), strings.Replace(specimenTD3[1], "UTO", "ZZZ", 1)),
			today, []string{WarnExpired, WarnUnknownIssuingState, WarnUnknownNationality}},
		{"Germany D<<", td3(strings.Replace(specimenTD3[0], "UTO", "D<<", 1), strings.Replace(specimenTD3[1], "UTO", "D<<", 1)),
			today, []string{WarnExpired}},
		{"digits in names", td3(strings.Replace(specimenTD3[0], "ANNA", "ANN4", 1), specimenTD3[1]), today, []string{WarnExpired, WarnDigitsInNames}},
		{"truncated names", td3("P<UTOERIKSSON<<ANNA<MARIA<ELISABETH<CHRISTIN", specimenTD3[1]), today, []string{WarnExpired, WarnNamesTruncated}},
		{"invalid dates", td3(specimenTD3[0], fix("L898902C36UTO7413320F1299990ZE184226B<<<<<10")), today,
			[]string{WarnInvalidBirthDate, WarnInvalidExpiryDate}},
	}
	for _, tc := range tests {
		t.Run(tc.name, func(t *testing.T) {
			r := mustParse(t, tc.lines, Options{Today: tc.today})
			if got := codes(r.Warnings); !slices.Equal(got, tc.want) {
				t.Errorf("warnings = %v, want %v", got, tc.want)
			}
			for _, w := range r.Warnings {
				if w.Message == "" || strings.ContainsAny(w.Message, "<") {
					t.Errorf("warning message %q is empty or carries data", w.Message)
				}
			}
		})
	}
	// A birth date in the future cannot come from a two-digit year (the
	// pivot prevents it) but can from a Date built elsewhere.
	future := Date{"", 2030, 1, 1}
	if got := codes(dateWarnings(future, Date{"", 2031, 1, 1}, today)); !slices.Equal(got, []string{WarnBirthInFuture}) {
		t.Errorf("future birth warnings = %v", got)
	}
}

// fix recomputes every check digit of a TD3 line 2.
func fix(line2 string) string {
	b := []byte(line2)
	set := func(at int, spans ...[2]int) {
		var parts [][]byte
		for _, s := range spans {
			parts = append(parts, b[s[0]:s[1]])
		}
		b[at] = checkDigitBytes(parts...)
	}
	set(9, [2]int{0, 9})
	set(19, [2]int{13, 19})
	set(27, [2]int{21, 27})
	set(42, [2]int{28, 42})
	set(43, [2]int{0, 10}, [2]int{13, 20}, [2]int{21, 43})
	return string(b)
}

func TestClasses(t *testing.T) {
	got := Classes(TD3)
	want := []string{
		"AAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAA",
		"XXXXXXXXXNAAANNNNNNNANNNNNNNXXXXXXXXXXXXXXNN",
	}
	if !slices.Equal(got, want) {
		t.Errorf("Classes(TD3) =\n%q\nwant\n%q", got, want)
	}
	for _, f := range []Format{TD1, TD2, TD3, MRVA, MRVB} {
		c := Classes(f)
		if len(c) != f.Lines() {
			t.Errorf("%v: %d lines", f, len(c))
		}
		for _, ln := range c {
			if len(ln) != f.LineLength() {
				t.Errorf("%v: line length %d", f, len(ln))
			}
		}
	}
	if Classes(FormatUnknown) != nil {
		t.Error("Classes(FormatUnknown) != nil")
	}
}

func TestFieldAt(t *testing.T) {
	tests := []struct {
		f         Format
		line, col int
		want      string
	}{
		{TD3, 0, 0, FieldDocumentCode}, {TD3, 0, 4, FieldIssuingState}, {TD3, 0, 43, FieldNames},
		{TD3, 1, 9, FieldDocumentNumber}, {TD3, 1, 19, FieldBirthDate}, {TD3, 1, 20, FieldSex},
		{TD3, 1, 42, FieldOptionalData}, {TD3, 1, 43, FieldComposite},
		{TD1, 0, 14, FieldDocumentNumber}, {TD1, 1, 18, FieldOptionalData2}, {TD1, 2, 29, FieldNames},
		{TD2, 1, 35, FieldComposite}, {MRVB, 1, 35, FieldOptionalData},
		{TD3, 2, 0, ""}, {TD3, 0, 44, ""}, {TD1, -1, 0, ""}, {FormatUnknown, 0, 0, ""},
	}
	for _, tc := range tests {
		if got := FieldAt(tc.f, tc.line, tc.col); got != tc.want {
			t.Errorf("FieldAt(%v, %d, %d) = %q, want %q", tc.f, tc.line, tc.col, got, tc.want)
		}
	}
}

func TestCountries(t *testing.T) {
	tests := []struct {
		code   string
		known  bool
		alpha2 string
	}{
		{"UTO", true, "uto"}, {"D", true, "de"}, {"DEU", true, "de"}, {"RUS", true, "ru"},
		{"ABW", true, "aw"}, {"ZWE", true, "zw"}, {"GBN", true, "gb"}, {"XXA", true, "xxa"},
		{"EUE", true, "eue"}, {"UNO", true, "uno"}, {"ZZZ", false, "zzz"}, {"", false, ""}, {"DE", false, "de"},
	}
	for _, tc := range tests {
		t.Run(tc.code, func(t *testing.T) {
			if KnownCountry(tc.code) != tc.known || CountryAlpha2(tc.code) != tc.alpha2 {
				t.Errorf("%q: known %v alpha2 %q", tc.code, KnownCountry(tc.code), CountryAlpha2(tc.code))
			}
		})
	}
	if n := len(isoCountries); n != 249*5 {
		t.Errorf("ISO table has %d bytes, want %d", n, 249*5)
	}
	for i := 5; i < len(isoCountries); i += 5 {
		if isoCountries[i-5:i-2] >= isoCountries[i:i+3] {
			t.Errorf("ISO table not sorted at %s", isoCountries[i:i+3])
		}
	}
}

func TestCheckRequest(t *testing.T) {
	r := mustParse(t, specimenTD3, Options{})
	got := r.CheckRequest()
	if got.FirstName != "ANNA MARIA" || got.LastName != "ERIKSSON" || got.DOB != "1974-08-12" ||
		got.DocumentNumber != "L898902C3" || got.DocumentType != DocTypePassport ||
		got.Citizenship != "uto" || got.Country != "uto" || got.Patronymic != "" {
		t.Errorf("CheckRequest = %+v", got)
	}
	ru := mustParse(t, []string{"PNRUSIVANOV<<IVAN<PETROVICH<<<<<<<<<<<<<<<<<", fix("1234567890RUS8001014M3001010<<<<<<<<<<<<<<00")}, Options{})
	got = ru.CheckRequest()
	if got.FirstName != "IVAN" || got.Patronymic != "PETROVICH" || got.Citizenship != "ru" || got.DOB != "1980-01-01" {
		t.Errorf("CheckRequest(PN) = %+v", got)
	}
	id := mustParse(t, specimenTD1, Options{})
	if dt := id.CheckRequest().DocumentType; dt != DocTypeIDCard {
		t.Errorf("TD1 document type = %q", dt)
	}
	for code, want := range map[string]string{"P": DocTypePassport, "PN": DocTypePassport, "AC": DocTypeIDCard, "C": DocTypeIDCard, "V": DocTypeVisa, "X": "", "": ""} {
		if got := DocumentType(code); got != want {
			t.Errorf("DocumentType(%q) = %q, want %q", code, got, want)
		}
	}
}

func TestFieldsAndProblems(t *testing.T) {
	r := mustParse(t, specimenTD3, Options{})
	want := map[string]string{"firstName": "ANNA MARIA", "lastName": "ERIKSSON", "dob": "1974-08-12",
		"document_type": "passport", "document_number": "L898902C3", "citizenship": "uto", "country": "uto"}
	if got := r.Fields(); !maps.Equal(got, want) {
		t.Errorf("Fields = %v", got)
	}
	if got := r.Problems(); !slices.Equal(got, []string{"the document has expired"}) {
		t.Errorf("Problems = %q", got)
	}
	bad := mustParse(t, []string{specimenTD3[0], strings.Replace(specimenTD3[1], "7408122", "7408123", 1)}, Options{})
	got := bad.Problems()
	if len(got) != 3 || got[0] != "the check digit of the birth date does not match (line 2, column 20)" ||
		got[1] != "the check digit of the composite does not match (line 2, column 44)" {
		t.Errorf("Problems = %q", got)
	}
}

func FuzzParse(f *testing.F) {
	for _, s := range [][]string{specimenTD3, specimenTD2, specimenTD1, specimenTD1Long, specimenMRVA} {
		f.Add(strings.Join(s, "\n"))
	}
	f.Add("P<UTO\n<<<")
	f.Add("I<UTOD23145890<7\n3407127M9507122UTO<<<<<<<<<<<2\n")
	f.Fuzz(func(t *testing.T, text string) {
		r, err := ParseText(text, Options{Today: today})
		if err != nil {
			if r != nil {
				t.Fatal("result with an error")
			}
			return
		}
		if len(r.Lines) != r.Format.Lines() || len(r.Repaired) != len(r.Lines) {
			t.Fatalf("%d lines, %d repaired, format %v", len(r.Lines), len(r.Repaired), r.Format)
		}
		for i := range r.Lines {
			if len(r.Repaired[i]) != len(r.Lines[i]) || len(r.Lines[i]) != r.Format.LineLength() {
				t.Fatalf("line %d lengths %d/%d", i, len(r.Lines[i]), len(r.Repaired[i]))
			}
		}
		again, err := Parse(r.Repaired, Options{Today: today, NoRepair: true})
		if err != nil {
			t.Fatalf("repaired lines do not parse: %v", err)
		}
		if again.Valid != r.Valid || len(again.Checks) != len(r.Checks) {
			t.Fatalf("re-parse differs: valid %v/%v", again.Valid, r.Valid)
		}
		for _, rp := range r.Repairs {
			if r.Lines[rp.Line-1][rp.Col-1] != rp.From[0] || r.Repaired[rp.Line-1][rp.Col-1] != rp.To[0] {
				t.Fatalf("repair %+v does not match the lines", rp)
			}
		}
	})
}

func BenchmarkParse(b *testing.B) {
	for b.Loop() {
		if _, err := Parse(specimenTD3, Options{Today: today}); err != nil {
			b.Fatal(err)
		}
	}
}

func BenchmarkParseRepairAlternatives(b *testing.B) {
	lines := []string{specimenTD3[0], strings.Replace(specimenTD3[1], "C36", "036", 1)}
	var alts []Alternative
	for c := range 44 {
		alts = append(alts, Alternative{Line: 1, Col: c, Char: 'C', Cost: float64(c) / 44})
	}
	for b.Loop() {
		if _, err := Parse(lines, Options{Today: today, Alternatives: alts}); err != nil {
			b.Fatal(err)
		}
	}
}
