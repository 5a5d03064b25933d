package mrz

import (
	"encoding/json"
	"fmt"
	"time"
)

// Date is an MRZ date (YYMMDD) with its century resolved. Year is 0 when
// the date is unknown or invalid (fillers, month 13, 31 April…).
type Date struct {
	// Raw is the six characters as in the MRZ.
	Raw   string
	Year  int
	Month int
	Day   int
}

// Valid reports whether the date is a real calendar date.
func (d Date) Valid() bool { return d.Year != 0 }

// String formats a valid date as YYYY-MM-DD and an invalid one as "".
func (d Date) String() string {
	if !d.Valid() {
		return ""
	}
	return fmt.Sprintf("%04d-%02d-%02d", d.Year, d.Month, d.Day)
}

// Time returns the date at midnight UTC; the zero Time when invalid.
func (d Date) Time() time.Time {
	if !d.Valid() {
		return time.Time{}
	}
	return time.Date(d.Year, time.Month(d.Month), d.Day, 0, 0, 0, 0, time.UTC)
}

// MarshalJSON encodes {"raw": "740812", "date": "1974-08-12"}, date
// omitted when invalid.
func (d Date) MarshalJSON() ([]byte, error) {
	return json.Marshal(struct {
		Raw  string `json:"raw"`
		Date string `json:"date,omitempty"`
	}{d.Raw, d.String()})
}

// parseDate resolves a YYMMDD field. Birth dates take the latest century
// that does not put them after today; other dates are in 20xx.
func parseDate(b []byte, today time.Time, birth bool) Date {
	d := Date{Raw: string(b)}
	if len(b) != 6 {
		return d
	}
	var n [3]int
	for i := range 3 {
		hi, lo := b[2*i], b[2*i+1]
		if hi < '0' || hi > '9' || lo < '0' || lo > '9' {
			return d
		}
		n[i] = int(hi-'0')*10 + int(lo-'0')
	}
	yy, mm, dd := n[0], n[1], n[2]
	year := 2000 + yy
	if birth && dateAfter(year, mm, dd, today) {
		year -= 100
	}
	if mm < 1 || mm > 12 || dd < 1 || dd > daysIn(year, mm) {
		return d
	}
	d.Year, d.Month, d.Day = year, mm, dd
	return d
}

func daysIn(year, month int) int {
	return time.Date(year, time.Month(month)+1, 0, 0, 0, 0, 0, time.UTC).Day()
}

// dateAfter reports whether year-month-day is later than today's date.
func dateAfter(year, month, day int, today time.Time) bool {
	ty, tm, td := today.Date()
	if year != ty {
		return year > ty
	}
	if month != int(tm) {
		return month > int(tm)
	}
	return day > td
}

// ageOn returns the number of whole years from birth to today.
func ageOn(birth Date, today time.Time) int {
	ty, tm, td := today.Date()
	age := ty - birth.Year
	if int(tm) < birth.Month || (int(tm) == birth.Month && td < birth.Day) {
		age--
	}
	return age
}
