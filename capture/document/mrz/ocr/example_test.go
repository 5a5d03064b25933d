package ocr_test

import (
	"fmt"
	"math/rand/v2"
	"time"

	"github.com/kycterm/kycterm/capture/document/mrz/ocr"
	"github.com/kycterm/kycterm/capture/document/mrz/synth"
)

func ExampleReader_Read() {
	// A synthetic photo of the ICAO specimen passport stands in for a
	// camera frame or a decoded JPEG.
	rr, err := synth.NewRenderer()
	if err != nil {
		fmt.Println(err)
		return
	}
	rng := rand.New(rand.NewPCG(1, 2))
	d, _ := synth.Preset("camera", rng)
	img, err := rr.Render(synth.SpecimenTD3(), synth.Options{Degradation: d}, rng)
	if err != nil {
		fmt.Println(err)
		return
	}

	rd, err := ocr.NewReader()
	if err != nil {
		fmt.Println(err)
		return
	}
	reading, err := rd.Read(img, ocr.Options{Today: time.Date(2026, 11, 25, 0, 0, 0, 0, time.UTC)})
	if err != nil {
		fmt.Println(err) // ocr.ErrNoMRZ when the image holds none
		return
	}
	res := reading.Result
	fmt.Println(res.Format, res.Valid, reading.Confidence > 0.8)
	fmt.Println(res.Repaired[1])
	fmt.Println(res.Fields()["lastName"], res.Fields()["dob"])
	// Output:
	// TD3 true true
	// L898902C36UTO7408122F1204159ZE184226B<<<<<10
	// ERIKSSON 1974-08-12
}
