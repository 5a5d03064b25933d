package mrz

import (
	"bytes"
	"errors"
	"fmt"
	"strings"
	"time"
)

// Sentinel errors of Parse. Their messages never contain MRZ characters.
var (
	// ErrEmpty reports that no MRZ line was given.
	ErrEmpty = errors.New("no MRZ lines")
	// ErrFormat reports a line count or line length that matches no layout.
	ErrFormat = errors.New("not an MRZ layout")
)

// Options tune Parse.
type Options struct {
	// Today is the date warnings and two-digit birth years are judged
	// against; the zero value means the current date.
	Today time.Time
	// NoRepair disables every repair.
	NoRepair bool
	// Alternatives are second readings from an OCR engine, tried where
	// check digits fail (see Alternative).
	Alternatives []Alternative
}

// Result is a parsed and validated MRZ.
type Result struct {
	// Format is the layout the lines were read as.
	Format Format `json:"format"`
	// Lines are the MRZ lines as given (upper-cased, surrounding space
	// trimmed), and Repaired the same lines after character repairs.
	Lines    []string `json:"lines"`
	Repaired []string `json:"repaired"`
	// DocumentCode is the document code with fillers removed ("P", "I",
	// "AC", "PN").
	DocumentCode string `json:"document_code"`
	// IssuingState and Nationality are the state codes with fillers
	// removed ("UTO", "D").
	IssuingState string `json:"issuing_state"`
	// PrimaryIdentifier is the surname part of the name field and
	// SecondaryIdentifier the given names, fillers turned into spaces.
	PrimaryIdentifier   string `json:"primary_identifier"`
	SecondaryIdentifier string `json:"secondary_identifier"`
	// DocumentNumber is the whole document number, including the
	// characters a TD1/TD2 long number continues with in the optional data.
	DocumentNumber string `json:"document_number"`
	Nationality    string `json:"nationality"`
	BirthDate      Date   `json:"birth_date"`
	// Sex is "M", "F", "X", or "" when unspecified ('<').
	Sex        string `json:"sex"`
	ExpiryDate Date   `json:"expiry_date"`
	// OptionalData is the optional data field (the personal number in
	// TD3) and OptionalData2 the second one of TD1, trailing fillers
	// removed.
	OptionalData  string `json:"optional_data"`
	OptionalData2 string `json:"optional_data_2,omitempty"`
	// Checks lists every check digit of the layout, in MRZ order.
	Checks []Check `json:"checks"`
	// Repairs lists every character Parse changed.
	Repairs []Repair `json:"repairs"`
	// Warnings are findings that do not make the MRZ unreadable.
	Warnings []Warning `json:"warnings"`
	// Valid is true when every check digit holds.
	Valid bool `json:"valid"`
}

// Check is the result of one check digit.
type Check struct {
	// Field is the field the digit protects (FieldComposite for the
	// composite digit).
	Field string `json:"field"`
	// Value is the run of characters the digit covers, as repaired.
	Value string `json:"value"`
	// Expected is the digit computed from Value, Got the one in the MRZ.
	Expected string `json:"expected"`
	Got      string `json:"got"`
	OK       bool   `json:"ok"`
	// Line and Col locate the check digit, 1-based.
	Line int `json:"line"`
	Col  int `json:"col"`
	// Spans are the positions the digit covers.
	Spans []Span `json:"-"`
}

// Repair is one character Parse changed.
type Repair struct {
	// Line and Col locate the character, 1-based.
	Line int `json:"line"`
	Col  int `json:"col"`
	// From is the character as read, To the repaired one.
	From string `json:"from"`
	To   string `json:"to"`
	// Field is the field the character belongs to.
	Field string `json:"field"`
	// Source says what justified the change: SourceConfusion or
	// SourceOCR.
	Source string `json:"source"`
}

// Parse validates MRZ lines and extracts their fields. Lines may be in
// lower case and carry surrounding white space; blank lines are skipped.
// An error is returned only when the input is not an MRZ at all (wrong
// line count or length, characters outside 0-9 A-Z <); failed check digits
// and warnings are reported in the Result.
func Parse(lines []string, opt Options) (*Result, error) {
	var raw [][]byte
	for _, ln := range lines {
		ln = strings.TrimSpace(ln)
		if ln == "" {
			continue
		}
		raw = append(raw, []byte(strings.ToUpper(ln)))
	}
	if len(raw) == 0 {
		return nil, ErrEmpty
	}
	for i, ln := range raw {
		for j, c := range ln {
			if _, ok := charValue(c); !ok {
				return nil, fmt.Errorf("line %d column %d: %w", i+1, j+1, ErrCharset)
			}
		}
	}
	f, err := detectFormat(raw)
	if err != nil {
		return nil, err
	}
	l := layoutOf(f)
	today := opt.Today
	if today.IsZero() {
		today = time.Now()
	}
	res := &Result{Format: f, Checks: []Check{}, Repairs: []Repair{}, Warnings: []Warning{}}
	rep := make([][]byte, len(raw))
	for i, ln := range raw {
		res.Lines = append(res.Lines, string(ln))
		rep[i] = bytes.Clone(ln)
	}
	if !opt.NoRepair {
		res.Repairs = append(res.Repairs, repair(l, rep)...)
		res.Repairs = append(res.Repairs, repairCodes(l, rep, opt.Alternatives)...)
		res.Repairs = append(res.Repairs, repairAlternatives(l, rep, opt.Alternatives)...)
	}
	for _, ln := range rep {
		res.Repaired = append(res.Repaired, string(ln))
	}
	res.fill(l, rep, today)
	res.Checks = evaluate(l, rep)
	res.Valid = true
	for _, c := range res.Checks {
		res.Valid = res.Valid && c.OK
	}
	res.Warnings = append(res.Warnings, warnings(res, l, rep, today)...)
	return res, nil
}

// ParseText is Parse on a block of text: MRZ lines contain no blanks, so
// any run of white space (a newline, or the space a paste left between
// two lines) separates them.
func ParseText(text string, opt Options) (*Result, error) {
	return Parse(strings.Fields(text), opt)
}

// fill extracts the fields from the repaired lines.
func (r *Result) fill(l *layout, lines [][]byte, today time.Time) {
	get := func(name string) []byte {
		fs, ok := l.field(name)
		if !ok {
			return nil
		}
		return fs.span.bytes(lines)
	}
	r.DocumentCode = trimFillers(get(FieldDocumentCode))
	r.IssuingState = trimFillers(get(FieldIssuingState))
	r.Nationality = trimFillers(get(FieldNationality))
	r.PrimaryIdentifier, r.SecondaryIdentifier = splitNames(get(FieldNames))
	r.BirthDate = parseDate(get(FieldBirthDate), today, true)
	r.ExpiryDate = parseDate(get(FieldExpiryDate), today, false)
	switch s := get(FieldSex); s[0] {
	case '<':
		r.Sex = ""
	default:
		r.Sex = string(s)
	}
	num := trimFillers(get(FieldDocumentNumber))
	opt := get(FieldOptionalData)
	if long, ok := l.longNumber(lines); ok {
		// The number goes on in the optional data up to its check digit;
		// the optional data proper starts after the '<' that ends it.
		num = string(get(FieldDocumentNumber)) + string(long.bytes(lines))
		rest := long.End + 1 + 1 // skip the check digit and the terminating '<'
		if rest > l.overflowInto.End {
			rest = l.overflowInto.End
		}
		opt = lines[long.Line][rest:l.overflowInto.End]
	}
	r.DocumentNumber = num
	r.OptionalData = trimFillers(opt)
	r.OptionalData2 = trimFillers(get(FieldOptionalData2))
}

// longNumber reports whether the TD1/TD2 long document number rule is in
// use, and returns the span of the overflow characters (without their
// check digit, which is the next position).
func (l *layout) longNumber(lines [][]byte) (Span, bool) {
	if l.overflowFlag.line < 0 || lines[l.overflowFlag.line][l.overflowFlag.col] != '<' {
		return Span{}, false
	}
	into := l.overflowInto
	ln := lines[into.Line]
	if ln[into.Start] == '<' {
		return Span{}, false
	}
	end := into.Start
	for end < into.End && ln[end] != '<' {
		end++
	}
	// end-1 is the check digit.
	return Span{into.Line, into.Start, end - 1}, true
}

// checkSpecs lists the check digits of lines: the layout's, with the
// document number's moved by the long number rule when it applies, then
// the composite.
func (l *layout) checkSpecs(lines [][]byte) []checkSpec {
	var out []checkSpec
	for _, cs := range l.checked {
		spec := checkSpec{field: cs.field, spans: []Span{cs.span}, digit: cs.digit}
		if cs.field == FieldDocumentNumber {
			if long, ok := l.longNumber(lines); ok {
				spec.spans = []Span{cs.span, long}
				spec.digit = pos{long.Line, long.End}
			}
		}
		out = append(out, spec)
	}
	if l.composite.line >= 0 {
		out = append(out, checkSpec{field: FieldComposite, spans: l.compositeOver, digit: l.composite})
	}
	return out
}

type checkSpec struct {
	field string
	spans []Span
	digit pos
}

// holds computes the expected digit of spec and whether the MRZ's digit
// matches. A '<' digit is accepted for a run made only of fillers, as ICAO
// allows for empty optional data.
func (cs checkSpec) holds(lines [][]byte) (expected byte, ok bool) {
	parts := make([][]byte, len(cs.spans))
	allFill := true
	for i, s := range cs.spans {
		parts[i] = s.bytes(lines)
		allFill = allFill && bytes.Count(parts[i], []byte{'<'}) == len(parts[i])
	}
	expected = checkDigitBytes(parts...)
	got := lines[cs.digit.line][cs.digit.col]
	return expected, got == expected || (got == '<' && allFill)
}

func evaluate(l *layout, lines [][]byte) []Check {
	var out []Check
	for _, cs := range l.checkSpecs(lines) {
		exp, ok := cs.holds(lines)
		var v []byte
		for _, s := range cs.spans {
			v = append(v, s.bytes(lines)...)
		}
		out = append(out, Check{
			Field:    cs.field,
			Value:    string(v),
			Expected: string(exp),
			Got:      string(lines[cs.digit.line][cs.digit.col]),
			OK:       ok,
			Line:     cs.digit.line + 1,
			Col:      cs.digit.col + 1,
			Spans:    cs.spans,
		})
	}
	return out
}

func trimFillers(b []byte) string { return string(bytes.TrimRight(b, "<")) }

// splitNames splits the name field at the first "<<" into the primary and
// secondary identifiers, turning fillers into single spaces.
func splitNames(b []byte) (primary, secondary string) {
	s := strings.TrimRight(string(b), "<")
	p, sec, _ := strings.Cut(s, "<<")
	clean := func(x string) string {
		return strings.Join(strings.FieldsFunc(x, func(r rune) bool { return r == '<' }), " ")
	}
	return clean(p), clean(sec)
}
