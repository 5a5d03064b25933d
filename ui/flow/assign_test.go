package flow

import (
	"errors"
	"slices"
	"testing"

	"github.com/kycterm/kycterm/api"
	"github.com/kycterm/kycterm/capture"
)

// feed files frames as captureRecorded does; active says which showed the
// movement.
func feed(a *assigner, f capture.Frame, active bool) {
	for _, i := range a.indexes(f) {
		a.add(i, Captured{Frame: f}, active)
	}
}

func seqs(cs []Captured) []uint64 {
	out := make([]uint64, len(cs))
	for i, c := range cs {
		out[i] = c.Frame.Seq
	}
	return out
}

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
			feed(a, capture.Frame{Seq: seq, Label: seg.label, ChallengeIndex: -1}, false)
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
		for _, c := range got[i] {
			if c.Frame.Label != want {
				t.Errorf("challenge %d got a %q frame", i, c.Frame.Label)
			}
		}
	}
	// Evenly spread: first and last frame of the smile segment (seq 15..21).
	if s := seqs(got[0]); s[0] != 15 || s[2] != 21 {
		t.Errorf("smile picks %v, want 15..21", s)
	}
}

func TestAssignerPrefersActiveFrames(t *testing.T) {
	a := newAssigner([]api.Challenge{api.NewChallenge("blink")}, 3)
	// neutral 0-4, eyes closed 5-6, neutral 7-11
	for i := range 12 {
		feed(a, capture.Frame{Seq: uint64(i), Label: "blink"}, i == 5 || i == 6)
	}
	got, err := a.pick()
	if err != nil {
		t.Fatal(err)
	}
	s := seqs(got[0])
	if len(s) != 3 || !slices.Contains(s, 5) || !slices.Contains(s, 6) {
		t.Fatalf("picks %v, want both closed-eye frames 5 and 6, topped up to 3", s)
	}
}

func TestAssignerByIndex(t *testing.T) {
	challenges := []api.Challenge{api.NewChallenge("blink"), api.NewChallenge("nod")}
	a := newAssigner(challenges, 2)
	for i, idx := range []int{0, 0, 0, 1, 1, 5} {
		feed(a, capture.Frame{Seq: uint64(i), ChallengeIndex: idx}, false)
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
	feed(a, capture.Frame{Label: "blink"}, false)
	if _, err := a.pick(); !errors.Is(err, ErrMissingChallenge) {
		t.Fatalf("err = %v, want ErrMissingChallenge", err)
	}
}

func TestAssignerBoundedMemory(t *testing.T) {
	a := newAssigner([]api.Challenge{api.NewChallenge("blink")}, 3)
	for i := range 10000 {
		feed(a, capture.Frame{Seq: uint64(i), Label: "blink"}, i%2 == 0)
		g := a.groups[0]
		if len(g.active.items) >= 12 || len(g.other.items) >= 12 {
			t.Fatalf("holding %d+%d frames after %d, want fewer than 12 each", len(g.active.items), len(g.other.items), i+1)
		}
	}
	got, err := a.pick()
	if err != nil {
		t.Fatal(err)
	}
	if s := seqs(got[0]); s[0] != 0 || s[2] < 5000 {
		t.Errorf("picks %v do not span the segment", s)
	}
}

func TestEvenly(t *testing.T) {
	mk := func(n int) []Captured {
		cs := make([]Captured, n)
		for i := range cs {
			cs[i].Frame.Seq = uint64(i)
		}
		return cs
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
		{"none", 10, 0, []uint64{}},
	}
	for _, tc := range tests {
		t.Run(tc.name, func(t *testing.T) {
			got := seqs(evenly(mk(tc.have), tc.n))
			if len(got) != len(tc.want) {
				t.Fatalf("got %d frames, want %d", len(got), len(tc.want))
			}
			for i := range got {
				if got[i] != tc.want[i] {
					t.Errorf("pick %d = %d, want %d", i, got[i], tc.want[i])
				}
			}
		})
	}
}
