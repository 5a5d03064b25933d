package mrz

import (
	"errors"
	"fmt"
)

// ErrCharset reports a character outside the MRZ set 0-9 A-Z '<'.
var ErrCharset = errors.New("character outside the MRZ set 0-9 A-Z <")

// charValue is the ICAO 9303 value of an MRZ character: digits are
// themselves, A-Z are 10-35 and the filler '<' is 0. ok is false for any
// other byte.
func charValue(c byte) (v int, ok bool) {
	switch {
	case c >= '0' && c <= '9':
		return int(c - '0'), true
	case c >= 'A' && c <= 'Z':
		return int(c-'A') + 10, true
	case c == '<':
		return 0, true
	}
	return 0, false
}

// CheckDigit computes the ICAO 9303 check digit of s: each character's value
// times the repeating weights 7, 3, 1, summed, modulo 10. It returns the
// digit as an ASCII byte '0'..'9'.
func CheckDigit(s string) (byte, error) {
	sum := 0
	for i := 0; i < len(s); i++ {
		v, ok := charValue(s[i])
		if !ok {
			return 0, fmt.Errorf("check digit: position %d: %w", i+1, ErrCharset)
		}
		sum += v * [3]int{7, 3, 1}[i%3]
	}
	return byte('0' + sum%10), nil
}

// checkDigitBytes is CheckDigit over the concatenation of parts, without
// building the string. Invalid characters count as 0; callers validate the
// charset before.
func checkDigitBytes(parts ...[]byte) byte {
	sum, i := 0, 0
	for _, p := range parts {
		for _, c := range p {
			v, _ := charValue(c)
			sum += v * [3]int{7, 3, 1}[i%3]
			i++
		}
	}
	return byte('0' + sum%10)
}
