package flow

import (
	"errors"
	"fmt"
	"slices"

	"github.com/kycterm/kycterm/api"
	"github.com/kycterm/kycterm/capture"
)

// ErrMissingChallenge reports recorded frames that hold nothing for one of
// the server's challenges.
var ErrMissingChallenge = errors.New("no recorded frames for a challenge")

// assigner sorts recorded frames into the server's challenges: by the
// frame's label (the challenge name a recording's manifest gives) when it
// has one, else by its challenge index. Each challenge keeps two evenly
// spaced samples of its segment, the frames that showed the movement (as
// the challenge detector saw them) and the others, in bounded memory: once
// a sample holds 4n frames every other one is dropped and its stride
// doubles, so a long segment never piles up decoded images.
type assigner struct {
	challenges []api.Challenge
	n          int
	groups     []group
}

type group struct{ active, other sample }

type sample struct {
	items  []Captured
	seen   int
	stride int
}

func (s *sample) add(c Captured, limit int) {
	if s.stride == 0 {
		s.stride = 1
	}
	if s.seen%s.stride == 0 {
		s.items = append(s.items, c)
		if len(s.items) >= limit {
			s.items = everyOther(s.items)
			s.stride *= 2
		}
	}
	s.seen++
}

func newAssigner(challenges []api.Challenge, n int) *assigner {
	return &assigner{challenges: challenges, n: n, groups: make([]group, len(challenges))}
}

// indexes returns the challenges frame f belongs to.
func (a *assigner) indexes(f capture.Frame) []int {
	var out []int
	for i, c := range a.challenges {
		match := f.ChallengeIndex == i
		if f.Label != "" {
			match = f.Label == c.Type
		}
		if match {
			out = append(out, i)
		}
	}
	return out
}

// add files a frame under challenge i; active tells it showed the movement.
func (a *assigner) add(i int, c Captured, active bool) {
	g := &a.groups[i]
	if active {
		g.active.add(c, 4*a.n)
	} else {
		g.other.add(c, 4*a.n)
	}
}

func everyOther(cs []Captured) []Captured {
	out := cs[:0]
	for j := 0; j < len(cs); j += 2 {
		out = append(out, cs[j])
	}
	clear(cs[len(out):])
	return out
}

// pick returns n frames per challenge: evenly spread over those that
// showed the movement, topped up evenly from the rest, in their order.
func (a *assigner) pick() ([][]Captured, error) {
	out := make([][]Captured, len(a.groups))
	for i, g := range a.groups {
		if len(g.active.items)+len(g.other.items) == 0 {
			return nil, fmt.Errorf("%w: challenge %d (%s)", ErrMissingChallenge, i, a.challenges[i].Type)
		}
		cs := evenly(g.active.items, a.n)
		cs = append(cs, evenly(g.other.items, a.n-len(cs))...)
		slices.SortFunc(cs, func(x, y Captured) int {
			switch {
			case x.Frame.Seq < y.Frame.Seq:
				return -1
			case x.Frame.Seq > y.Frame.Seq:
				return 1
			}
			return 0
		})
		out[i] = cs
	}
	return out, nil
}

// evenly picks n items spread over cs from its first to its last, or all
// of cs when it holds no more than n.
func evenly(cs []Captured, n int) []Captured {
	if n <= 0 {
		return nil
	}
	if len(cs) <= n {
		return slices.Clone(cs)
	}
	out := make([]Captured, n)
	for k := range n {
		j := 0
		if n > 1 {
			j = k * (len(cs) - 1) / (n - 1)
		}
		out[k] = cs[j]
	}
	return out
}
