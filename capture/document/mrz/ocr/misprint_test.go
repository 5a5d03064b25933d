package ocr

import (
	"math/rand/v2"
	"slices"
	"testing"

	"github.com/kycterm/kycterm/capture/document/mrz"
	"github.com/kycterm/kycterm/capture/document/mrz/synth"
)

// TestReadMisprintedCheckDigit reads documents whose expiry check digit
// is printed wrong, so no reading of them is valid. The reader must
// still return the lines as printed (or, when a runner-up character
// makes both checks hold, the lines as they should be): never the same
// band misread as another layout or turned 180°, which the repair search
// can make look valid.
func TestReadMisprintedCheckDigit(t *testing.T) {
	rd, rr := newTestReader(t)
	tests := []struct {
		name   string
		format mrz.Format
		seed   uint64
	}{
		{"TD3", mrz.TD3, 1},
		{"TD3 again", mrz.TD3, 9},
		{"TD2", mrz.TD2, 3},
		{"TD1", mrz.TD1, 5},
	}
	if raceEnabled {
		tests = tests[:1]
	}
	for _, tc := range tests {
		t.Run(tc.name, func(t *testing.T) {
			rng := rand.New(rand.NewPCG(tc.seed, 2))
			d, _ := synth.Preset("camera", rng)
			good := synth.RandomMRZ(rng, tc.format, today)
			if tc.format == mrz.TD3 && tc.seed == 1 {
				good = synth.SpecimenTD3()
			}
			res, err := mrz.Parse(good, mrz.Options{Today: today, NoRepair: true})
			if err != nil {
				t.Fatal(err)
			}
			printed := slices.Clone(good)
			for _, c := range res.Checks {
				if c.Field == mrz.FieldExpiryDate {
					b := []byte(printed[c.Line-1])
					b[c.Col-1] = '0' + (b[c.Col-1]-'0'+3)%10
					printed[c.Line-1] = string(b)
				}
			}
			img, err := rr.Render(printed, synth.Options{Degradation: d}, rng)
			if err != nil {
				t.Fatal(err)
			}
			got, err := rd.Read(img, Options{Today: today, AnyOrientation: true})
			if err != nil {
				t.Fatal(err)
			}
			r := got.Result
			switch {
			case slices.Equal(r.Repaired, printed):
				if r.Valid {
					t.Error("the misprinted lines read as valid")
				}
			case slices.Equal(r.Repaired, good):
				if !r.Valid || len(r.Repairs) == 0 {
					t.Errorf("the lines as they should be, valid %v, repairs %+v", r.Valid, r.Repairs)
				}
			default:
				t.Errorf("read %s %q (valid %v, rotation %d, repairs %+v), want the printed %s lines %q", r.Format, r.Repaired, r.Valid, got.Rotation, r.Repairs, tc.format, printed)
			}
		})
	}
}
