package capture

import (
	"context"
	"sync"
)

// Stats counts what happened to a source's frames.
type Stats struct {
	// Produced is the number of frames the producer handed over.
	Produced uint64
	// Delivered is the number of frames returned by Next.
	Delivered uint64
	// Dropped is the number of frames discarded because the consumer did
	// not take them before newer ones filled the ring.
	Dropped uint64
	// Corrupt is the number of frames skipped because they did not decode.
	Corrupt uint64
	// Missed is the number of frame waits that timed out.
	Missed uint64
	// Reopens is the number of times a camera was reopened after it went away.
	Reopens uint64
}

// StatsReporter is implemented by sources that count their frames.
type StatsReporter interface {
	Stats() Stats
}

// Ring is a small buffer of the newest frames between a producer that must
// never block (a camera) and a consumer that may be slow. When it is full,
// Push drops the oldest frame and counts it. It also carries transient
// events (errors delivered once by Next, in order with the frames) and a
// final error. A Ring is safe for concurrent use.
type Ring struct {
	mu      sync.Mutex
	items   []ringItem
	head    int
	n       int
	wake    chan struct{}
	latest  Frame
	hasLast bool
	final   error
	stats   Stats
}

type ringItem struct {
	f   Frame
	err error
}

// NewRing returns a ring holding at most size frames (at least 1).
func NewRing(size int) *Ring {
	if size < 1 {
		size = 1
	}
	return &Ring{items: make([]ringItem, size), wake: make(chan struct{})}
}

// Push adds a frame, dropping the oldest queued frame when the ring is full.
// Push after Close is ignored.
func (r *Ring) Push(f Frame) {
	r.mu.Lock()
	defer r.mu.Unlock()
	if r.final != nil {
		return
	}
	r.stats.Produced++
	r.latest, r.hasLast = f, true
	r.put(ringItem{f: f})
}

// Event queues a transient error that Next returns once, after the frames
// queued before it. An event is never dropped for a frame; when the ring is
// full of events the oldest event is dropped.
func (r *Ring) Event(err error) {
	r.mu.Lock()
	defer r.mu.Unlock()
	if r.final != nil || err == nil {
		return
	}
	r.put(ringItem{err: err})
}

// put must be called with r.mu held.
func (r *Ring) put(it ringItem) {
	if r.n == len(r.items) {
		// Drop the oldest frame; events outrank frames.
		drop := -1
		for i := 0; i < r.n; i++ {
			if r.items[(r.head+i)%len(r.items)].err == nil {
				drop = i
				break
			}
		}
		if drop < 0 {
			drop = 0
		} else {
			r.stats.Dropped++
		}
		for i := drop; i > 0; i-- {
			r.items[(r.head+i)%len(r.items)] = r.items[(r.head+i-1)%len(r.items)]
		}
		r.items[r.head] = ringItem{}
		r.head = (r.head + 1) % len(r.items)
		r.n--
	}
	r.items[(r.head+r.n)%len(r.items)] = it
	r.n++
	close(r.wake)
	r.wake = make(chan struct{})
}

// Close ends the ring: Next returns the queued items, then err (io.EOF for a
// finite source that ended, ErrClosed when the consumer closed it). The
// first Close wins.
func (r *Ring) Close(err error) {
	r.mu.Lock()
	defer r.mu.Unlock()
	if r.final != nil {
		return
	}
	if err == nil {
		err = ErrClosed
	}
	r.final = err
	close(r.wake)
	r.wake = make(chan struct{})
}

// Next returns the oldest queued frame or event, blocking until there is
// one, the ring is closed or ctx ends.
func (r *Ring) Next(ctx context.Context) (Frame, error) {
	for {
		r.mu.Lock()
		if r.n > 0 {
			it := r.items[r.head]
			r.items[r.head] = ringItem{}
			r.head = (r.head + 1) % len(r.items)
			r.n--
			if it.err == nil {
				r.stats.Delivered++
			}
			r.mu.Unlock()
			return it.f, it.err
		}
		if r.final != nil {
			err := r.final
			r.mu.Unlock()
			return Frame{}, err
		}
		wake := r.wake
		r.mu.Unlock()
		select {
		case <-wake:
		case <-ctx.Done():
			return Frame{}, ctx.Err()
		}
	}
}

// Latest returns the newest frame pushed, whether or not Next returned it.
func (r *Ring) Latest() (Frame, bool) {
	r.mu.Lock()
	defer r.mu.Unlock()
	return r.latest, r.hasLast
}

// Stats returns the ring's counters (Produced, Delivered, Dropped).
func (r *Ring) Stats() Stats {
	r.mu.Lock()
	defer r.mu.Unlock()
	return r.stats
}
