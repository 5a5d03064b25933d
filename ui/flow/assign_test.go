package flow

import (
	"errors"
	"testing"

	"github.com/kycterm/kycterm/api"
	"github.com/kycterm/kycterm/capture"
)

func TestAssignerByLabel(t *testing.T) {
	challenges := []api.Challenge{api.NewChallenge("smile"), api.NewChallenge("turn_left")}
	a := newAssigner(challenges, 3)
	// A recording in its own order, with a segment the server did not ask for.
	var seq uint64
	for _, seg := range []struct {
		label string
		n     int
	}{{"turn_left", 10}, {"blink", 5}, {"smile", 7}} {
		for range seg.n {
			a.add(capture.Frame{Seq: seq, Label: seg.label, ChallengeIndex: -1})
			seq++
		}
	}
	got, err := a.pick()
	if err != nil {
		t.Fatal(err)
	}
	for i, want := range []string{"smile", "turn_left"} {
		if len(got[i]) != 3 {
			t.Fatalf("challenge %d: %d frames, want 3", i, len(got[i]))
		}
		for _, f := range got[i] {
			if f.Label != want {
				t.Errorf("challenge %d got a %q frame", i, f.Label)
			}
		}
	}
	// Evenly spread: first and last frame of the smile segment (seq 15..21).
	if got[0][0].Seq != 15 || got[0][2].Seq != 21 {
		t.Errorf("smile picks %d..%d, want 15..21", got[0][0].Seq, got[0][2].Seq)
	}
}

func TestAssignerByIndex(t *testing.T) {
	challenges := []api.Challenge{api.NewChallenge("blink"), api.NewChallenge("nod")}
	a := newAssigner(challenges, 2)
	for i, idx := range []int{0, 0, 0, 1, 1, 5} {
		a.add(capture.Frame{Seq: uint64(i), ChallengeIndex: idx})
	}
	got, err := a.pick()
	if err != nil {
		t.Fatal(err)
	}
	if len(got[0]) != 2 || len(got[1]) != 2 {
		t.Fatalf("got %d and %d frames, want 2 and 2", len(got[0]), len(got[1]))
	}
}

func TestAssignerMissing(t *testing.T) {
	a := newAssigner([]api.Challenge{api.NewChallenge("blink"), api.NewChallenge("smile")}, 2)
	a.add(capture.Frame{Label: "blink"})
	if _, err := a.pick(); !errors.Is(err, ErrMissingChallenge) {
		t.Fatalf("err = %v, want ErrMissingChallenge", err)
	}
}

func TestAssignerBoundedMemory(t *testing.T) {
	a := newAssigner([]api.Challenge{api.NewChallenge("blink")}, 3)
	for i := range 10000 {
		a.add(capture.Frame{Seq: uint64(i), Label: "blink"})
		if len(a.groups[0]) >= 4*3 {
			t.Fatalf("holding %d frames after %d, want fewer than 12", len(a.groups[0]), i+1)
		}
	}
	got, err := a.pick()
	if err != nil {
		t.Fatal(err)
	}
	if got[0][0].Seq != 0 || got[0][2].Seq < 5000 {
		t.Errorf("picks %d..%d do not span the segment", got[0][0].Seq, got[0][2].Seq)
	}
}

func TestEvenly(t *testing.T) {
	mk := func(n int) []capture.Frame {
		fs := make([]capture.Frame, n)
		for i := range fs {
			fs[i].Seq = uint64(i)
		}
		return fs
	}
	tests := []struct {
		name string
		have int
		n    int
		want []uint64
	}{
		{"fewer than asked", 2, 3, []uint64{0, 1}},
		{"exact", 3, 3, []uint64{0, 1, 2}},
		{"spread", 10, 3, []uint64{0, 4, 9}},
		{"one", 10, 1, []uint64{0}},
	}
	for _, tc := range tests {
		t.Run(tc.name, func(t *testing.T) {
			got := evenly(mk(tc.have), tc.n)
			if len(got) != len(tc.want) {
				t.Fatalf("got %d frames, want %d", len(got), len(tc.want))
			}
			for i := range got {
				if got[i].Seq != tc.want[i] {
					t.Errorf("pick %d = %d, want %d", i, got[i].Seq, tc.want[i])
				}
			}
		})
	}
}
