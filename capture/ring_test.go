package capture

import (
	"context"
	"errors"
	"io"
	"testing"
)

func TestRingDropsOldest(t *testing.T) {
	r := NewRing(3)
	for i := range 5 {
		r.Push(Frame{Seq: uint64(i)})
	}
	ctx := context.Background()
	for _, want := range []uint64{2, 3, 4} {
		f, err := r.Next(ctx)
		if err != nil || f.Seq != want {
			t.Fatalf("Next = %d, %v; want %d", f.Seq, err, want)
		}
	}
	st := r.Stats()
	if st.Produced != 5 || st.Dropped != 2 || st.Delivered != 3 {
		t.Errorf("stats %+v, want produced 5 dropped 2 delivered 3", st)
	}
	if f, ok := r.Latest(); !ok || f.Seq != 4 {
		t.Errorf("Latest = %d, %v; want 4", f.Seq, ok)
	}
}

func TestRingEventsAndClose(t *testing.T) {
	tests := []struct {
		name  string
		run   func(r *Ring)
		want  []any // uint64 seq or error
		final error
	}{
		{
			name: "event between frames",
			run: func(r *Ring) {
				r.Push(Frame{Seq: 0})
				r.Event(ErrStopped)
				r.Push(Frame{Seq: 1})
				r.Close(io.EOF)
			},
			want:  []any{uint64(0), ErrStopped, uint64(1)},
			final: io.EOF,
		},
		{
			name: "events survive a full ring",
			run: func(r *Ring) {
				r.Event(ErrDisconnected)
				for i := range 4 {
					r.Push(Frame{Seq: uint64(i)})
				}
				r.Close(nil)
			},
			want:  []any{ErrDisconnected, uint64(2), uint64(3)},
			final: ErrClosed,
		},
		{
			name: "push after close ignored",
			run: func(r *Ring) {
				r.Close(io.EOF)
				r.Push(Frame{Seq: 7})
				r.Close(ErrClosed)
			},
			final: io.EOF,
		},
	}
	for _, tc := range tests {
		t.Run(tc.name, func(t *testing.T) {
			r := NewRing(3)
			tc.run(r)
			ctx := context.Background()
			for i, w := range tc.want {
				f, err := r.Next(ctx)
				switch w := w.(type) {
				case uint64:
					if err != nil || f.Seq != w {
						t.Fatalf("item %d = %d, %v; want frame %d", i, f.Seq, err, w)
					}
				case error:
					if !errors.Is(err, w) {
						t.Fatalf("item %d = %v, want %v", i, err, w)
					}
				}
			}
			if _, err := r.Next(ctx); !errors.Is(err, tc.final) {
				t.Fatalf("final = %v, want %v", err, tc.final)
			}
		})
	}
}

func TestRingNextWaits(t *testing.T) {
	r := NewRing(2)
	got := make(chan uint64)
	go func() {
		f, err := r.Next(context.Background())
		if err != nil {
			close(got)
			return
		}
		got <- f.Seq
	}()
	r.Push(Frame{Seq: 42})
	if seq := <-got; seq != 42 {
		t.Fatalf("Next = %d, want 42", seq)
	}
	ctx, cancel := context.WithCancel(context.Background())
	cancel()
	if _, err := r.Next(ctx); !errors.Is(err, context.Canceled) {
		t.Fatalf("Next with cancelled ctx = %v", err)
	}
}

func BenchmarkRingPushNext(b *testing.B) {
	r := NewRing(4)
	ctx := context.Background()
	f := Frame{}
	for b.Loop() {
		r.Push(f)
		if _, err := r.Next(ctx); err != nil {
			b.Fatal(err)
		}
	}
}
