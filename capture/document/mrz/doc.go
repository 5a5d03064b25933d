// Package mrz parses and validates the machine readable zone of travel
// documents as ICAO Doc 9303 defines it: TD3 (passports, 2×44), TD2 (2×36),
// TD1 (identity cards, 3×30) and the machine readable visas MRV-A (2×44) and
// MRV-B (2×36).
//
// The model: an MRZ is a grid of characters from the set 0-9 A-Z and the
// filler '<'. Every layout fixes, for each position, a field and a character
// class (letters, digits, or both). Some fields carry a check digit, and the
// composite check digit covers several of them at once. Parse reports each
// check digit separately (which characters it covers, the digit it expects,
// the digit the MRZ holds), so that an operator sees which field is wrong
// instead of one pass/fail.
//
// OCR and typists confuse O/0, I/1, B/8, S/5, Z/2 and G/6. Parse repairs such
// a confusion only where the character has the wrong class for its field (a
// letter in a date, a digit in a country code), and keeps the repair only
// when it is confirmed: by the field's check digit, or, for country codes
// that have none, by the code then being a known one. Every repaired
// character is listed.
//
// Nothing in this package logs, and error values never contain MRZ
// characters: an MRZ is personal data.
package mrz
