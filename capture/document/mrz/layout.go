package mrz

import (
	"bytes"
	"fmt"
)

// Format is an MRZ layout.
type Format int

// The layouts of ICAO 9303.
const (
	FormatUnknown Format = iota
	// TD3 is the passport layout: two lines of 44 characters.
	TD3
	// TD2 is the two-line 36-character card layout.
	TD2
	// TD1 is the identity card layout: three lines of 30 characters.
	TD1
	// MRVA is the full-size visa: like TD3 without a composite check digit.
	MRVA
	// MRVB is the small visa: like TD2 without a composite check digit.
	MRVB
)

// String returns the ICAO name of the format ("TD3", "MRV-A", …).
func (f Format) String() string {
	switch f {
	case TD3:
		return "TD3"
	case TD2:
		return "TD2"
	case TD1:
		return "TD1"
	case MRVA:
		return "MRV-A"
	case MRVB:
		return "MRV-B"
	}
	return "unknown"
}

// MarshalText encodes the format as its name.
func (f Format) MarshalText() ([]byte, error) { return []byte(f.String()), nil }

// Lines is the number of lines of the format, 0 for FormatUnknown.
func (f Format) Lines() int {
	switch f {
	case TD3, TD2, MRVA, MRVB:
		return 2
	case TD1:
		return 3
	}
	return 0
}

// LineLength is the number of characters in each line of the format.
func (f Format) LineLength() int {
	switch f {
	case TD3, MRVA:
		return 44
	case TD2, MRVB:
		return 36
	case TD1:
		return 30
	}
	return 0
}

// Field names, as used in Check.Field, Repair.Field and JSON output.
const (
	FieldDocumentCode   = "document_code"
	FieldIssuingState   = "issuing_state"
	FieldNames          = "names"
	FieldDocumentNumber = "document_number"
	FieldNationality    = "nationality"
	FieldBirthDate      = "birth_date"
	FieldSex            = "sex"
	FieldExpiryDate     = "expiry_date"
	FieldOptionalData   = "optional_data"
	FieldOptionalData2  = "optional_data_2"
	FieldComposite      = "composite"
)

// Class is the character class a position of the MRZ admits.
type Class byte

// The character classes. The filler '<' is admitted by every class.
const (
	// Alpha admits A-Z.
	Alpha Class = 'A'
	// Numeric admits 0-9.
	Numeric Class = 'N'
	// Alnum admits 0-9 and A-Z.
	Alnum Class = 'X'
)

// Span is a run of MRZ positions on one line: columns [Start, End), 0-based.
type Span struct {
	Line  int `json:"line"`
	Start int `json:"start"`
	End   int `json:"end"`
}

func (s Span) bytes(lines [][]byte) []byte { return lines[s.Line][s.Start:s.End] }

// pos is one MRZ position, 0-based.
type pos struct{ line, col int }

// fieldSpec names a span and its class.
type fieldSpec struct {
	name  string
	span  Span
	class Class
}

// layout is the static description of one format.
type layout struct {
	format Format
	fields []fieldSpec
	// checked lists the fields with a check digit, in the order they
	// are validated, and the position of that digit.
	checked []checkedSpec
	// composite is the position of the composite check digit and the
	// spans it covers; line -1 when the format has none.
	composite     pos
	compositeOver []Span
	// overflow is where the TD1/TD2 long document number rule applies:
	// the document number's check digit position holding '<' and the
	// optional data span the number continues in. line -1 when the
	// format has no such rule.
	overflowFlag pos
	overflowInto Span
}

type checkedSpec struct {
	field string
	span  Span
	digit pos
}

func (l *layout) field(name string) (fieldSpec, bool) {
	for _, f := range l.fields {
		if f.name == name {
			return f, true
		}
	}
	return fieldSpec{}, false
}

func layoutOf(f Format) *layout {
	switch f {
	case TD3, MRVA:
		return twoLine(f, 44)
	case TD2, MRVB:
		return twoLine(f, 36)
	case TD1:
		return td1()
	}
	return nil
}

// twoLine describes TD3, TD2 and the visas, which share line 1 and the
// first 28 characters of line 2.
func twoLine(f Format, n int) *layout {
	l := &layout{format: f, composite: pos{-1, -1}, overflowFlag: pos{-1, -1}}
	l.fields = []fieldSpec{
		{FieldDocumentCode, Span{0, 0, 2}, Alpha},
		{FieldIssuingState, Span{0, 2, 5}, Alpha},
		{FieldNames, Span{0, 5, n}, Alpha},
		{FieldDocumentNumber, Span{1, 0, 9}, Alnum},
		{FieldNationality, Span{1, 10, 13}, Alpha},
		{FieldBirthDate, Span{1, 13, 19}, Numeric},
		{FieldSex, Span{1, 20, 21}, Alpha},
		{FieldExpiryDate, Span{1, 21, 27}, Numeric},
	}
	l.checked = []checkedSpec{
		{FieldDocumentNumber, Span{1, 0, 9}, pos{1, 9}},
		{FieldBirthDate, Span{1, 13, 19}, pos{1, 19}},
		{FieldExpiryDate, Span{1, 21, 27}, pos{1, 27}},
	}
	switch f {
	case TD3:
		l.fields = append(l.fields, fieldSpec{FieldOptionalData, Span{1, 28, 42}, Alnum})
		l.checked = append(l.checked, checkedSpec{FieldOptionalData, Span{1, 28, 42}, pos{1, 42}})
		l.composite = pos{1, 43}
		l.compositeOver = []Span{{1, 0, 10}, {1, 13, 20}, {1, 21, 43}}
	case TD2:
		l.fields = append(l.fields, fieldSpec{FieldOptionalData, Span{1, 28, 35}, Alnum})
		l.composite = pos{1, 35}
		l.compositeOver = []Span{{1, 0, 10}, {1, 13, 20}, {1, 21, 35}}
		l.overflowFlag = pos{1, 9}
		l.overflowInto = Span{1, 28, 35}
	default: // visas: optional data to the end, no composite
		l.fields = append(l.fields, fieldSpec{FieldOptionalData, Span{1, 28, n}, Alnum})
	}
	return l
}

func td1() *layout {
	return &layout{
		format: TD1,
		fields: []fieldSpec{
			{FieldDocumentCode, Span{0, 0, 2}, Alpha},
			{FieldIssuingState, Span{0, 2, 5}, Alpha},
			{FieldDocumentNumber, Span{0, 5, 14}, Alnum},
			{FieldOptionalData, Span{0, 15, 30}, Alnum},
			{FieldBirthDate, Span{1, 0, 6}, Numeric},
			{FieldSex, Span{1, 7, 8}, Alpha},
			{FieldExpiryDate, Span{1, 8, 14}, Numeric},
			{FieldNationality, Span{1, 15, 18}, Alpha},
			{FieldOptionalData2, Span{1, 18, 29}, Alnum},
			{FieldNames, Span{2, 0, 30}, Alpha},
		},
		checked: []checkedSpec{
			{FieldDocumentNumber, Span{0, 5, 14}, pos{0, 14}},
			{FieldBirthDate, Span{1, 0, 6}, pos{1, 6}},
			{FieldExpiryDate, Span{1, 8, 14}, pos{1, 14}},
		},
		composite:     pos{1, 29},
		compositeOver: []Span{{0, 5, 30}, {1, 0, 7}, {1, 8, 15}, {1, 18, 29}},
		overflowFlag:  pos{0, 14},
		overflowInto:  Span{0, 15, 30},
	}
}

// Classes returns, for each line of the format, the class of each
// position as a string of Class bytes (check digits are Numeric). The
// image reader uses it to restrict what it reads at each position.
func Classes(f Format) []string {
	l := layoutOf(f)
	if l == nil {
		return nil
	}
	out := make([][]byte, f.Lines())
	for i := range out {
		out[i] = bytes.Repeat([]byte{byte(Alnum)}, f.LineLength())
	}
	for _, fs := range l.fields {
		for c := fs.span.Start; c < fs.span.End; c++ {
			out[fs.span.Line][c] = byte(fs.class)
		}
	}
	for _, cs := range l.checked {
		out[cs.digit.line][cs.digit.col] = byte(Numeric)
	}
	if l.composite.line >= 0 {
		out[l.composite.line][l.composite.col] = byte(Numeric)
	}
	s := make([]string, len(out))
	for i := range out {
		s[i] = string(out[i])
	}
	return s
}

// detectFormat picks the format from the line count, the line lengths and
// the document code (visas start with V).
func detectFormat(lines [][]byte) (Format, error) {
	if len(lines) == 0 {
		return FormatUnknown, ErrEmpty
	}
	n := len(lines[0])
	for i, ln := range lines {
		if len(ln) != n {
			return FormatUnknown, fmt.Errorf("%w: line %d has %d characters, line 1 has %d", ErrFormat, i+1, len(ln), n)
		}
	}
	visa := lines[0][0] == 'V'
	switch {
	case len(lines) == 3 && n == 30:
		return TD1, nil
	case len(lines) == 2 && n == 44 && visa:
		return MRVA, nil
	case len(lines) == 2 && n == 44:
		return TD3, nil
	case len(lines) == 2 && n == 36 && visa:
		return MRVB, nil
	case len(lines) == 2 && n == 36:
		return TD2, nil
	}
	return FormatUnknown, fmt.Errorf("%w: %d lines of %d characters (want 2×44, 2×36 or 3×30)", ErrFormat, len(lines), n)
}

// FieldAt names the field of format f at a 0-based position; a check
// digit's position is named after the field it protects (FieldComposite
// for the composite). It returns "" outside the layout. The TD1/TD2 long
// document number rule is not applied: the overflow stays optional data.
func FieldAt(f Format, line, col int) string {
	l := layoutOf(f)
	if l == nil || line < 0 || line >= f.Lines() || col < 0 || col >= f.LineLength() {
		return ""
	}
	return l.fieldAt(nil, pos{line, col})
}
