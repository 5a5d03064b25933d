package flow

import (
	"testing"

	"github.com/kycterm/kycterm/capture"
)

func TestWindowTake(t *testing.T) {
	tests := []struct {
		name   string
		size   int
		active []bool // per frame, Seq = index
		n      int
		want   []uint64
	}{
		{"blink: closed frames before the reopening", 10, []bool{false, false, true, true, false}, 3, []uint64{2, 3, 4}},
		{"only active frames when enough", 10, []bool{true, false, true, true, false, false}, 3, []uint64{0, 2, 3}},
		{"none active: the newest", 10, []bool{false, false, false, false}, 2, []uint64{2, 3}},
		{"fewer than asked", 10, []bool{false}, 3, []uint64{0}},
		{"oldest dropped beyond the size", 3, []bool{true, false, false, false, false}, 3, []uint64{2, 3, 4}},
	}
	for _, tc := range tests {
		t.Run(tc.name, func(t *testing.T) {
			w := NewWindow(tc.size)
			for i, a := range tc.active {
				w.Add(capture.Frame{Seq: uint64(i)}, Analysis{}, a)
			}
			got := w.Take(tc.n, nil)
			if len(got) != len(tc.want) {
				t.Fatalf("took %d frames, want %d", len(got), len(tc.want))
			}
			for i := range got {
				if got[i].Frame.Seq != tc.want[i] {
					t.Errorf("frame %d is seq %d, want %d", i, got[i].Frame.Seq, tc.want[i])
				}
			}
			if w.Len() != 0 {
				t.Error("Take left frames in the window")
			}
		})
	}
}

func TestWindowTakeSkipsKeptFrames(t *testing.T) {
	w := NewWindow(10)
	for i := range 5 {
		w.Add(capture.Frame{Seq: uint64(i)}, Analysis{}, i >= 2)
	}
	got := w.Take(3, func(f capture.Frame) bool { return f.Seq > 2 })
	if len(got) != 2 || got[0].Frame.Seq != 3 || got[1].Frame.Seq != 4 {
		t.Fatalf("took %v, want seqs 3 and 4", got)
	}
}
