package mrz

import (
	"sort"
	"strings"
)

// isoCountries holds the 249 ISO 3166-1 countries as 5-byte records
// (alpha-3 then alpha-2), sorted by alpha-3 for binary search.
const isoCountries = "" +
	"ABWAWAFGAFAGOAOAIAAIALAAXALBALANDADAREAEARGARARMAMASMASATAAQ" +
	"ATFTFATGAGAUSAUAUTATAZEAZBDIBIBELBEBENBJBESBQBFABFBGDBDBGRBG" +
	"BHRBHBHSBSBIHBABLMBLBLRBYBLZBZBMUBMBOLBOBRABRBRBBBBRNBNBTNBT" +
	"BVTBVBWABWCAFCFCANCACCKCCCHECHCHLCLCHNCNCIVCICMRCMCODCDCOGCG" +
	"COKCKCOLCOCOMKMCPVCVCRICRCUBCUCUWCWCXRCXCYMKYCYPCYCZECZDEUDE" +
	"DJIDJDMADMDNKDKDOMDODZADZECUECEGYEGERIERESHEHESPESESTEEETHET" +
	"FINFIFJIFJFLKFKFRAFRFROFOFSMFMGABGAGBRGBGEOGEGGYGGGHAGHGIBGI" +
	"GINGNGLPGPGMBGMGNBGWGNQGQGRCGRGRDGDGRLGLGTMGTGUFGFGUMGUGUYGY" +
	"HKGHKHMDHMHNDHNHRVHRHTIHTHUNHUIDNIDIMNIMINDINIOTIOIRLIEIRNIR" +
	"IRQIQISLISISRILITAITJAMJMJEYJEJORJOJPNJPKAZKZKENKEKGZKGKHMKH" +
	"KIRKIKNAKNKORKRKWTKWLAOLALBNLBLBRLRLBYLYLCALCLIELILKALKLSOLS" +
	"LTULTLUXLULVALVMACMOMAFMFMARMAMCOMCMDAMDMDGMGMDVMVMEXMXMHLMH" +
	"MKDMKMLIMLMLTMTMMRMMMNEMEMNGMNMNPMPMOZMZMRTMRMSRMSMTQMQMUSMU" +
	"MWIMWMYSMYMYTYTNAMNANCLNCNERNENFKNFNGANGNICNINIUNUNLDNLNORNO" +
	"NPLNPNRUNRNZLNZOMNOMPAKPKPANPAPCNPNPERPEPHLPHPLWPWPNGPGPOLPL" +
	"PRIPRPRKKPPRTPTPRYPYPSEPSPYFPFQATQAREUREROURORUSRURWARWSAUSA" +
	"SDNSDSENSNSGPSGSGSGSSHNSHSJMSJSLBSBSLESLSLVSVSMRSMSOMSOSPMPM" +
	"SRBRSSSDSSSTPSTSURSRSVKSKSVNSISWESESWZSZSXMSXSYCSCSYRSYTCATC" +
	"TCDTDTGOTGTHATHTJKTJTKLTKTKMTMTLSTLTONTOTTOTTTUNTNTURTRTUVTV" +
	"TWNTWTZATZUGAUGUKRUAUMIUMURYUYUSAUSUZBUZVATVAVCTVCVENVEVGBVG" +
	"VIRVIVNMVNVUTVUWLFWFWSMWSYEMYEZAFZAZMBZMZWEZW"

// icaoSpecials returns the codes ICAO 9303 Part 3 adds to ISO 3166-1 for
// issuing states and nationalities, with the ISO alpha-2 code where one
// applies, sorted by code.
func icaoSpecials() []struct{ code, alpha2 string } {
	return []struct{ code, alpha2 string }{
		{"D", "DE"},   // Germany
		{"EUE", ""},   // European Union
		{"GBD", "GB"}, // British Overseas Territories Citizen
		{"GBN", "GB"}, // British National (Overseas)
		{"GBO", "GB"}, // British Overseas Citizen
		{"GBP", "GB"}, // British Protected Person
		{"GBS", "GB"}, // British Subject
		{"RKS", "XK"}, // Kosovo
		{"UNA", ""},   // specialized agency of the United Nations
		{"UNK", ""},   // resident of Kosovo (UNMIK)
		{"UNO", ""},   // United Nations organization
		{"UTO", ""},   // Utopia, the ICAO specimen state
		{"XBA", ""},   // African Development Bank
		{"XCC", ""},   // Caribbean Community
		{"XCE", ""},   // Council of Europe
		{"XCO", ""},   // COMESA
		{"XDC", ""},   // Southern African Development Community
		{"XEC", ""},   // ECOWAS
		{"XES", ""},   // Organisation of Eastern Caribbean States
		{"XIM", ""},   // International Organization for Migration
		{"XMP", ""},   // Parliamentary Assembly of the Mediterranean
		{"XOM", ""},   // Sovereign Military Order of Malta
		{"XPO", ""},   // Interpol
		{"XXA", ""},   // stateless person
		{"XXB", ""},   // refugee (1951 Convention)
		{"XXC", ""},   // refugee (other)
		{"XXX", ""},   // unspecified nationality
	}
}

// lookupCountry finds an MRZ state code (fillers already trimmed).
func lookupCountry(code string) (alpha2 string, ok bool) {
	if len(code) == 3 {
		n := len(isoCountries) / 5
		i := sort.Search(n, func(i int) bool { return isoCountries[i*5:i*5+3] >= code })
		if i < n && isoCountries[i*5:i*5+3] == code {
			return isoCountries[i*5+3 : i*5+5], true
		}
	}
	sp := icaoSpecials()
	i := sort.Search(len(sp), func(i int) bool { return sp[i].code >= code })
	if i < len(sp) && sp[i].code == code {
		return sp[i].alpha2, true
	}
	return "", false
}

// KnownCountry reports whether code (as in the MRZ, fillers trimmed, e.g.
// "UTO", "D") is an ISO 3166-1 alpha-3 code or one of ICAO's additions.
func KnownCountry(code string) bool {
	_, ok := lookupCountry(code)
	return ok
}

// CountryAlpha2 returns the lower-case ISO 3166-1 alpha-2 code for an MRZ
// state code, the form the service takes countries in ("ru"). Codes with no
// alpha-2 equivalent (UTO, XXA, EUE…) come back as their lower-cased self.
func CountryAlpha2(code string) string {
	if a2, ok := lookupCountry(code); ok && a2 != "" {
		return strings.ToLower(a2)
	}
	return strings.ToLower(code)
}
