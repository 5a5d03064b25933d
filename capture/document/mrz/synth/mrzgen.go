package synth

import (
	"math/rand/v2"
	"strings"
	"time"

	"github.com/kycterm/kycterm/capture/document/mrz"
)

// SpecimenTD3 is the ICAO 9303 Part 4 passport specimen.
func SpecimenTD3() []string {
	return []string{
		"P<UTOERIKSSON<<ANNA<MARIA<<<<<<<<<<<<<<<<<<<",
		"L898902C36UTO7408122F1204159ZE184226B<<<<<10",
	}
}

// states are the state codes random MRZs draw from.
func states() []string {
	return []string{"UTO", "D<<", "FRA", "GBR", "USA", "RUS", "UKR", "POL", "ITA", "ESP", "NLD", "BEL",
		"SWE", "NOR", "FIN", "DNK", "AUT", "CHE", "CZE", "SVK", "HUN", "ROU", "BGR", "GRC", "TUR",
		"ISR", "EGY", "MAR", "NGA", "ZAF", "KEN", "IND", "CHN", "JPN", "KOR", "VNM", "THA", "IDN",
		"AUS", "NZL", "CAN", "MEX", "BRA", "ARG", "CHL", "KAZ", "UZB", "GEO", "ARM", "AZE", "XXA"}
}

func syllables() []string {
	return []string{"AN", "NA", "MA", "RI", "KO", "LE", "SON", "BER", "GA", "TO", "VI", "CH", "EN",
		"STR", "OM", "EL", "IZ", "QU", "XA", "WY", "JO", "HAN", "DE", "LU", "PE", "TER", "YA", "FF",
		"SCH", "MI", "OV", "SKI", "ZU", "BO"}
}

func word(rng *rand.Rand, minLen, maxLen int) string {
	syl := syllables()
	var b strings.Builder
	n := minLen + rng.IntN(maxLen-minLen+1)
	for b.Len() < n {
		b.WriteString(syl[rng.IntN(len(syl))])
	}
	return b.String()[:n]
}

func alnum(rng *rand.Rand, n int, letters float64) string {
	b := make([]byte, n)
	for i := range b {
		if rng.Float64() < letters {
			b[i] = byte('A' + rng.IntN(26))
		} else {
			b[i] = byte('0' + rng.IntN(10))
		}
	}
	return string(b)
}

func fit(s string, n int) string {
	if len(s) >= n {
		return s[:n]
	}
	return s + strings.Repeat("<", n-len(s))
}

func cd(s string) string {
	d, err := mrz.CheckDigit(s)
	if err != nil {
		panic("synth: check digit of generated field: " + err.Error()) // generated fields are always in the charset
	}
	return string(d)
}

func yymmdd(t time.Time) string { return t.Format("060102") }

// names makes a name field of n characters.
func names(rng *rand.Rand, n int) string {
	primary := word(rng, 3, 12)
	if rng.IntN(5) == 0 {
		primary += "<" + word(rng, 2, 8)
	}
	s := primary + "<<" + word(rng, 3, 9)
	for k := rng.IntN(3); k > 0; k-- {
		s += "<" + word(rng, 2, 8)
	}
	return fit(s, n)
}

// RandomMRZ returns the lines of a random MRZ of format f (TD1, TD2 or
// TD3) whose every check digit holds, with dates around today.
func RandomMRZ(rng *rand.Rand, f mrz.Format, today time.Time) []string {
	st := states()
	issuer := st[rng.IntN(len(st))]
	nat := issuer
	if rng.IntN(4) == 0 {
		nat = st[rng.IntN(len(st))]
	}
	birth := today.AddDate(-1-rng.IntN(85), -rng.IntN(12), -rng.IntN(28))
	expiry := today.AddDate(rng.IntN(12)-2, rng.IntN(12), rng.IntN(28))
	sex := string("MF<"[rng.IntN(3)])
	number := alnum(rng, 9, 0.3)
	if rng.IntN(6) == 0 {
		number = fit(alnum(rng, 7+rng.IntN(2), 0.3), 9)
	}
	dob, exp := yymmdd(birth), yymmdd(expiry)
	switch f {
	case mrz.TD1:
		code := []string{"I<", "ID", "AC", "C<"}[rng.IntN(4)]
		docField, opt1 := number+cd(number), fit(alnum(rng, rng.IntN(10), 0.5), 15)
		if rng.IntN(5) == 0 { // long document number
			long := alnum(rng, 12, 0.2)
			docField = long[:9] + "<"
			opt1 = fit(long[9:]+cd(long)+"<"+alnum(rng, rng.IntN(6), 0.5), 15)
		}
		l1 := code + issuer + docField + opt1
		opt2 := fit(alnum(rng, rng.IntN(11), 0.5), 11)
		l2 := dob + cd(dob) + sex + exp + cd(exp) + nat + opt2
		l2 += cd(l1[5:30] + l2[0:7] + l2[8:15] + l2[18:29])
		return []string{l1, l2, names(rng, 30)}
	case mrz.TD2:
		code := []string{"I<", "AC", "C<"}[rng.IntN(3)]
		l1 := code + issuer + names(rng, 31)
		opt := fit(alnum(rng, rng.IntN(7), 0.5), 7)
		l2 := number + cd(number) + nat + dob + cd(dob) + sex + exp + cd(exp) + opt
		l2 += cd(l2[0:10] + l2[13:20] + l2[21:35])
		return []string{l1, l2}
	default:
		l1 := "P<" + issuer + names(rng, 39)
		opt := fit(alnum(rng, rng.IntN(15), 0.3), 14)
		optCD := cd(opt)
		if strings.Trim(opt, "<") == "" && rng.IntN(2) == 0 {
			optCD = "<"
		}
		l2 := number + cd(number) + nat + dob + cd(dob) + sex + exp + cd(exp) + opt + optCD
		l2 += cd(l2[0:10] + l2[13:20] + l2[21:43])
		return []string{l1, l2}
	}
}
