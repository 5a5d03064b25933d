package flow

import (
	"cmp"
	"slices"
	"sync"

	"github.com/kycterm/kycterm/capture"
)

// Window keeps the newest analysed frames of a live challenge, each marked
// with whether it showed the challenge's movement. A detector sees some
// challenges done only after the movement ends (a blink once the eyes
// reopen), so the frames to send are taken from here, not the next ones.
// Safe for concurrent use.
type Window struct {
	mu    sync.Mutex
	size  int
	items []windowed
}

type windowed struct {
	c      Captured
	active bool
}

// NewWindow returns a window of the newest size frames.
func NewWindow(size int) *Window { return &Window{size: max(size, 1)} }

// Add keeps a frame, dropping the oldest beyond the window's size.
func (w *Window) Add(f capture.Frame, a Analysis, active bool) {
	w.mu.Lock()
	defer w.mu.Unlock()
	if len(w.items) == w.size {
		copy(w.items, w.items[1:])
		w.items = w.items[:w.size-1]
	}
	w.items = append(w.items, windowed{Captured{Frame: f, Analysis: a}, active})
}

// Take returns up to n frames that keep accepts (nil accepts all), the
// newest that showed the movement first, then the newest others, in the
// order they were taken, and empties the window. A caller that already
// kept some frames passes keep to leave them out: a request never carries
// the same picture twice.
func (w *Window) Take(n int, keep func(capture.Frame) bool) []Captured {
	w.mu.Lock()
	defer w.mu.Unlock()
	idx := make([]int, 0, len(w.items))
	for i, it := range w.items {
		if keep == nil || keep(it.c.Frame) {
			idx = append(idx, i)
		}
	}
	// Active before inactive, newer before older.
	slices.SortStableFunc(idx, func(a, b int) int {
		if w.items[a].active != w.items[b].active {
			if w.items[a].active {
				return -1
			}
			return 1
		}
		return cmp.Compare(b, a)
	})
	idx = idx[:min(n, len(idx))]
	slices.Sort(idx)
	out := make([]Captured, len(idx))
	for i, j := range idx {
		out[i] = w.items[j].c
	}
	clear(w.items)
	w.items = w.items[:0]
	return out
}

// Len returns how many frames the window holds.
func (w *Window) Len() int {
	w.mu.Lock()
	defer w.mu.Unlock()
	return len(w.items)
}

// Reset drops every frame.
func (w *Window) Reset() {
	w.mu.Lock()
	defer w.mu.Unlock()
	clear(w.items)
	w.items = w.items[:0]
}
