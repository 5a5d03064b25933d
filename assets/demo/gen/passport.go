package main

import (
	"errors"
	"fmt"
	"image"
	"image/color"
	"image/draw"
	"image/jpeg"
	"math"
	"os"

	xdraw "golang.org/x/image/draw"
	"golang.org/x/image/font"
	"golang.org/x/image/font/gofont/gobold"
	"golang.org/x/image/font/gofont/goregular"
	"golang.org/x/image/font/opentype"
	"golang.org/x/image/math/f64"
	"golang.org/x/image/math/fixed"
	"golang.org/x/image/vector"

	"github.com/kycterm/kycterm/capture/document/mrz/ocrb"
	"github.com/kycterm/kycterm/capture/document/mrz/synth"
)

// The data page of a TD3 passport (ICAO 9303 Part 4), in millimetres,
// drawn at pxPerMM.
const (
	pageW, pageH = 125.0, 88.0
	pxPerMM      = 10.0 // 254 dpi
	mrzPitch     = 2.54 // 10 characters per inch
	mrzLeading   = 4.23
	mrzBottom    = 5.0 // baseline of the last line above the bottom edge
	passportQ    = 88
)

// specimenFields are the visual inspection zone of ICAO 9303's passport
// specimen (Part 4, Appendix A): label and value.
var specimenFields = []struct {
	label, value string
	x, y         float64 // mm, label's top-left
}{
	{"Type/Type", "P", 43, 15},
	{"Code/Code", "UTO", 62, 15},
	{"Passport No./N° de passeport", "L898902C3", 88, 15},
	{"Surname/Nom", "ERIKSSON", 43, 22},
	{"Given names/Prénoms", "ANNA MARIA", 43, 29},
	{"Nationality/Nationalité", "UTOPIAN", 43, 36},
	{"Date of birth/Date de naissance", "12 AUG/AOUT 74", 43, 43},
	{"Personal No./N° personnel", "ZE 184226 B", 88, 43},
	{"Sex/Sexe", "F", 43, 50},
	{"Place of birth/Lieu de naissance", "ZENITH", 62, 50},
	{"Date of issue/Date de délivrance", "16 APR/AVR 07", 43, 57},
	{"Authority/Autorité", "PASSPORT OFFICE", 88, 57},
	{"Date of expiry/Date d'expiration", "15 APR/AVR 12", 43, 64},
}

// writePassport draws the specimen passport's data page: ICAO 9303's
// specimen holder ERIKSSON ANNA MARIA of Utopia with the portrait as the
// holder's photo, a SPECIMEN mark across the page, and the specimen's TD3
// MRZ set in OCR-B.
func writePassport(src *image.RGBA, fm *faceModel, path string) error {
	w, h := int(pageW*pxPerMM), int(pageH*pxPerMM)
	page := image.NewRGBA(image.Rect(0, 0, w, h))
	background(page)
	if err := photo(page, src, fm); err != nil {
		return err
	}
	regular, err := newFace(goregular.TTF, 1.9)
	if err != nil {
		return err
	}
	bold, err := newFace(gobold.TTF, 3.0)
	if err != nil {
		return err
	}
	title, err := newFace(gobold.TTF, 4.2)
	if err != nil {
		return err
	}
	ink := color.RGBA{R: 30, G: 30, B: 45, A: 255}
	label := color.RGBA{R: 70, G: 80, B: 110, A: 255}
	text(page, title, "UTOPIA", 43, 4, ink)
	text(page, regular, "PASSPORT / PASSEPORT", 80, 5.5, label)
	for _, f := range specimenFields {
		text(page, regular, f.label, f.x, f.y, label)
		text(page, bold, f.value, f.x, f.y+2.4, ink)
	}
	text(page, regular, "Holder's signature/Signature du titulaire", 6, 58, label)
	signature(page)
	if err := mrzLines(page, synth.SpecimenTD3()); err != nil {
		return err
	}
	if err := specimenMark(page); err != nil {
		return err
	}
	f, err := os.Create(path)
	if err != nil {
		return fmt.Errorf("create passport: %w", err)
	}
	err = jpeg.Encode(f, page, &jpeg.Options{Quality: passportQ})
	return errors.Join(err, f.Close())
}

// background is the page's pale security print: two crossing families of
// fine waves over a tint that shades from green to blue.
func background(page *image.RGBA) {
	b := page.Bounds()
	for y := range b.Dy() {
		ymm := float64(y) / pxPerMM
		for x := range b.Dx() {
			xmm := float64(x) / pxPerMM
			t := xmm / pageW
			v := math.Sin(1.3*xmm+2*math.Sin(0.21*ymm)) * math.Sin(1.1*ymm+2*math.Sin(0.17*xmm))
			guilloche := 10 * (0.5 + 0.5*v)
			o := page.PixOffset(x, y)
			page.Pix[o] = uint8(232 - 8*t - guilloche)
			page.Pix[o+1] = uint8(240 - 4*t - guilloche*0.6)
			page.Pix[o+2] = uint8(228 + 10*t - guilloche*0.3)
			page.Pix[o+3] = 255
		}
	}
}

// photo puts the holder's photo, head and shoulders from the portrait,
// in the data page's photo area.
func photo(page *image.RGBA, src *image.RGBA, fm *faceModel) error {
	dst := image.Rect(int(6*pxPerMM), int(14*pxPerMM), int(38*pxPerMM), int(56*pxPerMM))
	// The face (forehead to chin) takes about half the photo's height,
	// as ICAO's portrait guidelines ask for a head of 70–80 % with hair.
	ch := 2.0 * fm.faceH
	cw := ch * float64(dst.Dx()) / float64(dst.Dy())
	cy := fm.cy + 0.12*ch
	crop := image.Rect(int(fm.cx-cw/2), int(cy-ch/2), int(fm.cx+cw/2), int(cy+ch/2))
	if !crop.In(src.Bounds()) {
		return fmt.Errorf("holder photo: crop %v outside the portrait %v", crop, src.Bounds())
	}
	xdraw.CatmullRom.Scale(page, dst, src, crop, xdraw.Src, nil)
	frame := color.RGBA{R: 120, G: 130, B: 150, A: 255}
	for x := dst.Min.X - 2; x < dst.Max.X+2; x++ {
		for _, y := range []int{dst.Min.Y - 2, dst.Min.Y - 1, dst.Max.Y, dst.Max.Y + 1} {
			page.SetRGBA(x, y, frame)
		}
	}
	for y := dst.Min.Y - 2; y < dst.Max.Y+2; y++ {
		for _, x := range []int{dst.Min.X - 2, dst.Min.X - 1, dst.Max.X, dst.Max.X + 1} {
			page.SetRGBA(x, y, frame)
		}
	}
	return nil
}

// signature scribbles the holder's signature.
func signature(page *image.RGBA) {
	ras := vector.NewRasterizer(page.Bounds().Dx(), page.Bounds().Dy())
	x0, y0 := 8*pxPerMM, 64*pxPerMM
	const n = 120
	ras.MoveTo(float32(x0), float32(y0))
	for i := 1; i <= n; i++ {
		t := float64(i) / n
		x := x0 + t*26*pxPerMM
		y := y0 - 2.2*pxPerMM*math.Sin(t*9*math.Pi)*math.Exp(-t*1.5)
		ras.LineTo(float32(x), float32(y))
	}
	for i := n; i >= 0; i-- {
		t := float64(i) / n
		x := x0 + t*26*pxPerMM
		y := y0 - 2.2*pxPerMM*math.Sin(t*9*math.Pi)*math.Exp(-t*1.5) + 2.5
		ras.LineTo(float32(x), float32(y))
	}
	ras.ClosePath()
	ras.Draw(page, page.Bounds(), image.NewUniform(color.RGBA{R: 20, G: 30, B: 90, A: 255}), image.Point{})
}

// mrzLines sets the MRZ in OCR-B on the ICAO pitch, left-aligned at the
// standard margin, above the bottom edge.
func mrzLines(page *image.RGBA, lines []string) error {
	font, err := ocrb.Load()
	if err != nil {
		return fmt.Errorf("mrz font: %w", err)
	}
	ras := vector.NewRasterizer(page.Bounds().Dx(), page.Bounds().Dy())
	pitch := mrzPitch * pxPerMM
	px := pitch / font.Advance
	left := (pageW - float64(len(lines[0]))*mrzPitch) / 2 * pxPerMM
	for i, ln := range lines {
		base := (pageH - mrzBottom - float64(len(lines)-1-i)*mrzLeading) * pxPerMM
		for k := 0; k < len(ln); k++ {
			if !font.Draw(ras, ln[k], ocrb.Place(left+float64(k)*pitch, base, px)) {
				return fmt.Errorf("mrz: no OCR-B glyph for %q", ln[k])
			}
		}
	}
	ras.Draw(page, page.Bounds(), image.NewUniform(color.RGBA{R: 15, G: 15, B: 20, A: 255}), image.Point{})
	return nil
}

func newFace(ttf []byte, mm float64) (font.Face, error) {
	f, err := opentype.Parse(ttf)
	if err != nil {
		return nil, fmt.Errorf("parse font: %w", err)
	}
	face, err := opentype.NewFace(f, &opentype.FaceOptions{Size: mm * pxPerMM, DPI: 72, Hinting: font.HintingFull})
	if err != nil {
		return nil, fmt.Errorf("font face: %w", err)
	}
	return face, nil
}

// text draws s with its top-left at (x, y) millimetres.
func text(page draw.Image, face font.Face, s string, x, y float64, c color.Color) {
	d := font.Drawer{Dst: page, Src: image.NewUniform(c), Face: face,
		Dot: fixed.P(int(x*pxPerMM), int(y*pxPerMM)+face.Metrics().Ascent.Ceil())}
	d.DrawString(s)
}

// specimenMark writes SPECIMEN in translucent red across the page's
// visual inspection zone, clear of the MRZ.
func specimenMark(page *image.RGBA) error {
	face, err := newFace(gobold.TTF, 11)
	if err != nil {
		return err
	}
	const word = "SPECIMEN"
	adv := font.MeasureString(face, word).Ceil()
	m := face.Metrics()
	mask := image.NewAlpha(image.Rect(0, 0, adv, (m.Ascent + m.Descent).Ceil()))
	d := font.Drawer{Dst: mask, Src: image.Opaque, Face: face, Dot: fixed.P(0, m.Ascent.Ceil())}
	d.DrawString(word)
	// Rotate by 12° counter-clockwise about the mask's centre and put
	// that centre at the page's (78 mm, 40 mm).
	a := 12 * math.Pi / 180
	s, c := math.Sincos(a)
	mcx, mcy := float64(mask.Bounds().Dx())/2, float64(mask.Bounds().Dy())/2
	px, py := 78*pxPerMM, 40*pxPerMM
	aff := f64.Aff3{c, s, px - c*mcx - s*mcy, -s, c, py + s*mcx - c*mcy}
	rot := image.NewAlpha(page.Bounds())
	xdraw.BiLinear.Transform(rot, aff, mask, mask.Bounds(), xdraw.Src, nil)
	red := [3]float64{200, 30, 40}
	for i, av := range rot.Pix {
		if av == 0 {
			continue
		}
		al := 0.45 * float64(av) / 255
		o := 4 * i
		for k := range 3 {
			page.Pix[o+k] = uint8(float64(page.Pix[o+k])*(1-al) + red[k]*al + 0.5)
		}
	}
	return nil
}
