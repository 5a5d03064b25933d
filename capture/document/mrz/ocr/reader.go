// Package ocr reads the machine readable zone of a passport or identity
// card from a photo or scan, offline and in pure Go.
//
// The pipeline: convert to gray; binarize with Sauvola's local threshold
// (robust to uneven light); label connected components; chain components
// of character size into text lines; pick the group of 2 or 3 parallel,
// equally long, evenly spaced lines that an MRZ is; lay the 30, 36 or 44
// character cells of each line on a fitted quadratic (absorbing rotation
// and perspective); sample each cell on a grid in font units and classify
// it by normalized correlation against OCR-B templates drawn from the
// embedded outlines, among the characters its MRZ field admits. The lines
// then go through mrz.Parse with the runner-up readings as alternatives,
// so check digits confirm or correct uncertain characters.
package ocr

import (
	"errors"
	"fmt"
	"image"
	"math"
	"sort"
	"time"

	"github.com/kycterm/kycterm/capture/document/mrz"
	"github.com/kycterm/kycterm/capture/document/mrz/ocrb"
)

// Errors of Read.
var (
	// ErrNoMRZ reports an image in which no MRZ was found.
	ErrNoMRZ = errors.New("no machine-readable zone found in the image")
	// ErrImageSize reports an image too small or too large to read.
	ErrImageSize = errors.New("image size out of range")
)

// Options tune Read.
type Options struct {
	// Today is passed on to mrz.Parse (warnings, century of birth dates).
	Today time.Time
	// NoRepair reads without check-digit-guided repairs.
	NoRepair bool
	// AnyOrientation also tries the image turned 90° and 270°, for a
	// photo taken in portrait; 0° and 180° are always tried.
	AnyOrientation bool
}

// Reading is an MRZ read from an image.
type Reading struct {
	// Result is the parsed MRZ; Result.Lines are the lines as read.
	Result *mrz.Result
	// Confidence in [0, 1]: the share of check digits that hold times the
	// mean correlation of the characters with their templates.
	Confidence float64
	// Quad is the MRZ's outline in the image's coordinates: the corners
	// at the start and end of the first line, then at the end and start
	// of the last line.
	Quad [4]image.Point
	// Uncertain lists the characters read with little confidence in
	// fields no holding check digit confirms (names, codes, sex…): the
	// ones the operator should compare with the document.
	Uncertain []Uncertain
	// Rotation is how far (degrees clockwise: 0, 90, 180, 270) the image
	// was turned to read the MRZ: 180 for a document lying upside down.
	Rotation int

	// ncc is the mean correlation of the characters read, before repairs.
	ncc float64
}

// Uncertain is a character the reader is unsure of.
type Uncertain struct {
	// Line and Col locate it, 1-based.
	Line int `json:"line"`
	Col  int `json:"col"`
	// Field is the MRZ field it belongs to.
	Field string `json:"field"`
	// Score is its correlation with its template, Margin how much less
	// the runner-up's was.
	Score  float64 `json:"score"`
	Margin float64 `json:"margin"`
}

// A character is uncertain when its correlation is below minScore or the
// runner-up is within minMargin. On the harsh synthetic pages (see
// docs/mrz.md) these flag two thirds of the misread characters and one in
// twenty of the right ones.
const (
	minScore  = 0.6
	minMargin = 0.05
)

// uncertain lists the unsure characters outside the reach of holding
// check digits.
func uncertain(res *mrz.Result, scores [][][2]float64) []Uncertain {
	type at struct{ line, col int }
	confirmed := map[at]bool{}
	for _, c := range res.Checks {
		if !c.OK {
			continue
		}
		confirmed[at{c.Line - 1, c.Col - 1}] = true
		for _, s := range c.Spans {
			for col := s.Start; col < s.End; col++ {
				confirmed[at{s.Line, col}] = true
			}
		}
	}
	var out []Uncertain
	for li, row := range scores {
		for k, sc := range row {
			if confirmed[at{li, k}] || (sc[0] >= minScore && sc[1] >= minMargin) {
				continue
			}
			out = append(out, Uncertain{Line: li + 1, Col: k + 1, Field: mrz.FieldAt(res.Format, li, k),
				Score: math.Round(sc[0]*1000) / 1000, Margin: math.Round(sc[1]*1000) / 1000})
		}
	}
	return out
}

// Reader reads MRZs. It holds the templates and is safe for concurrent
// use.
type Reader struct {
	grid      grid
	templates []template
}

// NewReader draws the OCR-B templates from the embedded outlines.
func NewReader() (*Reader, error) {
	f, err := ocrb.Load()
	if err != nil {
		return nil, fmt.Errorf("mrz reader: %w", err)
	}
	g := newGrid(f)
	return &Reader{grid: g, templates: renderTemplates(f, g)}, nil
}

// Read finds and reads the MRZ in img. It fails with ErrNoMRZ when the
// image holds none; a found MRZ whose check digits fail is returned with
// Result.Valid false. When the MRZ is not valid as the image stands, the
// image is also read turned 180° (and 90° and 270° with AnyOrientation),
// and the best reading is kept.
func (r *Reader) Read(img image.Image, opt Options) (*Reading, error) {
	b := img.Bounds()
	if b.Dx() < 200 || b.Dy() < 60 || b.Dx()*b.Dy() > maxPixels {
		return nil, fmt.Errorf("%w: %d×%d pixels", ErrImageSize, b.Dx(), b.Dy())
	}
	g := toGray(img)
	turns := []int{0, 2}
	if opt.AnyOrientation {
		turns = []int{0, 2, 1, 3}
	}
	var best *Reading
	for _, q := range turns {
		rd, err := r.readGray(rotate(g, q), opt)
		if err != nil {
			continue
		}
		rd.Rotation = 90 * q
		for i, p := range rd.Quad {
			rd.Quad[i] = unrotate(p, q, g.w, g.h).Add(b.Min)
		}
		if best == nil || better(rd, best) {
			best = rd
		}
		if sure(best) {
			break
		}
	}
	if best == nil {
		return nil, ErrNoMRZ
	}
	return best, nil
}

// rotate turns g clockwise by q quarter turns.
func rotate(g *grayImg, q int) *grayImg {
	switch q {
	case 1, 3:
		out := &grayImg{w: g.h, h: g.w, pix: make([]uint8, len(g.pix))}
		for y := range out.h {
			for x := range out.w {
				sx, sy := y, g.h-1-x // q = 1
				if q == 3 {
					sx, sy = g.w-1-y, x
				}
				out.pix[y*out.w+x] = g.pix[sy*g.w+sx]
			}
		}
		return out
	case 2:
		out := &grayImg{w: g.w, h: g.h, pix: make([]uint8, len(g.pix))}
		for i, v := range g.pix {
			out.pix[len(g.pix)-1-i] = v
		}
		return out
	}
	return g
}

// unrotate maps a point of g turned by q quarter turns back onto g (w×h).
func unrotate(p image.Point, q, w, h int) image.Point {
	switch q {
	case 1:
		return image.Pt(p.Y, h-1-p.X)
	case 2:
		return image.Pt(w-1-p.X, h-1-p.Y)
	case 3:
		return image.Pt(w-1-p.Y, p.X)
	}
	return p
}

// nccMargin is the difference in mean correlation from which one reading
// of an MRZ beats another whatever their check digits say. Measured on
// synthetic pages (camera and harsh presets, 150 and 300 dpi): the right
// cells read at 0.84–0.98, while the same lines read as the wrong layout
// (36 cells for 44) read at 0.40–0.57 and turned 180° at 0.69–0.81 — and
// about one such misreading in ten still comes out with every check
// digit holding once repaired with runner-up characters, which is why
// check digits alone cannot choose.
const nccMargin = 0.1

// sureNCC is the mean correlation from which a valid reading ends the
// search for others (above every misreading measured, 0.81).
const sureNCC = 0.85

// sure reports whether rd is valid and read well enough to stop looking.
func sure(rd *Reading) bool { return rd.Result.Valid && rd.ncc >= sureNCC }

// better prefers a much higher mean correlation, then more check digits
// holding, then higher confidence.
func better(a, b *Reading) bool {
	if d := a.ncc - b.ncc; d > nccMargin || d < -nccMargin {
		return d > 0
	}
	oa, ob := okChecks(a.Result), okChecks(b.Result)
	if oa != ob {
		return oa > ob
	}
	return a.Confidence > b.Confidence
}

func okChecks(r *mrz.Result) int {
	n := 0
	for _, c := range r.Checks {
		if c.OK {
			n++
		}
	}
	return n
}

// detectMax is the longest side the detection first works at; larger
// images are halved for it (the characters are always sampled from the
// level that suits their size). When nothing is found there, detection is
// retried at full resolution, for an MRZ small in a large photo.
const detectMax = 1200

func (r *Reader) readGray(g *grayImg, opt Options) (*Reading, error) {
	pyr := newPyramid(g)
	level := 0
	for level+1 < len(pyr) && max(pyr[level].w, pyr[level].h) > detectMax {
		level++
	}
	best, err := r.readLevel(pyr, level, opt)
	if level > 0 && (err != nil || !sure(best)) {
		if full, ferr := r.readLevel(pyr, 0, opt); ferr == nil && (err != nil || better(full, best)) {
			return full, nil
		}
	}
	return best, err
}

// readLevel detects MRZ candidates on one pyramid level and reads the
// most likely ones; when that gives no valid MRZ, it tries again on a
// smoothed copy of the level.
func (r *Reader) readLevel(pyr pyramid, level int, opt Options) (*Reading, error) {
	best, err := r.detectAndRead(pyr, pyr[level], level, opt)
	if err == nil && sure(best) {
		return best, nil
	}
	// Noise breaks characters into specks the chains skip: detect again
	// on a smoothed copy (the characters are still sampled unsmoothed).
	smooth, serr := r.detectAndRead(pyr, box3(pyr[level]), level, opt)
	if serr == nil && (err != nil || better(smooth, best)) {
		return smooth, nil
	}
	return best, err
}

// box3 returns g blurred by a 3×3 box (edges replicated).
func box3(g *grayImg) *grayImg {
	tmp := make([]uint16, len(g.pix))
	for y := range g.h {
		row := g.pix[y*g.w : (y+1)*g.w]
		for x := range row {
			l, r := row[max(x-1, 0)], row[min(x+1, g.w-1)]
			tmp[y*g.w+x] = uint16(l) + uint16(row[x]) + uint16(r)
		}
	}
	out := &grayImg{w: g.w, h: g.h, pix: make([]uint8, len(g.pix))}
	for y := range g.h {
		up, mid, dn := tmp[max(y-1, 0)*g.w:], tmp[y*g.w:], tmp[min(y+1, g.h-1)*g.w:]
		for x := range g.w {
			out.pix[y*g.w+x] = uint8((uint32(up[x]) + uint32(mid[x]) + uint32(dn[x]) + 4) / 9)
		}
	}
	return out
}

// detectAndRead finds MRZ candidates in det, the pyramid level level (or
// a filtered copy of it), and reads the most likely ones.
func (r *Reader) detectAndRead(pyr pyramid, det *grayImg, level int, opt Options) (*Reading, error) {
	ds := float64(int(1) << level)
	win := max(15, min(det.w, det.h)/25) | 1
	bin := sauvola(det, win, 0.25)
	comps := components(bin, det.w, det.h)
	lines := chainLines(comps, 7, max(det.h/6, 8))
	cands := groupMRZ(lines)
	if len(cands) == 0 {
		return nil, ErrNoMRZ
	}
	var best *Reading
	for i, c := range cands {
		if i == 4 {
			break
		}
		ns := []int{c.n}
		if c.n != 30 {
			ns = []int{c.n, 80 - c.n} // 44 ↔ 36
		}
		for _, n := range ns {
			rd, err := r.readCandidate(pyr, c, n, ds, opt)
			if err != nil {
				continue
			}
			if best == nil || better(rd, best) {
				best = rd
			}
			if sure(best) {
				return best, nil
			}
		}
	}
	if best == nil {
		return nil, ErrNoMRZ
	}
	return best, nil
}

// readCandidate classifies the cells of one candidate group as an MRZ
// of n characters per line.
func (r *Reader) readCandidate(pyr pyramid, c mrzCandidate, n int, ds float64, opt Options) (*Reading, error) {
	format := mrz.TD1
	switch {
	case len(c.lines) == 2 && n == 44:
		format = mrz.TD3
	case len(c.lines) == 2 && n == 36:
		format = mrz.TD2
	case len(c.lines) != 3 || n != 30:
		return nil, ErrNoMRZ
	}
	classes := mrz.Classes(format)
	text := make([][]byte, len(c.lines))
	charScores := make([][][2]float64, len(c.lines))
	for i := range charScores {
		charScores[i] = make([][2]float64, n)
	}
	var alts []mrz.Alternative
	var sum float64
	var sample []float32
	var scores []score
	var quad [4]image.Point
	grid := groupCells(c.lines, n)
	for li := range c.lines {
		cells := grid[li]
		for k := range cells {
			// Cells were fitted on the detection level.
			cells[k].x, cells[k].y, cells[k].pitch = cells[k].x*ds, cells[k].y*ds, cells[k].pitch*ds
		}
		text[li] = make([]byte, n)
		for k, ce := range cells {
			sample = r.grid.sampleCell(pyr, ce, sample)
			scores = r.grid.match(sample, r.templates, allowedBy(mrz.Class(classes[li][k])), scores)
			sort.Slice(scores, func(i, j int) bool { return scores[i].ncc > scores[j].ncc })
			text[li][k] = scores[0].char
			sum += float64(scores[0].ncc)
			margin := 1.0
			if len(scores) > 1 {
				margin = float64(scores[0].ncc - scores[1].ncc)
			}
			charScores[li][k] = [2]float64{float64(scores[0].ncc), margin}
			for _, s := range scores[1:min(4, len(scores))] {
				if cost := float64(scores[0].ncc - s.ncc); cost < 0.25 {
					alts = append(alts, mrz.Alternative{Line: li, Col: k, Char: s.char, Cost: cost})
				}
			}
		}
		// The outline: half a pitch beyond the end cells, 0.6 pitch above
		// the first line's and below the last line's centres.
		corner := func(ce cell, along, across float64) image.Point {
			x := ce.x + ce.pitch*(along*ce.ux+across*ce.uy)
			y := ce.y + ce.pitch*(along*ce.uy-across*ce.ux)
			return image.Pt(int(math.Round(x)), int(math.Round(y)))
		}
		if li == 0 {
			quad[0], quad[1] = corner(cells[0], -0.5, 0.6), corner(cells[n-1], 0.5, 0.6)
		}
		if li == len(c.lines)-1 {
			quad[3], quad[2] = corner(cells[0], -0.5, -0.6), corner(cells[n-1], 0.5, -0.6)
		}
	}
	lines := make([]string, len(text))
	for i := range text {
		lines[i] = string(text[i])
	}
	popt := mrz.Options{Today: opt.Today, NoRepair: opt.NoRepair}
	if !opt.NoRepair {
		popt.Alternatives = alts
	}
	res, err := mrz.Parse(lines, popt)
	if err != nil {
		return nil, err
	}
	mean := sum / float64(len(lines)*n)
	conf := math.Max(0, math.Min(1, mean))
	if len(res.Checks) > 0 {
		conf *= float64(okChecks(res)) / float64(len(res.Checks))
	}
	return &Reading{Result: res, Confidence: conf, Quad: quad, Uncertain: uncertain(res, charScores), ncc: mean}, nil
}

// allowedBy restricts classification to the characters a position's
// class admits; the filler is admitted everywhere.
func allowedBy(c mrz.Class) func(byte) bool {
	switch c {
	case mrz.Alpha:
		return func(b byte) bool { return b == '<' || (b >= 'A' && b <= 'Z') }
	case mrz.Numeric:
		return func(b byte) bool { return b == '<' || (b >= '0' && b <= '9') }
	}
	return func(byte) bool { return true }
}

// String describes a reading without its content (for logs).
func (rd *Reading) String() string {
	return fmt.Sprintf("%s MRZ, %d/%d check digits hold, confidence %.2f", rd.Result.Format,
		okChecks(rd.Result), len(rd.Result.Checks), rd.Confidence)
}
