package flow

import (
	"errors"
	"fmt"

	"github.com/kycterm/kycterm/api"
	"github.com/kycterm/kycterm/capture"
)

// ErrMissingChallenge reports recorded frames that hold nothing for one of
// the server's challenges.
var ErrMissingChallenge = errors.New("no recorded frames for a challenge")

// assigner sorts recorded frames into the server's challenges: by the
// frame's label (the challenge name a recording's manifest gives) when it
// has one, else by its challenge index. Each challenge keeps an evenly
// spaced sample of its segment in bounded memory: once 4n frames are held
// every other one is dropped and the stride doubles, so a long segment
// never piles up decoded images.
type assigner struct {
	challenges []api.Challenge
	n          int
	groups     [][]capture.Frame
	seen       []int
	stride     []int
}

func newAssigner(challenges []api.Challenge, n int) *assigner {
	k := len(challenges)
	a := &assigner{challenges: challenges, n: n,
		groups: make([][]capture.Frame, k), seen: make([]int, k), stride: make([]int, k)}
	for i := range a.stride {
		a.stride[i] = 1
	}
	return a
}

// add files f under every challenge it belongs to.
func (a *assigner) add(f capture.Frame) {
	for i, c := range a.challenges {
		match := f.ChallengeIndex == i
		if f.Label != "" {
			match = f.Label == c.Type
		}
		if !match {
			continue
		}
		if a.seen[i]%a.stride[i] == 0 {
			a.groups[i] = append(a.groups[i], f)
			if len(a.groups[i]) >= 4*a.n {
				a.groups[i] = everyOther(a.groups[i])
				a.stride[i] *= 2
			}
		}
		a.seen[i]++
	}
}

func everyOther(fs []capture.Frame) []capture.Frame {
	out := fs[:0]
	for j := 0; j < len(fs); j += 2 {
		out = append(out, fs[j])
	}
	clear(fs[len(out):])
	return out
}

// pick returns n evenly spaced frames per challenge.
func (a *assigner) pick() ([][]capture.Frame, error) {
	out := make([][]capture.Frame, len(a.groups))
	for i, g := range a.groups {
		if len(g) == 0 {
			return nil, fmt.Errorf("%w: challenge %d (%s)", ErrMissingChallenge, i, a.challenges[i].Type)
		}
		out[i] = evenly(g, a.n)
	}
	return out, nil
}

// evenly picks n items spread over fs from its first to its last, or all
// of fs when it holds no more than n.
func evenly(fs []capture.Frame, n int) []capture.Frame {
	if len(fs) <= n {
		return fs
	}
	out := make([]capture.Frame, n)
	for k := range n {
		j := 0
		if n > 1 {
			j = k * (len(fs) - 1) / (n - 1)
		}
		out[k] = fs[j]
	}
	return out
}
