package mrz

import (
	"bytes"
	"math"
	"sort"
)

// Repair sources, as in Repair.Source.
const (
	// SourceConfusion marks a wrong-class character replaced by its
	// usual look-alike (O↔0, I↔1, B↔8, S↔5, Z↔2, G↔6).
	SourceConfusion = "confusion"
	// SourceOCR marks a character replaced by an OCR alternative
	// (Options.Alternatives).
	SourceOCR = "ocr"
)

// Alternative is a character an OCR engine found nearly as likely as the
// one it read at a position. Parse tries alternatives only where check
// digits fail, and keeps them only when the check digits then hold.
type Alternative struct {
	// Line and Col locate the position, 0-based.
	Line, Col int
	// Char is the alternative reading.
	Char byte
	// Cost is how much less likely Char is than the character read
	// (0 = as likely); Parse prefers the cheapest set of changes.
	Cost float64
}

// Bounds of the alternative search: at most maxAltChanges characters
// changed, chosen among the maxAltCandidates cheapest alternatives.
const (
	maxAltChanges    = 3
	maxAltCandidates = 40
	maxConfusions    = 12
)

func confusedDigit(c byte) (byte, bool) {
	switch c {
	case 'O':
		return '0', true
	case 'I':
		return '1', true
	case 'B':
		return '8', true
	case 'S':
		return '5', true
	case 'Z':
		return '2', true
	case 'G':
		return '6', true
	}
	return 0, false
}

func confusedLetter(c byte) (byte, bool) {
	switch c {
	case '0':
		return 'O', true
	case '1':
		return 'I', true
	case '8':
		return 'B', true
	case '5':
		return 'S', true
	case '2':
		return 'Z', true
	case '6':
		return 'G', true
	}
	return 0, false
}

func isDigit(c byte) bool  { return c >= '0' && c <= '9' }
func isLetter(c byte) bool { return c >= 'A' && c <= 'Z' }

// classGrid is Classes as byte slices.
func classGrid(f Format) [][]byte {
	s := Classes(f)
	g := make([][]byte, len(s))
	for i := range s {
		g[i] = []byte(s[i])
	}
	return g
}

// fieldAt names the field a position belongs to; a check digit belongs to
// the field it protects.
func (l *layout) fieldAt(lines [][]byte, p pos) string {
	specs := l.checked
	if lines != nil {
		for _, cs := range l.checkSpecs(lines) {
			if cs.digit == p {
				return cs.field
			}
		}
		specs = nil
	}
	for _, cs := range specs {
		if cs.digit == p {
			return cs.field
		}
	}
	if l.composite == p {
		return FieldComposite
	}
	for _, fs := range l.fields {
		if fs.span.Line == p.line && p.col >= fs.span.Start && p.col < fs.span.End {
			return fs.name
		}
	}
	return ""
}

// repair fixes wrong-class characters in lines in place and returns what
// it changed. Country codes are confirmed by the code list, every other
// field by its check digit.
func repair(l *layout, lines [][]byte) []Repair {
	var out []Repair
	record := func(ps []pos, from []byte) {
		for i, p := range ps {
			out = append(out, Repair{
				Line: p.line + 1, Col: p.col + 1,
				From: string(from[i]), To: string(lines[p.line][p.col]),
				Field: l.fieldAt(lines, p), Source: SourceConfusion,
			})
		}
	}
	for _, name := range []string{FieldIssuingState, FieldNationality} {
		fs, _ := l.field(name)
		b := fs.span.bytes(lines)
		if KnownCountry(trimFillers(b)) {
			continue
		}
		cand := bytes.Clone(b)
		var ps []pos
		var from []byte
		ok := true
		for i, c := range cand {
			if !isDigit(c) {
				continue
			}
			m, found := confusedLetter(c)
			ok = ok && found
			cand[i] = m
			ps = append(ps, pos{fs.span.Line, fs.span.Start + i})
			from = append(from, c)
		}
		if ok && len(ps) > 0 && KnownCountry(trimFillers(cand)) {
			copy(b, cand)
			record(ps, from)
		}
	}
	classes := classGrid(l.format)
	for _, cs := range l.checkSpecs(lines) {
		var cover []pos
		if cs.field != FieldComposite {
			for _, s := range cs.spans {
				for c := s.Start; c < s.End; c++ {
					cover = append(cover, pos{s.Line, c})
				}
			}
		}
		cover = append(cover, cs.digit)
		var ps []pos
		var to []byte
		ok := true
		for _, p := range cover {
			c := lines[p.line][p.col]
			cls := Class(classes[p.line][p.col])
			if p == cs.digit {
				cls = Numeric
			}
			var m byte
			found := true
			switch {
			case cls == Numeric && isLetter(c):
				m, found = confusedDigit(c)
			case cls == Alpha && isDigit(c):
				m, found = confusedLetter(c)
			default:
				continue
			}
			ok = ok && found
			ps = append(ps, p)
			to = append(to, m)
		}
		if !ok || len(ps) == 0 || len(ps) > maxConfusions {
			continue
		}
		from := make([]byte, len(ps))
		for i, p := range ps {
			from[i] = lines[p.line][p.col]
			lines[p.line][p.col] = to[i]
		}
		if _, holds := cs.holds(lines); holds {
			record(ps, from)
			continue
		}
		for i, p := range ps {
			lines[p.line][p.col] = from[i]
		}
	}
	return out
}

// repairAlternatives tries OCR alternatives at positions covered by
// failing check digits. It keeps the cheapest set of at most
// maxAltChanges changes that leaves the fewest check digits failing, and
// only when every check digit covering a changed position then holds,
// none of them only by compensating another that still fails, and the
// set mends more check digits than it changes characters. A search over
// many combinations finds some that satisfy a check digit by chance (one
// in ten each): k changes confirmed by only k check digits — two digits
// of an expiry date fixing its check and the composite — are as likely
// chance as a repair. Layouts without a composite (the visas MRV-A and
// MRV-B) are the exception for a single change: there one misread
// character breaks exactly one check digit, so one change confirmed by
// its field's own check digit is kept (see needMended).
func repairAlternatives(l *layout, lines [][]byte, alts []Alternative) []Repair {
	specs := l.checkSpecs(lines)
	failing := func() int {
		n := 0
		for _, cs := range specs {
			if _, ok := cs.holds(lines); !ok {
				n++
			}
		}
		return n
	}
	base := failing()
	if base == 0 || len(alts) == 0 {
		return nil
	}
	covered := map[pos][]int{} // position → indices of specs covering it
	for i, cs := range specs {
		if _, ok := cs.holds(lines); ok {
			continue
		}
		for _, s := range cs.spans {
			for c := s.Start; c < s.End; c++ {
				covered[pos{s.Line, c}] = append(covered[pos{s.Line, c}], i)
			}
		}
		covered[cs.digit] = append(covered[cs.digit], i)
	}
	var cands []Alternative
	for _, a := range alts {
		if a.Line < 0 || a.Line >= len(lines) || a.Col < 0 || a.Col >= len(lines[a.Line]) {
			continue
		}
		// Fillers are never swapped: they decide where a long document
		// number ends, and OCR tells them from characters reliably.
		if _, ok := charValue(a.Char); !ok || a.Char == '<' || lines[a.Line][a.Col] == '<' || a.Char == lines[a.Line][a.Col] {
			continue
		}
		a.Cost = max(a.Cost, 0)
		if _, ok := covered[pos{a.Line, a.Col}]; ok {
			cands = append(cands, a)
		}
	}
	sort.SliceStable(cands, func(i, j int) bool { return cands[i].Cost < cands[j].Cost })
	if len(cands) > maxAltCandidates {
		cands = cands[:maxAltCandidates]
	}
	// A check that holds while it covers a character of a check still
	// failing (the composite over a wrong expiry check digit) holds only
	// because the change compensates that error: it confirms nothing.
	compensates := func(cs checkSpec) bool {
		for _, o := range specs {
			if _, ok := o.holds(lines); ok {
				continue
			}
			if cs.covers(o.digit) {
				return true
			}
			for _, s := range o.spans {
				for c := s.Start; c < s.End; c++ {
					if cs.covers(pos{s.Line, c}) {
						return true
					}
				}
			}
		}
		return false
	}
	confirmed := func(set []int) bool {
		for _, k := range set {
			p := pos{cands[k].Line, cands[k].Col}
			for _, cs := range specs {
				if !cs.covers(p) {
					continue
				}
				if _, ok := cs.holds(lines); !ok || compensates(cs) {
					return false
				}
			}
		}
		return true
	}
	// needMended is how many of the base failing check digits a set of k
	// changes must mend to be kept.
	needMended := func(k int) int {
		if k == 1 && l.composite.line < 0 {
			return 1
		}
		return k + 1
	}
	bestFail, bestCost := base, 0.0
	var best []int
	var set []int
	var walk func(start int, cost float64)
	walk = func(start int, cost float64) {
		if len(set) > 0 {
			if f := failing(); (f < bestFail || (f == bestFail && best != nil && cost < bestCost)) && base-f >= needMended(len(set)) && confirmed(set) {
				bestFail, bestCost, best = f, cost, append([]int(nil), set...)
			}
		}
		// A set of k changes is kept only when it mends needMended(k) of
		// the base failing check digits: larger sets cannot qualify.
		if len(set) == maxAltChanges || needMended(len(set)+1) > base {
			return
		}
		for k := start; k < len(cands); k++ {
			a := cands[k]
			if best != nil && cost+a.Cost >= bestCost && bestFail == 0 {
				break // sorted by cost: nothing cheaper follows
			}
			clash := false
			for _, j := range set {
				clash = clash || (cands[j].Line == a.Line && cands[j].Col == a.Col)
			}
			if clash {
				continue
			}
			old := lines[a.Line][a.Col]
			lines[a.Line][a.Col] = a.Char
			set = append(set, k)
			walk(k+1, cost+a.Cost)
			set = set[:len(set)-1]
			lines[a.Line][a.Col] = old
		}
	}
	walk(0, 0)
	var out []Repair
	for _, k := range best {
		a := cands[k]
		p := pos{a.Line, a.Col}
		out = append(out, Repair{
			Line: a.Line + 1, Col: a.Col + 1,
			From: string(lines[a.Line][a.Col]), To: string(a.Char),
			Field: l.fieldAt(lines, p), Source: SourceOCR,
		})
		lines[a.Line][a.Col] = a.Char
	}
	sort.Slice(out, func(i, j int) bool {
		if out[i].Line != out[j].Line {
			return out[i].Line < out[j].Line
		}
		return out[i].Col < out[j].Col
	})
	return out
}

// repairCodes tries OCR alternatives in an unknown issuing state or
// nationality code, as repair does confusions: kept only when the code
// then exists, the cheapest such change of at most two characters.
func repairCodes(l *layout, lines [][]byte, alts []Alternative) []Repair {
	var out []Repair
	for _, name := range []string{FieldIssuingState, FieldNationality} {
		fs, _ := l.field(name)
		b := fs.span.bytes(lines)
		if KnownCountry(trimFillers(b)) {
			continue
		}
		var cands []Alternative
		for _, a := range alts {
			if a.Line == fs.span.Line && a.Col >= fs.span.Start && a.Col < fs.span.End && isLetter(a.Char) {
				a.Cost = max(a.Cost, 0)
				cands = append(cands, a)
			}
		}
		best, bestCost := []int(nil), math.Inf(1)
		try := func(set ...int) {
			cost := 0.0
			cand := bytes.Clone(b)
			for _, k := range set {
				cand[cands[k].Col-fs.span.Start] = cands[k].Char
				cost += cands[k].Cost
			}
			if cost < bestCost && KnownCountry(trimFillers(cand)) {
				best, bestCost = append([]int(nil), set...), cost
			}
		}
		for i := range cands {
			try(i)
			for j := i + 1; j < len(cands); j++ {
				if cands[j].Col != cands[i].Col {
					try(i, j)
				}
			}
		}
		for _, k := range best {
			a := cands[k]
			out = append(out, Repair{Line: a.Line + 1, Col: a.Col + 1, From: string(lines[a.Line][a.Col]),
				To: string(a.Char), Field: name, Source: SourceOCR})
			lines[a.Line][a.Col] = a.Char
		}
	}
	return out
}

func (cs checkSpec) covers(p pos) bool {
	if cs.digit == p {
		return true
	}
	for _, s := range cs.spans {
		if s.Line == p.line && p.col >= s.Start && p.col < s.End {
			return true
		}
	}
	return false
}
