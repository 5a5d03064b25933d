package sandbox

import (
	_ "embed" // the country list ships as data
	"strings"
)

// countryList is ISO 3166-1's list of assigned alpha-2 codes.
//
//go:embed countries.txt
var countryList string

// Countries returns the ISO 3166-1 alpha-2 codes the sandbox accepts, upper
// case, in the list's order.
func Countries() []string {
	var out []string
	for line := range strings.Lines(countryList) {
		if strings.HasPrefix(line, "#") {
			continue
		}
		out = append(out, strings.Fields(line)...)
	}
	return out
}

// isCountry reports whether v is an assigned alpha-2 code, in any case.
func isCountry(v string) bool {
	if len(v) != 2 {
		return false
	}
	v = strings.ToUpper(v)
	for line := range strings.Lines(countryList) {
		if strings.HasPrefix(line, "#") {
			continue
		}
		for _, c := range strings.Fields(line) {
			if c == v {
				return true
			}
		}
	}
	return false
}
